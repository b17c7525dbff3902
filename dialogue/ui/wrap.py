"""Line breaking for every text on screen: Japanese rules (禁則処理) and English words, widths in cells.

One function, `break_offsets`, decides where a line is broken; `wrap` gives the lines as strings, and
`ScreenText` is a rich `Text` whose wrapping uses it, so panels, tables, the review, the outline, the score
report and the sessions table all break lines the same way. rich alone breaks only at spaces and folds
unspaced Japanese at any character, so a line could start with 「。」 or end with 「「」.

The rules (JIS X 4051, kept small):
- 行頭禁則: no line starts with closing brackets, 、。 and other punctuation, small kana, ー or iteration marks —
  such a character takes the one before it to the next line (追い出し).
- 行末禁則: no line ends with an opening bracket — it moves to the next line with what it opens.
- Arrows and markers (→ ↳ ▶ ■ …) stay with the text that follows them.
- Latin words are not broken; a word wider than the line is folded by cells.
- Widths are terminal cells as rich counts them (CJK = 2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text as RichText

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.console import Console, ConsoleOptions, JustifyMethod, OverflowMethod
    from rich.containers import Lines
    from rich.measure import Measurement
    from rich.segment import Segment

NO_LINE_START = frozenset(
    "、。，．,.:;：；!?！？‼⁇⁈⁉)）]］}｝〕〉》」』】〙〗〟’”｠»"
    "ゝゞヽヾ々〻ー―‐゠–〜～…‥・%％℃°′″"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
)
NO_LINE_END = frozenset("([{（［｛〔〈《「『【〘〖〝‘“｟«")
MARKERS = frozenset("→←↳▶►■□●○◆◇※•✔×")
SPACES = frozenset(" \u3000\t")


def _atoms(text: str) -> list[tuple[int, int]]:
    """(start, end) of the pieces a line may be broken between: one wide (CJK) character, or a run of other
    characters without a space; trailing spaces belong to the piece before them, leading ones to the
    first piece."""
    atoms: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n and text[i] in SPACES:
        i += 1
    start = 0
    while i < n:
        if cell_len(text[i]) == 2 or text[i] in MARKERS:
            i += 1
        else:
            while i < n and text[i] not in SPACES and cell_len(text[i]) != 2 and text[i] not in MARKERS:
                i += 1
        while i < n and text[i] in SPACES and text[i] != "\u3000":
            i += 1
        atoms.append((start, i))
        start = i
    if start < n:
        atoms.append((start, n))
    return atoms


def _groups(text: str) -> list[tuple[int, int]]:
    """Atoms joined where no break is allowed between them (the 禁則 rules and markers)."""
    groups: list[tuple[int, int]] = []
    for start, end in _atoms(text):
        if groups and _glued(text, groups[-1], start):
            groups[-1] = (groups[-1][0], end)
        else:
            groups.append((start, end))
    return groups


def _glued(text: str, previous: tuple[int, int], start: int) -> bool:
    """Must the piece starting at `start` stay on the line of `previous`?"""
    before = text[previous[0]:previous[1]].rstrip()
    if not before:
        return True  # only indentation so far
    if text[start] in NO_LINE_START:
        return True
    return before[-1] in NO_LINE_END or before[-1] in MARKERS


def _fold(text: str, start: int, end: int, width: int) -> list[int]:
    """Offsets that cut text[start:end], wider than a line, into lines of at most `width` cells, never
    starting a line with a 行頭禁則 character when a character can be moved along with it."""
    cuts: list[int] = []
    used, line_start = 0, start
    for i in range(start, end):
        w = cell_len(text[i])
        if used + w > width and i > line_start:
            cut = i
            if text[i] in NO_LINE_START and i - 1 > line_start and cell_len(text[i - 1:i + 1]) <= width:
                cut = i - 1
            cuts.append(cut)
            used = cell_len(text[cut:i + 1])
            line_start = cut
        else:
            used += w
    return cuts


def break_offsets(text: str, width: int, fold: bool = True) -> list[int]:
    """Where to break one line of `text` (no newlines) so that every line fits `width` cells: the indices
    at which new lines start, as rich's `divide_line` gives them."""
    width = max(width, 1)
    if cell_len(text) <= width:  # it fits: no break (the loop below would find none either)
        return []
    offsets: list[int] = []
    used = 0
    for start, end in _groups(text):
        body = cell_len(text[start:end].rstrip(" \t"))  # as `wrap` strips: an ideographic space stays and counts
        whole = cell_len(text[start:end])
        if used and used + body > width:
            offsets.append(start)
            used = 0
        if used == 0 and body > width and fold:
            cuts = _fold(text, start, end, width)
            offsets.extend(cuts)
            used = cell_len(text[cuts[-1] if cuts else start:end])
            continue
        used += whole
    return offsets


def wrap(text: str, width: int) -> list[str]:
    """`text` as lines of at most `width` cells (each newline starts a new line; trailing spaces dropped)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        bounds = [0, *break_offsets(paragraph, width), len(paragraph)]
        lines += [paragraph[a:b].rstrip(" \t") for a, b in zip(bounds, bounds[1:], strict=False)]
    return lines


class ScreenText(RichText):
    """A rich Text whose lines break by `break_offsets` (Japanese line-breaking rules, English words).

    `Console.print` joins the Texts it is given into a new plain `Text`, which would lose this wrapping;
    `__rich__` hands rich a thin renderable instead, so every console, panel and table renders it as is."""

    def __rich__(self) -> _Rendering:
        return _Rendering(self)

    def wrap(self, console: Console, width: int, *, justify: JustifyMethod | None = None,
             overflow: OverflowMethod | None = None, tab_size: int = 8, no_wrap: bool | None = None) -> Lines:
        from rich.containers import Lines

        wrap_justify = justify or self.justify or "default"
        wrap_overflow = overflow or self.overflow or "fold"
        no_wrap = bool(no_wrap if no_wrap is not None else self.no_wrap) or overflow == "ignore"
        lines = Lines()
        for line in self.split(allow_blank=True):
            if "\t" in line:
                line.expand_tabs(tab_size)
            if no_wrap:
                if overflow == "ignore":
                    lines.append(line)
                    continue
                new_lines = Lines([line])
            else:
                new_lines = line.divide(break_offsets(str(line), width, fold=wrap_overflow == "fold"))
                for piece in new_lines:
                    piece.rstrip_end(width)
            if wrap_justify:
                new_lines.justify(console, width, justify=wrap_justify, overflow=wrap_overflow)
            for piece in new_lines:
                piece.truncate(width, overflow=wrap_overflow)
            lines.extend(new_lines)
        return lines


class _Rendering:
    """What rich renders for a ScreenText (see `ScreenText.__rich__`)."""

    def __init__(self, text: ScreenText):
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterable[Segment]:
        return self.text.__rich_console__(console, options)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return self.text.__rich_measure__(console, options)

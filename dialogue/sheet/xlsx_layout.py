"""How text fits on a worksheet: an estimate of where Excel wraps a text, and the split of a text too long
for one row into pieces for the rows below it.

Excel clips a row at 409 pt and keeps at most 32,767 characters in a cell; text beyond either is hidden or
lost. So a box whose text needs more is laid out over as many rows as it takes — each piece at most
`ROW_LINES` wrapped lines (with a margin for Excel's own font metrics) and `CELL_LIMIT` characters — and the
rows after it move down. Nothing here imports openpyxl: it is plain text arithmetic.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate

from dialogue.model.measure import char_width, display_width

MAX_ROW_HEIGHT = 409.0  # Excel's limit, in points
LINE_HEIGHT = 15.0  # points per wrapped line at the value font's size
ROW_PADDING = 4.0
CELL_LIMIT = 32_767  # characters Excel keeps in one cell
FILL = 0.9  # use 90% of a row: Excel's wrapping may need a line or two more than this estimate
# A Latin word (Excel wraps it whole), one wide character, or one space.
_TOKEN = re.compile(r"[^\s\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]+|.",
                    re.DOTALL)


# What a worksheet's XML cannot hold: control characters (Excel refuses the file; openpyxl aborts the save)
# and lone surrogates (written as a character reference no XML reader accepts, so the workbook will not open).
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def cell_text(text: str) -> str:
    """`text` as a cell can hold it: control characters left out, a lone surrogate shown as U+FFFD."""
    return _NOT_IN_XML.sub(lambda m: "\ufffd" if m.group() >= "\ud800" else "", text)


def wrap(paragraph: str, capacity: float) -> list[str]:
    """The pieces of one paragraph (no line break in it) as Excel would put them on wrapped lines;
    joined, they give the paragraph back.

    Greedy: each line takes tokens while they fit; a word longer than a line is cut anywhere. The tokens
    that fit are found by bisecting their running widths, a line at a time rather than a token at a time
    (a sheet wraps tens of thousands of characters, most of them one-character tokens)."""
    if display_width(paragraph) <= capacity:
        return [paragraph]  # the widths add up token by token, so it fits on one line exactly when this holds
    tokens = _TOKEN.findall(paragraph)
    ends = list(accumulate(map(_token_width, tokens), initial=0))  # ends[k]: width of tokens[:k]
    lines: list[str] = []
    line, width, i = "", 0.0, 0
    while i < len(tokens):
        j = max(i, bisect_right(ends, capacity - width + ends[i]) - 1)  # tokens[i:j] fit on this line
        line, width = line + "".join(tokens[i:j]), width + ends[j] - ends[i]
        if j == len(tokens):
            break
        if line:
            lines.append(line)
            line, width = "", 0.0
        i = j
        if ends[j + 1] - ends[j] > capacity:  # a word longer than the line: cut it anywhere
            for ch in tokens[j]:
                if width + char_width(ch) > capacity and line:
                    lines.append(line)
                    line, width = "", 0.0
                line, width = line + ch, width + char_width(ch)
            i = j + 1
    return [*lines, line]


@lru_cache(maxsize=65536)
def _token_width(token: str) -> int:
    return display_width(token)


def wrapped_lines(text: str, capacity: float) -> int:
    return sum(len(wrap(paragraph, capacity)) for paragraph in text.split("\n"))


def row_height(lines: int, scale: float = 1.0) -> float:
    return lines * LINE_HEIGHT * scale + ROW_PADDING


def row_lines(scale: float = 1.0) -> int:
    """Wrapped lines one row holds, with the margin."""
    return max(1, int((MAX_ROW_HEIGHT - ROW_PADDING) * FILL / (LINE_HEIGHT * scale)))


def split_for_rows(text: str, capacity: float, scale: float = 1.0) -> list[str]:
    """`text` in pieces that each fit one row; one piece when it fits already. Joined (a line break where a
    piece ended at one), the pieces give `text` back."""
    return [piece for piece, _ in split_counted(text, capacity, scale)]


def split_counted(text: str, capacity: float, scale: float = 1.0) -> list[tuple[str, int]]:
    """`split_for_rows`, each piece with the wrapped lines it was made of. For a text that stays one piece
    that is `wrapped_lines(text, capacity)`: the layout need not wrap it a second time."""
    limit = row_lines(scale)
    pieces: list[tuple[str, int]] = []
    current: list[str] = []  # this piece's text, as wrapped-line pieces and "\n"
    lines = chars = 0
    for p_index, paragraph in enumerate(text.split("\n")):
        if p_index and current:
            current.append("\n")
        for segment in wrap(paragraph, capacity):
            if current and (lines == limit or chars + len(segment) > CELL_LIMIT):
                pieces.append(("".join(current).removesuffix("\n"), lines))
                current, lines, chars = [], 0, 0
            current.append(segment)
            lines, chars = lines + 1, chars + len(segment) + 1
    pieces.append(("".join(current), lines))
    return pieces


@dataclass
class RowPlan:
    """Logical rows (the fixed layout) → worksheet rows, once some logical rows take more than one."""

    spans: dict[int, int] = field(default_factory=dict)  # logical row → worksheet rows it takes (≥ 1)

    def need(self, row: int, rows: int) -> None:
        self.spans[row] = max(self.spans.get(row, 1), rows)

    def first(self, row: int) -> int:
        """The worksheet row where logical row `row` starts."""
        return row + sum(span - 1 for r, span in self.spans.items() if r < row)

    def last(self, row: int) -> int:
        """The worksheet row where logical row `row` ends."""
        return self.first(row) + self.spans.get(row, 1) - 1

    @property
    def grown(self) -> bool:
        return any(span > 1 for span in self.spans.values())

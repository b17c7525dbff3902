"""Fitting what is shown for a question into the terminal's height, so the question stays in view.

A screen is made of parts, each with how long it is kept: the question, its answer format and the input's
offer are never cut; guidance, the recap and the hints are cut (to a last line `…`) or left out, the least
important first, until the whole block fits above the input line and the toolbar. Parts are rendered to
lines at the width they will have, so what is counted is exactly what is printed.
"""

from __future__ import annotations

from dataclasses import field

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.segment import Segment
from rich.text import Text

from dialogue.record import Record, record

MUST = 1_000  # `keep` of a part that is never cut
PROMPT_ROWS = 2  # the input line and the toolbar under the block


@record
class Part(Record):
    renderable: RenderableType
    keep: int = MUST  # the higher, the longer it stays when space is short
    least: int = 0  # lines kept at least once cut (0: it may go entirely)


@record
class Screen(Record):
    """What is printed for one question: parts above a panel, the panel's parts, parts below it."""

    before: list[Part] = field(default_factory=list)
    panel: list[Part] = field(default_factory=list)
    after: list[Part] = field(default_factory=list)
    title: Text | None = None
    border_style: str = "cyan"


class Rendered:
    """Lines already rendered, as a renderable (printed as they are, never wrapped again)."""

    def __init__(self, lines: list[list[Segment]]):
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines:
            yield from line
            yield Segment.line()


def render(console: Console, renderable: RenderableType, width: int) -> list[list[Segment]]:
    return console.render_lines(renderable, console.options.update(width=max(width, 1), height=None), pad=False)


class Fitted:
    """A screen fitted when it is printed (the console's width decides its lines)."""

    def __init__(self, screen: Screen, rows: int | None = None):
        self.screen, self.rows = screen, rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield fitted(console, self.screen, self.rows, options.max_width)


def fitted(console: Console, screen: Screen, rows: int | None, width: int | None = None) -> RenderableType:
    """The screen as one renderable, cut to at most `rows` lines (None: nothing is cut)."""
    width = width or console.width
    inner = width - 4  # the panel's border and padding
    parts = [(p, width) for p in screen.before] + [(p, inner) for p in screen.panel] + \
            [(p, width) for p in screen.after]
    lines = [render(console, p.renderable, w) for p, w in parts]
    frame = 2 if screen.panel else 0
    if rows is not None:
        _cut([p for p, _ in parts], lines, [w for _, w in parts], sum(map(len, lines)) + frame - rows)
    first, second = len(screen.before), len(screen.before) + len(screen.panel)
    shown: list[RenderableType] = [Rendered(x) for x in lines[:first]]
    if screen.panel:
        shown.append(Panel(Rendered([line for x in lines[first:second] for line in x]), title=screen.title,
                           title_align="left", border_style=screen.border_style))
    shown += [Rendered(x) for x in lines[second:]]
    return Group(*shown)


def _cut(parts: list[Part], lines: list[list[list[Segment]]], widths: list[int], over: int) -> None:
    """Remove `over` lines, from the parts kept least long first; a cut part's last line ends with `…`."""
    for index in sorted(range(len(parts)), key=lambda i: parts[i].keep):
        if over <= 0 or parts[index].keep >= MUST:
            return
        have, least = len(lines[index]), parts[index].least
        keep = max(have - over, least)
        if keep >= have:
            continue
        if keep <= 1 and least == 0:
            keep = 0
        over -= have - keep
        lines[index] = lines[index][:keep]
        if keep:
            last = lines[index][-1]
            room = widths[index] - 1
            if Segment.get_line_length(last) > room:
                last = Segment.adjust_line_length(last, room)
            lines[index][-1] = [*last, Segment("…", last[-1].style if last else None)]

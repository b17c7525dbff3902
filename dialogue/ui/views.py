"""The long views: the draft sheet (/review), every field (/outline), the commands (/help) and the recap
before a section. In a terminal they open in the pager (dialogue.ui.pager) when taller than the screen.
Text from people is shown cut (dialogue.ui.text.cut) with its full length, whatever its size."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.panel import Panel

from dialogue.i18n import say
from dialogue.ui.text import cut, plain

REVIEW_CHARS = 400  # of each answer in the review and the recap: an overview; the sheet has every word

if TYPE_CHECKING:
    from dialogue.sheet.data import FieldView, SheetData


def captured_lines(view: FieldView, lang: str) -> str:
    """A filled field's answers, then what the probes drew out (↳), each cut for an overview (with its full
    length)."""
    lines = [cut(e.display, REVIEW_CHARS, lang) for e in view.entries]
    lines += [f"↳ {cut(a, REVIEW_CHARS, lang)}" for e in view.entries for _, a in e.followups]
    return "\n".join(lines)


def recap(sheet: SheetData, field_ids: tuple[str, ...], lang: str) -> RenderableType | None:
    """What was heard so far for these fields — main answers and what the probes drew out."""
    from rich.table import Table  # (here: the question screen, drawn at every start, has no table)

    table = Table(show_header=False, box=None, pad_edge=False, expand=True)
    table.add_column(ratio=1, overflow="fold", style="bold")
    table.add_column(ratio=3, overflow="fold")
    rows = 0
    for field_id in field_ids:
        view = sheet.field(field_id)
        if view.entries:
            table.add_row(plain(view.label), plain(captured_lines(view, lang), limit=None))
            rows += 1
    return Panel(table, title=plain(say("ui.recap", lang)), border_style="green") if rows else None


def draft_sheet(sheet: SheetData, lang: str) -> RenderableType:
    """The review screen: every field of the sheet with what has been captured (long text cut)."""
    from rich.table import Table  # (here: the question screen, drawn at every start, has no table)

    table = Table(title=plain(say("ui.review_title", lang)), show_lines=True, expand=True)
    table.add_column(plain(sheet.labels["field"]), ratio=2, overflow="fold", style="bold")
    table.add_column(plain(sheet.labels["captured"]), ratio=5, overflow="fold")
    for group in sheet.groups:
        table.add_section()
        for view in group.fields:
            if view.status == "filled":
                table.add_row(plain(view.label), plain(captured_lines(view, lang), limit=None))
            else:
                table.add_row(plain(view.label), plain(sheet.labels[view.status], "dim"))
    return table


def outline(sheet: SheetData, lang: str) -> RenderableType:
    """Every sheet field with a mark for what is filled: for meeting mode and the second visit."""
    from rich.table import Table  # (here: the question screen, drawn at every start, has no table)

    table = Table(title=plain(say("ui.outline_title", lang)), show_header=False, box=None, expand=True,
                  padding=(0, 1))
    table.add_column(width=2, no_wrap=True)
    table.add_column(ratio=3, overflow="fold")
    table.add_column(ratio=2, overflow="fold", style="dim")
    marks = {"filled": "●", "skipped": "×"}
    for group in sheet.groups:
        table.add_row("", plain(group.label, "bold cyan"), "")
        for view in group.fields:
            table.add_row(marks.get(view.status, "○"), plain(view.label), plain(view.id))
    return table


def help_screen(lines: list[tuple[str, str]], lang: str) -> RenderableType:
    """`/help`: every slash command with what it does, and the keys."""
    from rich.table import Table  # (here: the question screen, drawn at every start, has no table)

    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold")
    for usage, text in lines:
        grid.add_row(plain(usage), plain(text))
    keys = Table.grid(padding=(0, 2))
    keys.add_column(no_wrap=True, style="bold")
    keys.add_column(overflow="fold")
    for key in ("enter", "newline", "up", "f2", "tab", "ctrl_c"):
        keys.add_row(plain(say(f"ui.key_{key}", lang)), plain(say(f"ui.key_{key}.what", lang)))
    return Group(plain(say("ui.help_title", lang), "bold"), grid, plain(""), plain(say("ui.help_keys", lang), "bold"),
                 keys)

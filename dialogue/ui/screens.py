"""What the interviewer sees, as rich renderables (no input here): questions, probes, recaps, the draft.
Every text from the bank or from people goes through `plain()`: shown literally, controls made visible."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text as RichText

from dialogue.engine import Step
from dialogue.i18n import has, say
from dialogue.model import Bank, Question
from dialogue.model.elements import ELEMENTS
from dialogue.model.sheet_fields import FIELDS_BY_ID
from dialogue.ui.text import plain

if TYPE_CHECKING:
    from dialogue.sheet.data import SheetData


def section_header(bank: Bank, step: Step, lang: str) -> RenderableType:
    assert step.question is not None
    section = bank.section(step.question.section_id)
    parts: list[RenderableType] = [plain(f"■ {section.title.get(lang)}", "bold cyan")]
    if section.guidance:
        parts.append(plain(f"{say('ui.guidance', lang)}: {section.guidance.get(lang)}", "yellow", limit=None))
    return Group(*parts)


def recap(sheet: SheetData, field_ids: tuple[str, ...], lang: str) -> RenderableType | None:
    """What was heard so far for these fields — main answers and what the probes drew out."""
    table = Table(show_header=False, box=None, pad_edge=False, expand=True)
    table.add_column(ratio=1, overflow="fold", style="bold")
    table.add_column(ratio=3, overflow="fold")
    rows = 0
    for field_id in field_ids:
        view = sheet.field(field_id)
        lines = [e.display for e in view.entries] + [f"↳ {a}" for e in view.entries for _, a in e.followups]
        if lines:
            table.add_row(plain(view.label), plain("\n".join(lines)))
            rows += 1
    return Panel(table, title=say("ui.recap", lang), border_style="green") if rows else None


def question_panel(bank: Bank, step: Step, lang: str, show_hints: bool) -> RenderableType:
    q = step.question
    assert q is not None
    p = step.progress
    title = f"{say('ui.section', lang, n=p.section_index, m=p.section_count)} · " \
            f"{say('ui.answered', lang, a=p.answered, b=p.applicable)}"
    body: list[RenderableType] = [plain(q.text.get(lang), "bold")]
    if q.voice == "supporter":
        body.append(plain(say("ui.voice_supporter", lang), "magenta"))
    body.extend(_format_lines(q, lang))
    if show_hints:
        for key, text in (("ui.guidance", q.guidance), ("ui.purpose", q.purpose), ("ui.listen_for", q.hint),
                          ("ui.example", q.example)):
            if text:
                body.append(plain(f"{say(key, lang)}: {text.get(lang)}", "yellow" if key == "ui.guidance" else "dim"))
    if step.flagged:
        body.append(plain(say("ui.flag_mark", lang), "bold red"))
    answer = step.current_answer
    if answer is not None and step.state == "asking":
        shown = say(f"ui.status_{answer.status}", lang) if answer.is_status else answer.raw
        body.append(plain(f"{say('ui.current_answer', lang)}: {shown}", "green"))
    return Panel(Group(*body), title=title, title_align="left", border_style="cyan")


def probe_panel(step: Step, lang: str) -> RenderableType:
    q = step.question
    assert q is not None and step.probe_text is not None
    title = say("ui.probe", lang, i=step.probe_number or step.probe + 1, n=step.probe_budget or len(q.probes))
    body: list[RenderableType] = [plain(q.text.get(lang), "dim"), plain(step.probe_text.get(lang), "bold")]
    if has(f"ui.probe_why_{step.probe_reason}"):  # why this probe; absent in journals before the reasons
        element = ELEMENTS[step.probe_element].label(lang) if step.probe_element in ELEMENTS else ""
        body.append(plain(say(f"ui.probe_why_{step.probe_reason}", lang, element=element), "magenta"))
    body.append(plain(say("ui.probe_keys", lang), "dim"))
    return Panel(Group(*body), title=title, title_align="left", border_style="magenta")


def reminder(step: Step, lang: str) -> RenderableType | None:
    """The current question or probe in one line, shown again after a message or a command."""
    q = step.question
    if q is None or step.state not in ("asking", "probing"):
        return None
    text = step.probe_text.get(lang) if step.state == "probing" and step.probe_text else q.text.get(lang)
    return plain(f"▶ {text}", "cyan")


def offer_key(step: Step) -> str:
    """The message that says what Enter keeps for this question ("" when nothing is offered)."""
    if step.draft:
        return "ui.offered_draft"
    if step.current_answer is not None and not step.current_answer.is_status:
        return ""  # the panel shows the answer so far; the placeholder says Enter keeps it
    if step.parked:
        return "ui.offered_parked"
    return "ui.offered_prefill" if step.prefill else ""


def _format_lines(q: Question, lang: str) -> list[RenderableType]:
    lines: list[RenderableType] = []
    if q.type == "choice":
        lines.append(plain(say("ui.choices", lang), "dim"))
        for i, choice in enumerate(q.choices, start=1):
            lines.append(plain(f"  {i}. {choice.label.get(lang)}  ({choice.id})"))
    elif q.type == "number":
        unit = q.unit.get(lang) if q.unit else "-"
        lines.append(plain(say("ui.fmt_number", lang, unit=unit), "dim"))
    elif q.type == "list":
        lines.append(plain(say("ui.fmt_list", lang), "dim"))
    elif q.type == "group":
        fields = " | ".join(f.label.get(lang) for f in q.fields)
        lines.append(plain(say("ui.fmt_group", lang, fields=fields), "dim"))
    if q.suggested_items:
        lines.append(plain(say("ui.suggested", lang, n=q.suggested_items), "dim"))
    return lines


def draft_sheet(sheet: SheetData, lang: str) -> RenderableType:
    """The review screen: every field of the sheet with what has been captured (long text cut)."""
    table = Table(title=say("ui.review_title", lang), show_lines=True, expand=True)
    table.add_column(sheet.labels["field"], ratio=2, overflow="fold", style="bold")
    table.add_column(sheet.labels["captured"], ratio=5, overflow="fold")
    for group in sheet.groups:
        table.add_section()
        for view in group.fields:
            if view.status == "filled":
                lines = [e.display for e in view.entries] + [f"↳ {a}" for e in view.entries for _, a in e.followups]
                table.add_row(plain(view.label), plain("\n".join(lines)))
            else:
                table.add_row(plain(view.label), plain(sheet.labels[view.status], "dim"))
    return table


def meeting_line(step: Step, lang: str) -> RenderableType:
    """Meeting mode: one compact line — where we are and what the field holds so far."""
    q = step.question
    assert q is not None
    labels = " / ".join(FIELDS_BY_ID[f].label(lang) for f in q.fills)
    line = RichText()
    line.append_text(plain(f"▶ {labels}", "bold cyan"))
    line.append_text(plain(f"  ({q.id}) ", "dim"))
    line.append_text(plain(q.text.get(lang), "dim"))
    if q.type == "choice":
        line.append_text(plain("\n  " + "  ".join(f"{i}.{c.label.get(lang)}" for i, c in enumerate(q.choices, 1))))
    answer = step.current_answer
    if answer is not None:
        choice = q.choice(str(answer.value)) if q.type == "choice" else None
        if answer.is_status:
            shown = say(f"ui.status_{answer.status}", lang)
        elif choice is not None:
            shown = choice.label.get(lang)
        else:
            shown = answer.raw
        line.append_text(plain(f"\n  ✔ {shown}", "green"))
    return line


def outline(sheet: SheetData, lang: str) -> RenderableType:
    """Every sheet field with a mark for what is filled: for meeting mode and the second visit."""
    table = Table(title=say("ui.outline_title", lang), show_header=False, box=None, expand=True, padding=(0, 1))
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
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold")
    for usage, text in lines:
        grid.add_row(plain(usage), plain(text))
    return Group(plain(say("ui.help_title", lang), "bold"), grid, plain(say("ui.help_keys", lang), "dim"))

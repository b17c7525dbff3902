"""What the interviewer sees, as rich renderables (no input here): questions, probes, recaps, the draft."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text as RichText

from dialogue.engine import Step
from dialogue.model import Bank, Question
from dialogue.model.elements import ELEMENTS
from dialogue.ui.messages import MESSAGES, say

if TYPE_CHECKING:
    from dialogue.sheet.data import SheetData


def section_header(bank: Bank, step: Step, lang: str) -> RenderableType:
    assert step.question is not None
    section = bank.section(step.question.section_id)
    parts: list[RenderableType] = [RichText(f"■ {section.title.get(lang)}", style="bold cyan")]
    if section.guidance:
        parts.append(RichText(f"{say('guidance', lang)}: {section.guidance.get(lang)}", style="yellow"))
    return Group(*parts)


def recap(sheet: SheetData, field_ids: tuple[str, ...], lang: str) -> RenderableType | None:
    table = Table(show_header=False, box=None, pad_edge=False, expand=True)
    table.add_column(ratio=1, overflow="fold", style="bold")
    table.add_column(ratio=3, overflow="fold")
    rows = 0
    for field_id in field_ids:
        view = sheet.field(field_id)
        text = "\n".join(e.display for e in view.entries)
        if text:
            table.add_row(view.label, text)
            rows += 1
    return Panel(table, title=say("recap", lang), border_style="green") if rows else None


def question_panel(bank: Bank, step: Step, lang: str, show_hints: bool) -> RenderableType:
    q = step.question
    assert q is not None
    p = step.progress
    title = f"{say('section', lang, n=p.section_index, m=p.section_count)} · {say('answered', lang, a=p.answered, b=p.applicable)}"
    body: list[RenderableType] = []
    if q.guidance:
        body.append(RichText(f"{say('guidance', lang)}: {q.guidance.get(lang)}", style="yellow"))
    body.append(RichText(q.text.get(lang), style="bold"))
    if q.voice == "supporter":
        body.append(RichText(say("voice_supporter", lang), style="magenta"))
    body.extend(_format_lines(q, lang))
    if show_hints:
        for key, text in (("purpose", q.purpose), ("listen_for", q.hint), ("example", q.example)):
            if text:
                body.append(RichText(f"{say(key, lang)}: {text.get(lang)}", style="dim"))
    if step.flagged:
        body.append(RichText(say("flag_mark", lang), style="bold red"))
    answer = step.current_answer
    if answer is not None and step.state == "asking":
        shown = say(f"status_{answer.status}", lang) if answer.is_status else answer.raw
        body.append(RichText(f"{say('current_answer', lang)}: {shown}", style="green"))
    return Panel(Group(*body), title=title, title_align="left", border_style="cyan")


def probe_panel(step: Step, lang: str) -> RenderableType:
    q = step.question
    assert q is not None and step.probe is not None
    title = say("probe", lang, i=step.probe_index + 1, n=len(q.probes))
    lines = [RichText(step.probe.get(lang), style="bold")]
    if f"probe_why_{step.probe_reason}" in MESSAGES:  # why this probe; absent in journals before the reasons
        element = ELEMENTS[step.probe_element].label(lang) if step.probe_element in ELEMENTS else ""
        lines.append(RichText(say(f"probe_why_{step.probe_reason}", lang, element=element), style="magenta"))
    lines.append(RichText(say("probe_help", lang), style="dim"))
    return Panel(Group(*lines), title=title, title_align="left", border_style="magenta")


def _format_lines(q: Question, lang: str) -> list[RenderableType]:
    lines: list[RenderableType] = []
    if q.type == "choice":
        lines.append(RichText(say("choices", lang), style="dim"))
        for i, choice in enumerate(q.choices, start=1):
            lines.append(RichText(f"  {i}. {choice.label.get(lang)}  ({choice.id})"))
    elif q.type == "number":
        unit = q.unit.get(lang) if q.unit else "-"
        lines.append(RichText(say("fmt_number", lang, unit=unit), style="dim"))
    elif q.type == "list":
        lines.append(RichText(say("fmt_list", lang), style="dim"))
    elif q.type == "group":
        fields = " | ".join(f.label.get(lang) for f in q.fields)
        lines.append(RichText(say("fmt_group", lang, fields=fields), style="dim"))
    if q.suggested_items:
        lines.append(RichText(say("suggested", lang, n=q.suggested_items), style="dim"))
    return lines


def draft_sheet(sheet: SheetData, lang: str) -> RenderableType:
    """The review screen: every field of the sheet with what has been captured."""
    table = Table(title=say("review_title", lang), show_lines=True, expand=True)
    table.add_column(sheet.labels["field"], ratio=2, overflow="fold", style="bold")
    table.add_column(sheet.labels["captured"], ratio=5, overflow="fold")
    for group in sheet.groups:
        table.add_section()
        for view in group.fields:
            if view.status == "filled":
                text = "\n".join(e.display for e in view.entries)
                extra = [f"↳ {a}" for e in view.entries for _, a in e.followups]
                table.add_row(view.label, "\n".join([text, *extra]))
            else:
                table.add_row(view.label, RichText(sheet.labels[view.status], style="dim"))
    return table


def meeting_line(step: Step, lang: str) -> RenderableType:
    """Meeting mode: one compact line — where we are and what the field holds so far."""
    q = step.question
    assert q is not None
    from dialogue.model.sheet_fields import FIELDS_BY_ID

    labels = " / ".join(FIELDS_BY_ID[f].label(lang) for f in q.fills)
    line = RichText()
    line.append(f"▶ {labels}", style="bold cyan")
    line.append(f"  ({q.id}) ", style="dim")
    line.append(q.text.get(lang), style="dim")
    if q.type == "choice":
        line.append("\n  " + "  ".join(f"{i}.{c.label.get(lang)}" for i, c in enumerate(q.choices, 1)))
    answer = step.current_answer
    if answer is not None:
        if answer.is_status:
            shown = say(f"status_{answer.status}", lang)
        elif q.type == "choice" and q.choice(str(answer.value)):
            shown = q.choice(str(answer.value)).label.get(lang)  # type: ignore[union-attr]
        else:
            shown = answer.raw
        line.append(f"\n  ✔ {shown}", style="green")
    return line


def outline(sheet: SheetData, lang: str) -> RenderableType:
    """Every sheet field with a mark for what is filled: for meeting mode and the second visit."""
    table = Table(title=say("outline_title", lang), show_header=False, box=None, expand=True, padding=(0, 1))
    table.add_column(width=2, no_wrap=True)
    table.add_column(ratio=3, overflow="fold")
    table.add_column(ratio=2, overflow="fold", style="dim")
    marks = {"filled": "●", "skipped": "×"}
    for group in sheet.groups:
        table.add_row("", RichText(group.label, style="bold cyan"), "")
        for view in group.fields:
            table.add_row(marks.get(view.status, "○"), view.label, view.id)
    return table

"""What the interviewer sees for the current question, as parts that dialogue.ui.layout fits to the
terminal's height: the question to read aloud first and always whole; the manners reminder, the recap and
the hints (purpose, what to listen for, an example) after it, cut when the screen is short. No input here.
Every text from the bank or from people goes through `plain()`: shown literally, controls made visible.
Long views (review, outline, help) are in dialogue.ui.views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import RenderableType

from dialogue.engine import Step
from dialogue.i18n import has, say
from dialogue.model import Bank, Question
from dialogue.model.elements import ELEMENTS
from dialogue.model.sheet_fields import FIELDS_BY_ID
from dialogue.ui.layout import Fitted, Part, Screen
from dialogue.ui.text import joined, plain
from dialogue.ui.views import draft_sheet, help_screen, outline, recap

if TYPE_CHECKING:
    from dialogue.sheet.data import SheetData

# How long each part stays when the screen is short (dialogue.ui.layout.MUST parts never go).
KEEP_ANSWER, KEEP_FOLD, KEEP_MANNERS, KEEP_GUIDANCE, KEEP_RECAP = 60, 50, 40, 35, 30
KEEP_PURPOSE, KEEP_LISTEN, KEEP_EXAMPLE, KEEP_SPACING = 20, 15, 10, 5
ANSWER_LINES = 2  # the answer so far keeps at least its first line and `…`
HINT_KEYS = (("ui.purpose", KEEP_PURPOSE), ("ui.listen_for", KEEP_LISTEN), ("ui.example", KEEP_EXAMPLE))


def section_parts(bank: Bank, step: Step, lang: str, manners: bool, sheet: SheetData | None) -> list[Part]:
    """A new section: a blank line, its title, its manners reminder (once per section and visit) and, where
    the bank asks for one, what was heard so far."""
    assert step.question is not None
    section = bank.section(step.question.section_id)
    parts = [Part(plain(""), KEEP_SPACING), Part(plain(f"■ {section.title.get(lang)}", "bold cyan"))]
    if manners and section.guidance:
        parts.append(Part(plain(f"{say('ui.guidance', lang)}: {section.guidance.get(lang)}", "yellow", limit=None),
                          KEEP_MANNERS))
    if section.recap and sheet is not None:
        shown = recap(sheet, section.recap, lang)
        if shown is not None:
            parts.append(Part(shown, KEEP_RECAP))
    return parts


def question_screen(bank: Bank, step: Step, lang: str, hints: bool, before: list[Part]) -> Screen:
    """Guided mode: the question first, then how to answer, the flag, the answer so far, the question's
    manners reminder, and the hints (or the line saying F2 shows them)."""
    q = step.question
    assert q is not None
    p = step.progress
    title = plain(f"{say('ui.section', lang, n=p.section_index, m=p.section_count)} · "
                  f"{say('ui.answered', lang, a=p.answered, b=p.applicable)}")
    panel = [Part(plain(q.text.get(lang), "bold"))]
    if q.voice == "supporter":
        panel.append(Part(plain(say("ui.voice_supporter", lang), "magenta")))
    panel += [Part(line) for line in format_lines(q, lang)]
    panel += flag_parts(step, lang)
    answer = step.current_answer
    if answer is not None and step.state == "asking":
        shown = say(f"ui.status_{answer.status}", lang) if answer.is_status else answer.raw
        panel.append(Part(plain(f"{say('ui.current_answer', lang)}: {shown}", "green"), KEEP_ANSWER, ANSWER_LINES))
    if q.guidance:
        panel.append(Part(plain(f"{say('ui.guidance', lang)}: {q.guidance.get(lang)}", "yellow"), KEEP_GUIDANCE))
    panel += hint_parts(q, lang, hints)
    after = [Part(plain(say(key, lang), "green"))] if (key := offer_key(step)) and step.mode == "guided" else []
    return Screen(before, panel, after, title, "cyan")


def hint_parts(q: Question, lang: str, hints: bool) -> list[Part]:
    texts = [(key, keep, text) for (key, keep), text in zip(HINT_KEYS, (q.purpose, q.hint, q.example), strict=True)
             if text]
    if not texts:
        return []
    if not hints:
        names = say("ui.list_separator", lang).join(say(key, lang) for key, _, _ in texts)
        return [Part(plain(say("ui.hints_folded", lang, what=names), "dim"), KEEP_FOLD)]
    return [Part(plain(f"{say(key, lang)}: {text.get(lang)}", "dim"), keep) for key, keep, text in texts]


def flag_parts(step: Step, lang: str) -> list[Part]:
    """【次回確認】 with the note written when it was flagged."""
    if not step.flagged:
        return []
    note = f" {step.flag_note}" if step.flag_note else ""
    return [Part(plain(say("ui.flag_mark", lang) + note, "bold red"))]


def probe_screen(step: Step, lang: str, before: list[Part]) -> Screen:
    """A probe, under the main question it belongs to, with why it comes and the keys."""
    q = step.question
    assert q is not None and step.probe_text is not None
    title = plain(say("ui.probe", lang, i=step.probe_number or step.probe + 1, n=step.probe_budget or len(q.probes)))
    panel = [Part(plain(q.text.get(lang), "dim")), Part(plain(f"↳ {step.probe_text.get(lang)}", "bold"))]
    if has(f"ui.probe_why_{step.probe_reason}"):  # why this probe; absent in journals before the reasons
        element = ELEMENTS[step.probe_element].label(lang) if step.probe_element in ELEMENTS else ""
        panel.append(Part(plain(say(f"ui.probe_why_{step.probe_reason}", lang, element=element), "magenta")))
    panel.append(Part(plain(say("ui.probe_keys", lang), "dim")))
    return Screen(before, panel, [], title, "magenta")


def probe_panel(step: Step, lang: str) -> RenderableType:
    """The probe's panel alone, whatever the height."""
    return Fitted(probe_screen(step, lang, []))


def meeting_screen(step: Step, lang: str, before: list[Part]) -> Screen:
    """Meeting mode: one compact line — where we are and what the field holds so far — and, when text was
    parked for this field, what Enter does with it."""
    q = step.question
    assert q is not None
    labels = " / ".join(FIELDS_BY_ID[f].label(lang) for f in q.fills)
    body = [Part(joined(plain(f"▶ {labels}", "bold cyan"), plain(f"  ({q.id}) ", "dim"), plain(q.text.get(lang), "dim")))]
    if q.type == "choice":
        body.append(Part(plain("  " + "  ".join(f"{i}.{c.label.get(lang)}" for i, c in enumerate(q.choices, 1)))))
    body += flag_parts(step, lang)
    answer = step.current_answer
    if answer is not None:
        choice = q.choice(str(answer.value)) if q.type == "choice" else None
        if answer.is_status:
            shown = say(f"ui.status_{answer.status}", lang)
        elif choice is not None:
            shown = choice.label.get(lang)
        else:
            shown = answer.raw
        body.append(Part(plain(f"  ✔ {shown}", "green"), KEEP_ANSWER, ANSWER_LINES))
    offered = meeting_offer(step)
    if offered:
        key = "ui.meeting_offered_draft" if step.draft else "ui.meeting_offered_parked"
        body.append(Part(plain(say(key, lang, text=offered), "green"), KEEP_ANSWER, ANSWER_LINES))
    return Screen(before, [], body)


def meeting_offer(step: Step) -> str:
    """What an empty Enter takes in, in meeting mode: an interrupted draft, else text parked for this
    field (then the next empty Enter moves on)."""
    if step.draft:
        return step.draft
    return "\n".join(p.text for p in step.parked)


def reminder(step: Step, lang: str) -> RenderableType | None:
    """The current question (and the probe on offer) again, shown after a message or a command."""
    q = step.question
    if q is None or step.state not in ("asking", "probing"):
        return None
    if step.state == "probing" and step.probe_text is not None:
        return joined(plain(f"▶ {q.text.get(lang)}\n", "dim cyan"), plain(f"↳ {step.probe_text.get(lang)}", "cyan"))
    return plain(f"▶ {q.text.get(lang)}", "cyan")


def offer_key(step: Step) -> str:
    """The message that says what Enter keeps for this question ("" when nothing is offered)."""
    if step.draft:
        return "ui.offered_draft"
    if step.current_answer is not None and not step.current_answer.is_status:
        return ""  # the panel shows the answer so far; the placeholder says Enter keeps it
    if step.parked:
        return "ui.offered_parked"
    return "ui.offered_prefill" if step.prefill else ""


def format_lines(q: Question, lang: str) -> list[RenderableType]:
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


__all__ = ["draft_sheet", "help_screen", "meeting_screen", "outline", "probe_panel", "probe_screen",
           "question_screen", "recap", "reminder", "section_parts"]

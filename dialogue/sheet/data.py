"""Transcript → SheetData: every decision about what the sheet shows is made here, none in templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dialogue.i18n import CATALOGUES
from dialogue.model import Question, Transcript
from dialogue.model.measure import answer_size, item_count
from dialogue.model.placeholders import fill
from dialogue.model.sheet_fields import GROUPS, SHEET_FIELDS, SheetField


def _labels(lang: str) -> dict[str, str]:
    """The sheet's words in `lang`, from the catalogue (`sheet.<key>`)."""
    prefix = "sheet."
    return {key.removeprefix(prefix): text for key, text in CATALOGUES[lang].items() if key.startswith(prefix)}


LABELS: dict[str, dict[str, str]] = {lang: _labels(lang) for lang in CATALOGUES}

# Where the printed sheets (HTML, Excel) put the fields; the official sheet's layout, in one place.
HEADER_FIELDS: tuple[str, ...] = ("company.name", "company.representative", "company.location",
                                  "company.industry", "company.employees", "company.founded")
PRINTED_STEPS = 5  # the official sheet prints five business-flow boxes
# 仕入先 → 協力先 → 自社 → 得意先 → エンドユーザー; None is the company itself.
COMMERCIAL_FLOW: tuple[str | None, ...] = ("commercial_flow.suppliers", "commercial_flow.partners", None,
                                           "commercial_flow.customers", "commercial_flow.end_users")
PERSPECTIVES: tuple[str, ...] = ("management", "business", "environment", "internal")
SUMMARY_CHAIN: tuple[str, ...] = ("summary.current_state", "summary.future_goal", "summary.issues",
                                  "summary.actions")


@dataclass(frozen=True, slots=True)
class Entry:
    """One answer that feeds a field, with what was learnt by probing and the notes taken on it."""

    question_id: str
    question_text: str
    voice: str
    value: Any
    display: str  # the value as text (choice labels resolved)
    followups: tuple[tuple[str, str], ...]  # (probe, answer)
    notes: tuple[str, ...]
    question_type: str = "text"  # the question's answer type: text | choice | number | list | group
    answered_at: str = ""
    source: str = ""  # owner | document | estimate, or ""
    source_detail: str = ""  # e.g. which document
    changed: bool | None = None  # against an earlier interview's answer (prefill); None: no earlier answer
    plain: str = ""  # `display` without the source and change marks


@dataclass(frozen=True, slots=True)
class FieldView:
    id: str
    label: str
    shape: str
    status: str  # filled | skipped | not_asked | unknown | declined | not_applicable
    entries: tuple[Entry, ...]
    records: tuple[dict[str, str], ...]  # steps / parties / end users, merged over entries
    flagged: bool = False  # some question of this field is flagged to confirm at the next visit

    @property
    def chars(self) -> int:
        return sum(answer_size(e.value) + sum(len(a) for _, a in e.followups) for e in self.entries)

    @property
    def owner_entries(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.voice != "supporter")

    @property
    def supporter_entries(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.voice == "supporter")

    @property
    def views(self) -> tuple[tuple[str, tuple[Entry, ...]], ...]:
        """Entries split by voice for printing: `(("", entries),)` when all are the owner's, else
        `(("owner", …), ("supporter", …))` with empty voices left out. Labels come from LABELS[voice]."""
        supporter = self.supporter_entries
        if not supporter:
            return (("", self.entries),) if self.entries else ()
        return tuple((voice, entries) for voice, entries in (("owner", self.owner_entries), ("supporter", supporter))
                     if entries)

    @property
    def recap_lines(self) -> tuple[str, ...]:
        """What was captured for a recap before a section (「ここまでの振り返り」): each answer, then what
        the owner added when probed, marked 「↳」 — so the summary the interviewer reads back is complete."""
        lines: list[str] = []
        for entry in self.entries:
            lines.append(entry.display)
            lines += [f"↳ {answer}" for _, answer in entry.followups]
        return tuple(lines)


@dataclass(frozen=True, slots=True)
class GroupView:
    id: str
    label: str
    fields: tuple[FieldView, ...]


@dataclass(frozen=True, slots=True)
class Richness:
    section_id: str
    title: str
    chars: int
    items: int
    fields_filled: int
    fields_total: int

    @property
    def share(self) -> float:
        return self.fields_filled / self.fields_total if self.fields_total else 0.0


@dataclass(frozen=True, slots=True)
class MissingItem:
    field_id: str
    label: str
    reason: str  # skipped | empty_required | flagged | parked | unknown | declined | not_applicable
    question_text: str
    detail: str = ""  # the flag's note, or the parked text

    def why(self, labels: dict[str, str]) -> str:
        """Why it is on the list, in the sheet's language, with the flag note or parked text."""
        key = {"skipped": "skipped_q"}.get(self.reason, self.reason)
        text = labels.get(key, self.reason).strip("【】[]")
        return f"{text}: {self.detail}" if self.detail else text


@dataclass(frozen=True, slots=True)
class PreviousAnswer:
    question_id: str
    text: str
    answered_at: str


@dataclass(frozen=True)
class SheetData:
    lang: str
    labels: dict[str, str]
    session_id: str
    bank_id: str
    bank_version: str
    company: str
    started: str
    last: str
    state: str
    groups: tuple[GroupView, ...]
    missing: tuple[MissingItem, ...]
    richness: tuple[Richness, ...]
    previous_answers: tuple[PreviousAnswer, ...] = ()
    has_sources: bool = False

    def field(self, field_id: str) -> FieldView:
        return next(f for g in self.groups for f in g.fields if f.id == field_id)

    def group(self, group_id: str) -> GroupView:
        return next(g for g in self.groups if g.id == group_id)

    @property
    def fields(self) -> tuple[FieldView, ...]:
        return tuple(f for g in self.groups for f in g.fields)


def build_sheet(transcript: Transcript, lang: str = "ja") -> SheetData:
    labels = LABELS.get(lang, LABELS["en"])
    bank = transcript.bank
    views = {f.id: _field_view(f, transcript, lang) for f in SHEET_FIELDS}
    groups = tuple(GroupView(gid, names[0] if lang == "ja" else names[1],
                             tuple(v for v in views.values() if v.id.split(".")[0] == gid))
                   for gid, names in GROUPS.items())
    company_view = views["company.name"]
    company = company_view.entries[0].plain if company_view.entries else ""
    previous = tuple(PreviousAnswer(a.question_id, a.raw, a.at) for a in transcript.previous_answers)
    return SheetData(lang, labels, transcript.session_id, bank.id, bank.version, company,
                     transcript.started_at, transcript.last_at, transcript.state, groups,
                     _missing(transcript, views, lang), _richness(transcript, views, lang), previous,
                     has_sources=bool(transcript.sources))


def _field_view(sheet_field: SheetField, t: Transcript, lang: str) -> FieldView:
    questions = [q for q in t.bank.questions() if sheet_field.id in q.fills]
    answered = [q for q in questions if q.id in t.answers]
    entries = tuple(_entry(q, t, lang) for q in answered if not t.answers[q.id].is_status)
    codes = [t.answers[q.id].status for q in answered if t.answers[q.id].is_status]
    records = tuple(r for e in entries if isinstance(e.value, list) for r in e.value if isinstance(r, dict))
    if entries:
        status = "filled"
    elif codes:
        status = codes[0]  # わからない / 回答を控えたい / 該当なし: shown as such, never as blank
    elif any(q.id in t.skipped for q in questions):
        status = "skipped"
    else:
        status = "not_asked"
    flagged = any(q.id in t.flags for q in questions)
    return FieldView(sheet_field.id, sheet_field.label(lang), sheet_field.shape, status, entries, records,
                     flagged)


def _entry(question: Question, t: Transcript, lang: str) -> Entry:
    answer = t.answers[question.id]
    values = _values(t)
    followups = tuple((fill(question.probes[p.probe].get(lang), t.bank, values, lang)
                       if p.probe < len(question.probes) else "",
                       p.text) for p in t.probe_answers if p.question_id == question.id and p.text)
    notes = tuple(n.text for n in t.notes if n.question_id == question.id)
    source = t.sources.get(question.id)
    earlier = t.prefill.get(question.id)
    changed = None if earlier is None else earlier.get("value") != answer.value
    plain = display = display_value(question, answer.value, lang)
    marks = []
    if source is not None:
        label = LABELS.get(lang, LABELS["en"])[f"source_{source.kind}"]
        marks.append(f"［{label}: {source.detail}］" if source.detail else f"［{label}］")
    if changed is not None:
        marks.append(f"［{LABELS.get(lang, LABELS['en'])['changed' if changed else 'unchanged']}］")
    if marks:
        display = display + " " + "".join(marks)
    return Entry(question.id, fill(question.text.get(lang), t.bank, values, lang), question.voice, answer.value,
                 display, followups, notes,
                 question.type, answer.at, source.kind if source else "", source.detail if source else "",
                 changed, plain)


def _values(t: Transcript) -> dict[str, Any]:
    """The answers placeholders in question and probe text are filled from (status codes excluded)."""
    return {qid: a.value for qid, a in t.answers.items() if not a.is_status}


def extra_lines(entries: tuple[Entry, ...], labels: dict[str, str]) -> list[tuple[str, str]]:
    """(kind label, text) for each probe follow-up and note taken on these entries, in order."""
    lines: list[tuple[str, str]] = []
    for e in entries:
        lines += [(labels["followups"], f"{probe} — {answer}" if probe else answer) for probe, answer in e.followups]
        lines += [(labels["notes"], note) for note in e.notes]
    return lines


def display_value(question: Question, value: Any, lang: str) -> str:
    """The value as one text: a choice's label, list items and records one per line."""
    if question.type == "choice":
        choice = question.choice(str(value))
        return choice.label.get(lang) if choice else str(value)
    if question.type == "number" and question.unit is not None:
        return f"{value}{question.unit.get(lang)}"
    if isinstance(value, list):
        lines = []
        for item in value:
            if isinstance(item, dict):
                lines.append(" / ".join(v for v in item.values() if v))
            else:
                lines.append(str(item))
        return "\n".join(lines)
    return str(value)


def _missing(t: Transcript, views: dict[str, FieldView], lang: str) -> tuple[MissingItem, ...]:
    """次回確認事項: flagged, status-coded, skipped and empty required questions, and parked text not yet
    taken into an answer — in bank order, so the second visit starts where the first left off."""
    items: list[MissingItem] = []
    values = _values(t)
    for q in t.bank.questions():
        if q.id not in t.applicable:
            continue
        text = fill(q.text.get(lang), t.bank, values, lang)
        label = " / ".join(views[f].label for f in q.fills)
        answer = t.answers.get(q.id)
        if q.id in t.flags:
            items.append(MissingItem(q.fills[0], label, "flagged", text, t.flags[q.id]))
        elif answer is not None and answer.is_status:
            items.append(MissingItem(q.fills[0], label, answer.status, text))
        elif answer is not None:
            continue
        elif q.id in t.skipped:
            items.append(MissingItem(q.fills[0], label, "skipped", text))
        elif q.required:
            items.append(MissingItem(q.fills[0], label, "empty_required", text))
    for parked in t.parked:
        if parked.used_by is None:
            items.append(MissingItem(parked.field_id, views[parked.field_id].label, "parked", "", parked.text))
    return tuple(items)


def _richness(t: Transcript, views: dict[str, FieldView], lang: str) -> tuple[Richness, ...]:
    rows = []
    for section in t.bank.sections:
        ids = {q.id for q in section.questions}
        chars = sum(answer_size(a.value) for qid, a in t.answers.items() if qid in ids)
        chars += sum(len(p.text) for p in t.probe_answers if p.question_id in ids)
        chars += sum(len(n.text) for n in t.notes if n.question_id in ids)
        items = sum(item_count(a.value) for qid, a in t.answers.items() if qid in ids)
        fields = {f for q in section.questions for f in q.fills}
        filled = sum(1 for f in fields if views[f].status == "filled")
        rows.append(Richness(section.id, section.title.get(lang), chars, items, filled, len(fields)))
    return tuple(rows)

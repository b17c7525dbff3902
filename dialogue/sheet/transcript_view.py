"""The interview record (面談記録): every event of a session as a row — when (the interviewer's local
time), what (in the sheet's language), the content, and who recorded it. Pure; renderers lay it out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dialogue.i18n import say
from dialogue.model import Bank, Event, Question, Transcript
from dialogue.model import events as ev
from dialogue.model.events import EventKind
from dialogue.model.placeholders import filled
from dialogue.model.sheet_fields import FIELDS_BY_ID
from dialogue.sheet.data import LABELS, display_value


@dataclass(frozen=True, slots=True)
class TranscriptRow:
    at: str  # local time as recorded, to the second
    kind: str  # the event's name in the sheet's language
    text: str
    by: str = ""  # who recorded it (display name, else staff id)


def local_time(at: str) -> str:
    """`2026-11-23T10:00:01.000+09:00` → `2026-11-23 10:00:01` (the time the interviewer's clock showed)."""
    try:
        return datetime.fromisoformat(at).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return at


def transcript_rows(transcript: Transcript, lang: str) -> list[TranscriptRow]:
    values = {qid: a.value for qid, a in transcript.answers.items() if not a.is_status}
    asked: dict[str, Question] = {}  # each question filled once: a session names its questions many times
    return [TranscriptRow(local_time(e.at), say(f"event.{e.kind.value}", lang),
                          describe(e, transcript.bank, lang, values, asked), (e.by.name or e.by.id) if e.by else "")
            for e in transcript.events]


def describe(event: Event, bank: Bank, lang: str, values: Mapping[str, Any] | None = None,
             asked: dict[str, Question] | None = None) -> str:
    """What happened, with its content: the question (its placeholders filled from `values`, the answers),
    the answer, the note, the flag's reason … `asked`: the questions filled so far for these `values`."""
    question = bank.question(event.question) if event.question and bank.has_question(event.question) else None
    if question is not None and values is not None:
        if asked is None:
            question = filled(question, bank, values)
        elif question.id in asked:
            question = asked[question.id]
        else:
            question = asked[question.id] = filled(question, bank, values)
    describer = _DESCRIBERS.get(event.kind)
    return describer(event.payload, question, lang) if describer else ""


def _q(question: Question | None, lang: str, fallback: str = "") -> str:
    return question.text.get(lang) if question is not None else fallback


def _probe_text(question: Question | None, index: int, lang: str) -> str:
    if question is not None and 0 <= index < len(question.probes):
        return question.probes[index].get(lang)
    return ""


def _field(field_id: str, lang: str) -> str:
    field = FIELDS_BY_ID.get(field_id)
    return field.label(lang) if field else field_id


def _started(p: ev.Started, q: Question | None, lang: str) -> str:
    L = LABELS.get(lang, LABELS["en"])
    parts = [L.get(f"mode_{p.mode}", p.mode), p.lang]
    if p.prefill_from:
        parts.append(say("sheet.prefilled_from", lang, id=p.prefill_from))
    if p.training:
        parts.append(say(f"sheet.training_{p.training}", lang, persona=p.persona) if p.training in ("demo", "roleplay")
                     else p.training)
    return "・".join(x for x in parts if x) if lang == "ja" else ", ".join(x for x in parts if x)


def _answered(p: ev.Answered, q: Question | None, lang: str) -> str:
    return display_value(q, p.value, lang) if q is not None else str(p.value)


def _probe_answer(p: ev.ProbeAnswered | ev.FollowedUp, q: Question | None, lang: str) -> str:
    probe = _probe_text(q, p.probe, lang)
    return f"{probe} → {p.text}" if probe else p.text


def _status(p: ev.StatusMarked, q: Question | None, lang: str) -> str:
    return f"{_q(q, lang, p.question)} — {LABELS.get(lang, LABELS['en'])[p.status].strip('【】[]')}"


def _source(p: ev.SourceSet, q: Question | None, lang: str) -> str:
    label = LABELS.get(lang, LABELS["en"])[f"source_{p.source}"] if p.source in ("owner", "document", "estimate") \
        else p.source
    return f"{_q(q, lang, p.question)} — {label}" + (f": {p.detail}" if p.detail else "")


def _flagged(p: ev.Flagged, q: Question | None, lang: str) -> str:
    return _q(q, lang, p.question) + (f" — {p.note}" if p.note else "")


_DESCRIBERS: dict[EventKind, Callable[..., str]] = {
    EventKind.STARTED: _started,
    EventKind.ASKED: lambda p, q, lang: _q(q, lang, p.question),
    EventKind.ANSWERED: _answered,
    EventKind.PROBED: lambda p, q, lang: _probe_text(q, p.probe, lang),
    EventKind.PROBE_ANSWERED: _probe_answer,
    EventKind.FOLLOWED_UP: _probe_answer,
    EventKind.PROBES_SKIPPED: lambda p, q, lang: LABELS.get(lang, LABELS["en"])["auto_end"] if p.done else "",
    EventKind.SKIPPED: lambda p, q, lang: _q(q, lang, p.question),
    EventKind.WENT_BACK: lambda p, q, lang: _q(q, lang, p.question),
    EventKind.JUMPED: lambda p, q, lang: _q(q, lang, p.question),
    EventKind.NOTED: lambda p, q, lang: p.text,
    EventKind.STATUS_MARKED: _status,
    EventKind.SOURCE_SET: _source,
    EventKind.FLAGGED: _flagged,
    EventKind.UNFLAGGED: lambda p, q, lang: _q(q, lang, p.question),
    EventKind.PARKED: lambda p, q, lang: f"{_field(p.field, lang)} — {p.text}",
    EventKind.VISIT_STARTED: lambda p, q, lang: say("sheet.visit_n", lang, n=p.visit),
    EventKind.DRAFTED: lambda p, q, lang: p.text,
    EventKind.HINTS_SET: lambda p, q, lang: say("sheet.hints_on" if p.shown else "sheet.hints_off", lang),
    EventKind.WRITTEN_UP: lambda p, q, lang: f"{_field(p.field, lang)} — {p.text}",
    EventKind.ASSIGNED: lambda p, q, lang: say("sheet.assigned_detail", lang, previous=p.previous or "—", to=p.to),
    EventKind.APPROVED: lambda p, q, lang: p.comment,
    EventKind.RETURNED: lambda p, q, lang: p.comment,
    EventKind.SENSITIVE_CONFIRMED: lambda p, q, lang: _q(q, lang, p.question),
}

"""面談記録 — the interview word for word, with each moment in the interviewer's local time — and the dates of
the visits (面談日). Kept beside the filed pages for the bank, never on them. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from dialogue.model import Transcript
from dialogue.sheet.data import display_value

VISIT_STARTS = ("started", "visit_started")  # the events that begin a visit (面談日)
RECORD_KINDS = ("asked", "answered", "probed", "probe_answered", "followed_up", "noted", "parked",
                "status_marked", "skipped")
# What each line of the record is, in the record's language.
RECORD_LABELS: dict[str, dict[str, str]] = {
    "ja": {"asked": "質問", "answered": "回答", "probed": "深掘り", "probe_answered": "回答", "noted": "メモ",
           "parked": "順番外の話", "status_marked": "回答", "skipped": "スキップ", "visit": "{n}回目の面談",
           "unknown": "わからない", "declined": "回答を控えたい", "not_applicable": "該当なし"},
    "en": {"asked": "Question", "answered": "Answer", "probed": "Follow-up", "probe_answered": "Answer",
           "noted": "Note", "parked": "Out of order", "status_marked": "Answer", "skipped": "Skipped",
           "visit": "Visit {n}", "unknown": "don't know", "declined": "declined to answer",
           "not_applicable": "not applicable"},
}


@dataclass(frozen=True, slots=True)
class RecordLine:
    """One line of the verbatim interview record: local time, what it is, the text as said or typed."""

    at: str
    kind: str
    text: str
    visit: int = 0  # > 0 on the first line of a visit


def interview_zone(t: Transcript) -> tzinfo:
    """The interview's own time zone: the UTC offset of its first event (the interviewer's clock)."""
    first = _parse(t.started_at)
    return first.tzinfo if first is not None and first.tzinfo is not None else timezone(timedelta(hours=9))


def _parse(at: str) -> datetime | None:
    try:
        return datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return None


def date_text(at: str, zone: tzinfo, lang: str) -> str:
    """A journal time's local date: 2026年11月23日 / 2026-11-23 ("" when it is no time)."""
    moment = _parse(at)
    if moment is None:
        return ""
    local = moment.astimezone(zone) if moment.tzinfo else moment
    return f"{local.year}年{local.month}月{local.day}日" if lang == "ja" else local.date().isoformat()


def local_time(at: str, zone: tzinfo, lang: str) -> str:
    """A journal time as the interviewer's local time: 2026年11月23日 10:00 / 2026-11-23 10:00."""
    moment = _parse(at)
    if moment is None:
        return at
    local = moment.astimezone(zone) if moment.tzinfo else moment
    return f"{date_text(at, zone, lang)} {local:%H:%M}"


def interview_dates(t: Transcript, lang: str = "ja") -> tuple[str, ...]:
    """面談日: the local date of each visit, in order, each once."""
    zone = interview_zone(t)
    dates: list[str] = []
    for event in t.events:
        if event.kind in VISIT_STARTS:
            text = date_text(event.at, zone, lang)
            if text and text not in dates:
                dates.append(text)
    return tuple(dates)


def interview_record(t: Transcript, lang: str = "ja") -> tuple[RecordLine, ...]:
    """面談記録: what was asked and answered, word for word, with the local time; a line opens each visit."""
    zone = interview_zone(t)
    labels = RECORD_LABELS.get(lang, RECORD_LABELS["en"])
    lines: list[RecordLine] = []
    visit = 0
    for event in t.events:
        if event.kind in VISIT_STARTS:
            visit += 1
            lines.append(RecordLine(local_time(event.at, zone, lang), "visit", labels["visit"].format(n=visit), visit))
            continue
        if event.kind not in RECORD_KINDS:
            continue
        text = _record_text(t, event.kind, event.data, lang)
        if text:
            kind = "probe_answered" if event.kind == "followed_up" else event.kind
            lines.append(RecordLine(local_time(event.at, zone, lang), labels.get(kind, kind), text))
    return tuple(lines)


def _record_text(t: Transcript, kind: str, d: dict, lang: str) -> str:
    qid = str(d.get("question") or "")
    question = t.bank.question(qid) if qid and t.bank.has_question(qid) else None
    if kind in ("asked", "skipped") and question is not None:
        return question.text.get(lang)
    if kind == "answered" and question is not None:
        return display_value(question, d.get("value"), lang)
    if kind == "probed" and question is not None:
        index = int(d.get("probe", 0))
        return question.probes[index].get(lang) if index < len(question.probes) else ""
    if kind == "status_marked":
        code = str(d.get("status", ""))
        return RECORD_LABELS.get(lang, RECORD_LABELS["en"]).get(code, code)
    if kind in ("probe_answered", "followed_up", "noted", "parked"):
        return str(d.get("text", ""))
    return ""

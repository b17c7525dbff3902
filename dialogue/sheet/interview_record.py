"""面談記録 — the interview word for word, with each moment in the interviewer's local time — and the dates of
the visits (面談日). Kept beside the filed pages for the bank, never on them. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from dialogue.i18n import say
from dialogue.model import Event, EventKind, Transcript
from dialogue.model import events as ev
from dialogue.sheet.data import LABELS
from dialogue.sheet.transcript_view import describe

VISIT_STARTS = (EventKind.STARTED, EventKind.VISIT_STARTED)  # the events that begin a visit (面談日)
RECORD_KINDS = (EventKind.ASKED, EventKind.ANSWERED, EventKind.PROBED, EventKind.PROBE_ANSWERED,
                EventKind.FOLLOWED_UP, EventKind.NOTED, EventKind.PARKED, EventKind.STATUS_MARKED, EventKind.SKIPPED)


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
    lines: list[RecordLine] = []
    visit = 0
    for event in t.events:
        if event.kind in VISIT_STARTS:
            visit += 1
            lines.append(RecordLine(local_time(event.at, zone, lang), "visit", say("record.visit", lang, n=visit), visit))
            continue
        if event.kind not in RECORD_KINDS:
            continue
        text = _record_text(event, t, lang)
        if text:
            kind = EventKind.PROBE_ANSWERED if event.kind == EventKind.FOLLOWED_UP else event.kind
            lines.append(RecordLine(local_time(event.at, zone, lang), say(f"record.{kind.value}", lang), text))
    return tuple(lines)


def _record_text(event: Event, t: Transcript, lang: str) -> str:
    """The words as said or typed: for a follow-up's answer only the answer, for a status its name."""
    p = event.payload
    if isinstance(p, ev.ProbeAnswered | ev.FollowedUp | ev.ParkedText):
        return p.text
    if isinstance(p, ev.StatusMarked):
        return LABELS.get(lang, LABELS["en"])[p.status].strip("【】[]")
    return describe(event, t.bank, lang)

"""Time awareness from the journal's own timestamps: this visit so far, and time spent per section.

Pure. A gap between two events longer than IDLE_CAP (a lunch break, a night) counts as IDLE_CAP, so an
overnight pause does not make a section look long."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dialogue.model import Bank, Event, EventKind

IDLE_CAP_SECONDS = 10 * 60
VISIT_STARTS = (EventKind.STARTED, EventKind.VISIT_STARTED)  # a resume continues the same visit
MOVES = (EventKind.ASKED, EventKind.JUMPED, EventKind.WENT_BACK)  # events that change the current section


@dataclass(frozen=True, slots=True)
class Timing:
    visit_seconds: float
    section_seconds: dict[str, float]  # section id → seconds, over the whole session


def _when(event: Event) -> datetime | None:
    try:
        return datetime.fromisoformat(event.at)
    except (TypeError, ValueError):
        return None


def timing(events: tuple[Event, ...] | list[Event], bank: Bank, now: datetime | None = None) -> Timing:
    sections: dict[str, float] = {}
    current_section: str | None = None
    paused_section: str | None = None
    previous: datetime | None = None
    visit_start: datetime | None = None
    for event in events:
        at = _when(event)
        if at is None:
            continue
        if previous is not None and current_section is not None:
            gap = min((at - previous).total_seconds(), IDLE_CAP_SECONDS)
            sections[current_section] = sections.get(current_section, 0.0) + max(gap, 0.0)
        if previous is not None and event.kind == "resumed" and visit_start is not None:
            away = (at - previous).total_seconds()
            visit_start += timedelta(seconds=max(away, 0.0))  # the visit clock stops while paused
        if event.kind in VISIT_STARTS:
            visit_start = at
        question = event.question
        if event.kind in MOVES and question is not None and bank.has_question(question):
            current_section = bank.question(question).section_id
        elif event.kind == "paused":
            paused_section, current_section = current_section, None  # time away is not interview time
        elif event.kind == "resumed":
            current_section = paused_section
        elif event.kind in ("reached_end", "finished"):
            current_section = None
        previous = at
    end = now or previous
    visit = (end - visit_start).total_seconds() if end is not None and visit_start is not None else 0.0
    if now is not None and previous is not None and current_section is not None:
        sections[current_section] = sections.get(current_section, 0.0) + min(
            max((now - previous).total_seconds(), 0.0), IDLE_CAP_SECONDS)
    return Timing(max(visit, 0.0), sections)

"""Time awareness from the journal's own timestamps: this visit so far, and time spent per section.

Pure. A gap between two events longer than IDLE_CAP (a lunch break, a night) counts as IDLE_CAP, so an
overnight pause does not make a section look long. `TimingFold` takes the events one at a time, so a live
session adds only its new events per answer (the cost stays flat however long the session is)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dialogue.model import Bank, Event, EventKind
from dialogue.record import Record, record

IDLE_CAP_SECONDS = 10 * 60
VISIT_STARTS = (EventKind.STARTED, EventKind.VISIT_STARTED)  # a resume continues the same visit
MOVES = (EventKind.ASKED, EventKind.JUMPED, EventKind.WENT_BACK)  # events that change the current section
OTHER_SECTION_CHANGES = (EventKind.PAUSED, EventKind.RESUMED, EventKind.REACHED_END, EventKind.FINISHED)


@record
class Timing(Record):
    visit_seconds: float
    section_seconds: dict[str, float]  # section id → seconds, over the whole session


@dataclass
class TimingFold:
    """The timing of the events added so far; `add` one event at a time, `result` at any moment."""

    bank: Bank
    count: int = 0  # events added
    sections: dict[str, float] = field(default_factory=dict)
    current_section: str | None = None
    paused_section: str | None = None
    previous: datetime | None = None
    visit_start: datetime | None = None

    def add(self, event: Event) -> None:
        self.count += 1
        try:
            at = datetime.fromisoformat(event.at)
        except (TypeError, ValueError):
            return
        kind, previous = event.payload.kind, self.previous
        if previous is not None:
            if self.current_section is not None:
                gap = min((at - previous).total_seconds(), IDLE_CAP_SECONDS)
                self.sections[self.current_section] = self.sections.get(self.current_section, 0.0) + max(gap, 0.0)
            if kind == "resumed" and self.visit_start is not None:
                away = (at - previous).total_seconds()
                self.visit_start += timedelta(seconds=max(away, 0.0))  # the visit clock stops while paused
        if kind in VISIT_STARTS:
            self.visit_start = at
        if kind in MOVES or kind in OTHER_SECTION_CHANGES:
            self._section_after(event)
        self.previous = at

    def _section_after(self, event: Event) -> None:
        kind, question = event.kind, event.question
        if kind in MOVES:
            if question is not None and self.bank.has_question(question):
                self.current_section = self.bank.question(question).section_id
        elif kind == "paused":
            self.paused_section, self.current_section = self.current_section, None  # time away is not interview time
        elif kind == "resumed":
            self.current_section = self.paused_section
        elif kind in ("reached_end", "finished"):
            self.current_section = None

    def result(self, now: datetime | None = None) -> Timing:
        """The timing up to the last event, or up to `now` (the open section keeps counting)."""
        end = now or self.previous
        start = self.visit_start
        visit = (end - start).total_seconds() if end is not None and start is not None else 0.0
        sections = dict(self.sections)
        if now is not None and self.previous is not None and self.current_section is not None:
            sections[self.current_section] = sections.get(self.current_section, 0.0) + min(
                max((now - self.previous).total_seconds(), 0.0), IDLE_CAP_SECONDS)
        return Timing(max(visit, 0.0), sections)


def timing(events: tuple[Event, ...] | list[Event], bank: Bank, now: datetime | None = None) -> Timing:
    fold = TimingFold(bank)
    for event in events:
        fold.add(event)
    return fold.result(now)

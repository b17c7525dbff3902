"""Answers and the transcript a session replays into: the input of the sheet compiler."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from typing import Any

from dialogue.model.bank import Bank
from dialogue.model.events import Actor, Event, Started
from dialogue.record import Record, record

AnswerValue = str | float | int | tuple[str, ...] | tuple[tuple[tuple[str, str], ...], ...]


@record
class Answer(Record):
    question_id: str
    value: Any  # JSON-compatible: str, int/float, list[str], list[dict[str, str]]; None for a status code
    raw: str
    at: str
    status: str = "answered"  # answered | unknown | declined | not_applicable

    @property
    def is_status(self) -> bool:
        return self.status != "answered"


STATUS_CODES: tuple[str, ...] = ("unknown", "declined", "not_applicable")
SOURCE_KINDS: tuple[str, ...] = ("owner", "document", "estimate")


@record
class Source(Record):
    """Where an answer comes from: stated by the owner, seen in a document (which), or estimated."""

    kind: str
    detail: str = ""


@record
class Parked(Record):
    """Text the owner volunteered out of order, filed under the sheet field it belongs to."""

    field_id: str
    text: str
    at: str
    used_by: str | None = None  # the question whose answer took it over


@record
class ProbeAnswer(Record):
    """What the owner said to probe number `probe` (0-based) of a question."""

    question_id: str
    probe: int
    text: str
    at: str


@record
class WriteUp(Record):
    """One version of the interviewer's write-up (清書) of a sheet box, with who wrote it and when."""

    field_id: str
    text: str
    at: str
    by: Actor | None = None


@record
class Note(Record):
    question_id: str | None
    text: str
    at: str


@record
class Transcript(Record):
    """Everything a session holds, as replayed from its journal: the input of the sheet compiler."""

    session_id: str
    bank: Bank
    events: Sequence[Event]  # a tuple, or a log whose first events are decoded when read (model/event_log.py)
    answers: dict[str, Answer]
    probe_answers: tuple[ProbeAnswer, ...]
    notes: tuple[Note, ...]
    skipped: frozenset[str]
    asked: frozenset[str]
    applicable: frozenset[str]
    state: str
    meta: Started = field(default_factory=Started)  # how the session was started (mode, lang, training …)
    sources: dict[str, Source] = field(default_factory=dict)
    flags: dict[str, str] = field(default_factory=dict)
    parked: tuple[Parked, ...] = ()
    hidden: dict[str, Answer] = field(default_factory=dict)  # answered, but their condition no longer holds
    prefill: dict[str, dict[str, Any]] = field(default_factory=dict)  # earlier session's answers by question
    visit: int = 1
    previous_answers: tuple[Answer, ...] = ()  # to questions removed from the bank since (migration)
    writeup_history: dict[str, tuple[WriteUp, ...]] = field(default_factory=dict)  # field id → versions, oldest first
    drafts: dict[str, str] = field(default_factory=dict)  # question id ("" for none) → a line cut off by Ctrl-C
    review: Event | None = None  # the latest team event: assigned, submitted, approved or returned

    @property
    def writeups(self) -> dict[str, WriteUp]:
        """The current write-up of each sheet box that has one."""
        return {field_id: versions[-1] for field_id, versions in self.writeup_history.items() if versions}

    @property
    def started_at(self) -> str:
        return self.events[0].at if self.events else ""

    @property
    def last_at(self) -> str:
        return self.events[-1].at if self.events else ""

    def field_value(self, field_id: str) -> Any:
        """The first real answer (not a status code) that fills `field_id`, or None."""
        for q in self.bank.questions():
            answer = self.answers.get(q.id)
            if field_id in q.fills and answer is not None and not answer.is_status:
                return answer.value
        return None

"""Frozen data: the validated question bank, conditions, answers and journal events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from dialogue.errors import Position

QuestionType = Literal["text", "choice", "number", "list", "group"]
QUESTION_TYPES: tuple[str, ...] = ("text", "choice", "number", "list", "group")


@dataclass(frozen=True, slots=True)
class Text:
    """Human text in several languages; `get` falls back to the first language given."""

    by_lang: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, **by_lang: str) -> Text:
        return cls(tuple(by_lang.items()))

    def get(self, lang: str) -> str:
        for code, text in self.by_lang:
            if code == lang:
                return text
        return self.by_lang[0][1] if self.by_lang else ""

    def languages(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.by_lang)


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    label: Text


@dataclass(frozen=True, slots=True)
class RecordField:
    id: str
    label: Text


# ---- conditions: a small declarative language, evaluated by dialogue.conditions (never eval) ----


@dataclass(frozen=True, slots=True)
class Compare:
    question: str
    op: Literal["in", "not_in", "equals", "answered", "range"]
    values: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Condition


Condition = Compare | AllOf | AnyOf | Not


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: Text
    type: QuestionType
    fills: tuple[str, ...]
    section_id: str
    required: bool = True
    purpose: Text | None = None
    hint: Text | None = None
    example: Text | None = None
    guidance: Text | None = None
    voice: Literal["owner", "supporter"] = "owner"
    thin_below: int = 0
    always_probe: bool = False  # offer every probe however long the answer (experts always dig here)
    probes: tuple[Text, ...] = ()
    when: Condition | None = None
    choices: tuple[Choice, ...] = ()
    unit: Text | None = None
    min: float | None = None
    max: float | None = None
    item_label: Text | None = None
    fields: tuple[RecordField, ...] = ()
    suggested_items: int = 0
    forbid_status: tuple[str, ...] = ()  # status codes (unknown/declined/not_applicable) not allowed here
    replaces: tuple[str, ...] = ()  # ids this question had in earlier bank versions (session migration)
    position: Position | None = field(default=None, compare=False, repr=False)

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: Text
    questions: tuple[Question, ...]
    guidance: Text | None = None
    recap: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bank:
    id: str
    version: str
    title: Text
    languages: tuple[str, ...]
    sections: tuple[Section, ...]
    targets: str | None = None
    source_hash: str = ""
    source_path: str = field(default="", compare=False)
    _by_id: dict[str, Question] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {q.id: q for s in self.sections for q in s.questions})

    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    def question(self, question_id: str) -> Question:
        return self._by_id[question_id]

    def has_question(self, question_id: str) -> bool:
        return question_id in self._by_id

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)


# ---- answers and events ----

AnswerValue = str | float | int | tuple[str, ...] | tuple[tuple[tuple[str, str], ...], ...]


@dataclass(frozen=True, slots=True)
class Event:
    """One line of the journal: what happened, when, and its data (JSON-compatible)."""

    kind: str
    at: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "at": self.at, **self.data}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Event:
        data = {k: v for k, v in obj.items() if k not in ("kind", "at")}
        return cls(kind=str(obj["kind"]), at=str(obj["at"]), data=data)


EVENT_KINDS: tuple[str, ...] = (
    "started", "asked", "answered", "probed", "probe_answered", "followed_up", "probes_skipped", "skipped",
    "went_back", "jumped", "reached_end", "noted", "paused", "resumed", "reviewed", "review_closed",
    "finished", "reopened", "status_marked", "source_set", "flagged", "unflagged", "parked", "visit_started",
)


@dataclass(frozen=True, slots=True)
class Answer:
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


@dataclass(frozen=True, slots=True)
class Source:
    """Where an answer comes from: stated by the owner, seen in a document (which), or estimated."""

    kind: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Parked:
    """Text the owner volunteered out of order, filed under the sheet field it belongs to."""

    field_id: str
    text: str
    at: str
    used_by: str | None = None  # the question whose answer took it over


@dataclass(frozen=True, slots=True)
class ProbeAnswer:
    question_id: str
    probe_index: int
    text: str
    at: str


@dataclass(frozen=True, slots=True)
class Note:
    question_id: str | None
    text: str
    at: str


@dataclass(frozen=True)
class Transcript:
    """Everything a session holds, as replayed from its journal: the input of the sheet compiler."""

    session_id: str
    bank: Bank
    events: tuple[Event, ...]
    answers: dict[str, Answer]
    probe_answers: tuple[ProbeAnswer, ...]
    notes: tuple[Note, ...]
    skipped: frozenset[str]
    asked: frozenset[str]
    applicable: frozenset[str]
    state: str
    meta: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    flags: dict[str, str] = field(default_factory=dict)
    parked: tuple[Parked, ...] = ()
    hidden: dict[str, Answer] = field(default_factory=dict)  # answered, but their condition no longer holds
    prefill: dict[str, dict[str, Any]] = field(default_factory=dict)  # earlier session's answers by question
    visit: int = 1
    previous_answers: tuple[Answer, ...] = ()  # to questions removed from the bank since (migration)

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

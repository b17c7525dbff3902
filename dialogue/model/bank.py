"""The validated question bank: sections, questions, choices, record fields and conditions (frozen)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from dialogue.errors import Position
from dialogue.model.text import Text
from dialogue.record import Record, record

QuestionType = Literal["text", "choice", "number", "list", "group"]
QUESTION_TYPES: tuple[str, ...] = ("text", "choice", "number", "list", "group")
DEFAULT_MAX_PROBES = 3  # probes offered per question when neither the question nor the bank says otherwise


@record
class Probe(Record):
    """A follow-up question. `element`: what it asks for (dialogue.model.elements), so it is offered only
    while the answers lack it; `if_none`: offered only after a non-answer or a negative answer (the bank's
    `probes_if_none`); `also_if_none`: a main probe that does not presuppose the thing, so it may follow
    a negative answer too."""

    text: Text
    element: str | None = None
    if_none: bool = False
    also_if_none: bool = False

    def get(self, lang: str) -> str:
        return self.text.get(lang)


@record
class Choice(Record):
    id: str
    label: Text


@record
class RecordField(Record):
    id: str
    label: Text


# ---- conditions: a small declarative language, evaluated by dialogue.conditions (never eval) ----


CompareOp = Literal["in", "not_in", "equals", "answered", "range"]


@record
class Compare(Record):
    question: str
    op: CompareOp
    values: tuple[Any, ...] = ()


@record
class AllOf(Record):
    items: tuple[Condition, ...]


@record
class AnyOf(Record):
    items: tuple[Condition, ...]


@record
class Not(Record):
    item: Condition


Condition = Compare | AllOf | AnyOf | Not


@record
class Question(Record):
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
    always_probe: bool = False  # offer the untagged probes however long the answer (experts always dig here)
    probes: tuple[Probe, ...] = ()  # the main probes, then the `probes_if_none` ones (one index space)
    listen_for: tuple[str, ...] = ()  # elements a full answer contains (dialogue.model.elements)
    max_probes: int = DEFAULT_MAX_PROBES  # probes offered automatically at most (the bank's default if not set)
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
    header: tuple[str, ...] = ()  # header fields of the filed sheet its answer gives as data (header.*)
    position: Position | None = field(default=None, compare=False, repr=False)

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


@record
class Section(Record):
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

"""Frozen data shared by every layer: the bank, events, answers and the transcript, the sheet's fields.

Imports only `dialogue.errors`. The names most modules need are re-exported here.
"""

from dialogue.model.bank import (
    QUESTION_TYPES,
    AllOf,
    AnyOf,
    Bank,
    Choice,
    Compare,
    Condition,
    Not,
    Probe,
    Question,
    QuestionType,
    RecordField,
    Section,
)
from dialogue.model.events import EVENT_KINDS, Actor, Event, EventKind
from dialogue.model.text import Text
from dialogue.model.transcript import (
    SOURCE_KINDS,
    STATUS_CODES,
    Answer,
    AnswerValue,
    Note,
    Parked,
    ProbeAnswer,
    Source,
    Transcript,
    WriteUp,
)

__all__ = [
    "EVENT_KINDS", "QUESTION_TYPES", "SOURCE_KINDS", "STATUS_CODES", "Actor", "AllOf", "Answer", "AnswerValue",
    "AnyOf", "Bank", "Choice", "Compare", "Condition", "Event", "EventKind", "Not", "Note", "Parked", "Probe",
    "ProbeAnswer", "Question", "QuestionType", "RecordField", "Section", "Source", "Text", "Transcript", "WriteUp",
]

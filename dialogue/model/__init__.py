"""Frozen data shared by every layer: the bank, events, answers and the transcript, the sheet's fields.

Imports only `dialogue.errors`. The names most modules need are re-exported here, loaded on first use (PEP 562):
importing one small module of the package (`dialogue.model.hidden` for the screen, `dialogue.model.text`) does
not build every dataclass of the bank, the events and the transcript — ~40–120 ms a process that needs none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
_EVENTS = frozenset({"EVENT_KINDS", "Actor", "Event", "EventKind"})
_TRANSCRIPT = frozenset({"SOURCE_KINDS", "STATUS_CODES", "Answer", "AnswerValue", "Note", "Parked", "ProbeAnswer",
                         "Source", "Transcript", "WriteUp"})


def __getattr__(name: str) -> object:
    """A re-exported name, from its module on first use (then kept here, so later reads are plain)."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name in _EVENTS:
        from dialogue.model import events
        value = getattr(events, name)
    elif name in _TRANSCRIPT:
        from dialogue.model import transcript
        value = getattr(transcript, name)
    elif name == "Text":
        from dialogue.model import text
        value = getattr(text, name)
    else:
        from dialogue.model import bank
        value = getattr(bank, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

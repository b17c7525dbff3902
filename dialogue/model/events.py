"""Journal events: one kind per thing that can happen in an interview, each with a typed payload.

An event is `Event(at, payload, by)`: when, what (a payload record whose class says the kind), and who
(the staff member and device, absent in journals written before identities). The payload classes below are
the one table of event kinds: `EventKind`, the reducer (engine/state.py), the transcript's labels and the
journal's JSON all derive from them. New behaviour = a new payload class + its case in the reducer. Payloads
are `@record`s (dialogue.record: frozen dataclasses without generated methods), as every start imports
this module.

JSON: `{"kind": ..., "at": ..., "by": {...}?, <payload fields>..., <unknown keys kept as they were>}`.
`Event.from_json` checks every field's type, so a hand-edited line is refused with what is wrong.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from dialogue.record import Record, declared, record


class EventKind(StrEnum):
    STARTED = "started"
    ASKED = "asked"
    ANSWERED = "answered"
    PROBED = "probed"
    PROBE_ANSWERED = "probe_answered"
    FOLLOWED_UP = "followed_up"
    PROBES_SKIPPED = "probes_skipped"
    SKIPPED = "skipped"
    WENT_BACK = "went_back"
    JUMPED = "jumped"
    REACHED_END = "reached_end"
    NOTED = "noted"
    PAUSED = "paused"
    RESUMED = "resumed"
    REVIEWED = "reviewed"
    REVIEW_CLOSED = "review_closed"
    FINISHED = "finished"
    REOPENED = "reopened"
    STATUS_MARKED = "status_marked"
    SOURCE_SET = "source_set"
    FLAGGED = "flagged"
    UNFLAGGED = "unflagged"
    PARKED = "parked"
    VISIT_STARTED = "visit_started"
    DRAFTED = "drafted"
    HINTS_SET = "hints_set"
    WRITTEN_UP = "written_up"
    ASSIGNED = "assigned"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"
    SENSITIVE_CONFIRMED = "sensitive_confirmed"


class EventDecodeError(ValueError):
    """A journal record that is not a valid event: `what` says which key and what is wrong with it."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


@record
class Actor(Record):
    """Who wrote an event: the staff member's id and display name, and the device (install) they used."""

    id: str
    name: str = ""
    device: str = ""

    def to_json(self) -> dict[str, str]:
        return {k: v for k, v in (("id", self.id), ("name", self.name), ("device", self.device)) if v}

    @classmethod
    def from_json(cls, obj: object) -> Actor:
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
            raise EventDecodeError("'by' must be an object with a text 'id'")
        values = {k: obj.get(k, "") for k in ("id", "name", "device")}
        if not all(isinstance(v, str) for v in values.values()):
            raise EventDecodeError("'by' holds a value that is not text")
        return cls(**values)


# ---- payloads: one class per kind ----


@record
class Started(Record):
    """The interview began. `prefill`: an earlier interview's answers by question id ({raw, value})."""

    kind: ClassVar[EventKind] = EventKind.STARTED
    mode: str = "guided"
    lang: str = ""
    prefill: dict[str, Any] = field(default_factory=dict)
    prefill_from: str = ""
    training: str = ""
    persona: str = ""
    persona_path: str = ""


@record
class Asked(Record):
    """The interview moved on to `question`; `passed`: the question left as it was with /next."""

    kind: ClassVar[EventKind] = EventKind.ASKED
    question: str
    passed: str = ""


@record
class Answered(Record):
    kind: ClassVar[EventKind] = EventKind.ANSWERED
    question: str
    value: Any
    raw: str = ""


@record
class Probed(Record):
    """Probe number `probe` (0-based) of `question` is offered; `element`: what it asks for, if known."""

    kind: ClassVar[EventKind] = EventKind.PROBED
    question: str
    probe: int
    element: str = ""
    reason: str = ""


@record
class ProbeAnswered(Record):
    kind: ClassVar[EventKind] = EventKind.PROBE_ANSWERED
    question: str
    probe: int
    text: str


@record
class FollowedUp(Record):
    """The answer to a probe chosen freely (role-play, meeting notes), without leaving the question."""

    kind: ClassVar[EventKind] = EventKind.FOLLOWED_UP
    question: str
    probe: int
    text: str


@record
class ProbesSkipped(Record):
    """Probing of `question` ended: by /skip, or `done` when the engine stopped offering probes."""

    kind: ClassVar[EventKind] = EventKind.PROBES_SKIPPED
    question: str
    done: bool = False
    reason: str = ""  # when `done`: why probing stopped (complete, cap, nothing_more …)


@record
class Skipped(Record):
    kind: ClassVar[EventKind] = EventKind.SKIPPED
    question: str


@record
class WentBack(Record):
    kind: ClassVar[EventKind] = EventKind.WENT_BACK
    question: str


@record
class Jumped(Record):
    kind: ClassVar[EventKind] = EventKind.JUMPED
    question: str


@record
class ReachedEnd(Record):
    kind: ClassVar[EventKind] = EventKind.REACHED_END


@record
class Noted(Record):
    """A note on `question` (None: on the session)."""

    kind: ClassVar[EventKind] = EventKind.NOTED
    question: str | None
    text: str


@record
class Paused(Record):
    kind: ClassVar[EventKind] = EventKind.PAUSED
    resume_to: str = "asking"


@record
class Resumed(Record):
    kind: ClassVar[EventKind] = EventKind.RESUMED


@record
class Reviewed(Record):
    kind: ClassVar[EventKind] = EventKind.REVIEWED
    resume_to: str = "asking"


@record
class ReviewClosed(Record):
    kind: ClassVar[EventKind] = EventKind.REVIEW_CLOSED


@record
class Finished(Record):
    kind: ClassVar[EventKind] = EventKind.FINISHED


@record
class Reopened(Record):
    kind: ClassVar[EventKind] = EventKind.REOPENED


@record
class StatusMarked(Record):
    """わからない / 回答を控えたい / 該当なし recorded for `question` (status: unknown|declined|not_applicable)."""

    kind: ClassVar[EventKind] = EventKind.STATUS_MARKED
    question: str
    status: str


@record
class SourceSet(Record):
    """Where the answer to `question` comes from: owner | document (which: `detail`) | estimate."""

    kind: ClassVar[EventKind] = EventKind.SOURCE_SET
    question: str
    source: str
    detail: str = ""


@record
class Flagged(Record):
    """`question` marked to confirm at the next visit. `sensitive`: the 機微情報 categories found in what was
    said there (comma-separated ids, dialogue.model.sensitive), when the flag is the entry check's."""

    kind: ClassVar[EventKind] = EventKind.FLAGGED
    question: str
    note: str = ""
    sensitive: str = ""


@record
class SensitiveConfirmed(Record):
    """The interviewer confirmed that what was flagged as possible 機微情報 on `question` may be kept (the
    owner agreed, or it is not sensitive): it then goes into the owner's copy and the compiled files."""

    kind: ClassVar[EventKind] = EventKind.SENSITIVE_CONFIRMED
    question: str


@record
class Unflagged(Record):
    kind: ClassVar[EventKind] = EventKind.UNFLAGGED
    question: str


@record
class ParkedText(Record):
    """Text the owner volunteered out of order, filed under the sheet field `field`."""

    kind: ClassVar[EventKind] = EventKind.PARKED
    field: str
    text: str


@record
class VisitStarted(Record):
    kind: ClassVar[EventKind] = EventKind.VISIT_STARTED
    visit: int


@record
class Drafted(Record):
    """A line that was being typed when the interview was interrupted (Ctrl-C), kept to offer again."""

    kind: ClassVar[EventKind] = EventKind.DRAFTED
    question: str | None
    text: str


@record
class HintsSet(Record):
    """The interviewer showed or hid the guidance (F2); kept so a resumed session looks the same."""

    kind: ClassVar[EventKind] = EventKind.HINTS_SET
    shown: bool


@record
class WrittenUp(Record):
    """The interviewer's own write-up (清書) of the sheet box `field`; a later one replaces it."""

    kind: ClassVar[EventKind] = EventKind.WRITTEN_UP
    field: str
    text: str


# ---- team work: written by the team server (dialogue.store.server), pulled into the journal ----


@record
class Assigned(Record):
    """The session was handed over to the officer `to` (from `previous`, JSON key `from`)."""

    kind: ClassVar[EventKind] = EventKind.ASSIGNED
    to: str
    previous: str = field(default="", metadata={"json": "from"})


@record
class Submitted(Record):
    """The officer submitted the sheet for review."""

    kind: ClassVar[EventKind] = EventKind.SUBMITTED


@record
class Approved(Record):
    kind: ClassVar[EventKind] = EventKind.APPROVED
    comment: str = ""


@record
class Returned(Record):
    """A reviewer sent the sheet back with what to revise."""

    kind: ClassVar[EventKind] = EventKind.RETURNED
    comment: str = ""


Payload = (Started | Asked | Answered | Probed | ProbeAnswered | FollowedUp | ProbesSkipped | Skipped | WentBack
           | Jumped | ReachedEnd | Noted | Paused | Resumed | Reviewed | ReviewClosed | Finished | Reopened
           | StatusMarked | SourceSet | Flagged | Unflagged | ParkedText | VisitStarted | Drafted | HintsSet
           | WrittenUp | Assigned | Submitted | Approved | Returned | SensitiveConfirmed)

PAYLOAD_TYPES: dict[EventKind, type[Any]] = {cls.kind: cls for cls in typing.get_args(Payload)}
EVENT_KINDS: tuple[str, ...] = tuple(kind.value for kind in EventKind)
ENVELOPE = ("kind", "at", "by")


@dataclass(frozen=True, slots=True)
class Event:
    """One line of the journal. `extra`: keys this version does not know, kept and written back as read."""

    at: str
    payload: Payload
    by: Actor | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def kind(self) -> EventKind:
        return self.payload.kind

    @property
    def question(self) -> str | None:
        """The question the event is about, if any."""
        value = getattr(self.payload, "question", None)
        return value if isinstance(value, str) else None

    def to_json(self) -> dict[str, Any]:
        record: dict[str, Any] = {"kind": self.kind.value, "at": self.at}
        if self.by is not None:
            record["by"] = self.by.to_json()
        for f in declared(self.payload.__class__):
            value = getattr(self.payload, f.name)
            if f.default is not dataclasses.MISSING and value == f.default and f.name not in _ALWAYS_WRITTEN:
                continue  # defaults are left out: the line stays as short as the journal's first version
            record[f.metadata.get("json", f.name)] = value
        record.update({k: v for k, v in self.extra.items() if k not in record})
        return record

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Event:
        """Decode one journal record; `EventDecodeError` says what is wrong with it. (Resuming a long session
        decodes every line: the payload is built field by field from a table made once per type.)"""
        kind_name = obj.get("kind")
        kind = _KINDS.get(kind_name) if isinstance(kind_name, str) else None
        if kind is None:
            raise EventDecodeError(f"unknown event kind {kind_name!r}")
        at = obj.get("at")
        if not isinstance(at, str):
            raise EventDecodeError("'at' (the time) is missing or not text")
        by = Actor.from_json(obj["by"]) if obj.get("by") is not None else None
        payload_type = PAYLOAD_TYPES[kind]
        fields, known = _DECODING[payload_type]
        payload = _new(payload_type)
        for name, key, check, default, factory in fields:
            if key in obj:
                value = obj[key]
                if not check(value):
                    raise _wrong_type(kind, key, _FIELD_TYPES[payload_type][name], value)
            elif factory is not None:
                value = factory()
            elif default is dataclasses.MISSING:
                raise EventDecodeError(f"{_article(kind.value)} {kind.value} event needs {key!r}")
            else:
                value = default
            _set(payload, name, value)
        extra = {} if obj.keys() <= known else {k: v for k, v in obj.items() if k not in known}
        return cls(at, payload, by, extra)


_ALWAYS_WRITTEN = {"mode", "lang", "raw"}  # written even when default, as the first journal version did


def _field_types(payload_type: type[Any]) -> dict[str, str]:
    return {f.name: f.annotation for f in declared(payload_type)}


_FIELD_TYPES: dict[type[Any], dict[str, str]] = {cls: _field_types(cls) for cls in PAYLOAD_TYPES.values()}


_Decoding = tuple[tuple[tuple[str, str, Callable[[Any], bool], Any, Callable[[], Any] | None], ...], frozenset[str]]


def _decoding(payload_type: type[Any]) -> _Decoding:
    """(field name, JSON key, type check, default, default factory) of each field, and every key an event of
    this type knows: worked out once per type rather than once per journal line. A field whose annotation
    has no check is refused here, at import."""
    fields = []
    for f in declared(payload_type):
        if f.annotation not in _CHECKS:
            raise TypeError(f"no check for the annotation {f.annotation!r}")  # a new payload type: add its check
        fields.append((f.name, f.metadata.get("json", f.name), _CHECKS[f.annotation], f.default, f.factory))
    return tuple(fields), frozenset(ENVELOPE) | {f[1] for f in fields}


def _wrong_type(kind: EventKind, name: str, annotation: str, value: Any) -> EventDecodeError:
    expected = {"str": "text", "str | None": "text or null", "int": "a whole number", "bool": "true or false",
                "dict[str, Any]": "an object", "Any": "a JSON value"}[annotation]
    return EventDecodeError(f"{name!r} of {_article(kind.value)} {kind.value} event must be {expected}, "
                            f"not {_describe(value)}")


_CHECKS: dict[str, Callable[[Any], bool]] = {
    "str": lambda v: isinstance(v, str),
    "str | None": lambda v: v is None or isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "dict[str, Any]": lambda v: isinstance(v, dict),
    "Any": lambda v: _is_json_value(v),
}
_DECODING = {cls: _decoding(cls) for cls in PAYLOAD_TYPES.values()}
_KINDS = {kind.value: kind for kind in EventKind}
_new = object.__new__
_set = object.__setattr__


def _is_json_value(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, (str, int, list, dict))  # (bool is an int)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} (which JSON does not allow)"
    return {str: "text", bool: "true/false", int: "a number", float: "a number", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"

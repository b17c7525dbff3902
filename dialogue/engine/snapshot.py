"""The engine's state as JSON-able primitives, and back: what a snapshot file holds (dialogue.store.snapshot).

`state_of(engine)` gives everything a replay of the session's events builds — the session data, where the
flow is, the timing and characters-per-section folds, the number of events and the last one's time — so
`Engine.restore` can start from it instead of from the events, and be equal to `Engine.replay`.

Only lists, dicts, strings, numbers, booleans and None: records are written as the list of their fields in
order (`Record.__getstate__`) and made again by position; an event (the latest team event) and an actor go
through their own `to_json`/`from_json`. Nothing here can run code from the file. A body that does not have
the expected shape raises `SnapshotMismatch`; the store then replays the journal instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from dialogue.engine.machine import STATES
from dialogue.engine.richness import SectionChars
from dialogue.engine.state import SessionState
from dialogue.engine.timing import TimingFold
from dialogue.model import Actor, Answer, Bank, Event, Note, Parked, ProbeAnswer, Source, WriteUp
from dialogue.model.events import Started

if TYPE_CHECKING:
    from dialogue.engine.core import Engine

STATE_VERSION = 1  # raise when a field is added or changes meaning: older snapshots are then ignored


class SnapshotMismatch(ValueError):
    """A snapshot body that is not the state this version writes (the caller replays the events instead)."""


def state_of(engine: Engine) -> dict[str, Any]:
    """The engine's state after its events, as JSON-able primitives. Catches the timing and characters folds
    up first, so a restored engine's toolbar reads them without going back over the events."""
    engine.timing()
    engine.section_chars()
    s, flow = engine._s, engine._flow
    return {"version": STATE_VERSION, "events": engine.event_count, "last_at": engine.last_at,
            "flow": [flow.state, flow.return_to], "previous": [_fields(a) for a in engine._previous],
            "session": _session(s), "timing": _timing(engine._timing), "chars": _chars(engine._chars)}


def _fields(record: Any) -> list[Any]:
    return list(record.__getstate__())


def _session(s: SessionState) -> dict[str, Any]:
    return {
        "current": s.current, "history": list(s.history),
        "answers": {qid: _fields(a) for qid, a in s.answers.items()},
        "probe_answers": [_fields(p) for p in s.probe_answers], "probe": s.probe,
        "probe_reason": s.probe_reason, "probe_element": s.probe_element,
        "notes": [_fields(n) for n in s.notes], "skipped": list(s.skipped), "skipped_before": list(s.skipped_before),
        "asked": list(s.asked), "asked_this_visit": list(s.asked_this_visit), "meta": _fields(s.meta),
        "sources": {qid: _fields(src) for qid, src in s.sources.items()}, "flags": dict(s.flags),
        "parked": [_fields(p) for p in s.parked], "reoffer": list(s.reoffer), "passed": list(s.passed),
        "visit": s.visit, "section_started": s.section_started, "drafts": dict(s.drafts),
        "hints_shown": s.hints_shown,
        "writeups": {f: [[w.field_id, w.text, w.at, w.by.to_json() if w.by else None] for w in versions]
                     for f, versions in s.writeups.items()},
        "review": s.review.to_json() if s.review is not None else None, "sensitive": dict(s.sensitive)}


def _timing(fold: TimingFold) -> dict[str, Any]:
    return {"count": fold.count, "sections": dict(fold.sections), "current_section": fold.current_section,
            "paused_section": fold.paused_section, "previous": _when(fold.previous),
            "visit_start": _when(fold.visit_start)}


def _chars(chars: SectionChars) -> dict[str, Any]:
    return {"probes_seen": chars.probes_seen, "notes_seen": chars.notes_seen, "extra": dict(chars.extra)}


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


# ---- back ----


def restore_into(engine: Engine, state: Any) -> None:
    """Put `state` (from `state_of`) into a new engine on the same bank; `SnapshotMismatch` when it does not
    have the shape this version writes."""
    try:
        if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
            raise SnapshotMismatch("not a snapshot of this version")
        flow_state, return_to = state["flow"]
        if flow_state not in STATES or return_to not in STATES:
            raise SnapshotMismatch(f"no state {flow_state!r}")
        engine._flow.state, engine._flow.return_to = flow_state, return_to
        engine._previous = tuple(Answer(*a) for a in state["previous"])
        engine._s = _session_from(engine.bank, state["session"])
        engine._timing = _timing_from(engine.bank, state["timing"])
        engine._chars = _chars_from(engine.bank, state["chars"])
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
        raise SnapshotMismatch(f"the snapshot does not fit: {exc}") from None


def _session_from(bank: Bank, d: dict[str, Any]) -> SessionState:
    s = SessionState(bank)
    s.current, s.history = _text_or_none(d["current"]), list(d["history"])
    s.answers = {qid: Answer(*a) for qid, a in d["answers"].items()}
    s.probe_answers = [ProbeAnswer(*p) for p in d["probe_answers"]]
    s.probe, s.probe_reason, s.probe_element = int(d["probe"]), str(d["probe_reason"]), str(d["probe_element"])
    s.notes = [Note(*n) for n in d["notes"]]
    s.skipped, s.skipped_before = set(d["skipped"]), set(d["skipped_before"])
    s.asked, s.asked_this_visit = set(d["asked"]), set(d["asked_this_visit"])
    s.meta = Started(*d["meta"])
    s.sources = {qid: Source(*src) for qid, src in d["sources"].items()}
    s.flags, s.parked = dict(d["flags"]), [Parked(*p) for p in d["parked"]]
    s.reoffer, s.passed = set(d["reoffer"]), set(d["passed"])
    s.visit, s.section_started, s.drafts = int(d["visit"]), bool(d["section_started"]), dict(d["drafts"])
    s.hints_shown = None if d["hints_shown"] is None else bool(d["hints_shown"])
    s.writeups = {f: [WriteUp(field_id, text, at, Actor.from_json(by) if by is not None else None)
                      for field_id, text, at, by in versions] for f, versions in d["writeups"].items()}
    s.review = Event.from_json(d["review"]) if d["review"] is not None else None
    s.sensitive = dict(d["sensitive"])
    return s


def _timing_from(bank: Bank, d: dict[str, Any]) -> TimingFold:
    return TimingFold(bank, int(d["count"]), {str(k): float(v) for k, v in d["sections"].items()},
                      _text_or_none(d["current_section"]), _text_or_none(d["paused_section"]),
                      _moment(d["previous"]), _moment(d["visit_start"]))


def _chars_from(bank: Bank, d: dict[str, Any]) -> SectionChars:
    return SectionChars(bank, int(d["probes_seen"]), int(d["notes_seen"]),
                        {str(k): int(v) for k, v in d["extra"].items()})


def _text_or_none(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise SnapshotMismatch(f"{value!r} is not text")
    return value


def _moment(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


__all__ = ["STATE_VERSION", "SnapshotMismatch", "restore_into", "state_of"]

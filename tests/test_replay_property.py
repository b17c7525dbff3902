"""Property: whatever commands an interviewer types, replaying the journal gives the same session."""

from __future__ import annotations

import contextlib
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogue.engine import Engine
from dialogue.errors import AnswerError, CommandError
from dialogue.model import Event
from dialogue.model.events import Answered, Started
from dialogue.store.journal import Header, SessionStore
from tests.command_sequences import BANK, call, commands, drive
from tests.helpers import iso_clock


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(commands, max_size=40))
def test_replay_equals_live_run(script: list[tuple[str, object]]) -> None:
    live = Engine(BANK, iso_clock(), "p")
    live.start(Started(mode="meeting") if len(script) % 3 == 0 else Started())
    drive(live, script)
    replayed = Engine.replay(BANK, live.events, iso_clock(), "p")
    assert replayed.state == live.state
    assert replayed.step() == live.step()
    assert replayed.transcript() == live.transcript()
    assert replayed.legal_commands() == live.legal_commands()


@settings(max_examples=40, deadline=None)
@given(st.lists(commands, max_size=25))
def test_journal_round_trip_preserves_every_event(tmp_path_factory, script) -> None:  # type: ignore[no-untyped-def]
    store = SessionStore(tmp_path_factory.mktemp("sessions"))
    live = Engine(BANK, iso_clock(), "rt")
    header = Header("rt", BANK.id, BANK.version, BANK.source_hash, BANK.source_path, "t0")
    with store.create(header) as writer:
        live.start()
        writer.append(live.take_events())
        for name, arg in script:
            with contextlib.suppress(AnswerError, CommandError):
                call(live, name, arg)
            writer.append(live.take_events())
    journal = store.read("rt")
    assert list(journal.events) == list(live.events)
    assert [json.loads(json.dumps(e.to_json())) for e in journal.events] == [e.to_json() for e in live.events]
    assert Engine.replay(BANK, journal.events, iso_clock(), "rt").transcript() == live.transcript()


def test_event_json_round_trip_keeps_unicode_and_structure() -> None:
    event = Event("2026-11-23T10:00:00.000+09:00",
                  Answered("flow_steps", [{"name": "調達", "content": "🇯🇵\u0000<b>"}], "x"))
    assert Event.from_json(json.loads(json.dumps(event.to_json(), ensure_ascii=False))) == event

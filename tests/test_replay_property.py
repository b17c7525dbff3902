"""Property: whatever commands an interviewer types, replaying the journal gives the same session."""

from __future__ import annotations

import contextlib
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogue.engine import Engine
from dialogue.errors import AnswerError, CommandError
from dialogue.journal import Header, SessionStore
from dialogue.model import Event
from tests.helpers import iso_clock, mini_bank

BANK = mini_bank()
TARGETS = [s.id for s in BANK.sections] + [q.id for q in BANK.questions()] + ["nowhere"]

answers = st.sampled_from(["みどり精工", "12", "1", "2", "短い", "調達|良い材料|独自ルート", "a;b",
                           "長い回答。" * 10, "", "x" * 3, "いない", "-5"])
commands = st.one_of(
    st.tuples(st.just("submit"), answers),
    st.tuples(st.sampled_from(["skip", "back", "pause", "resume", "review", "close_review", "finish",
                               "reopen"]), st.just(None)),
    st.tuples(st.just("jump"), st.sampled_from(TARGETS)),
    st.tuples(st.just("note"), st.sampled_from(["メモ", "note", " "])),
)


def drive(engine: Engine, script: list[tuple[str, str | None]]) -> None:
    for name, arg in script:
        # refused commands change nothing (checked below by replay equality)
        with contextlib.suppress(AnswerError, CommandError):
            getattr(engine, name)(*(() if arg is None else (arg,)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(commands, max_size=40))
def test_replay_equals_live_run(script: list[tuple[str, str | None]]) -> None:
    live = Engine(BANK, iso_clock(), "p")
    live.start()
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
                getattr(live, name)(*(() if arg is None else (arg,)))
            writer.append(live.take_events())
    journal = store.read("rt")
    assert list(journal.events) == list(live.events)
    assert [json.loads(json.dumps(e.to_json())) for e in journal.events] == [e.to_json() for e in live.events]
    assert Engine.replay(BANK, journal.events, iso_clock(), "rt").transcript() == live.transcript()


def test_event_json_round_trip_keeps_unicode_and_structure() -> None:
    event = Event("answered", "2026-11-23T10:00:00.000+09:00",
                  {"question": "flow_steps", "value": [{"name": "調達", "content": "🇯🇵\u0000<b>"}], "raw": "x"})
    assert Event.from_json(json.loads(json.dumps(event.to_json(), ensure_ascii=False))) == event

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
from tests.helpers import iso_clock, mini_bank

BANK = mini_bank()
TARGETS = [s.id for s in BANK.sections] + [q.id for q in BANK.questions()] + ["nowhere"]

answers = st.sampled_from(["みどり精工", "12", "1", "2", "短い", "調達|良い材料|独自ルート", "a;b",
                           "長い回答。" * 10, "", "x" * 3, "いない", "-5"])
FIELDS = ["company.name", "business.history", "management.succession", "nowhere"]
commands = st.one_of(
    st.tuples(st.just("answer"), answers),
    st.tuples(st.sampled_from(["skip", "back", "next", "pause", "resume", "review", "close_review", "finish",
                               "reopen", "flag", "unflag", "new_visit"]), st.just(None)),
    st.tuples(st.just("jump"), st.sampled_from(TARGETS + FIELDS)),
    st.tuples(st.just("note"), st.sampled_from(["メモ", "note", " "])),
    st.tuples(st.just("mark"), st.sampled_from(["unknown", "declined", "not_applicable", "bogus"])),
    st.tuples(st.just("set_source"), st.sampled_from(["owner", "document", "estimate", "rumour"])),
    st.tuples(st.just("park"), st.tuples(st.sampled_from(FIELDS), st.sampled_from(["後で話す内容", ""]))),
    st.tuples(st.just("follow_up"), st.tuples(st.integers(-1, 2), st.sampled_from(["深掘り", ""]))),
    st.tuples(st.just("append"), answers),
)


def call(engine: Engine, name: str, arg: object) -> None:
    if name == "append":
        engine.answer(str(arg), append=True)
    elif isinstance(arg, tuple):
        getattr(engine, name)(*arg)
    else:
        getattr(engine, name)(*(() if arg is None else (arg,)))


def drive(engine: Engine, script: list[tuple[str, object]]) -> None:
    for name, arg in script:
        # refused commands change nothing (checked below by replay equality)
        with contextlib.suppress(AnswerError, CommandError):
            call(engine, name, arg)


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

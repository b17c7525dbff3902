"""What the engine-snapshot tests share (tests/test_snapshot.py, tests/test_sealed_snapshot.py): a journal
header on the mini bank, a long session of answers and notes in Japanese, and what a user sees of an engine."""

from __future__ import annotations

import contextlib
import stat
from collections.abc import Callable
from typing import Any

from dialogue.engine import Engine
from dialogue.model import Event
from dialogue.model.events import Started
from dialogue.store import snapshot as snapshots
from dialogue.store.journal import Header, SessionStore
from dialogue.store.live import SessionManager
from dialogue.store.opening import Opened
from dialogue.store.snapshot import Snapshot
from tests.command_sequences import BANK, drive
from tests.helpers import iso_clock, ticking_clock


def header(session_id: str) -> Header:
    return Header(session_id, BANK.id, BANK.version, BANK.source_hash, BANK.source_path, "2026-11-23T10:00:00+09:00")


def long_events(count: int) -> tuple[Event, ...]:
    """A session of about `count` events on the mini bank: answers, notes (Japanese), jumps back."""
    engine = Engine(BANK, iso_clock(), "long")
    engine.start(Started(lang="ja"))
    ids = [q.id for q in BANK.questions()]
    n = 0
    while engine.event_count < count:
        n += 1
        engine.note(f"メモ{n}：社長は技術の話になると熱が入る")
        with contextlib.suppress(Exception):
            engine.answer("株式会社みどり精工" if n % 3 else "12")
        if engine.state == "at_end":
            engine.jump(ids[n % len(ids)])
    return engine.events


def figures(engine: Engine) -> tuple[Any, ...]:
    """What a user sees of an engine: step, timing, characters per section, legal commands, transcript."""
    return (engine.state, engine.step(), engine.timing(), engine.section_chars(), engine.legal_commands(),
            engine.event_count, engine.last_at, engine.transcript())


def resumed_then_opened(store: SessionStore, reset: Callable[[], None]) -> tuple[Opened, Opened]:
    """The long session of `store` read (which writes no snapshot), resumed (the snapshot is written at once,
    0600, then a note is taken), the decoding counters `reset`, and read again: the reads before and after."""
    manager = SessionManager(store, ticking_clock(), sensitive=False)
    before = manager.open("long", BANK)
    assert not snapshots.snapshot_path(store, "long").exists()  # reading alone writes nothing
    with manager.resume("long", BANK) as live:
        assert snapshots.snapshot_path(store, "long").exists()  # written at the resume, before any answer
        live.note("再開後のメモ")
    assert stat.S_IMODE(snapshots.snapshot_path(store, "long").stat().st_mode) == 0o600
    reset()
    return before, manager.open("long", BANK)


def restore_is_replay(store: SessionStore, k: int, total: int, after: list[Any]) -> Snapshot:
    """Session "p" of `store` has a snapshot of its first `k` of `total` events: restored from it (the covered
    events left undecoded) it shows what a replay of every line shows, and the commands `after` give both the
    same events. The snapshot found."""
    data = store.read_bytes("p")
    found = snapshots.load(store, "p", data)
    assert found is not None and found.events == k
    journal = store.read("p", data=data, covered=found.covered)
    restored = Engine.restore(BANK, found.state, iso_clock(), "p", None, journal.covered, journal.events)
    replayed = Engine.replay(BANK, store.read("p").events, iso_clock(), "p")
    assert restored._events.undecoded == k or k == total  # (the last line is read alone for last_at)
    assert figures(restored) == figures(replayed)
    drive(restored, after)
    drive(replayed, after)
    assert restored.events == replayed.events and figures(restored) == figures(replayed)
    return found

"""Engine snapshots (dialogue.store.snapshot): a restored session is the replayed one, a snapshot that does not
fit is ignored without a word, and it is deleted with its session; a plaintext one is never kept in a store
that encrypts (an encrypted session's snapshot is sealed: tests/test_sealed_snapshot.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogue.engine import Engine
from dialogue.model import Event
from dialogue.model.events import Started
from dialogue.store import snapshot as snapshots
from dialogue.store.convert import encrypt_store
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
from dialogue.store.retention import delete, plan_delete
from tests.command_sequences import BANK, commands, drive
from tests.helpers import FIXTURES, iso_clock, ticking_clock
from tests.protect_support import cheap_keys
from tests.snapshot_support import figures, header, long_events, restore_is_replay, resumed_then_opened

ROOT = Path(__file__).resolve().parent.parent


def write(store: SessionStore, session_id: str, events: tuple[Event, ...] | list[Event]) -> Path:
    store.create(header(session_id), list(events)).close()
    return store.path(session_id)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many events were decoded from JSON (Event.from_json calls)."""
    calls = [0]
    original = Event.from_json.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Event], obj: Any) -> Event:
        calls[0] += 1
        return original(cls, obj)  # type: ignore[no-any-return]

    monkeypatch.setattr(Event, "from_json", classmethod(counting))
    yield calls


# ---- restore == replay ----


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(commands, max_size=40), st.lists(commands, max_size=15), st.integers(0, 100),
       st.lists(commands, max_size=15))
def test_a_restored_engine_is_the_replayed_one_and_goes_on_alike(tmp_path_factory: Any, script: list[Any],
                                                                  later: list[Any], cut: int, after: list[Any]
                                                                  ) -> None:
    """A snapshot of any prefix of any session, then the journal's later lines: the same step, figures and
    transcript as a replay of every line, and the next commands produce the same events."""
    live = Engine(BANK, iso_clock(), "p")
    live.start(Started(mode="meeting") if len(script) % 3 == 0 else Started())
    drive(live, script)
    drive(live, later)
    events = live.events
    k = 1 + cut % len(events)
    store = SessionStore(tmp_path_factory.mktemp("s"))
    with store.create(header("p"), list(events[:k])) as writer:
        assert snapshots.save(store, "p", Engine.replay(BANK, events[:k], iso_clock(), "p"))
        writer.append(list(events[k:]))
    restore_is_replay(store, k, len(events), after)


def test_old_sessions_restore_as_they_replay(tmp_path: Path) -> None:
    """The format-1 fixtures (tests/test_old_journals.py), on the bank they were written on."""
    from dialogue.banks.reader import load_bank

    old = FIXTURES / "journals_v1"
    bank = load_bank(old / "locaben_standard-1.0.0.yaml")
    store = SessionStore(tmp_path)
    manager = SessionManager(store, ticking_clock())
    restored_any = False
    for journal in sorted(old.glob("*.jsonl")):
        data = journal.read_bytes()
        session_id = json.loads(data.splitlines()[0])["session_id"]
        store.path(session_id).write_bytes(data)
        replayed = manager.open(session_id, bank)
        if replayed.migrated:
            continue
        assert snapshots.save(store, session_id, replayed.engine)
        restored = manager.open(session_id, bank)
        assert restored.replayed == 0 and restored.warnings == replayed.warnings
        assert figures(restored.engine) == figures(replayed.engine)
        restored_any = True
    assert restored_any


# ---- through the session manager ----


LONG = snapshots.MIN_EVENTS + 150


@pytest.fixture(scope="module")
def long_session() -> tuple[Event, ...]:
    return long_events(LONG)


def test_a_long_resume_keeps_a_snapshot_and_the_next_resume_uses_it(tmp_path: Path, long_session: Any,
                                                                      counted: list[int]) -> None:
    store = SessionStore(tmp_path)
    write(store, "long", long_session)
    before, again = resumed_then_opened(store, lambda: counted.__setitem__(0, 0))
    assert again.replayed == 0 and counted[0] == 0  # the close wrote a snapshot of every event, the note too
    assert again.engine._events.undecoded == len(long_session) + 1
    full = Engine.replay(BANK, store.read("long").events, iso_clock(), "long")
    assert figures(again.engine) == figures(full) and again.warnings == before.warnings
    assert again.engine.transcript().notes[-1].text == "再開後のメモ"


def test_without_the_snapshot_every_line_is_decoded(tmp_path: Path, long_session: Any, counted: list[int]) -> None:
    """The counter the other tests rely on does count: a plain read decodes every event."""
    store = SessionStore(tmp_path)
    write(store, "long", long_session)
    counted[0] = 0
    SessionManager(store, ticking_clock()).open("long", BANK)
    assert counted[0] == len(long_session)


def test_events_appended_after_the_snapshot_are_replayed_on_it(tmp_path: Path, long_session: Any,
                                                                counted: list[int]) -> None:
    """Another device or a team sync appended to the journal after the snapshot was written."""
    store = SessionStore(tmp_path)
    k = len(long_session) - 40
    write(store, "long", long_session[:k])
    manager = SessionManager(store, ticking_clock())
    assert snapshots.save(store, "long", manager.open("long", BANK).engine)
    with store.append_to("long") as writer:
        writer.append(list(long_session[k:]))
    counted[0] = 0
    opened = manager.open("long", BANK)
    assert opened.replayed == 40 and counted[0] == 40
    assert figures(opened.engine) == figures(Engine.replay(BANK, long_session, iso_clock(), "long"))


def _damage(kind: str, path: Path) -> None:
    text = path.read_bytes()
    head_line, _, body = text.partition(b"\n")
    head = json.loads(head_line)
    if kind == "garbage":
        path.write_bytes(b"\x00\xffnot a snapshot\n{")
    elif kind == "truncated":
        path.write_bytes(text[: len(text) // 2])
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind in ("version", "locaben", "journal_hash", "session_id", "bank_hash"):
        head[kind] = {"version": 99, "locaben": "0.0.1", "journal_hash": "0" * 64, "session_id": "other",
                      "bank_hash": "another bank"}[kind]
        path.write_bytes(json.dumps(head).encode() + b"\n" + body)
    elif kind == "body":  # a changed body, its hash no longer right
        path.write_bytes(head_line + b"\n" + body.replace(b"\"visit\":1", b"\"visit\":7"))
    elif kind == "shape":  # a body of the wrong shape, with a hash that fits it
        body = json.dumps({"version": 1, "events": 3}).encode()
        head["body_hash"] = snapshots._digest(body)
        path.write_bytes(json.dumps(head).encode() + b"\n" + body)
    elif kind == "directory":
        path.unlink()
        path.mkdir()


@pytest.mark.parametrize("kind", ["garbage", "truncated", "empty", "version", "locaben", "journal_hash", "session_id",
                                  "bank_hash", "body", "shape", "directory"])
def test_a_snapshot_that_does_not_fit_is_ignored_without_a_word(tmp_path: Path, long_session: Any, kind: str) -> None:
    store = SessionStore(tmp_path)
    write(store, "long", long_session)
    manager = SessionManager(store, ticking_clock())
    clean = manager.open("long", BANK)
    assert snapshots.save(store, "long", clean.engine)
    path = snapshots.snapshot_path(store, "long")
    _damage(kind, path)
    opened = manager.open("long", BANK)
    assert opened.replayed == len(long_session)  # replayed from the journal
    assert opened.warnings == clean.warnings == ()
    assert figures(opened.engine) == figures(clean.engine)
    if kind == "bank_hash":
        assert path.exists()  # of another bank than this read's (a compile with --bank): kept for the next resume
    elif kind != "directory":
        assert not path.exists()  # a useless snapshot is removed (the next long resume writes a new one)


def test_a_journal_edited_inside_the_covered_part_is_read_as_it_is_now(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    events = long_events(60)
    path = write(store, "s", events)
    manager = SessionManager(store, ticking_clock())
    assert snapshots.save(store, "s", manager.open("s", BANK).engine)
    data = path.read_bytes()
    assert "株式会社みどり精工".encode() in data
    path.write_bytes(data.replace("株式会社みどり精工".encode(), "株式会社あおば製作".encode(), 2))  # same length
    opened = manager.open("s", BANK)
    assert opened.replayed == len(events)
    assert opened.engine.events[3].payload.raw == "株式会社あおば製作"  # type: ignore[union-attr]


def test_a_journal_shorter_than_the_snapshot_is_replayed(tmp_path: Path) -> None:
    """The journal was put back to an earlier copy (a backup restored): the snapshot covers more than it has."""
    store = SessionStore(tmp_path)
    events = long_events(60)
    write(store, "s", events[:30])
    earlier = store.path("s").read_bytes()
    with store.append_to("s") as writer:
        writer.append(list(events[30:]))
    manager = SessionManager(store, ticking_clock())
    assert snapshots.save(store, "s", manager.open("s", BANK).engine)
    store.path("s").write_bytes(earlier)
    opened = manager.open("s", BANK)
    assert opened.replayed == 30 and opened.engine.event_count == 30
    assert figures(opened.engine) == figures(Engine.replay(BANK, events[:30], iso_clock(), "s"))


def test_a_torn_last_line_after_the_snapshot_is_repaired_as_always(tmp_path: Path, long_session: Any) -> None:
    store = SessionStore(tmp_path)
    write(store, "long", long_session)
    manager = SessionManager(store, ticking_clock())
    assert snapshots.save(store, "long", manager.open("long", BANK).engine)
    path = store.path("long")
    with open(path, "ab") as handle:
        handle.write(b'{"kind":"noted","at":"2026-11-23T1')
    opened = manager.open("long", BANK, repair=True)
    assert opened.replayed == 0 and len(opened.warnings) == 1 and "cut off" in opened.warnings[0]
    assert path.read_bytes().endswith(b"}\n") and opened.engine.event_count == len(long_session)


def test_a_resume_killed_before_any_close_has_left_its_snapshot(tmp_path: Path, long_session: Any) -> None:
    """A long resume writes the snapshot once it has replayed, so a session killed later (SIGKILL, a dead
    battery) still resumes from it."""
    store = SessionStore(tmp_path)
    write(store, "long", long_session)
    script = ("import os, signal, sys\n"
              "from dialogue.store.journal import SessionStore\n"
              "from dialogue.store.live import SessionManager\n"
              "from tests.helpers import mini_bank, ticking_clock\n"
              f"manager = SessionManager(SessionStore({str(tmp_path)!r}), ticking_clock(), sensitive=False)\n"
              "with manager.resume('long', mini_bank()) as live:\n"
              "    live.note('殺される前のメモ')\n"
              "    os.kill(os.getpid(), signal.SIGKILL)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, timeout=120, check=False)
    assert done.returncode == -9, done.stderr
    opened = SessionManager(store, ticking_clock()).open("long", BANK)
    assert opened.replayed == 1  # the snapshot of the resume, then the note written after it
    assert opened.engine.transcript().notes[-1].text == "殺される前のメモ"


# ---- where snapshots may be, and where not ----


def test_deleting_a_session_removes_its_snapshot(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    write(store, "s", long_events(30))
    assert snapshots.save(store, "s", SessionManager(store, ticking_clock()).open("s", BANK).engine)
    leftover = tmp_path / ".s.state.x1y2.tmp"
    leftover.write_bytes(b"{}")
    plan = plan_delete(tmp_path, "s")
    assert snapshots.snapshot_path(store, "s") in plan.files and leftover in plan.files
    delete(store, "s")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("s.", ".s."))) == []


def test_a_plaintext_snapshot_left_in_a_store_that_now_encrypts_is_removed(tmp_path: Path) -> None:
    plain = SessionStore(tmp_path)
    write(plain, "s", long_events(30))
    assert snapshots.save(plain, "s", SessionManager(plain, ticking_clock()).open("s", BANK).engine)
    (tmp_path / "gone.state").write_bytes(b"{}")  # a snapshot whose journal is no longer there
    encrypt_store(plain, cheap_keys(), "passphrase")
    assert list(tmp_path.glob("*.state")) == []
    assert plain.read_bytes("s").find(b"crypto") > 0


def test_a_snapshot_put_back_into_an_encrypting_store_is_not_used_but_removed(tmp_path: Path) -> None:
    plain = SessionStore(tmp_path)
    write(plain, "s", long_events(30))
    assert snapshots.save(plain, "s", SessionManager(plain, ticking_clock()).open("s", BANK).engine)
    kept = snapshots.snapshot_path(plain, "s").read_bytes()
    encrypt_store(plain, cheap_keys(), "passphrase")
    snapshots.snapshot_path(plain, "s").write_bytes(kept)
    store = SessionStore(tmp_path, cheap_keys())
    opened = SessionManager(store, ticking_clock()).open("s", BANK)
    assert opened.replayed == opened.engine.event_count
    assert not snapshots.snapshot_path(store, "s").exists()


def test_a_short_session_keeps_no_snapshot(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    write(store, "s", long_events(50))
    with SessionManager(store, ticking_clock(), sensitive=False).resume("s", BANK) as live:
        live.note("短いセッション")
    assert sorted(os.listdir(tmp_path)) == ["s.jsonl"]


def test_locaben_resume_decodes_none_of_the_covered_events(tmp_path: Path, long_session: Any, counted: list[int]) -> None:
    """The whole `locaben resume` (its warnings, the returned-sheet check, the question, the toolbar, /pause
    and the close): the second resume decodes none of the events the first one's snapshot covers."""
    from tests.helpers import run_cli

    store = SessionStore(tmp_path)
    write(store, "long", long_session)
    args = ["resume", "long", "--plain", "--same-visit", "--lang", "ja", "--sessions-dir", str(tmp_path)]
    code, first, _ = run_cli(args, "/pause\n")
    assert code == 0 and snapshots.snapshot_path(store, "long").exists()
    counted[0] = 0
    code, second, _ = run_cli(args, "/pause\n")
    assert code == 0 and counted[0] == 0  # not even the last: when it happened is kept in the snapshot
    assert second == first  # the same question and screen as from the full replay

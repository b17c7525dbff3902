"""The session journal on disk: durable, private, recoverable, and never shared by two writers — in a
plaintext store and in an encrypted one alike (`kind`), with the same assertions."""

from __future__ import annotations

import json
import os
import stat

import pytest

from dialogue.errors import JournalError, SessionInUse, SessionNotFound
from dialogue.model import Event
from dialogue.model.events import Noted
from dialogue.store.journal import FORMAT_VERSION, Header, SessionStore
from tests.helpers import read_only_folder
from tests.protect_support import KINDS, store_of_kind


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def header(session_id: str = "s1") -> Header:
    return Header(session_id, "mini", "0.1", "abc", "/banks/mini.yaml", "2026-11-23T10:00:00+09:00")


def write_session(store: SessionStore, n: int = 3, session_id: str = "s1") -> None:
    with store.create(header(session_id)) as writer:
        for i in range(n):
            writer.append([Event(f"t{i}", Noted(None, f"メモ{i}"))])


def test_files_are_private_to_the_user(tmp_path, kind) -> None:  # type: ignore[no-untyped-def]
    store = store_of_kind(tmp_path / "sessions", kind)
    write_session(store)
    assert stat.S_IMODE(os.stat(tmp_path / "sessions").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(store.path("s1")).st_mode) == 0o600


def test_first_line_is_a_versioned_header_with_the_bank_hash(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = SessionStore(tmp_path)
    write_session(store)
    first = json.loads(store.path("s1").read_text(encoding="utf-8").splitlines()[0])
    assert first["format"] == "locaben-session" and first["version"] == FORMAT_VERSION == 2
    assert (first["bank_id"], first["bank_version"], first["bank_hash"]) == ("mini", "0.1", "abc")


def test_round_trip(tmp_path, kind) -> None:  # type: ignore[no-untyped-def]
    store = store_of_kind(tmp_path, kind)
    write_session(store, 5)
    journal = store.read("s1")
    assert [e.payload.text for e in journal.events] == [f"メモ{i}" for i in range(5)]
    assert journal.warnings == () and journal.encrypted == (kind == "encrypted")


def test_torn_last_line_is_recovered_with_a_warning_and_a_backup(tmp_path, kind) -> None:  # type: ignore[no-untyped-def]
    store = store_of_kind(tmp_path, kind)
    write_session(store, 3)
    path = store.path("s1")
    original = path.read_bytes()
    with open(path, "ab") as handle:
        handle.write(b'{"kind":"answered","at":"t9","val')
    journal = store.read("s1")
    assert len(journal.events) == 3
    assert "cut off" in journal.warnings[0]
    assert path.read_bytes() == original  # repaired to the last whole line
    backups = list(tmp_path.glob("s1.jsonl.bak*"))
    assert len(backups) == 1 and backups[0].read_bytes().endswith(b'"val')
    assert stat.S_IMODE(os.stat(backups[0]).st_mode) == 0o600


def test_garbage_in_the_middle_is_reported_with_its_line(tmp_path, kind) -> None:  # type: ignore[no-untyped-def]
    store = store_of_kind(tmp_path, kind)
    write_session(store, 3)
    path = store.path("s1")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = "@@garbage@@\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(JournalError, match=r"s1\.jsonl:3: damaged line"):
        store.read("s1")


def test_a_newer_format_version_is_refused_clearly(tmp_path, kind) -> None:  # type: ignore[no-untyped-def]
    store = store_of_kind(tmp_path, kind)
    write_session(store)
    path = store.path("s1")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = json.loads(lines[0])
    first["version"] = 99
    path.write_text(json.dumps(first) + "\n" + "".join(lines[1:]), encoding="utf-8")
    with pytest.raises(JournalError, match="newer than this locaben reads"):
        store.read("s1")


@pytest.mark.parametrize("bad_id", ["../etc/passwd", "a/b", "", ".hidden", "x" * 200, "名前"])
def test_session_ids_cannot_escape_the_store(tmp_path, bad_id) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SessionNotFound):
        SessionStore(tmp_path).path(bad_id)


def test_lock_held_by_a_live_process_is_refused(tmp_path, session_holder) -> None:  # type: ignore[no-untyped-def]
    store = SessionStore(tmp_path)
    write_session(store)
    other = session_holder(tmp_path, "s1")  # another process holds the session, as a second window would
    with pytest.raises(SessionInUse, match=f"in use by PID {other.pid}"), store.lock("s1"):
        pass
    other.stdin.close()  # the other window closes: its lock is gone
    other.wait(timeout=10)
    with store.lock("s1"):
        pass


def test_lock_of_a_process_that_died_is_simply_taken(tmp_path, session_holder) -> None:  # type: ignore[no-untyped-def]
    store = SessionStore(tmp_path)
    write_session(store)
    dead = session_holder(tmp_path, "s1")
    dead.kill()  # no chance to clean up: the lock file and the holder's PID stay behind
    dead.wait(timeout=10)
    lock_path = store.path("s1").with_suffix(".lock")
    assert lock_path.exists()
    with store.lock("s1"):
        assert json.loads(lock_path.with_suffix(".holder").read_text(encoding="utf-8"))["pid"] == os.getpid()
    assert not lock_path.exists() and not lock_path.with_suffix(".holder").exists()


def test_write_failure_is_reported_and_leaves_no_half_line(tmp_path, monkeypatch, kind) -> None:  # type: ignore[no-untyped-def]
    store = store_of_kind(tmp_path, kind)
    write_session(store, 1)
    before = store.path("s1").read_bytes()
    writer = store.append_to("s1")
    real_write = os.write
    calls = {"n": 0}

    def failing_write(fd, data):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            return real_write(fd, data[:5])  # a partial write, then the disk is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", failing_write)
    with pytest.raises(JournalError, match="No space left on device"):
        writer.append([Event("t", Noted(None, "失われてはいけない"))])
    monkeypatch.undo()
    assert store.path("s1").read_bytes() == before
    writer.append([Event("t", Noted(None, "空きができたので再試行"))])  # continues once space is back
    writer.close()
    assert [e.payload.text for e in store.read("s1").events][-1] == "空きができたので再試行"


def test_read_only_directory_gives_a_clear_error(tmp_path, kind) -> None:  # type: ignore[no-untyped-def]
    with read_only_folder(tmp_path / "ro") as root, \
            pytest.raises(JournalError, match="cannot create|cannot write the store's key description in .*/ro"):
        store_of_kind(root, kind).create(header())
    with read_only_folder(tmp_path / "ro2") as root, pytest.raises(JournalError, match="cannot use .* as the session store"):
        store_of_kind(root / "sessions", kind).create(header())  # the store itself cannot be made

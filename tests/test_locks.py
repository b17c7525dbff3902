"""Session locks the operating system releases (dialogue.store.locks): never two writers, never blocked by a
process that is gone or by a PID that now belongs to someone else."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from dialogue.errors import SessionInUse
from dialogue.store.journal import SessionStore

ROUNDS = 200


def leave_stale_lock(store: Path, session_id: str, pid: int) -> None:
    """What a holder that vanished without cleaning up leaves behind: the lock file (in the old PID-file
    format too) and a holder record naming `pid`."""
    lock = store / f"{session_id}.lock"
    lock.write_text(str(pid), encoding="utf-8")
    lock.with_suffix(".holder").write_text(json.dumps({"pid": pid, "host": socket.gethostname()}), encoding="utf-8")


def racer(store_dir: str, marker: str, rounds: int, dead_pid: int, first: bool, barrier: Any, results: Any) -> None:
    """One of two processes: in every round, after a stale lock of a dead process has been left behind, take
    the session lock (retrying while the other has it) and check nobody else is inside meanwhile."""
    store = SessionStore(Path(store_dir))
    wins = doubles = refusals = 0
    for _ in range(rounds):
        barrier.wait()
        if first:
            leave_stale_lock(Path(store_dir), "s1", dead_pid)
        barrier.wait()  # both start together on the stale lock
        for _attempt in range(2000):
            try:
                with store.lock("s1"):
                    wins += 1
                    try:
                        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
                    except FileExistsError:
                        doubles += 1
                        break
                    time.sleep(0.0005)  # stay inside a moment: the other one is trying now
                    os.close(fd)
                    os.unlink(marker)
                break
            except SessionInUse:
                refusals += 1
                time.sleep(0.0001)
    results.put((wins, doubles, refusals))


def finished_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_two_racing_processes_never_both_hold_the_lock(tmp_path: Path) -> None:
    store = tmp_path / "sessions"
    store.mkdir()
    context = multiprocessing.get_context("spawn")  # what Windows does; no state inherited from pytest
    barrier, results = context.Barrier(2), context.Queue()
    args = (str(store), str(tmp_path / "inside"), ROUNDS, finished_pid())
    racers = [context.Process(target=racer, args=(*args, first, barrier, results)) for first in (True, False)]
    for process in racers:
        process.start()
    outcomes = [results.get(timeout=120) for _ in racers]
    for process in racers:
        process.join(timeout=30)
        assert process.exitcode == 0
    assert sum(doubles for _, doubles, _ in outcomes) == 0
    assert sum(wins for wins, _, _ in outcomes) == 2 * ROUNDS  # each got it once a round, one after the other
    assert sum(refusals for _, _, refusals in outcomes) > 0  # and they really did collide
    assert sorted(p.name for p in store.iterdir()) == []  # nothing left behind


def test_a_pid_now_used_by_an_unrelated_process_does_not_block(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    unrelated = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        leave_stale_lock(tmp_path, "s1", unrelated.pid)  # the old holder's PID, reused by a live process
        started = time.monotonic()
        with store.lock("s1"):
            assert time.monotonic() - started < 1
        assert unrelated.poll() is None  # the unrelated process was left alone
    finally:
        unrelated.kill()
        unrelated.wait()


def test_a_killed_holder_releases_the_lock_at_once(tmp_path: Path, session_holder) -> None:  # type: ignore[no-untyped-def]
    store = SessionStore(tmp_path)
    holder = session_holder(tmp_path, "s1")
    with pytest.raises(SessionInUse, match=f"PID {holder.pid}"), store.lock("s1"):
        pass
    holder.kill()  # SIGKILL: no cleanup runs in the holder
    holder.wait(timeout=10)
    started = time.monotonic()
    with store.lock("s1"):
        assert time.monotonic() - started < 1


def test_the_lock_is_refused_in_the_same_process_too(tmp_path: Path) -> None:
    """Two live sessions on one journal in one program would interleave their writes just the same."""
    store = SessionStore(tmp_path)
    with store.lock("s1"), pytest.raises(SessionInUse, match=f"PID {os.getpid()}"), store.lock("s1"):
        pass
    with store.lock("s1"):  # and the first hold, once left, frees it
        pass

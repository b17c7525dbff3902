"""The OS file lock (dialogue.oslock) under the session, audit and output-folder locks: one holder at a time
across processes, released by the kernel when the holder is killed, a wait that ends, and never two holders
when a holder removes the lock file while another process waits on it."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dialogue import oslock
from dialogue.oslock import FileLock, LockBusy

HOLD = """
import sys, time
from dialogue.oslock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire(5)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
lock.release()
"""


def holder(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process that takes the lock and keeps it `seconds`; returned once it holds it."""
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE,
                               text=True)
    assert process.stdout is not None and process.stdout.readline() == "held\n"
    return process


@contextlib.contextmanager
def held_elsewhere(path: Path) -> Iterator[None]:
    """Another process holds the lock for the whole block (killed at its end)."""
    process = holder(path, 30)
    try:
        yield
    finally:
        process.kill()
        process.wait()


def test_a_held_lock_is_refused_at_once_without_waiting(tmp_path: Path) -> None:
    with held_elsewhere(tmp_path / "a.lock"):
        started = time.monotonic()
        with pytest.raises(LockBusy):
            FileLock(tmp_path / "a.lock").acquire(0)
        assert time.monotonic() - started < 1.0
        assert isinstance(LockBusy(), OSError)  # callers that report OSError report a lock held too long


def test_a_waiter_gets_the_lock_when_the_holder_releases_it(tmp_path: Path) -> None:
    process = holder(tmp_path / "a.lock", 0.4)
    lock = FileLock(tmp_path / "a.lock")
    lock.acquire(10)
    assert lock.is_locked
    assert process.wait() == 0
    lock.release()
    assert not lock.is_locked


def test_a_wait_ends_with_lock_busy_after_the_timeout(tmp_path: Path) -> None:
    with held_elsewhere(tmp_path / "a.lock"):
        started = time.monotonic()
        with pytest.raises(LockBusy):
            FileLock(tmp_path / "a.lock").acquire(0.5)
        assert 0.45 <= time.monotonic() - started < 3.0


def test_the_kernel_frees_the_lock_of_a_killed_holder(tmp_path: Path) -> None:
    process = holder(tmp_path / "a.lock", 30)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    lock = FileLock(tmp_path / "a.lock")
    lock.acquire(0)  # the file is still there; the lock is not
    lock.release()


def test_the_lock_file_is_private(tmp_path: Path) -> None:
    lock = FileLock(tmp_path / "a.lock")
    lock.acquire(0)
    lock.release()
    assert stat.S_IMODE((tmp_path / "a.lock").stat().st_mode) == 0o600


def test_a_lock_file_removed_by_its_holder_never_lets_two_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The holder removes the file and releases it just after another process opened it and before that one
    locks it (what dialogue.store.locks does on release, at the worst moment): the other one must end up on
    the new file at the path, so that a third process is refused."""
    path = tmp_path / "s.lock"
    first = FileLock(path)
    first.acquire(0)
    real_lock = oslock._try_lock

    def holder_leaves_in_between(fd: int) -> None:
        if first.is_locked:
            path.unlink()
            first.release()
        real_lock(fd)

    monkeypatch.setattr(oslock, "_try_lock", holder_leaves_in_between)
    second = FileLock(path)
    second.acquire(0)
    monkeypatch.setattr(oslock, "_try_lock", real_lock)
    with pytest.raises(LockBusy):
        FileLock(path).acquire(0)  # without the check the second would hold a deleted file, and this would succeed
    second.release()


def test_a_lock_file_that_cannot_be_created_is_an_os_error_not_busy(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        FileLock(tmp_path / "missing-folder" / "a.lock").acquire(0)

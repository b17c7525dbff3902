"""One writer per session: an operating-system file lock on `ID.lock`, which the OS releases when the
holder ends, however it ends (exit, crash, `kill -9`, a closed laptop lid that kills the terminal).

The lock is `dialogue.oslock.FileLock` (`fcntl.flock` on Unix, `msvcrt.locking` on Windows), taken without waiting: a
second window is told at once who holds the session instead of hanging. Who holds it is kept apart, in
`ID.holder` (PID, host, since when), and is information only — it is never used to decide anything, so a
PID reused by an unrelated process can neither block a session nor let two writers in. Both files are
removed on release: the lock file while it is still held (the lock then makes a process that opened the
old file before the removal retry on a new one instead of holding a lock on a deleted file).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from dialogue.errors import JournalError, SessionInUse
from dialogue.oslock import FileLock, LockBusy

PRIVATE = 0o600


@contextlib.contextmanager
def hold(lock_path: Path) -> Iterator[None]:
    """Hold the lock at `lock_path` for the duration of the block, or raise `SessionInUse` at once when
    another process holds it (its PID named when it wrote one)."""
    lock = _acquire(lock_path)
    holder = holder_path(lock_path)
    try:
        _write_holder(holder)
        yield
    finally:
        with contextlib.suppress(OSError):
            holder.unlink()
        with contextlib.suppress(OSError):  # Windows refuses while the file is open: it stays, empty and unlocked
            lock_path.unlink()
        lock.release()


def hostname() -> str:
    """This computer's network name (`socket.gethostname()`; on Unix read from `uname` without importing
    socket, which every start of an interview would pay for)."""
    if os.name != "nt":
        return os.uname().nodename
    import socket

    return socket.gethostname()


def holder_path(lock_path: Path) -> Path:
    return lock_path.with_suffix(".holder")


def _acquire(lock_path: Path) -> FileLock:
    lock = FileLock(lock_path, mode=PRIVATE)
    try:
        lock.acquire(timeout=0)
    except LockBusy:
        raise SessionInUse(_in_use_message(lock_path)) from None
    except OSError as exc:
        raise JournalError(f"cannot create the lock file {lock_path}: {exc.strerror}") from None
    return lock


def _in_use_message(lock_path: Path) -> str:
    info = read_holder(lock_path)
    pid = info.get("pid")
    who = f"PID {pid}" if isinstance(pid, int) else "another process"
    host = info.get("host")
    if isinstance(host, str) and host and host != hostname():
        who += f" on {host}"
    return (f"session is in use by {who} (lock file {lock_path}). Close the other locaben window first; "
            "the lock is released by itself when that program ends, even if it crashed.")


def read_holder(lock_path: Path) -> dict[str, object]:
    """What the holder wrote about itself ({} when nothing readable): for messages only."""
    try:
        info = json.loads(holder_path(lock_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def _write_holder(path: Path) -> None:
    """Best effort: a holder file that cannot be written only makes the 'in use' message vaguer."""
    info = {"pid": os.getpid(), "host": hostname(),
            "since": datetime.now().astimezone().isoformat(timespec="seconds")}
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            json.dump(info, handle)

"""An operating-system lock on a file, which the kernel releases when its holder ends however it ends (exit,
crash, `kill -9`): `fcntl.flock` on Unix, `msvcrt.locking` on Windows.

It replaced the `filelock` library, which did the same with the same system calls but cost 20–60 ms of
imports (logging, secrets, platform, decimal, inspect) at every start of `locaben interview` and `compile`
— more than all of locaben's own modules on the way to the first question. Unix locks taken by earlier
versions through filelock are the same `flock` locks, so old and new processes exclude each other.

A holder may remove the lock file while it still holds the lock (dialogue.store.locks does, so no lock
files pile up in the store). A process that opened the old file just before its removal would then hold a
lock on a file nobody else can find; `acquire` therefore checks after locking that the file it holds is
still the one at the path, and otherwise starts again on the new one.
"""

from __future__ import annotations

import errno
import os
import sys
import time
from pathlib import Path

POLL_SECONDS = 0.05  # between attempts while another process holds the lock
_BUSY = {errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK, getattr(errno, "EDEADLOCK", errno.EDEADLK)}

if sys.platform == "win32":  # pragma: no cover — Windows
    import msvcrt

    def _try_lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # the first byte; raises OSError(EACCES) when held

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class LockBusy(TimeoutError):
    """Another process held the lock for the whole time allowed (an OSError, as filelock's Timeout was)."""


class FileLock:
    """`acquire(timeout)`, then `release()`. The lock file is created private (`mode`, 0600 by default) when
    missing; it is not removed on release."""

    def __init__(self, path: str | Path, mode: int = 0o600):
        self.path = os.fspath(path)
        self.mode = mode
        self._fd: int | None = None

    @property
    def is_locked(self) -> bool:
        return self._fd is not None

    def acquire(self, timeout: float = 0.0) -> None:
        """Take the lock, waiting up to `timeout` seconds (0: one attempt). `LockBusy` when another process
        still holds it then; `OSError` when the lock file cannot be opened or created."""
        deadline = time.monotonic() + timeout
        while self._fd is None:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, self.mode)
            try:
                _try_lock(fd)
            except OSError as exc:
                os.close(fd)
                if exc.errno not in _BUSY:
                    raise
                if time.monotonic() >= deadline:
                    raise LockBusy(self.path) from None
                time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
                continue
            if self._still_there(fd):
                self._fd = fd
            else:  # its holder removed it while we waited: lock the file now at the path
                _unlock(fd)
                os.close(fd)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                _unlock(fd)
            finally:
                os.close(fd)

    def _still_there(self, fd: int) -> bool:
        try:
            return os.path.samestat(os.fstat(fd), os.stat(self.path))
        except FileNotFoundError:
            return False

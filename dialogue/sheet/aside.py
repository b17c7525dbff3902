"""Rendering one format on the machine's other core while this process renders the rest.

`locaben compile ID` is a short process whose time goes mostly to importing and running two independent
renderers: XlsxWriter for the workbook, jinja2 for the Markdown and HTML files (≈ 50 ms each on the
benchmark machine). On Linux with more than one core, the workbook is rendered in a forked child, which
writes its bytes to a pipe and ends; the parent renders the other formats meanwhile and then reads them.

The child is only an accelerator: it never writes a file, takes a lock or prints. When it cannot be forked,
fails in any way (its exit status is not 0) or is interrupted, `result()` gives None and the caller renders
the format itself — so an error is reported by the parent exactly as without the child, and the output is
byte for byte the same. `compile --all` does not use it: its worker processes already use every core.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
from collections.abc import Callable

READ_CHUNK = 1 << 16


def can_fork() -> bool:
    """Linux with a second core: `fork` is safe there for this single-threaded process (macOS system
    libraries are not fork-safe, Windows has no fork), and a second core makes it pay."""
    return sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1


class Aside:
    """`render()` run in a forked child; `result()` is its bytes, or None when the child did not succeed.
    Use it as a context manager so the child is always reaped (killed first if its result was not read)."""

    def __init__(self, render: Callable[[], bytes]):
        self._pid = 0
        self._fd = -1
        readable, writable = os.pipe()
        try:
            pid = _fork()
        except OSError:
            os.close(readable)
            os.close(writable)
            return
        if pid == 0:  # the child: render, hand the bytes over, end without running the parent's exit code
            os.close(readable)
            _child(render, writable)
        os.close(writable)
        self._pid, self._fd = pid, readable

    def result(self) -> bytes | None:
        if not self._pid:
            return None
        chunks = []
        try:
            while chunk := os.read(self._fd, READ_CHUNK):
                chunks.append(chunk)
        except OSError:
            chunks = []
        status = self._reap()
        return b"".join(chunks) if status == 0 and chunks else None

    def close(self) -> None:
        if self._pid:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()

    def _reap(self) -> int:
        with contextlib.suppress(OSError):
            os.close(self._fd)
        try:
            _, status = os.waitpid(self._pid, 0)
        except ChildProcessError:
            status = -1
        self._pid = 0
        return os.waitstatus_to_exitcode(status) if status >= 0 else -1

    def __enter__(self) -> Aside:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _fork() -> int:
    if sys.platform.startswith("linux"):  # see can_fork
        return os.fork()
    raise OSError(errno.ENOSYS, "the workbook is rendered aside on Linux only")


def _child(render: Callable[[], bytes], fd: int) -> None:
    status = 1
    try:
        data = render()
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        status = 0
    except BaseException:  # noqa: BLE001, S110 — any failure: the parent renders the format itself
        pass
    finally:
        os._exit(status)

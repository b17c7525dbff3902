"""Timing primitives for benchmarks/run.py: whole processes run alternately with their reference, a process
on a pseudo-terminal watched for what it draws, medians and percentiles. Unix only (a benchmark, not part of
the package)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Sequence

ROWS, COLUMNS = 30, 100
CURSOR_SHOWN = b"\x1b[?25h"  # prompt-toolkit's first: its application starts reading keys (and draws the line)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile: the smallest value with at least p % of the values at or below it."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil without floats
    return ordered[int(rank) - 1]


def alternately(subject: Callable[[], float], reference: Callable[[], float], runs: int, warmup: int = 1
                ) -> tuple[list[float], list[float]]:
    """`runs` timings of each, taken subject, reference, subject, … so that a change in the machine's load
    touches both alike; `warmup` runs of each first (filling the OS's caches and locaben's bank cache) are
    not counted. Each callable returns its own elapsed seconds."""
    for _ in range(warmup):
        subject()
        reference()
    pairs = [(subject(), reference()) for _ in range(runs)]
    return [a for a, _ in pairs], [b for _, b in pairs]


def wall(args: Sequence[str], env: dict[str, str], cwd: str, before: Callable[[], None] | None = None) -> float:
    """Seconds from spawning a command to its exit (output captured, not a terminal); it must succeed."""
    if before is not None:
        before()
    started = time.perf_counter()
    done = subprocess.run(list(args), env=env, cwd=cwd, capture_output=True, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {done.returncode}: {done.stderr.decode()[-800:]}")
    return elapsed


class Terminal:
    """A command on a pseudo-terminal of ROWS×COLUMNS: `expect` waits for bytes it draws and tells when
    they arrived; `send` types (a long paste is written while the output is drained, as a terminal does)."""

    def __init__(self, args: Sequence[str], env: dict[str, str], cwd: str):
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: the pty is its controlling terminal and its stdin/stdout/stderr
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
                os.chdir(cwd)
                os.execve(args[0], list(args), env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.output = bytearray()
        self.seen = 0  # what `expect` has consumed
        self.status: int | None = None
        self.max_rss_kib = 0

    def _read(self, timeout: float) -> bool:
        """Read what is there (waiting up to `timeout`); False at end of output."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            return False
        self.output += chunk
        return bool(chunk)

    def expect(self, marker: bytes, timeout: float = 30.0) -> float:
        """Wait until `marker` appears after what was consumed; the perf_counter time it was read."""
        deadline = time.perf_counter() + timeout
        while True:
            found = self.output.find(marker, self.seen)
            if found >= 0:
                self.seen = found + len(marker)
                return time.perf_counter()
            if time.perf_counter() > deadline or not self._read(max(0.0, deadline - time.perf_counter())):
                tail = bytes(self.output[-600:]).decode("utf-8", "replace")
                raise RuntimeError(f"{marker!r} not drawn within {timeout} s; the screen ended with: {tail!r}")

    def send(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            readable, writable, _ = select.select([self.fd], [self.fd], [], 10)
            if readable:
                self._read(0)
            if writable:
                view = view[os.write(self.fd, view[:4096]):]

    def settle(self, quiet: float = 0.15) -> None:
        """Read until nothing is drawn for `quiet` seconds."""
        size = -1
        while size != len(self.output):
            size = len(self.output)
            self._read(quiet)

    def close(self, kill: bool = True, timeout: float = 60.0) -> int:
        """Kill (or wait for) the child; drain its output; its exit status. Its peak RSS is kept."""
        if kill:
            os.kill(self.pid, signal.SIGKILL)
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline and self._read(0.2):
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                self._reaped(status, usage)
                break
        if self.status is None:
            _, status, usage = os.wait4(self.pid, 0)
            self._reaped(status, usage)
        os.close(self.fd)
        return self.status if self.status is not None else -1

    def _reaped(self, status: int, usage: object) -> None:
        self.status = os.waitstatus_to_exitcode(status)
        self.max_rss_kib = int(getattr(usage, "ru_maxrss", 0))  # KiB on Linux

    def text(self) -> str:
        return bytes(self.output).decode("utf-8", "replace")


def on_terminal_until(args: Sequence[str], env: dict[str, str], cwd: str, marker: bytes,
                      before: Callable[[], None] | None = None) -> float:
    """Seconds from spawning `args` on a terminal until `marker` is drawn; the child is then killed."""
    if before is not None:
        before()
    terminal = Terminal(args, env, cwd)
    try:
        return terminal.expect(marker) - terminal.started
    finally:
        terminal.close()


def on_terminal_to_exit(args: Sequence[str], env: dict[str, str], cwd: str) -> tuple[float, int, str]:
    """Run `args` to its end on a terminal (a progress bar is drawn as a person sees it): (seconds, peak RSS
    in KiB, what it drew). It must succeed."""
    terminal = Terminal(args, env, cwd)
    while terminal._read(1.0):
        pass
    status = terminal.close(kill=False)
    elapsed = time.perf_counter() - terminal.started
    if status != 0:
        raise RuntimeError(f"{' '.join(args)} exited {status}: {terminal.text()[-800:]}")
    return elapsed, terminal.max_rss_kib, terminal.text()

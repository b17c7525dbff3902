"""A benchmark row — a figure, the reference it is judged against (measured in the same run), and a target
it can miss — and the context every measurement gets (the interpreter and command under test, sizes)."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Row:
    key: str  # stable across sizes: tests and docs find a row by it
    name: str
    value: float
    unit: str
    reference: float
    reference_name: str
    target: str
    met: bool
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.1f} s"
    if unit == "MiB":
        return f"{value:.1f} MiB"
    return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"


def at_most_times(key: str, name: str, value: float, unit: str, reference: float, reference_name: str,
                  times: float, detail: str = "") -> Row:
    """Met when value ≤ times × reference."""
    ratio = value / reference if reference else float("inf")
    return Row(key, name, value, unit, reference, reference_name, f"≤ {times:g}× reference", ratio <= times,
               f"{ratio:.2f}× reference" + (f"; {detail}" if detail else ""))


def at_most_plus(key: str, name: str, value: float, unit: str, reference: float, reference_name: str,
                 extra: float, detail: str = "") -> Row:
    """Met when value ≤ reference + extra."""
    return Row(key, name, value, unit, reference, reference_name, f"≤ reference + {fmt(extra, unit)}",
               value <= reference + extra, ("+" if value >= reference else "−") + fmt(abs(value - reference), unit)
               + (f"; {detail}" if detail else ""))


def at_most(key: str, name: str, value: float, unit: str, reference: float, reference_name: str,
            limit: float, detail: str = "") -> Row:
    """Met when value ≤ limit (the reference is shown for scale)."""
    return Row(key, name, value, unit, reference, reference_name, f"≤ {fmt(limit, unit)}", value <= limit, detail)


@dataclass(frozen=True)
class Sizes:
    runs: int  # whole-process timings of each kind, alternating with their reference
    warmup: int  # runs of each first, not counted (they fill the OS's caches)
    enter_events: tuple[int, int, int]  # sessions Enter → next is timed in
    enter_answers: int  # answers timed at each size
    resume_events: tuple[int, int]  # the reference session, the long one
    sessions: int  # `locaben sessions` over this many
    batch: tuple[int, int]  # `compile --all` over this many (reference), then this many
    answers: int  # per-answer percentiles over this many
    paste_chars: int
    typed: int  # answers typed in the terminal before the paste (their Enter → next is the paste's reference)


FULL = Sizes(runs=9, warmup=1, enter_events=(100, 1000, 10000), enter_answers=30, resume_events=(100, 10000),
             sessions=1000, batch=(100, 1000), answers=1000, paste_chars=10000, typed=4)
TINY = Sizes(runs=1, warmup=0, enter_events=(20, 40, 80), enter_answers=3, resume_events=(20, 80), sessions=2, batch=(1, 2),
             answers=20, paste_chars=10000, typed=1)


@dataclass
class Context:
    python: str  # the interpreter under test; this process runs in it too
    scratch: Path
    sizes: Sizes
    env: dict[str, str] = field(default_factory=dict)  # for every child process
    notes: list[str] = field(default_factory=list)

    @property
    def locaben(self) -> list[str]:
        script = Path(self.python).parent / "locaben"
        return [str(script)] if script.exists() else [self.python, "-m", "dialogue"]

    @property
    def cwd(self) -> str:
        """Children run in a folder of their own (never a checkout, whose sessions/ the store rule would pick)."""
        return str(self.scratch)

    def folder(self, name: str) -> Path:
        path = self.scratch / name
        path.mkdir(parents=True, exist_ok=True)
        return path


def child_env(scratch: Path) -> dict[str, str]:
    """The environment of every measured process: a private bank cache, a terminal that answers no cursor
    queries (PROMPT_TOOLKIT_NO_CPR), no colour, Japanese."""
    env = {k: v for k, v in os.environ.items() if k not in ("LOCABEN_SESSIONS_DIR", "LOCABEN_LANG", "COLUMNS",
                                                             "LINES")}
    env.update(LOCABEN_CACHE_DIR=str(scratch / "bank-cache"), PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm-256color",
               LANG="C.UTF-8", NO_COLOR="1", LOCABEN_LANG="ja")
    return env

"""The world a command runs in: streams, clock, environment, how the program was invoked. Tests build
their own (httpie's Environment); nothing here reads the world at import time."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any


@dataclass
class Env:
    stdin: IO[str] = field(default_factory=lambda: sys.stdin)
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    clock: Callable[[], datetime] = field(default_factory=lambda: lambda: datetime.now().astimezone())
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    argv0: str = "locaben"  # how the program was invoked (main() sets it from sys.argv when it builds the Env)
    cwd: Callable[[], Path] = Path.cwd

    def stdin_is_tty(self) -> bool:
        return hasattr(self.stdin, "isatty") and self.stdin.isatty()

    def no_color(self) -> bool:
        return "NO_COLOR" in self.environ

    def console(self, stream: IO[str] | None = None) -> Any:
        from dialogue.ui.text import make_console

        return make_console(stream or self.stdout, self.no_color())

    def program(self) -> list[str]:
        """The command as the user invoked it, to print in hints they can paste: `locaben` when that is
        what is on the PATH, else the path they typed, or `python -m dialogue`."""
        if self.argv0.endswith("__main__.py") or self.argv0 in ("-m", "-c"):
            return [sys.executable, "-m", "dialogue"]
        if os.sep not in self.argv0 and "/" not in self.argv0:
            return [self.argv0]  # a name found on the PATH, as typed
        import shutil  # (here: an interview's start does without it)

        found = shutil.which("locaben", path=self.environ.get("PATH"))
        if found and Path(found).resolve() == Path(self.argv0).resolve():
            return ["locaben"]
        return [self.argv0]

    def command_line(self, *args: str) -> str:
        """A command line for this program, quoted for the user's shell."""
        words = [*self.program(), *args]
        if os.name == "nt":
            import subprocess

            return subprocess.list2cmdline(words)
        import shlex

        return shlex.join(words)

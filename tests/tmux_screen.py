"""A real terminal of a given size for end-to-end screen tests: `locaben` runs in a detached tmux session
(on a tmux server of its own), keys are typed into it, and `screen()` is what a person would see."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from pathlib import Path

from dialogue.ui.wrap import NO_LINE_START
from tests.conftest import command_under_test

BORDERS = " │┃╭╮╰╯─━┏┓┗┛┡┩└┘┌┐├┤┼╇"


class Terminal:
    def __init__(self, args: list[str], cwd: Path, cols: int, rows: int):
        if not shutil.which("tmux"):
            raise RuntimeError("these tests need tmux (CI installs it: .ci/run; apt-get install tmux)")
        self.cols, self.rows = cols, rows
        self.socket = f"locaben-test-{os.getpid()}-{time.monotonic_ns()}"
        command = shlex.join(command_under_test() + args)
        env = "-u COLUMNS -u LINES LANG=C.UTF-8 NO_COLOR=1 TERM=xterm-256color"
        self._tmux("new-session", "-d", "-s", "t", "-x", str(cols), "-y", str(rows),
                   f"cd {shlex.quote(str(cwd))} && env {env} {command}; sleep 60")

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True,
                              timeout=20).stdout

    def type(self, text: str) -> None:
        """Type `text` and press Enter."""
        self._tmux("send-keys", "-t", "t", "-l", text)
        self._tmux("send-keys", "-t", "t", "Enter")

    def keys(self, *names: str) -> None:
        self._tmux("send-keys", "-t", "t", *names)

    def screen(self) -> list[str]:
        return [line.rstrip() for line in self._tmux("capture-pane", "-t", "t", "-p").split("\n")][:self.rows]

    def history(self) -> str:
        return self._tmux("capture-pane", "-t", "t", "-p", "-S", "-")

    def wait_for(self, text: str, timeout: float = 15.0, prompt: bool = True) -> list[str]:
        """The screen once it shows `text` and (with `prompt`) the toolbar: the input line is ready."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            joined = flat(screen)
            if text.replace(" ", "") in joined and (ready(screen) or not prompt):
                time.sleep(0.2)  # let the last redraw land
                return self.screen()
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} did not appear:\n" + "\n".join(screen))
            time.sleep(0.1)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=20)


def ready(screen: list[str]) -> bool:
    """The toolbar is drawn on the last line and the input line above the toolbar."""
    return bool(screen) and ("/help" in screen[-1] or "help" in screen[-1])


def inner(line: str) -> str:
    """A screen line without panel borders and padding."""
    return line.strip(BORDERS)


def flat(screen: list[str]) -> str:
    """Everything on screen as one string without borders and spaces: a wrapped text is found whole."""
    return "".join(inner(line).replace(" ", "") for line in screen)


def shows_whole(screen: list[str], text: str) -> bool:
    return text.replace(" ", "") in flat(screen)


def bad_line_starts(screen: list[str]) -> list[str]:
    return [line for line in screen if inner(line) and inner(line)[0] in NO_LINE_START]

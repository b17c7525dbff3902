"""Drive the interview loop through prompt-toolkit's real input layer (pipe input, dummy output) on a console
of a fixed size, and keep what a terminal of that size would show at each prompt: the last rows of what
was printed (with the typed lines echoed, as prompt-toolkit leaves them), the input line and the toolbar."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from dialogue.banks.reader import load_bank
from dialogue.engine.navigation import all_targets, find_targets
from dialogue.model.events import Started
from dialogue.store.journal import SessionStore
from dialogue.store.live import LiveSession, SessionManager
from dialogue.ui.commands import NAMES, TARGET_COMMANDS
from dialogue.ui.interview import Interview
from dialogue.ui.layout import PROMPT_ROWS
from dialogue.ui.terminal import TerminalInput, make_completer
from tests.helpers import STANDARD_BANK, ticking_clock


class PipeDriven:
    """Feeds one keystroke string per prompt into the pipe, then lets prompt-toolkit read it."""

    def __init__(self, terminal: TerminalInput, pipe, keys: list[str]):  # type: ignore[no-untyped-def]
        self.terminal, self.pipe, self.keys = terminal, pipe, list(keys)

    def read(self, offered: str = "", placeholder: str = "") -> str:
        if not self.keys:
            raise EOFError
        self.pipe.send_text(self.keys.pop(0))
        return self.terminal.read(offered, placeholder)


def sized_console(out: io.StringIO, cols: int, rows: int) -> Console:
    return Console(file=out, width=cols, height=rows, markup=False, highlight=False, emoji=False, no_color=True)


@dataclass
class Frame:
    """One prompt: the screen rows above the input line, the input line's placeholder, the toolbar."""

    rows: list[str]
    toolbar: str
    placeholder: str

    @property
    def text(self) -> str:
        return "\n".join(self.rows)


@dataclass
class Driven:
    frames: list[Frame] = field(default_factory=list)
    out: str = ""
    session_id: str = ""
    code: int = 0
    paged: list[str] = field(default_factory=list)  # what was shown in the pager, each time it opened


class _Keys:
    """One keystroke string per prompt into the pipe; records the frame each prompt shows."""

    def __init__(self, interview: Interview, terminal: TerminalInput, pipe: Any, keys: list[str], out: io.StringIO,
                 cols: int, rows: int, driven: Driven):
        self.interview, self.terminal, self.pipe, self.keys = interview, terminal, pipe, list(keys)
        self.out, self.cols, self.rows, self.driven = out, cols, rows, driven
        self.seen = 0
        self.transcript: list[str] = []

    pager_keys = "q"  # typed into the pager each time it opens

    def page(self, text: str, lang: str) -> None:
        self.driven.paged.append(text)
        self.pipe.send_text(self.pager_keys)
        self.terminal.page(text, lang)

    def read(self, offered: str = "", placeholder: str = "") -> str:
        printed = self.out.getvalue()
        self.transcript += printed[self.seen:].splitlines()
        self.seen = len(printed)
        above = self.transcript[-(self.rows - PROMPT_ROWS):]
        self.driven.frames.append(Frame(above, self.interview.toolbar(self.cols), placeholder))
        if not self.keys:
            raise EOFError
        self.pipe.send_text(self.keys.pop(0))
        line = self.terminal.read(offered, placeholder)
        self.transcript += [f"> {typed}" for typed in line.split("\n")]
        return line


def drive(tmp_path: Path, keys: list[str], size: tuple[int, int] = (80, 24), mode: str = "guided",
          session_id: str = "", bank: Path = STANDARD_BANK, lang: str = "ja", new_visit: bool = False,
          pager_keys: str = "q") -> Driven:
    """Start (or resume `session_id`) and type `keys`, one string per prompt; `pager_keys` each time the
    pager opens."""
    cols, rows = size
    manager = SessionManager(SessionStore(tmp_path / "s"), ticking_clock())
    out, driven = io.StringIO(), Driven()
    opened = manager.resume(session_id) if session_id else manager.create(load_bank(bank), Started(mode=mode, lang=lang))
    with opened as live, create_pipe_input() as pipe:
        _reopen(live, new_visit)
        interview = Interview(live, sized_console(out, cols, rows), lang, clock=ticking_clock(), fit=True)
        terminal = TerminalInput(_completer(live, lang), interview.toolbar, input=pipe, output=DummyOutput())
        source = _Keys(interview, terminal, pipe, keys, out, cols, rows, driven)
        source.pager_keys = pager_keys
        driven.code = interview.run(source)
        driven.session_id = live.session_id
    driven.out = out.getvalue()
    return driven


def _reopen(live: LiveSession, new_visit: bool) -> None:
    if live.engine.state == "paused":
        live.resume()
    if new_visit:
        live.new_visit()


def _completer(live: LiveSession, lang: str) -> Any:
    def targets(query: str) -> list[tuple[str, str, str]]:
        found = find_targets(live.engine.bank, query, lang) if query else all_targets(live.engine.bank, lang)
        return [(t.id, t.kind, t.label) for t in found]

    return make_completer(lambda: NAMES, targets, TARGET_COMMANDS)


def flat(text: str) -> str:
    """Screen text without borders and spaces, so a wrapped sentence is found whole."""
    return "".join(line.strip(" │┃╭╮╰╯─━").replace(" ", "") for line in text.splitlines())

"""The interview's slash commands: one table (name, argument, help, handler). Dispatch, Tab completion,
`/help` and the list of commands available now all derive from it. Words come from the catalogue
(`cmd.<name>`, `cmd.<name>.arg`, `cmd.<name>.example`)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING

from dialogue.engine import Command
from dialogue.i18n import has, say
from dialogue.record import Record, record
from dialogue.ui import writeup

if TYPE_CHECKING:
    from dialogue.ui.interview import Interview


class Arg(StrEnum):
    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


@record
class SlashCommand(Record):
    name: str
    run: Callable[[Interview, str], object]  # what it returns is not used
    engine: Command | None = None  # the engine command it needs (for "available now"); None: always
    arg: Arg = Arg.NONE
    completes: str = ""  # "any": sections, questions and fields; "field": sheet fields only

    def usage(self, lang: str) -> str:
        key = f"cmd.{self.name}.arg"
        return f"/{self.name} {say(key, lang)}" if has(key) else f"/{self.name}"

    def example(self, lang: str) -> str:
        key = f"cmd.{self.name}.example"
        return say(key, lang) if has(key) else self.usage(lang)

    def help(self, lang: str) -> str:
        return say(f"cmd.{self.name}", lang)


def _mark(status: str) -> Callable[[Interview, str], None]:
    return lambda shell, arg: shell.mark(status)


COMMANDS: tuple[SlashCommand, ...] = (
    SlashCommand("back", lambda s, a: s.act(lambda live: live.back()), Command.BACK),
    SlashCommand("next", lambda s, a: s.act(lambda live: live.next()), Command.NEXT),
    SlashCommand("skip", lambda s, a: s.act(lambda live: live.skip()), Command.SKIP),
    SlashCommand("jump", lambda s, a: s.jump(a), Command.JUMP, Arg.REQUIRED, "any"),
    SlashCommand("edit", lambda s, a: s.jump(a), Command.JUMP, Arg.REQUIRED, "any"),
    SlashCommand("hint", lambda s, a: s.toggle_hints()),
    SlashCommand("note", lambda s, a: s.note(a), Command.NOTE, Arg.REQUIRED),
    SlashCommand("own", lambda s, a: s.own_probe(a), Command.NOTE, Arg.REQUIRED),
    SlashCommand("unknown", _mark("unknown"), Command.MARK),
    SlashCommand("declined", _mark("declined"), Command.MARK),
    SlashCommand("na", _mark("not_applicable"), Command.MARK),
    SlashCommand("source", lambda s, a: s.source(a), Command.SET_SOURCE, Arg.REQUIRED),
    SlashCommand("flag", lambda s, a: s.flag(a), Command.FLAG, Arg.OPTIONAL),
    SlashCommand("unflag", lambda s, a: s.unflag(), Command.UNFLAG),
    SlashCommand("confirm", lambda s, a: s.act(lambda live: live.confirm_sensitive()), Command.CONFIRM_SENSITIVE),
    SlashCommand("park", lambda s, a: s.park(a), Command.PARK, Arg.REQUIRED, "field"),
    SlashCommand("outline", lambda s, a: s.outline()),
    SlashCommand("review", lambda s, a: s.act(lambda live: live.review()), Command.REVIEW),
    SlashCommand("pause", lambda s, a: s.act(lambda live: live.pause()), Command.PAUSE),
    SlashCommand("write", writeup.write, Command.WRITE_UP, Arg.OPTIONAL, "field"),
    SlashCommand("finish", writeup.finish, Command.FINISH),
    SlashCommand("help", lambda s, a: s.show_help()),
)
BY_NAME: dict[str, SlashCommand] = {c.name: c for c in COMMANDS} | {"decline": next(c for c in COMMANDS
                                                                                  if c.name == "declined")}
NAMES: tuple[str, ...] = tuple(c.name for c in COMMANDS)
TARGET_COMMANDS: dict[str, str] = {c.name: c.completes for c in COMMANDS if c.completes}


def split(line: str) -> tuple[SlashCommand | None, str, str] | None:
    """(command or None when unknown, the name typed, its argument) for a command line; None for an answer.
    A line is a command when it starts with `/`; `//` starts an answer that begins with a slash."""
    stripped = line.strip()
    if not stripped.startswith("/") or stripped.startswith("//"):
        return None
    name, _, arg = stripped[1:].partition(" ")
    return BY_NAME.get(name.strip()), name.strip(), arg.strip()


def available(legal: frozenset[Command]) -> list[SlashCommand]:
    """The commands that can be used now, in table order."""
    return [c for c in COMMANDS if c.engine is None or c.engine in legal]


def help_lines(lang: str) -> list[tuple[str, str]]:
    """(usage, what it does) for every command, in table order."""
    return [(c.usage(lang), c.help(lang)) for c in COMMANDS]

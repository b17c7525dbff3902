"""The `locaben` command: the parser, dispatch, and the one function from errors to exit statuses.

Heavy libraries (prompt-toolkit, rich, jinja2) are imported inside the commands that need them, and this
module imports nothing at its top but the help path (dialogue.cli.fasthelp): `locaben --help` prints a
ready-made page and `locaben --version` builds no parser, so both start about as fast as Python itself.
One module per group of commands.
"""

from __future__ import annotations

import os
import sys

from dialogue import __version__
from dialogue.cli.fasthelp import quick_help, utf8

TYPE_CHECKING = False  # typing is not imported on the help path; mypy reads the block below
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from pathlib import Path
    from typing import IO

    from dialogue.cli.env import Env
    from dialogue.errors import Problem
    from dialogue.model import Bank
    from dialogue.store.live import SessionManager
    from dialogue.store.location import StoreLocation

NEW_VISIT_HOURS = 8
ONE_COMMAND_PARSERS = ("compile", "interview", "resume")  # parsed by a parser of their own module alone (build_parser)


def __getattr__(name: str) -> object:
    """`Env`, imported on first use (commands and tests take it from here), so the help path does without
    what it imports (dataclasses, datetime, subprocess)."""
    if name == "Env":
        from dialogue.cli.env import Env

        return Env
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def build_parser(lang: str = "ja", only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with `only` one of ONE_COMMAND_PARSERS, the same parser with the commands of that one
    module (what a run of it needs: the other commands' modules import the engine, the team, …, which a compile
    never uses, and building every subcommand's parser costs an interview's start-up ~10 ms)."""
    import argparse

    from dialogue.cli import compiling
    from dialogue.cli.help import Parser, h

    parser = Parser(prog="locaben", description=h("description", lang), epilog=h("epilog", lang))
    parser.add_argument("--version", action="store_true", help=h("version", lang))
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--sessions-dir", metavar="DIR", help=h("sessions_dir", lang))
    common.add_argument("--lang", choices=("ja", "en"), help=h("lang", lang))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    if only == "compile":
        compiling.add_parsers(sub, common, lang)
        return parser
    if only in ("interview", "resume"):
        from dialogue.cli import interview

        interview.add_parsers(sub, common, lang)
        return parser
    from dialogue.cli import bank_tools, interview, protect, sessions, team, training, write

    interview.add_parsers(sub, common, lang)
    sessions.add_parsers(sub, common, lang)
    compiling.add_parsers(sub, common, lang)
    write.add_parsers(sub, common, lang)
    bank = sub.add_parser("bank", help=h("bank_cmd", lang), description=h("bank_cmd", lang))
    bank_sub = bank.add_subparsers(dest="bank_command", metavar="ACTION")
    bank_tools.add_parsers(bank_sub, lang)
    training.add_parsers(sub, bank_sub, common, lang)
    team.add_parsers(sub, bank_sub, common, lang)
    protect.add_parsers(sub, bank_sub, common, lang)
    return parser


def main(argv: Sequence[str] | None = None, env: Env | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    environ = env.environ if env is not None else os.environ
    stdout = env.stdout if env is not None else sys.stdout
    answered = quick_help(argv, environ, stdout)
    if answered is not None:
        return answered
    if argv == ["--version"]:
        return print_version(stdout)
    from dialogue.cli.env import Env
    from dialogue.cli.help import help_language, localise_argparse
    from dialogue.errors import ExitStatus

    env = env or Env(argv0=sys.argv[0] if sys.argv else "locaben")
    utf8(env.stdout, env.stderr)
    lang = help_language(argv, env.environ)
    localise_argparse(lang)
    parser = build_parser(lang, only=argv[0] if argv and argv[0] in ONE_COMMAND_PARSERS else None)
    args = parser.parse_args(argv)
    if args.version:
        return print_version(env.stdout)
    if args.command is None:
        parser.print_help(env.stdout)
        return ExitStatus.USAGE
    args.ui_lang = getattr(args, "lang", None) or lang
    try:
        return int(args.handler(args, env))
    except BaseException as exc:  # noqa: BLE001 — every exception becomes an exit status in one place
        return exit_status(exc, env, args.ui_lang)


def print_version(stdout: IO[str]) -> int:
    """`locaben --version`: the version alone, without building the parser and without importing anything
    (0 is ExitStatus.OK, as on the help path). Where the sessions are kept is `locaben sessions`' last line:
    finding the per-user folder imports platformdirs and pathlib, which would double the time of this."""
    utf8(stdout)
    stdout.write(f"locaben {__version__}\n")
    stdout.flush()
    return 0


def exit_status(exc: BaseException, env: Env, lang: str) -> int:
    """The one mapping from what went wrong to what the user sees on stderr and the exit status."""
    from dialogue.errors import BankError, ExitStatus, LocabenError
    from dialogue.i18n import say
    from dialogue.ui.text import visible

    if isinstance(exc, BankError):
        print_problems(exc.problems, env.stderr)
        return exc.exit_status
    if isinstance(exc, LocabenError):
        env.stderr.write(visible(say("cli.error", lang, text=exc.text(lang))) + "\n")
        return exc.exit_status
    if isinstance(exc, KeyboardInterrupt):
        env.stderr.write(say("cli.interrupted", lang) + "\n")
        return ExitStatus.INTERRUPTED
    raise exc  # a bug: its traceback is what a developer needs


# ---- shared wiring for the commands ----

def store_location(args: argparse.Namespace | None, env: Env) -> StoreLocation:
    """Where the sessions are: --sessions-dir, LOCABEN_SESSIONS_DIR, a checkout's sessions/, the user's data
    folder (dialogue/store/location.py; docs/store.md)."""
    from dialogue.store.location import locate_store

    return locate_store(getattr(args, "sessions_dir", None), env.environ, env.cwd())


def sessions_dir(args: argparse.Namespace, env: Env) -> Path:
    """The store's folder (created private, 0700, when the first session is saved)."""
    from dialogue.errors import JournalError
    from dialogue.i18n import say

    location = store_location(args, env)
    if location.path.exists() and not location.path.is_dir():
        raise JournalError(say("store.not_a_folder", getattr(args, "ui_lang", "ja"), path=location.path))
    return location.path


def manager(args: argparse.Namespace, env: Env) -> SessionManager:
    """The store with its keys and policy, audited (dialogue/cli/protect.py)."""
    from dialogue.cli.protect import manager_of

    return manager_of(args, env)


def load_bank(name: str | Path | None) -> Bank:
    """A bank by path or built-in id (the standard bank when None)."""
    from dialogue.banks.builtin import STANDARD_BANK_ID, resolve_bank
    from dialogue.banks.cache import load_bank as load  # a cache hit imports neither YAML nor the validator

    return load(resolve_bank(name or STANDARD_BANK_ID))


def language(args: argparse.Namespace, languages: tuple[str, ...], env: Env) -> str:
    """The UI language: --lang, else LOCABEN_LANG, else the locale's, else the bank's first."""
    from dialogue.i18n import language as pick

    if args.lang in languages:
        return str(args.lang)
    if env.environ.get("LOCABEN_LANG") in languages:
        return env.environ["LOCABEN_LANG"]
    locale = env.environ.get("LC_ALL") or env.environ.get("LC_MESSAGES") or env.environ.get("LANG")
    return pick(locale, languages) if locale else languages[0]


def command_hint(args: argparse.Namespace, env: Env, command: str, session_id: str) -> str:
    """`locaben resume ID` (or compile …) as the user can paste it: the program as invoked, and the store
    when one was given on the command line."""
    extra = ["--sessions-dir", str(args.sessions_dir)] if getattr(args, "sessions_dir", None) else []
    return env.command_line(command, session_id, *extra)


def print_problems(problems: list[Problem], stream: IO[str]) -> None:
    from dialogue.ui.text import visible

    for problem in problems:
        stream.write(visible(problem.render()) + "\n")

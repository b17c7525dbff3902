"""`locaben interview` and `locaben resume`: open a live session and hand it to the interview loop."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dialogue.banks.builtin import STANDARD_BANK_ID
from dialogue.cli.env import Env
from dialogue.cli.help import h
from dialogue.cli.main import NEW_VISIT_HOURS, command_hint, language, load_bank, manager
from dialogue.errors import ExitStatus
from dialogue.i18n import say

if TYPE_CHECKING:
    from dialogue.model import Transcript
    from dialogue.store.live import LiveSession


def add_parsers(sub: Any, common: argparse.ArgumentParser, lang: str) -> None:
    p = sub.add_parser("interview", parents=[common], help=h("interview", lang), description=h("interview", lang))
    p.add_argument("--bank", metavar="FILE", help=h("bank", lang, default=STANDARD_BANK_ID))
    p.add_argument("--from", dest="prefill_from", metavar="ID", help=h("from", lang))
    _interactive_options(p, lang)
    p.set_defaults(handler=cmd_interview)

    p = sub.add_parser("resume", parents=[common], help=h("resume", lang), description=h("resume", lang))
    p.add_argument("session_id", metavar="ID", help=h("session_id", lang))
    p.add_argument("--bank", metavar="FILE", help=h("resume_bank", lang))
    visit = p.add_mutually_exclusive_group()
    visit.add_argument("--new-visit", action="store_true", help=h("new_visit", lang, hours=NEW_VISIT_HOURS))
    visit.add_argument("--same-visit", action="store_true", help=h("same_visit", lang))
    _interactive_options(p, lang)
    p.set_defaults(handler=cmd_resume)


def _interactive_options(p: argparse.ArgumentParser, lang: str) -> None:
    p.add_argument("--mode", choices=("guided", "meeting"), default=None, help=h("mode", lang))
    p.add_argument("--budget", type=int, metavar="MIN", default=0, help=h("budget", lang))
    p.add_argument("--plain", action="store_true", help=h("plain", lang))
    p.add_argument("--no-hints", action="store_true", help=h("no_hints", lang))


def cmd_interview(args: argparse.Namespace, env: Env) -> int:
    from dialogue.model.events import Started

    bank = load_bank(args.bank)
    lang = language(args, bank.languages, env)
    if not _can_read_input(args, env, lang):
        return ExitStatus.USAGE
    sessions = manager(args, env)
    prefill: dict[str, Any] = {}
    if args.prefill_from:
        prefill = prefill_from(sessions.transcript(args.prefill_from))
    from dialogue.ui.text import plain

    meta = Started(mode=args.mode or "guided", lang=lang, prefill=prefill, prefill_from=args.prefill_from or "")
    with sessions.create(bank, meta) as live:
        console = env.console()
        console.print(plain(say("ui.started", lang, id=live.session_id, path=sessions.store.path(live.session_id))),
                      soft_wrap=True)
        status = _run_loop(live, console, lang, args, env)
    # imported after the interview: the team's modules are not on the way to the first question
    from dialogue.cli.team import auto_sync

    auto_sync(sessions, live.session_id, lang, env)  # the lock is released: a pull may append
    return status


def cmd_resume(args: argparse.Namespace, env: Env) -> int:
    sessions = manager(args, env)
    bank = load_bank(args.bank) if args.bank else None
    if not _can_read_input(args, env, args.ui_lang):
        return ExitStatus.USAGE
    from dialogue.cli.team import auto_sync, returned_notice
    from dialogue.engine import Command  # (not at the top: building the parser must not load the engine)
    from dialogue.ui.text import plain

    if sessions.store.exists(args.session_id):  # take in the team server's news first (a returned sheet)
        auto_sync(sessions, args.session_id, args.ui_lang, env, before_resume=True)
    with sessions.resume(args.session_id, bank) as live:
        last_activity = live.engine.last_at
        lang = language(args, live.engine.bank.languages, env)
        for warning in live.warnings:
            env.stderr.write(say("cli.warning", lang, text=warning) + "\n")
        if live.engine.state == "finished":
            live.reopen()
        if live.engine.state == "paused":
            live.resume()
        if live.bank_changed:
            live.reorient()  # a removed current question, or questions the bank has gained
        console = env.console()
        console.print(plain(say("ui.resumed", lang, id=live.session_id)))
        returned = returned_notice(live.transcript().review, lang)
        if returned:
            console.print(plain(returned, "bold yellow"), soft_wrap=True)
        if _starts_new_visit(args, last_activity, env) and Command.NEW_VISIT in live.engine.legal_commands():
            live.new_visit()
        status = _run_loop(live, console, lang, args, env)
    auto_sync(sessions, live.session_id, lang, env)
    return status


def prefill_from(transcript: Transcript) -> dict[str, dict[str, Any]]:
    """The earlier session's real answers (not status codes), by question id."""
    return {qid: {"raw": a.raw, "value": a.value} for qid, a in transcript.answers.items() if not a.is_status}


def _starts_new_visit(args: argparse.Namespace, last_activity: str, env: Env) -> bool:
    """A new visit when asked for, or when the session was last touched more than NEW_VISIT_HOURS ago."""
    if args.new_visit or args.same_visit:
        return bool(args.new_visit)
    try:
        last = datetime.fromisoformat(last_activity)
        return (env.clock() - last).total_seconds() > NEW_VISIT_HOURS * 3600
    except (ValueError, TypeError):
        return False


def _can_read_input(args: argparse.Namespace, env: Env, lang: str) -> bool:
    if args.plain or env.stdin_is_tty():
        return True
    env.stderr.write(say("ui.not_a_tty", lang) + "\n")
    return False


def _run_loop(live: LiveSession, console: Any, lang: str, args: argparse.Namespace, env: Env) -> int:
    from dialogue.ui.writeup_interview import (
        WritingInterview as Interview,  # the interview with write-up steps
    )

    if args.mode and args.mode != live.engine.mode:
        env.stderr.write(say("cli.mode_kept", lang, mode=live.engine.mode) + "\n")
    interview = Interview(live, console, lang, show_hints=False if args.no_hints else None, budget_minutes=args.budget,
                          clock=env.clock, resume_command=command_hint(args, env, "resume", live.session_id),
                          compile_command=command_hint(args, env, "compile", live.session_id),
                          identify=lambda: live.engine.actor, write_command=command_hint(args, env, "write", live.session_id),
                          fit=not args.plain)
    return interview.run(_source(args, env, live, lang, interview.toolbar))


def _source(args: argparse.Namespace, env: Env, live: LiveSession, lang: str, toolbar: Any) -> Any:
    if args.plain:
        from dialogue.ui.terminal import PlainInput

        return PlainInput(env.stdin, env.stdout)
    return MadeOnFirstRead(lambda: _terminal_input(live, lang, toolbar))


class MadeOnFirstRead:
    """A line source made when the first line is read. The interview shows the first question before it
    reads, so the question is on screen before prompt-toolkit is imported (~80 ms) — keys typed meanwhile
    wait in the terminal and arrive at the prompt."""

    def __init__(self, make: Callable[[], Any]):
        self._make = make
        self._source: Any = None

    def _made(self) -> Any:
        if self._source is None:
            self._source = self._make()
        return self._source

    def read(self, offered: str = "", placeholder: str = "") -> str:
        return str(self._made().read(offered, placeholder))

    def page(self, text: str, lang: str) -> None:
        """A long view in the terminal's pager (dialogue.ui.pager.show_long)."""
        self._made().page(text, lang)


def _terminal_input(live: LiveSession, lang: str, toolbar: Any) -> Any:
    from dialogue.engine.navigation import all_targets, find_targets
    from dialogue.ui.commands import NAMES, TARGET_COMMANDS
    from dialogue.ui.terminal import TerminalInput, make_completer

    bank = live.engine.bank

    def targets(query: str) -> list[tuple[str, str, str]]:
        found = find_targets(bank, query, lang) if query else all_targets(bank, lang)
        return [(t.id, t.kind, t.label) for t in found]

    return TerminalInput(make_completer(lambda: NAMES, targets, TARGET_COMMANDS), toolbar)

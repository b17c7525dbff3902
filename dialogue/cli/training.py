"""The training commands: `locaben roleplay`, `locaben demo` and `locaben bank validate-persona`.

Only argparse-level code at the top; every handler imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dialogue.cli.env import Env
from dialogue.cli.help import h
from dialogue.cli.main import command_hint, language, load_bank, manager
from dialogue.cli.team import auto_sync
from dialogue.errors import ExitStatus, Severity
from dialogue.i18n import say

if TYPE_CHECKING:
    from dialogue.model import Bank
    from dialogue.training.roleplay import RolePlay

DEMO_PERSONA = "kozuchi_seiko"


def add_parsers(sub: Any, bank_sub: Any, common: argparse.ArgumentParser, lang: str) -> None:
    p = sub.add_parser("roleplay", parents=[common], help=h("roleplay", lang), description=h("roleplay", lang))
    p.add_argument("--persona", metavar="NAME", help=h("persona", lang))
    p.add_argument("--list", action="store_true", help=h("list_personas", lang))
    p.add_argument("--score", metavar="ID", help=h("score", lang))
    p.add_argument("--plain", action="store_true", help=h("plain_roleplay", lang))
    p.set_defaults(handler=cmd_roleplay)

    p = sub.add_parser("demo", parents=[common], help=h("demo", lang), description=h("demo", lang))
    p.add_argument("--persona", metavar="NAME", default=DEMO_PERSONA, help=h("demo_persona", lang, default=DEMO_PERSONA))
    p.add_argument("-o", "--output", metavar="DIR", default="out", help=h("output", lang))
    p.set_defaults(handler=cmd_demo)

    p = bank_sub.add_parser("validate-persona", help=h("validate_persona", lang),
                            description=h("validate_persona", lang))
    p.add_argument("files", nargs="+", metavar="FILE", help=h("files", lang))
    p.set_defaults(handler=cmd_validate_persona)


# ---- roleplay ----


def cmd_roleplay(args: argparse.Namespace, env: Env) -> int:
    from dialogue.model.events import Started
    from dialogue.training.persona import load_persona, persona_path

    bank = load_bank(None)
    lang = language(args, bank.languages, env)
    if args.list:
        return _list_personas(bank, lang, env)
    if args.score:
        return _print_score(args.score, args, env, lang)
    if not args.persona:
        env.stderr.write(say("roleplay.no_persona", lang) + "\n")
        return ExitStatus.USAGE
    path = persona_path(args.persona)
    persona = load_persona(path, bank)
    if not (args.plain or env.stdin_is_tty()):
        env.stderr.write(say("roleplay.not_a_tty", lang) + "\n")
        return ExitStatus.USAGE
    from dialogue.training.roleplay import RolePlay
    from dialogue.ui.text import plain

    meta = Started(mode="meeting", lang=lang, training="roleplay", persona=persona.id,
                   persona_path=str(path.resolve()))
    sessions = manager(args, env)
    with sessions.create(bank, meta) as live:
        console = env.console()
        console.print(plain(say("roleplay.started", lang, id=live.session_id)))
        play = RolePlay(live, persona, console, lang, compile_command=command_hint(args, env, "compile", live.session_id),
                        write_command=command_hint(args, env, "write", live.session_id))
        status = play.run(_source(args, env, play))
    auto_sync(sessions, live.session_id, lang, env)
    return status


def _source(args: argparse.Namespace, env: Env, play: RolePlay) -> Any:
    if args.plain:
        from dialogue.ui.terminal import PlainInput

        return PlainInput(env.stdin, env.stdout)
    from dialogue.training.roleplay import completer
    from dialogue.ui.terminal import TerminalInput

    return TerminalInput(completer(play.bank, play.lang), play.toolbar)


def _list_personas(bank: Bank, lang: str, env: Env) -> int:
    from dialogue.training.persona import available_personas, load_persona, persona_path
    from dialogue.ui.text import visible

    for name in available_personas():
        persona = load_persona(persona_path(name), bank)
        env.stdout.write(visible(f"{name}\t{persona.company.get(lang)}\t{persona.industry.get(lang)}\t"
                                 f"{persona.personality}") + "\n")
    return ExitStatus.OK


def _print_score(session_id: str, args: argparse.Namespace, env: Env, lang: str) -> int:
    from dialogue.training.persona import load_persona, persona_path
    from dialogue.training.roleplay import render_report
    from dialogue.training.scoring import score

    transcript = manager(args, env).transcript(session_id)
    name = transcript.meta.persona
    if not name:
        env.stderr.write(say("roleplay.not_roleplay", lang, id=session_id) + "\n")
        return ExitStatus.USAGE
    saved = Path(transcript.meta.persona_path)
    persona = load_persona(saved if transcript.meta.persona_path and saved.is_file() else persona_path(name),
                           transcript.bank)
    report = score(transcript, persona, lang)
    env.console().print(render_report(report, persona, transcript.bank, lang,
                                      command_hint(args, env, "write", session_id)))
    return ExitStatus.OK


# ---- demo ----


def cmd_demo(args: argparse.Namespace, env: Env) -> int:
    from dialogue.model.events import Started
    from dialogue.sheet.files import write_outputs
    from dialogue.sheet.filing import filing_files, session_filing
    from dialogue.sheet.outputs import FORMATS, render_files
    from dialogue.training.persona import load_persona, persona_path
    from dialogue.training.roleplay import run_demo
    from dialogue.ui.text import plain, visible

    bank = load_bank(None)
    lang = language(args, bank.languages, env)
    persona = load_persona(persona_path(args.persona), bank)
    console = env.console()
    meta = Started(mode="guided", lang=lang, training="demo", persona=persona.id)
    with manager(args, env).create(bank, meta) as live:
        console.print(plain(say("roleplay.demo_intro", lang, company=persona.company.get(lang), id=live.session_id),
                            "bold"))
        run_demo(live, persona, console, lang)
        transcript = live.transcript()
    # No auto_sync here: a demo session is never sent to the team server (store/server/sync.py: is_demo).
    files = render_files(transcript, list(FORMATS), lang) | filing_files(session_filing(transcript, lang))
    paths = write_outputs(Path(args.output), files)
    console.print(plain(say("roleplay.demo_written", lang, dir=args.output), "bold"))
    for path in paths:
        env.stdout.write(visible(f"  {path}") + "\n")  # whole lines, never wrapped: to copy and paste
    console.print(plain(say("roleplay.demo_next", lang, roleplay=env.command_line("roleplay", "--persona", "NAME"),
                            interview=env.command_line("interview"),
                            command=command_hint(args, env, "compile", transcript.session_id))), soft_wrap=True)
    return ExitStatus.OK


# ---- validate-persona ----


def cmd_validate_persona(args: argparse.Namespace, env: Env) -> int:
    from dialogue.cli.main import print_problems
    from dialogue.training.persona import check_persona

    bank = load_bank(None)
    problems = []
    for name in args.files:
        problems += check_persona(name, bank)[1]
    print_problems(problems, env.stderr)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    env.stdout.write(say("cli.persona_summary", args.ui_lang, status="ok" if not errors else "FAILED",
                         files=len(args.files), errors=errors) + "\n")
    return ExitStatus.INVALID_INPUT if errors else ExitStatus.OK

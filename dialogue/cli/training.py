"""The training commands: `locaben roleplay`, `locaben demo` and `locaben bank validate-persona`.

An extension of dialogue.cli.main (listed in its EXTENSIONS): only argparse-level code at the top; every
handler imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dialogue.cli.main import Env

DEMO_PERSONA = "kozuchi_seiko"
EXIT_OK, EXIT_USAGE, EXIT_INVALID = 0, 2, 3


def add_parsers(sub: Any, bank_sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("roleplay", parents=[common],
                       help="practise an interview with a fictional owner, then see your score / ロールプレイ研修")
    p.add_argument("--persona", metavar="NAME", help="a shipped persona (see --list) or a persona file")
    p.add_argument("--list", action="store_true", help="list the shipped personas and exit")
    p.add_argument("--score", metavar="ID", help="print the score report of a saved role-play session")
    p.add_argument("--plain", action="store_true",
                   help="read one command or note per line from standard input (no terminal UI); \\n = line break")
    p.set_defaults(handler=cmd_roleplay)

    p = sub.add_parser("demo", parents=[common],
                       help="watch a whole interview on a fictional company and get its sheet / デモ")
    p.add_argument("--persona", metavar="NAME", default=DEMO_PERSONA,
                   help=f"a shipped persona or a persona file (default: {DEMO_PERSONA})")
    p.add_argument("-o", "--output", metavar="DIR", default="out", help="output directory (default: ./out)")
    p.set_defaults(handler=cmd_demo)

    p = bank_sub.add_parser("validate-persona", help="report every problem in role-play persona files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(handler=cmd_validate_persona)


def _lang(args: argparse.Namespace, env: Env) -> str:
    wanted = args.lang or env.environ.get("LOCABEN_LANG", "")
    return wanted if wanted in ("ja", "en") else "ja"


def _console(env: Env) -> Any:
    from rich.console import Console

    return Console(file=env.stdout, highlight=False, no_color="NO_COLOR" in env.environ, emoji=False)


def _manager(args: argparse.Namespace, env: Env) -> Any:
    from dialogue.cli.main import sessions_dir
    from dialogue.store.journal import SessionStore
    from dialogue.store.live import SessionManager

    return SessionManager(SessionStore(sessions_dir(args, env)), env.clock)


def _standard_bank() -> Any:
    from dialogue.banks.builtin import standard_bank_path
    from dialogue.banks.reader import load_bank

    return load_bank(standard_bank_path())


# ---- roleplay ----


def cmd_roleplay(args: argparse.Namespace, env: Env) -> int:
    from dialogue.training.persona import load_persona, persona_path
    from dialogue.training.roleplay import say

    lang = _lang(args, env)
    bank = _standard_bank()
    if args.list:
        return _list_personas(bank, lang, env)
    if args.score:
        return _print_score(args.score, args, env, lang)
    if not args.persona:
        env.stderr.write(say("no_persona", lang) + "\n")
        return EXIT_USAGE
    path = persona_path(args.persona)
    persona = load_persona(path, bank)
    if not (args.plain or env.stdin_is_tty()):
        env.stderr.write(say("not_a_tty", lang) + "\n")
        return EXIT_USAGE
    from dialogue.training.roleplay import RolePlay

    manager = _manager(args, env)
    meta = {"lang": lang, "mode": "meeting", "training": "roleplay", "persona": persona.id,
            "persona_path": str(path.resolve())}
    with manager.create(bank, meta) as live:
        console = _console(env)
        console.print(say("started", lang, id=live.session_id), markup=False)
        play = RolePlay(live, persona, console, lang)
        return play.run(_source(args, env, play))


def _source(args: argparse.Namespace, env: Env, play: Any) -> Any:
    if args.plain:
        from dialogue.ui.terminal import PlainInput

        return PlainInput(env.stdin, env.stdout)
    from dialogue.ui.terminal import TerminalInput

    return TerminalInput(completer(play.bank, play.lang), play.toolbar)


def completer(bank: Any, lang: str = "ja") -> Any:
    """Tab completion for the commands, `/ask` and a bare question id (by id, or a few letters of the
    question in Japanese or English), built on the terminal's `/jump` completer: prompt-toolkit stays in
    dialogue.ui.terminal."""
    from dialogue.engine.navigation import find_targets
    from dialogue.ui.terminal import make_completer

    def questions(query: str) -> list[tuple[str, str, str]]:
        return [(t.id, t.kind, t.label) for t in find_targets(bank, query, lang) if t.kind == "question"]

    from dialogue.training.roleplay import COMMANDS

    base = make_completer(lambda: COMMANDS, questions)

    class _Document:
        def __init__(self, text: str):
            self.text_before_cursor = text

    class RolePlayCompleter(type(base)):  # type: ignore[misc]
        def get_completions(self, document, complete_event):  # type: ignore[no-untyped-def]
            text = document.text_before_cursor
            if text.startswith("/ask "):
                text = "/jump " + text[len("/ask "):]
            elif text and not text.startswith("/") and " " not in text and text.isascii():
                text = "/jump " + text
            yield from super().get_completions(_Document(text), complete_event)

    return RolePlayCompleter()


def _list_personas(bank: Any, lang: str, env: Env) -> int:
    from dialogue.training.persona import available_personas, load_persona, persona_path

    for name in available_personas():
        persona = load_persona(persona_path(name), bank)
        env.stdout.write(f"{name}\t{persona.company.get(lang)}\t{persona.industry.get(lang)}\t"
                         f"{persona.personality}\n")
    return EXIT_OK


def _print_score(session_id: str, args: argparse.Namespace, env: Env, lang: str) -> int:
    from dialogue.training.persona import load_persona, persona_path
    from dialogue.training.roleplay import render_report, say
    from dialogue.training.scoring import score

    transcript = _manager(args, env).transcript(session_id)
    name = transcript.meta.get("persona")
    if not name:
        env.stderr.write(say("not_roleplay", lang, id=session_id) + "\n")
        return EXIT_USAGE
    saved = Path(str(transcript.meta.get("persona_path", "")))
    persona = load_persona(saved if saved.is_file() else persona_path(str(name)), transcript.bank)
    report = score(transcript, persona, lang)
    _console(env).print(render_report(report, persona, transcript.bank, lang))
    return EXIT_OK


# ---- demo ----


def cmd_demo(args: argparse.Namespace, env: Env) -> int:
    from dialogue.sheet.files import write_outputs
    from dialogue.sheet.outputs import FORMATS, render_files
    from dialogue.training.persona import load_persona, persona_path
    from dialogue.training.roleplay import run_demo, say

    lang = _lang(args, env)
    bank = _standard_bank()
    persona = load_persona(persona_path(args.persona), bank)
    console = _console(env)
    meta = {"lang": lang, "mode": "guided", "training": "demo", "persona": persona.id}
    with _manager(args, env).create(bank, meta) as live:
        console.print(say("demo_intro", lang, company=persona.company.get(lang), id=live.session_id),
                      markup=False, style="bold")
        run_demo(live, persona, console, lang)
        transcript = live.transcript()
    paths = write_outputs(Path(args.output), render_files(transcript, list(FORMATS), lang))
    console.print(say("demo_written", lang, dir=args.output), markup=False, style="bold")
    for path in paths:
        env.stdout.write(f"  {path}\n")
    console.print(say("demo_next", lang, id=transcript.session_id), markup=False)
    return EXIT_OK


# ---- validate-persona ----


def cmd_validate_persona(args: argparse.Namespace, env: Env) -> int:
    from dialogue.errors import Severity
    from dialogue.training.persona import check_persona

    bank = _standard_bank()
    problems = []
    for name in args.files:
        problems += check_persona(name, bank)[1]
    for problem in problems:
        env.stderr.write(problem.render() + "\n")
    errors = sum(p.severity is Severity.ERROR for p in problems)
    env.stdout.write(f"{'ok' if not errors else 'FAILED'}: {len(args.files)} file(s), {errors} error(s)\n")
    return EXIT_INVALID if errors else EXIT_OK

"""The `locaben` command: argument parsing, wiring, and one table from errors to exit codes.

Heavy libraries (prompt-toolkit, rich, jinja2) are imported inside the subcommands that need them,
so `locaben --help` and `locaben bank validate` start fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from dialogue import __version__
from dialogue.banks.builtin import STANDARD_BANK_ID
from dialogue.errors import BankError, LocabenError, Severity

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
NEW_VISIT_HOURS = 8


@dataclass
class Env:
    """The world the command runs in; tests build their own."""

    stdin: IO[str] = field(default_factory=lambda: sys.stdin)
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    clock: Callable[[], datetime] = field(default_factory=lambda: lambda: datetime.now().astimezone())
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))

    def stdin_is_tty(self) -> bool:
        return hasattr(self.stdin, "isatty") and self.stdin.isatty()


def build_parser(lang: str = "ja") -> argparse.ArgumentParser:
    from dialogue.cli.help import h

    parser = argparse.ArgumentParser(prog="locaben", description=h("description", lang), epilog=h("epilog", lang))
    parser.add_argument("--version", action="version", version=f"locaben {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--sessions-dir", metavar="DIR", help=h("sessions_dir", lang))
    common.add_argument("--lang", choices=("ja", "en"), help=h("lang", lang))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("interview", parents=[common], help=h("interview", lang), description=h("interview", lang))
    p.add_argument("--bank", metavar="FILE", help=h("bank", lang, default=STANDARD_BANK_ID))
    p.add_argument("--from", dest="prefill_from", metavar="ID", help=h("from", lang))
    _interactive_options(p, lang)

    p = sub.add_parser("resume", parents=[common], help=h("resume", lang), description=h("resume", lang))
    p.add_argument("session_id", metavar="ID")
    p.add_argument("--bank", metavar="FILE", help=h("resume_bank", lang))
    visit = p.add_mutually_exclusive_group()
    visit.add_argument("--new-visit", action="store_true", help=h("new_visit", lang, hours=NEW_VISIT_HOURS))
    visit.add_argument("--same-visit", action="store_true", help=h("same_visit", lang))
    _interactive_options(p, lang)

    p = sub.add_parser("sessions", parents=[common], help=h("sessions", lang), description=h("sessions", lang))
    p.add_argument("--json", action="store_true", help=h("json", lang))

    p = sub.add_parser("compile", parents=[common], help=h("compile", lang), description=h("compile", lang))
    p.add_argument("session_id", metavar="ID", nargs="?")
    p.add_argument("--all", action="store_true", help=h("all", lang))
    p.add_argument("--format", default="all", help=h("format", lang))
    p.add_argument("--list-formats", action="store_true", help=h("list_formats", lang))
    p.add_argument("-o", "--output", metavar="DIR", default="out", help=h("output", lang))
    p.add_argument("--force", action="store_true", help=h("force", lang))
    p.add_argument("--bank", metavar="FILE", help=h("resume_bank", lang))

    bank = sub.add_parser("bank", help=h("bank_cmd", lang), description=h("bank_cmd", lang))
    bank_sub = bank.add_subparsers(dest="bank_command", metavar="ACTION")
    p = bank_sub.add_parser("validate", help=h("validate", lang), description=h("validate", lang))
    p.add_argument("files", nargs="+", metavar="FILE")
    from dialogue.cli import bank_tools, team, training

    for module in (bank_tools, training, team):  # each sets `handler=function(args, env) -> int` on its parsers
        module.add_parsers(sub, bank_sub, common)
    return parser


def _interactive_options(p: argparse.ArgumentParser, lang: str) -> None:
    from dialogue.cli.help import h

    p.add_argument("--mode", choices=("guided", "meeting"), default=None, help=h("mode", lang))
    p.add_argument("--budget", type=int, metavar="MIN", default=0, help=h("budget", lang))
    p.add_argument("--plain", action="store_true", help=h("plain", lang))
    p.add_argument("--no-hints", action="store_true", help=h("no_hints", lang))


def main(argv: Sequence[str] | None = None, env: Env | None = None) -> int:
    env = env or Env()
    _utf8(env)
    from dialogue.cli.help import help_language, localise_argparse

    argv = list(sys.argv[1:] if argv is None else argv)
    help_lang = help_language(argv, env.environ)
    localise_argparse(help_lang)
    parser = build_parser(help_lang)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(env.stdout)
        return EXIT_USAGE
    try:
        return _dispatch(args, env)
    except BankError as exc:
        _print_problems(exc.problems, env.stderr)
        return exc.exit_code
    except LocabenError as exc:
        env.stderr.write(f"locaben: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        env.stderr.write("locaben: interrupted\n")
        return EXIT_INTERRUPTED


def _utf8(env: Env) -> None:
    for stream in (env.stdout, env.stderr):
        if hasattr(stream, "reconfigure") and (getattr(stream, "encoding", "") or "").lower() != "utf-8":
            stream.reconfigure(encoding="utf-8", errors="replace")


def _dispatch(args: argparse.Namespace, env: Env) -> int:
    if getattr(args, "handler", None) is not None:
        return int(args.handler(args, env))
    if args.command == "bank":
        if args.bank_command == "validate":
            return cmd_bank_validate(args.files, env)
        env.stderr.write("locaben bank: choose an action: validate\n")
        return EXIT_USAGE
    handlers = {"interview": cmd_interview, "resume": cmd_resume, "sessions": cmd_sessions,
                "compile": cmd_compile}
    return handlers[args.command](args, env)


# ---- shared wiring ----

def sessions_dir(args: argparse.Namespace, env: Env) -> Path:
    return Path(args.sessions_dir or env.environ.get("LOCABEN_SESSIONS_DIR") or "sessions")


def _manager(args: argparse.Namespace, env: Env):  # type: ignore[no-untyped-def]
    from dialogue.store.journal import SessionStore
    from dialogue.store.live import SessionManager

    return SessionManager(SessionStore(sessions_dir(args, env)), env.clock)


def _load(name: str | Path):  # type: ignore[no-untyped-def]
    """A bank by path or built-in id."""
    from dialogue.banks.builtin import resolve_bank
    from dialogue.banks.reader import load_bank

    return load_bank(resolve_bank(name))


def _language(args: argparse.Namespace, languages: tuple[str, ...], env: Env) -> str:
    from dialogue.ui.messages import default_language

    if args.lang:
        return args.lang
    if env.environ.get("LOCABEN_LANG") in languages:
        return env.environ["LOCABEN_LANG"]
    return default_language(languages) if "LANG" in env.environ else languages[0]


def _console(env: Env):  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(file=env.stdout, highlight=False, no_color="NO_COLOR" in env.environ,
                   emoji=False)


# ---- interview / resume ----

def cmd_interview(args: argparse.Namespace, env: Env) -> int:
    bank = _load(args.bank or STANDARD_BANK_ID)
    lang = _language(args, bank.languages, env)
    if not _can_read_input(args, env, lang):
        return EXIT_USAGE
    from dialogue.ui.messages import say

    manager = _manager(args, env)
    meta: dict[str, Any] = {"lang": lang, "mode": args.mode or "guided"}
    if args.prefill_from:
        meta["prefill"] = prefill_from(manager.transcript(args.prefill_from))
        meta["prefill_from"] = args.prefill_from
    with manager.create(bank, meta) as live:
        console = _console(env)
        console.print(say("started", lang, id=live.session_id, path=manager.store.path(live.session_id)))
        return _run_loop(live, console, lang, args, env)


def cmd_resume(args: argparse.Namespace, env: Env) -> int:
    manager = _manager(args, env)
    bank = _load(args.bank) if args.bank else None
    lang_hint = args.lang or "ja"
    if not _can_read_input(args, env, lang_hint):
        return EXIT_USAGE
    from dialogue.ui.messages import say

    with manager.resume(args.session_id, bank) as live:
        last_activity = live.engine.events[-1].at if live.engine.events else ""
        lang = _language(args, live.engine.bank.languages, env)
        console = _console(env)
        for warning in live.warnings:
            env.stderr.write(f"locaben: warning: {warning}\n")
        if live.engine.state == "finished":
            live.run("reopen")
        if live.engine.state == "paused":
            live.run("resume")
        if live.bank_changed:
            live.run("reorient")  # a removed current question, or questions the bank has gained
        console.print(say("resumed", lang, id=live.session_id))
        if _starts_new_visit(args, last_activity, env) and "new_visit" in live.engine.legal_commands():
            live.run("new_visit")
        return _run_loop(live, console, lang, args, env)


def prefill_from(transcript) -> dict[str, dict[str, Any]]:  # type: ignore[no-untyped-def]
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
    from dialogue.ui.messages import say

    env.stderr.write(say("not_a_tty", lang) + "\n")
    return False


def _run_loop(live, console, lang: str, args: argparse.Namespace, env: Env) -> int:  # type: ignore[no-untyped-def]
    from dialogue.ui.interview import Interview

    if args.mode and args.mode != live.engine.mode:
        env.stderr.write(f"locaben: this session was started in {live.engine.mode} mode; continuing in it\n")
    interview = Interview(live, console, lang, show_hints=not args.no_hints, budget_minutes=args.budget,
                          clock=env.clock)
    if args.plain:
        from dialogue.ui.terminal import PlainInput

        source: Any = PlainInput(env.stdin, env.stdout)
    else:
        from dialogue.engine.navigation import all_targets, find_targets
        from dialogue.ui.terminal import SLASH_COMMANDS, TerminalInput, make_completer

        bank = live.engine.bank

        def targets(query: str) -> list[tuple[str, str, str]]:
            found = find_targets(bank, query, lang) if query else all_targets(bank, lang)
            return [(t.id, t.kind, t.label) for t in found]

        source = TerminalInput(make_completer(lambda: SLASH_COMMANDS, targets), interview.toolbar)
    return interview.run(source)


# ---- sessions ----

def cmd_sessions(args: argparse.Namespace, env: Env) -> int:
    rows = list(session_summaries(_manager(args, env)))
    if args.json:
        env.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        return EXIT_OK
    from rich.table import Table

    lang = args.lang or "ja"
    heads = (("ID", "会社", "開始", "最終更新", "進捗", "文字数", "記入率", "状態") if lang == "ja"
             else ("ID", "Company", "Started", "Last activity", "Progress", "Chars", "Filled", "State"))
    table = Table(*heads)
    for column in table.columns:
        column.overflow = "fold"
    for row in rows:
        filled = f"{row['fields_filled']}/{row['fields_total']}" if row["fields_total"] else ""
        table.add_row(row["id"], row["company"], row["started"][:16].replace("T", " "),
                      row["last_activity"][:16].replace("T", " "), row["progress"], str(row["chars"]), filled,
                      row["state"] or row["problem"])
    _console(env).print(table)
    return EXIT_OK


def session_summaries(manager) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """One row per session; a session that cannot be read is listed with its problem, not skipped."""
    rows = []
    for session_id in manager.store.session_ids():
        row: dict[str, Any] = {"id": session_id, "company": "", "started": "", "last_activity": "",
                               "progress": "", "state": "", "problem": "", "chars": 0, "fields_filled": 0,
                               "fields_total": 0, "richness": []}
        try:
            journal = manager.store.read(session_id, repair=False)
            row["started"] = journal.header.created
            row["last_activity"] = journal.events[-1].at if journal.events else journal.header.created
            transcript = manager.transcript(session_id)  # migrates onto a changed bank, as resume does
            row["company"] = str(transcript.field_value("company.name") or "")
            row["progress"] = f"{len(transcript.answers)}/{len(transcript.applicable)}"
            row["state"] = transcript.state
            row.update(_richness_summary(transcript))
        except LocabenError as exc:
            row["problem"] = str(exc)
            row["state"] = "unreadable"
        rows.append(row)
    return rows


def _richness_summary(transcript) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Information captured: characters and filled sheet fields, in total and per section."""
    from dialogue.sheet import build_sheet

    sheet = build_sheet(transcript)
    return {
        "chars": sum(r.chars for r in sheet.richness),
        "fields_filled": sum(1 for f in sheet.fields if f.status == "filled"),
        "fields_total": len(sheet.fields),
        "richness": [{"section": r.section_id, "chars": r.chars, "items": r.items,
                      "fields_filled": r.fields_filled, "fields_total": r.fields_total} for r in sheet.richness],
    }


# ---- compile ----

def cmd_compile(args: argparse.Namespace, env: Env) -> int:
    from dialogue.sheet.outputs import FORMATS

    if args.list_formats:
        env.stdout.write("\n".join(FORMATS) + "\n")
        return EXIT_OK
    if bool(args.session_id) == bool(args.all):
        env.stderr.write("locaben compile: give one session ID (see `locaben sessions`), or --all\n")
        return EXIT_USAGE
    formats = list(FORMATS) if args.format == "all" else [f.strip() for f in args.format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        env.stderr.write(f"locaben compile: unknown format {', '.join(unknown)}; choose from {', '.join(FORMATS)}\n")
        return EXIT_USAGE
    manager = _manager(args, env)
    bank = _load(args.bank) if args.bank else None
    if args.all:
        return _compile_all(manager, bank, formats, args, env)
    for path in _compile_one(manager, args.session_id, bank, formats, args, env):
        env.stdout.write(f"{path}\n")
    return EXIT_OK


def _compile_one(manager, session_id: str, bank, formats: list[str], args: argparse.Namespace,  # type: ignore[no-untyped-def]
                 env: Env) -> list[Path]:
    from dialogue.sheet.files import write_outputs
    from dialogue.sheet.outputs import render_files

    transcript, warnings = manager.transcript_and_warnings(session_id, bank)
    for warning in warnings:
        env.stderr.write(f"locaben: warning: {warning}\n")
    lang = _language(args, transcript.bank.languages, env)
    return write_outputs(Path(args.output), render_files(transcript, formats, lang), force=args.force)


def _compile_all(manager, bank, formats: list[str], args: argparse.Namespace, env: Env) -> int:  # type: ignore[no-untyped-def]
    """One session at a time (memory stays flat however many there are), with a progress bar on stderr;
    a session that cannot be compiled is reported and the batch goes on."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    ids = manager.store.session_ids()
    failures = 0
    console = Console(file=env.stderr, no_color="NO_COLOR" in env.environ)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("compile", total=len(ids))
        for session_id in ids:
            try:
                _compile_one(manager, session_id, bank, formats, args, env)
            except LocabenError as exc:
                failures += 1
                progress.console.print(f"locaben: {session_id}: {exc}")
            progress.advance(task)
    env.stdout.write(f"{len(ids) - failures} of {len(ids)} session(s) compiled into {args.output}\n")
    return EXIT_OK if not failures else EXIT_ERROR


# ---- bank validate ----

def cmd_bank_validate(files: list[str], env: Env) -> int:
    from dialogue.banks.reader import check_bank

    all_problems = []
    for name in files:
        _, problems = check_bank(name)
        all_problems.extend(problems)
    _print_problems(all_problems, env.stderr)
    errors = sum(p.severity is Severity.ERROR for p in all_problems)
    warnings = len(all_problems) - errors
    status = "ok" if not errors else "FAILED"
    env.stdout.write(f"{status}: {len(files)} file(s), {errors} error(s), {warnings} warning(s)\n")
    return 3 if errors else EXIT_OK


def _print_problems(problems, stream: IO[str]) -> None:  # type: ignore[no-untyped-def]
    for problem in problems:
        stream.write(problem.render() + "\n")

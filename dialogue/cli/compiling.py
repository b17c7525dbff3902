"""`locaben compile`: one session or every session into sheets and transcripts."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dialogue.cli import compile_filing
from dialogue.cli.env import Env
from dialogue.cli.help import h
from dialogue.cli.main import load_bank, manager
from dialogue.errors import ExitStatus
from dialogue.i18n import say

if TYPE_CHECKING:
    from dialogue.model import Bank, Transcript
    from dialogue.store.live import SessionManager


def add_parsers(sub: Any, common: argparse.ArgumentParser, lang: str) -> None:
    p = sub.add_parser("compile", parents=[common], help=h("compile", lang), description=h("compile", lang))
    p.add_argument("session_id", metavar="ID", nargs="?", help=h("session_id", lang))
    p.add_argument("--all", action="store_true", help=h("all", lang))
    p.add_argument("--format", default="all", help=h("format", lang))
    p.add_argument("--list-formats", action="store_true", help=h("list_formats", lang))
    p.add_argument("-o", "--output", metavar="DIR", default="out", help=h("output", lang))
    p.add_argument("--force", action="store_true", help=h("force", lang))
    p.add_argument("--bank", metavar="FILE", help=h("resume_bank", lang))
    # the sheet a bank files (dialogue.cli.compile_filing)
    p.add_argument("--filing", action="store_true", help=h("filing", lang))
    p.add_argument("--audience", choices=("bank", "owner"), help=h("audience", lang))
    p.add_argument("--template", metavar="FORM.xlsx", help=h("template", lang))
    p.add_argument("--map", metavar="MAP.yaml", help=h("form_map", lang))
    p.set_defaults(handler=cmd_compile)


def cmd_compile(args: argparse.Namespace, env: Env) -> int:
    from dialogue.sheet.outputs import FORMATS

    if args.list_formats:
        env.stdout.write("\n".join(FORMATS) + "\n")
        return ExitStatus.OK
    if bool(args.session_id) == bool(args.all):
        env.stderr.write(say("cli.give_one_session", args.ui_lang) + "\n")
        return ExitStatus.USAGE
    formats = list(FORMATS) if args.format == "all" else [f.strip() for f in args.format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        env.stderr.write(say("cli.unknown_format", args.ui_lang, formats=", ".join(unknown),
                             choices=", ".join(FORMATS)) + "\n")
        return ExitStatus.USAGE
    bank = load_bank(args.bank) if args.bank else None
    if compile_filing.wanted(args):
        return compile_filing.cmd_filing(args, env, bank)
    sessions = manager(args, env)
    if args.all:
        return _compile_all(sessions, args.bank, formats, args, env)
    for path in _compile_one(sessions, args.session_id, bank, formats, args, env):
        env.stdout.write(f"{path}\n")
    return ExitStatus.OK


def sheet_language(args: argparse.Namespace, transcript: Transcript) -> str:
    """--lang, else the language the interview was held in, else the bank's first."""
    return language_of(args.lang, transcript)


def language_of(lang: str | None, transcript: Transcript) -> str:
    """`lang` (--lang), else the language the interview was held in, else the bank's first."""
    languages = transcript.bank.languages
    for wanted in (lang, transcript.meta.lang):
        if wanted in languages:
            return str(wanted)
    return languages[0]


def compiled_files(sessions: SessionManager, session_id: str, bank: Bank | None, formats: list[str],
                   lang: str | None, aside: bool = False) -> tuple[dict[str, bytes], Transcript, tuple[str, ...]]:
    """What a compile of one session writes (file name → bytes), with the transcript it came from and its
    warnings: the transcript as it may leave the store (unconfirmed 機微情報 left out), rendered in `lang`
    (else the interview's language), marked as customer data unless it is a training session. `aside`: the
    workbook on another core (one compile; a batch's workers already use every core)."""
    from dialogue.sheet.marking import mark_customer_data
    from dialogue.sheet.outputs import render_files

    transcript, warnings = sessions.export_transcript(session_id, bank)
    language = language_of(lang, transcript)
    files = render_files(transcript, formats, language, aside)
    if not transcript.meta.training:
        files = mark_customer_data(files, language)
    return files, transcript, warnings


def _compile_one(sessions: SessionManager, session_id: str, bank: Bank | None, formats: list[str],
                 args: argparse.Namespace, env: Env) -> list[Path]:
    from dialogue.cli.protect import audited_compile, private_output
    from dialogue.sheet.files import write_outputs

    files, transcript, warnings = compiled_files(sessions, session_id, bank, formats, args.lang, aside=True)
    for warning in warnings:
        env.stderr.write(say("cli.warning", args.ui_lang, text=warning) + "\n")
    folder = private_output(sessions.store, Path(args.output), args.ui_lang)
    audited_compile(sessions, session_id, folder, files, formats, len(transcript.events))
    return write_outputs(folder, files, force=args.force)


def _compile_all(sessions: SessionManager, bank: str | None, formats: list[str], args: argparse.Namespace,
                 env: Env) -> int:
    """Every session, on every core (dialogue.cli.compile_batch)."""
    from dialogue.cli.compile_batch import Job, compile_all
    from dialogue.cli.protect import private_output

    folder = private_output(sessions.store, Path(args.output), args.ui_lang)
    job = Job(sessions.store.root, bank, tuple(formats), args.lang, folder, args.force, sessions.actor)
    return compile_all(sessions, job, args, env)

"""`locaben compile ID --filing` (the two official pages a bank files, with the write-ups), `--audience owner` (the
owner's copy) and `--template FORM.xlsx --map MAP.yaml` (any bank's own Excel form, filled). Called from
dialogue.cli.compiling; kept apart from the sheet formats so each stays small.

The header comes from the session: the answers to the bank's header questions, the visit dates, the write-ups
(`header.*`) and who wrote them. Every box still 未記入 is listed on stderr (advice: the files are written
anyway); a form map with errors is refused with every problem (`file:line:col`, exit 3) and nothing is written;
its warnings are printed after the filled form is written.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from dialogue.cli.env import Env
from dialogue.cli.main import command_hint, manager, print_problems
from dialogue.errors import ExitStatus, Problem
from dialogue.i18n import say

if TYPE_CHECKING:
    from dialogue.model import Bank
    from dialogue.sheet.filing import Filing


def wanted(args: argparse.Namespace) -> bool:
    """Whether the command line asks for the filed sheet or a bank's form (not the sheet formats)."""
    return bool(args.filing or args.template or args.map or args.audience)


def cmd_filing(args: argparse.Namespace, env: Env, bank: Bank | None) -> int:
    from dialogue.cli.compiling import sheet_language
    from dialogue.cli.protect import audited_compile, private_output
    from dialogue.sheet.files import write_outputs
    from dialogue.sheet.filing import filing_files, session_filing

    if bool(args.template) != bool(args.map) or args.all:
        env.stderr.write(say("cli.filing_usage", args.ui_lang) + "\n")
        return ExitStatus.USAGE
    sessions = manager(args, env)
    transcript, warnings = sessions.export_transcript(args.session_id, bank)  # 機微情報 left out until confirmed
    for warning in warnings:
        env.stderr.write(say("cli.warning", args.ui_lang, text=warning) + "\n")
    lang = sheet_language(args, transcript)
    filing = session_filing(transcript, lang, args.audience or "bank")
    files = filing_files(filing) if args.filing or args.audience or not args.template else {}
    problems: list[Problem] = []
    if args.template:
        name, data, problems = _filled(filing, Path(args.template), Path(args.map))
        files[name] = data
    folder = private_output(sessions.store, Path(args.output), args.ui_lang)
    kinds = ["filing"] if args.filing or args.audience or not args.template else []
    audited_compile(sessions, args.session_id, folder, files, kinds + (["form"] if args.template else []),
                    len(transcript.events))  # recorded before the files are written, like every compile
    for path in write_outputs(folder, files, force=args.force):
        env.stdout.write(f"{path}\n")
    print_problems(problems, env.stderr)  # the form's warnings, after it is written
    _not_written(filing, args, env)
    return ExitStatus.OK


def _filled(filing: Filing, template: Path, map_path: Path) -> tuple[str, bytes, list[Problem]]:
    """The filled copy of the form (`ID-<form's name>`, bytes — never the form itself: its name starts with the
    session id) and the map's and the form's warnings; a `FormMapError` with every problem when the map does not
    fit."""
    from dialogue.banks.form_map import check_form_map
    from dialogue.model.form_map import FormMapError
    from dialogue.sheet.form_fill import filled_form

    form_map, problems = check_form_map(map_path)
    if form_map is None:
        raise FormMapError(problems)
    name = f"{filing.session_id}-{template.stem}{template.suffix.lower()}"
    filled = filled_form(filing, template, form_map)
    return name, filled.data, problems + list(filled.warnings)


def _not_written(filing: Filing, args: argparse.Namespace, env: Env) -> None:
    """Every box the filed pages print as 未記入, and how to write them."""
    from dialogue.ui.text import visible

    for box_id, label in filing.missing:
        env.stderr.write(visible(say("cli.not_written", args.ui_lang, label=label, box=box_id)) + "\n")
    if filing.missing:
        env.stderr.write(say("cli.not_written_hint", args.ui_lang, n=len(filing.missing),
                             command=command_hint(args, env, "write", filing.session_id)) + "\n")

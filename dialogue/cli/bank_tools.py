"""`locaben bank validate FILE...` and `locaben bank graph BANK [-o FILE]`.

Only argparse-level code at the top: the bank reader and the graph module are imported by the handlers.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from dialogue.cli.env import Env
from dialogue.cli.help import h
from dialogue.errors import ExitStatus, Severity
from dialogue.i18n import say


def add_parsers(bank_sub: Any, lang: str) -> None:
    p = bank_sub.add_parser("validate", help=h("validate", lang), description=h("validate", lang))
    p.add_argument("files", nargs="+", metavar="FILE", help=h("files", lang))
    p.set_defaults(handler=cmd_bank_validate)

    p = bank_sub.add_parser("graph", help=h("graph", lang), description=h("graph_description", lang))
    p.add_argument("bank", metavar="BANK", help=h("graph_bank", lang))
    p.add_argument("-o", "--output", metavar="FILE", help=h("graph_output", lang))
    p.add_argument("--lang", choices=("ja", "en"), help=h("graph_lang", lang))
    p.set_defaults(handler=cmd_bank_graph)


def cmd_bank_validate(args: argparse.Namespace, env: Env) -> int:
    from dialogue.banks.builtin import resolve_bank
    from dialogue.banks.reader import check_bank
    from dialogue.cli.main import print_problems

    problems = []
    for name in args.files:
        _, found = check_bank(resolve_bank(name))
        problems.extend(found)
    print_problems(problems, env.stderr)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    status = "ok" if not errors else "FAILED"
    env.stdout.write(say("cli.validate_summary", args.ui_lang, status=status, files=len(args.files), errors=errors,
                         warnings=len(problems) - errors) + "\n")
    return ExitStatus.INVALID_INPUT if errors else ExitStatus.OK


def cmd_bank_graph(args: argparse.Namespace, env: Env) -> int:
    from dialogue.banks.graph import markdown_page, mermaid
    from dialogue.cli.main import load_bank

    bank = load_bank(args.bank)  # a BankError is reported by dialogue.cli.main, with every problem
    lang = args.lang or bank.languages[0]
    if lang not in bank.languages:
        env.stderr.write(say("cli.no_lang_in_bank", args.ui_lang, language=lang, choices=", ".join(bank.languages)) + "\n")
        return ExitStatus.USAGE
    if not args.output:
        env.stdout.write(mermaid(bank, lang))
        return ExitStatus.OK
    out = Path(args.output)
    text = markdown_page(bank, lang, Path(args.bank).name) if out.suffix.lower() == ".md" else mermaid(bank, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8", newline="\n")
    env.stdout.write(f"{out}\n")
    return ExitStatus.OK

"""`locaben bank validate FILE...`, `locaben bank graph BANK [-o FILE]` and `locaben bank list` (the built-in
banks and personas with their ids, titles and paths).

Only argparse-level code at the top: the bank reader and the graph module are imported by the handlers.
"""

from __future__ import annotations

import argparse
import json
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

    p = bank_sub.add_parser("list", help=h("bank_list", lang), description=h("bank_list_description", lang))
    p.add_argument("--lang", choices=("ja", "en"), help=h("lang", lang))
    p.add_argument("--json", action="store_true", help=h("json", lang))
    p.set_defaults(handler=cmd_bank_list)


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


def cmd_bank_list(args: argparse.Namespace, env: Env) -> int:
    from dialogue.ui.text import visible

    lang = args.lang or args.ui_lang
    listing = builtin_listing(lang)
    if args.json:
        env.stdout.write(json.dumps(listing, ensure_ascii=False, indent=1) + "\n")
        return ExitStatus.OK
    for kind in ("banks", "personas"):
        env.stdout.write(say(f"cli.list_{kind}", lang) + "\n")
        width = max((len(row["id"]) for row in listing[kind]), default=0)
        for row in listing[kind]:
            env.stdout.write(visible(f"  {row['id']:<{width}}  {row['title']}\n  {'':<{width}}  {row['path']}") + "\n")
    return ExitStatus.OK


def builtin_listing(lang: str) -> dict[str, list[dict[str, str]]]:
    """Every built-in bank and persona: id, title in `lang`, and the file it is read from."""
    from dialogue.banks.builtin import bank_files, persona_files, standard_bank_path
    from dialogue.banks.reader import load_bank
    from dialogue.training.persona import load_persona

    banks = [{"id": bank_id, "title": load_bank(path).title.get(lang), "path": str(path)}
             for bank_id, path in bank_files().items()]
    standard = load_bank(standard_bank_path())
    personas = []
    for persona_id, path in persona_files().items():
        persona = load_persona(path, standard)
        personas.append({"id": persona_id, "title": f"{persona.company.get(lang)} — {persona.industry.get(lang)}",
                         "path": str(path)})
    return {"banks": banks, "personas": personas}

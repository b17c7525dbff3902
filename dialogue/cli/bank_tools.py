"""`locaben bank graph BANK [-o FILE]`: draw a bank's flow as a Mermaid flowchart; `locaben bank list`: the
built-in banks and personas with their ids, titles and paths (an extension of dialogue.cli.main).

Only argparse-level code at the top: the bank reader and the graph module are imported by the handler.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_USAGE = 0, 2


def add_parsers(sub: Any, bank_sub: Any, common: argparse.ArgumentParser) -> None:
    p = bank_sub.add_parser(
        "graph", help="draw a bank's flow as a Mermaid flowchart / 質問の流れを図にする",
        description="Draw the bank's flow — sections, questions, conditions, probes and the sheet fields each "
                    "question fills — as a Mermaid flowchart. With -o FILE.md, write a Markdown page with the "
                    "chart in a ```mermaid block; otherwise the Mermaid text itself.")
    p.add_argument("bank", metavar="BANK", help="the bank file (YAML)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write to FILE instead of standard output (FILE.md: a Markdown page)")
    p.add_argument("--lang", choices=("ja", "en"), help="language of the labels (default: the bank's first)")
    p.set_defaults(handler=cmd_bank_graph)

    p = bank_sub.add_parser(
        "list", help="list the built-in banks and personas with their paths / 組み込みの質問バンクとペルソナの一覧",
        description="The banks and role-play personas that ship with locaben: id, title and the file it is read "
                    "from. A bank's id works wherever a bank file is asked for (--bank locaben_standard).")
    p.add_argument("--lang", choices=("ja", "en"), help="language of the titles (default: ja, or $LOCABEN_LANG)")
    p.add_argument("--json", action="store_true", help="print JSON: {\"banks\": [...], \"personas\": [...]}")
    p.set_defaults(handler=cmd_bank_list)


def cmd_bank_graph(args: argparse.Namespace, env: Any) -> int:
    from dialogue.banks.graph import markdown_page, mermaid
    from dialogue.banks.reader import load_bank

    bank = load_bank(args.bank)  # a BankError is reported by dialogue.cli.main, with every problem
    lang = args.lang or bank.languages[0]
    if lang not in bank.languages:
        env.stderr.write(f"locaben bank graph: the bank has no {lang!r} text; "
                         f"choose from {', '.join(bank.languages)}\n")
        return EXIT_USAGE
    if not args.output:
        env.stdout.write(mermaid(bank, lang))
        return EXIT_OK
    out = Path(args.output)
    text = markdown_page(bank, lang, Path(args.bank).name) if out.suffix.lower() == ".md" else mermaid(bank, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8", newline="\n")
    env.stdout.write(f"{out}\n")
    return EXIT_OK


LIST_HEADINGS = {"ja": ("組み込みの質問バンク", "ロールプレイ用ペルソナ（架空の会社）"),
                 "en": ("Built-in banks", "Role-play personas (fictional companies)")}


def cmd_bank_list(args: argparse.Namespace, env: Any) -> int:
    wanted = args.lang or env.environ.get("LOCABEN_LANG", "")
    lang = wanted if wanted in LIST_HEADINGS else "ja"
    listing = builtin_listing(lang)
    if args.json:
        env.stdout.write(json.dumps(listing, ensure_ascii=False, indent=1) + "\n")
        return EXIT_OK
    for heading, kind in zip(LIST_HEADINGS[lang], ("banks", "personas"), strict=True):
        env.stdout.write(f"{heading}:\n")
        width = max((len(row["id"]) for row in listing[kind]), default=0)
        for row in listing[kind]:
            env.stdout.write(f"  {row['id']:<{width}}  {row['title']}\n  {'':<{width}}  {row['path']}\n")
    return EXIT_OK


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

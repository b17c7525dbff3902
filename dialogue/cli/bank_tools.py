"""`locaben bank graph BANK [-o FILE]`: draw a bank's flow as a Mermaid flowchart (an extension of dialogue.cli.main).

Only argparse-level code at the top: the bank reader and the graph module are imported by the handler.
"""

from __future__ import annotations

import argparse
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

"""The probe gap: how much more of a company an interview draws out when it uses the follow-up probes.

For each shipped persona, three unattended interviews on the standard bank, with a note-taker who writes
down everything the owner says (so only the questioning differs):

- main questions only: every main question is asked, every probe the engine proposes is skipped;
- guided probing: the probes the engine proposes are asked (its thin-answer rule decides which, and when
  to stop), as a trainee following the tool would;
- the model interview: every probe that reveals something (the expert reference, 100% by construction).

It prints the share of the persona's facts the notes capture (by key phrases, as the role-play score
does), the characters written (the seed study's proxy for depth) and the probes used.

    .venv/bin/python benchmarks/probe_gap.py [--lang ja|en]
"""

from __future__ import annotations

import argparse
import time

from dialogue.banks.builtin import standard_bank_path
from dialogue.banks.reader import load_bank
from dialogue.training.persona import available_personas, load_persona, persona_path
from dialogue.training.scoring import Scorecard, scorecard, unattended

STANDARD_BANK = standard_bank_path()
STRATEGIES = (("main", "main questions only"), ("guided", "guided probing"), ("model", "model interview"))


def measure(lang: str) -> list[tuple[str, str, dict[str, Scorecard]]]:
    bank = load_bank(STANDARD_BANK)
    rows = []
    for name in available_personas():
        persona = load_persona(persona_path(name), bank)
        cards = {s: scorecard(unattended(bank, persona, s, lang), persona, lang) for s, _ in STRATEGIES}
        rows.append((name, persona.personality, cards))
    return rows


def cell(card: Scorecard) -> str:
    return f"{card.captured:>3}/{card.total:<3} {card.share:>4.0%}  {card.chars:>6,} ch  {card.probes_used:>2} pr"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("ja", "en"), default="ja")
    args = parser.parse_args()
    started = time.perf_counter()
    rows = measure(args.lang)
    head = f"{'persona':<16} {'personality':<11} " + " ".join(f"{label:<28}" for _, label in STRATEGIES)
    print(f"facts captured by the notes (key phrases), characters written, probes used — lang={args.lang}")
    print(head)
    print("-" * len(head))
    for name, personality, cards in rows:
        print(f"{name:<16} {personality:<11} " + " ".join(f"{cell(cards[s]):<28}" for s, _ in STRATEGIES))
    total = {s: sum(c[s].captured for _, _, c in rows) / sum(c[s].total for _, _, c in rows) for s, _ in STRATEGIES}
    print("-" * len(head))
    print(f"{'all personas':<28} " + " ".join(f"{'':8}{total[s]:>4.0%}{'':16}" for s, _ in STRATEGIES))
    print(f"({time.perf_counter() - started:.2f} s)")


if __name__ == "__main__":
    main()

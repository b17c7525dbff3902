"""The probe gap: how much more of a company an interview draws out when it uses the follow-up probes.

For each persona, in each language, three unattended interviews on the standard bank, with a note-taker who
writes down everything the owner says (so only the questioning differs):

- `main`: main questions only — every probe the engine proposes is skipped;
- `guided`: the probes the engine proposes are put to the owner (its probe policy decides which, and when
  to stop), as a trainee following the tool would;
- `model`: every probe that reveals something, the expert reference (facts no probe of the bank reaches
  are missed by it too).

It reports the share of the persona's facts the notes capture (by key phrases, as the role-play score
does), the probes asked, how many of them got a non-answer (「特にないですね」, by the same detector the
engine uses) and the minutes the words would take to say. A persona that fails validation is reported
with its errors, not skipped.

    .venv/bin/python benchmarks/probe_gap.py [--lang ja|en|both] [--personas-dir DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dialogue.banks.builtin import personas_dir, standard_bank_path
from dialogue.banks.reader import load_bank
from dialogue.errors import BankError
from dialogue.model import Bank, Transcript
from dialogue.model.elements import is_non_answer
from dialogue.training.persona import Persona, available_personas, load_persona
from dialogue.training.scoring import STRATEGIES, scorecard, unattended


@dataclass(frozen=True, slots=True)
class Row:
    persona: str
    lang: str
    strategy: str
    facts: int
    captured: int
    probes_asked: int
    non_answers: int
    minutes: float

    def to_json(self) -> dict[str, Any]:
        return {"persona": self.persona, "lang": self.lang, "strategy": self.strategy, "facts": self.facts,
                "captured": self.captured, "probes_asked": self.probes_asked, "non_answers": self.non_answers,
                "minutes": round(self.minutes, 1)}


def row(bank: Bank, persona: Persona, strategy: str, lang: str) -> Row:
    transcript = unattended(bank, persona, strategy, lang)
    card = scorecard(transcript, persona, lang)
    asked = _owner_probe_answers(transcript)
    return Row(persona.id, lang, strategy, card.total, card.captured, len(asked),
               sum(1 for text in asked if is_non_answer(text)), card.seconds / 60)


def _owner_probe_answers(t: Transcript) -> list[str]:
    """What the owner said to each probe put to them (probing and model follow-ups alike)."""
    return [p.text for p in t.probe_answers if t.bank.question(p.question_id).voice == "owner"]


def measure(personas: Path, langs: tuple[str, ...]) -> tuple[list[Row], list[dict[str, Any]]]:
    """Every persona of the folder × language × strategy; and the personas that fail validation."""
    bank = load_bank(standard_bank_path())
    rows: list[Row] = []
    failed: list[dict[str, Any]] = []
    for name in available_personas(personas):
        try:
            persona = load_persona(personas / f"{name}.yaml", bank)
        except BankError as exc:
            failed.append({"persona": name, "errors": [p.render() for p in exc.problems]})
            continue
        rows += [row(bank, persona, strategy, lang) for lang in langs for strategy in STRATEGIES]
    return rows, failed


def table(rows: list[Row]) -> str:
    head = (f"{'persona':<18} {'lang':<4} {'strategy':<7} {'captured':>12} {'×main':>6} {'probes':>6} "
            f"{'÷model':>6} {'non-ans':>8} {'minutes':>7}")
    lines = [head, "-" * len(head)]
    by_key = {(r.persona, r.lang, r.strategy): r for r in rows}
    for r in rows:
        main, model = by_key.get((r.persona, r.lang, "main")), by_key.get((r.persona, r.lang, "model"))
        times = f"{r.captured / main.captured:.2f}" if main and main.captured else "-"
        versus = f"{r.probes_asked / model.probes_asked:.2f}" if model and model.probes_asked else "-"
        share = r.non_answers / r.probes_asked if r.probes_asked else 0.0
        lines.append(f"{r.persona:<18} {r.lang:<4} {r.strategy:<7} {r.captured:>3}/{r.facts:<3} "
                     f"{r.captured / r.facts:>4.0%} {times:>6} {r.probes_asked:>6} {versus:>6} "
                     f"{r.non_answers:>3} {share:>4.0%} {r.minutes:>7.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lang", choices=("ja", "en", "both"), default="both")
    parser.add_argument("--personas-dir", type=Path, default=None, help="default: the shipped personas")
    parser.add_argument("--json", action="store_true", help="a JSON list of rows (and failed personas)")
    args = parser.parse_args(argv)
    langs = ("ja", "en") if args.lang == "both" else (args.lang,)
    started = time.perf_counter()
    rows, failed = measure(args.personas_dir or personas_dir(), langs)
    if args.json:
        print(json.dumps([r.to_json() for r in rows] + failed, ensure_ascii=False, indent=1))
    else:
        print(table(rows))
        for item in failed:
            print(f"\n{item['persona']}: fails validation\n" + "\n".join(item["errors"]))
        print(f"({time.perf_counter() - started:.2f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

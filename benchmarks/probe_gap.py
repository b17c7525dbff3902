"""The probe gap: how much more of a company an interview draws out when it uses the follow-up probes.

For each persona, in each language, three unattended interviews on the standard bank, with a note-taker who
writes down everything the owner says (so only the questioning differs):

- `main`: main questions only — every probe the engine proposes is skipped;
- `guided`: the probes the engine proposes are put to the owner (its probe policy decides which, and when
  to stop), as a trainee following the tool would;
- `model`: the fewest probes that reveal every fact (a fact two probes reach is asked for once), the expert
  reference (facts no probe of the bank reaches are missed by it too).

It reports the share of the persona's facts the notes capture (by key phrases, as the role-play score
does), the probes asked, how many of them got a non-answer (「特にないですね」, by the same detector the
engine uses) and the minutes the words would take to say. A persona that fails validation is reported
with its errors, not skipped.

The text form ends with the targets of issue 15 for each persona and language — guided captures ≥ 90% of
the facts and ≥ 2× what main questions alone do, asks ≤ 1.3× the model interview's probes, ≤ 25% of them
answered with a non-answer — each marked ok or NO, with two figures that bound them: the most any
interview can reach over main-only (model ÷ main, since the model interview reaches every fact a probe
can), and the share of the bank's probes the persona has a fact behind (a policy that cannot see the
persona asks the others too, and they get 「特にないですね」).

    .venv/bin/python benchmarks/probe_gap.py [--lang ja|en|both] [--personas-dir DIR] [--json]
                                             [--max-probes N] [--stop-after N] [--no-adapt]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dialogue.banks.builtin import personas_dir, standard_bank_path
from dialogue.banks.reader import load_bank
from dialogue.engine import owner_record, probing
from dialogue.errors import BankError
from dialogue.model import Bank, Transcript
from dialogue.model.conditions import holds
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


def measure(personas: Path, langs: tuple[str, ...], max_probes: int | None = None
            ) -> tuple[list[Row], list[dict[str, Any]]]:
    """Every persona of the folder × language × strategy; and the personas that fail validation.
    `max_probes`: every question's budget set to this (another operating point; None: the bank's)."""
    bank = with_budget(load_bank(standard_bank_path()), max_probes)
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


def with_budget(bank: Bank, max_probes: int | None) -> Bank:
    """The bank with every question's `max_probes` set to `max_probes` (unchanged for None)."""
    if max_probes is None:
        return bank
    sections = tuple(replace(s, questions=tuple(replace(q, max_probes=max_probes) for q in s.questions))
                     for s in bank.sections)
    return replace(bank, sections=sections)


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


TARGETS = (("guided ≥ 90%", lambda g, m, mo: g.captured >= 0.9 * g.facts),
           ("≥ 2× main", lambda g, m, mo: g.captured >= 2 * m.captured),
           ("probes ≤ 1.3× model", lambda g, m, mo: g.probes_asked <= 1.3 * mo.probes_asked),
           ("non-answers ≤ 25%", lambda g, m, mo: g.non_answers <= 0.25 * g.probes_asked))


def targets(rows: list[Row], density: dict[str, float]) -> str:
    """Each persona and language against the issue's targets, with the bounds that explain a miss."""
    by_key = {(r.persona, r.lang, r.strategy): r for r in rows}
    lines = ["", "targets: " + " | ".join(name for name, _ in TARGETS)]
    for (persona, lang, strategy), guided in by_key.items():
        if strategy != "guided":
            continue
        main, model = by_key[(persona, lang, "main")], by_key[(persona, lang, "model")]
        marks = " ".join(f"{'ok' if check(guided, main, model) else 'NO':<3}" for _, check in TARGETS)
        ceiling = f"{model.captured / main.captured:.2f}×" if main.captured else "-"
        lines.append(f"{persona:<18} {lang:<4} {marks}  (model ÷ main {ceiling}; "
                     f"probes with a fact behind them {density.get(persona, 0):.0%})")
    return "\n".join(lines)


def fact_density(bank: Bank, persona: Persona) -> float:
    """The share of the owner-question probes (of questions asked of this company) that reach a fact the
    owner does not volunteer."""
    values = persona.choices(bank)
    probes = [(q.id, i) for q in bank.questions() if q.voice == "owner" and holds(q.when, values)
              for i in range(len(q.probes))]
    with_fact = [p for p in probes if any(not f.volunteered for f in persona.deeper_for(*p))]
    return len(with_fact) / len(probes) if probes else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lang", choices=("ja", "en", "both"), default="both")
    parser.add_argument("--personas-dir", type=Path, default=None, help="default: the shipped personas")
    parser.add_argument("--json", action="store_true", help="a JSON list of rows (and failed personas)")
    parser.add_argument("--max-probes", type=int, default=None, metavar="N",
                        help="another operating point: every question's budget set to N (default: the bank's)")
    parser.add_argument("--stop-after", type=int, default=None, metavar="N",
                        help="another operating point: probing on a question ends after N non-answers "
                             f"(default: {probing.NON_ANSWERS_TO_STOP})")
    parser.add_argument("--no-adapt", action="store_true",
                        help="another operating point: the policy ignores what the owner said to earlier "
                             "probes (dialogue.engine.owner_record)")
    args = parser.parse_args(argv)
    owner_record.ADAPT = not args.no_adapt  # the policy's switch, for this run only
    if args.stop_after is not None:
        probing.NON_ANSWERS_TO_STOP = args.stop_after  # the policy's one constant, for this run only
    langs = ("ja", "en") if args.lang == "both" else (args.lang,)
    started = time.perf_counter()
    folder = args.personas_dir or personas_dir()
    rows, failed = measure(folder, langs, args.max_probes)
    if args.json:
        print(json.dumps([r.to_json() for r in rows] + failed, ensure_ascii=False, indent=1))
    else:
        bank = load_bank(standard_bank_path())
        density = {name: fact_density(bank, load_persona(folder / f"{name}.yaml", bank))
                   for name in dict.fromkeys(r.persona for r in rows)}
        print(table(rows))
        print(targets(rows, density))
        for item in failed:
            print(f"\n{item['persona']}: fails validation\n" + "\n".join(item["errors"]))
        print(f"({time.perf_counter() - started:.2f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Which signal tells the probe policy that a probe beyond a question's first will find something?

Issue 15's targets ask for fewer probes (≤ 1.3× the model interview's) and fewer non-answers (≤ 25%) while
keeping ≥ 90% of the facts. Every way of asking fewer probes loses some facts; a signal is worth having only
if it loses *fewer* facts than cutting the same number of probes blindly. This benchmark runs
`benchmarks/probe_gap.py`'s measure with each candidate and with controls, in one run:

- `before`: the policy without the owner's record (`--no-adapt`);
- `adapt`: the shipped policy — the owner's record across the interview (dialogue.engine.owner_record);
- `hooks`: `adapt`, and a probe beyond a question's first only when the answers so far touch its element's
  topic without giving it (a generic cue vocabulary per element below: 「減っています」 with no figure,
  「決めました」 with no reason, 「ただ」「でも」 before a concern…) — what an expert follows up;
- `random-N`: `adapt`, and a probe beyond a question's first only for a fixed, arbitrary N% of the bank's
  probes (a hash of question and index) — the control: a blind cut of about the same size;
- `budget-1`, `budget-2`: every question's budget 1 or 2 and probing stopped at the first non-answer.

A signal carries information when, at about the same probes, it keeps more facts and gets fewer
non-answers than its random control. The cue vocabulary was written from the elements' meaning, in one
pass, after reading what the four personas say (so it flatters them if anything).

    .venv/bin/python benchmarks/probe_signals.py [--lang ja|en|both] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import probe_gap  # noqa: E402  (a sibling script)

from dialogue.banks.builtin import personas_dir  # noqa: E402
from dialogue.engine import owner_record, probing  # noqa: E402
from dialogue.engine.probing import ProbeTurn  # noqa: E402
from dialogue.model import Question  # noqa: E402

Gate = Callable[[Question, int, Any, Sequence[ProbeTurn]], bool]

CUES: dict[str, tuple[str, ...]] = {  # the owner touched the element's topic without giving it
    "figure": ("多い", "少な", "増え", "減っ", "減り", "伸び", "伸ば", "大き", "小さ", "高い", "安い", "上が", "下が",
               "目標", "横ばい", "広げ", "more", "less", "grow", "fall", "fell", "rise", "rising", "many", "few", "high", "low", "target"),
    "share": ("中心", "ほとんど", "大半", "多く", "主に", "一部", "mostly", "most of", "mainly", "main"),
    "reason": ("決め", "選", "始め", "やめ", "入れ", "変え", "弱い", "強い", "大事", "decid", "chose", "started",
               "stopped", "weak", "strong"),
    "concern": ("足り", "きつ", "大変", "問題", "ただ", "でも", "心配", "しか", "手が回", "short", "hard", "problem",
                "but", "only", "worr"),
    "change": ("最近", "以前", "前は", "昔", "変わ", "今は", "ここ数年", "recent", "used to", "now", "chang"),
    "example": ("ことがあ", "とき", "言われ", "喜ば", "評判", "実は", "once", "told", "when"),
    "method": ("ように", "仕組", "決ま", "ルール", "会議", "朝礼", "マニュアル", "system", "rule", "meeting", "manual"),
    "party": ("さん", "社長", "工場長", "課長", "息子", "娘", "リーダー", "担当", "Mr", "Ms", "manager", "son", "daughter"),
    "time": ("毎", "頃", "まで", "以来", "今", "every", "until", "since", "ago", "now"),
    "comparison": ("一番", "より", "違い", "だけ", "唯一", "負け", "強み", "他社", "よそ", "than", "only", "best", "unlike",
                   "rival"),
}
PATTERNS = {element: re.compile("|".join(map(re.escape, cues)), re.IGNORECASE) for element, cues in CUES.items()}


def hooks(question: Question, index: int, answer: Any, turns: Sequence[ProbeTurn]) -> bool:
    """Whether the main answer or a probe answer so far touches the probe's element's topic."""
    element = question.probes[index].element or ""
    said = " ".join([str(answer), *(t.text for t in turns)])
    return element in PATTERNS and bool(PATTERNS[element].search(said))


def random_gate(percent: int) -> Gate:
    """A fixed, arbitrary `percent`% of the bank's probes pass (the control for a signal)."""
    return lambda question, index, answer, turns: zlib.crc32(f"{question.id}/{index}".encode()) % 100 < percent


POINTS: dict[str, tuple[bool, Gate | None, int | None, int]] = {  # adapt, gate, max probes, stop after
    "before": (False, None, None, probing.NON_ANSWERS_TO_STOP),
    "adapt": (True, None, None, probing.NON_ANSWERS_TO_STOP),
    "hooks": (True, hooks, None, probing.NON_ANSWERS_TO_STOP),
    "random-30": (True, random_gate(30), None, probing.NON_ANSWERS_TO_STOP),
    "random-50": (True, random_gate(50), None, probing.NON_ANSWERS_TO_STOP),
    "budget-1": (True, None, 1, 1),
    "budget-2": (True, None, 2, 1),
}


def run(point: str, langs: tuple[str, ...]) -> list[probe_gap.Row]:
    adapt, gate, max_probes, stop_after = POINTS[point]
    saved = owner_record.ADAPT, probing.GATE, probing.NON_ANSWERS_TO_STOP
    owner_record.ADAPT, probing.GATE, probing.NON_ANSWERS_TO_STOP = adapt, gate, stop_after
    try:
        return probe_gap.measure(personas_dir(), langs, max_probes)[0]
    finally:
        owner_record.ADAPT, probing.GATE, probing.NON_ANSWERS_TO_STOP = saved


def summary(point: str, rows: list[probe_gap.Row]) -> list[dict[str, Any]]:
    by_key = {(r.persona, r.lang, r.strategy): r for r in rows}
    out = []
    for (persona, lang, strategy), g in by_key.items():
        if strategy == "guided":
            main, model = by_key[(persona, lang, "main")], by_key[(persona, lang, "model")]
            out.append({"point": point, "persona": persona, "lang": lang, "captured": g.captured / g.facts,
                        "times_main": g.captured / main.captured, "probes_vs_model": g.probes_asked / model.probes_asked,
                        "non_answers": g.non_answers / g.probes_asked if g.probes_asked else 0.0})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lang", choices=("ja", "en", "both"), default="both")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    langs = ("ja", "en") if args.lang == "both" else (args.lang,)
    started = time.perf_counter()
    results = [line for point in POINTS for line in summary(point, run(point, langs))]
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    print(f"{'point':<10} {'persona':<16} {'lang':<4} {'facts':>5} {'×main':>6} {'÷model':>6} {'non-ans':>7}")
    for r in results:
        print(f"{r['point']:<10} {r['persona']:<16} {r['lang']:<4} {r['captured']:>5.0%} {r['times_main']:>6.2f} "
              f"{r['probes_vs_model']:>6.2f} {r['non_answers']:>7.0%}")
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

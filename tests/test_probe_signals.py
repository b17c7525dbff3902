"""benchmarks/probe_signals.py's candidate signal (the generic hooks) and its control, on real-looking answers;
the whole comparison runs in `pytest -m slow`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dialogue.banks.builtin import standard_bank_path
from dialogue.banks.reader import load_bank
from tests.helpers import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import probe_signals  # noqa: E402

BANK = load_bank(standard_bank_path())


def probe_for(question_id: str, element: str) -> int:
    question = BANK.question(question_id)
    return next(i for i, p in enumerate(question.probes) if p.element == element and not p.if_none)


@pytest.mark.parametrize(("question_id", "element", "answer", "hooked"), [
    ("market_trend", "figure", "印刷の量は毎年減っています。", True),  # a trend without a number
    ("market_trend", "figure", "Print volumes fall every year.", True),
    ("market_trend", "figure", "うちは印刷屋です。", False),
    ("weaknesses", "reason", "去年、営業をやめて紹介だけにしました。", True),  # a decision without why
    ("weaknesses", "reason", "We stopped cold calling last year.", True),
    ("weaknesses", "reason", "営業が苦手です。", False),
    ("current_state_owner", "concern", "仕事はあります。ただ、人が足りません。", True),
    ("current_state_owner", "concern", "We have work.", False),
])
def test_hooks_follow_what_the_owner_touched_but_did_not_develop(question_id: str, element: str, answer: str,
                                                                hooked: bool) -> None:
    question = BANK.question(question_id)
    assert probe_signals.hooks(question, probe_for(question_id, element), answer, []) is hooked


def test_the_random_control_is_fixed_and_cuts_about_its_share() -> None:
    gate = probe_signals.random_gate(30)
    probes = [(q, i) for q in BANK.questions() for i in range(len(q.probes))]
    passed = [gate(q, i, "", []) for q, i in probes]
    assert passed == [gate(q, i, "", []) for q, i in probes]  # deterministic
    assert 0.2 < sum(passed) / len(passed) < 0.4


@pytest.mark.slow
def test_the_comparison_runs_every_point_for_every_persona() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "probe_signals.py"), "--lang", "ja", "--json"],
                            capture_output=True, text=True, encoding="utf-8", timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    import json
    rows = json.loads(result.stdout)
    assert {r["point"] for r in rows} == set(probe_signals.POINTS) and len(rows) == 4 * len(probe_signals.POINTS)
    before = {r["persona"]: r for r in rows if r["point"] == "before"}
    budget = {r["persona"]: r for r in rows if r["point"] == "budget-1"}
    assert all(budget[p]["probes_vs_model"] < before[p]["probes_vs_model"] for p in before)

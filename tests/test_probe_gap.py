"""benchmarks/probe_gap.py: one JSON row per persona, language and strategy; a broken persona is reported
with its errors, never skipped."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from dialogue.banks.builtin import personas_dir
from tests.helpers import ROOT

SCRIPT = ROOT / "benchmarks" / "probe_gap.py"
KEYS = {"persona", "lang", "strategy", "facts", "captured", "probes_asked", "non_answers", "minutes"}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, encoding="utf-8",
                          timeout=120, cwd=ROOT)


def test_json_rows_per_persona_language_and_strategy_and_broken_personas_with_their_errors(tmp_path: Path) -> None:
    shutil.copy(personas_dir() / "kozuchi_seiko.yaml", tmp_path)
    broken = (personas_dir() / "kozuchi_seiko.yaml").read_text(encoding="utf-8").replace(
        "id: kozuchi_seiko", "id: broken_persona").replace("type: terse", "type: chatty")
    (tmp_path / "broken_persona.yaml").write_text(broken, encoding="utf-8")
    result = run("--personas-dir", str(tmp_path), "--json")
    assert result.returncode == 1  # a persona failed validation
    items = json.loads(result.stdout)
    rows = [i for i in items if "strategy" in i]
    assert {(r["persona"], r["lang"], r["strategy"]) for r in rows} == {
        ("kozuchi_seiko", lang, strategy) for lang in ("ja", "en") for strategy in ("main", "guided", "model")}
    assert all(set(r) == KEYS for r in rows)
    by = {(r["lang"], r["strategy"]): r for r in rows}
    for lang in ("ja", "en"):
        main, guided, model = by[(lang, "main")], by[(lang, "guided")], by[(lang, "model")]
        assert main["probes_asked"] == main["non_answers"] == 0
        assert main["captured"] < guided["captured"] <= model["captured"] == model["facts"]
        assert 0 < guided["non_answers"] < guided["probes_asked"] and model["non_answers"] == 0
        assert 0 < main["minutes"] < guided["minutes"]
    failed = [i for i in items if "errors" in i]
    assert [f["persona"] for f in failed] == ["broken_persona"]
    assert any(" P107: " in e for e in failed[0]["errors"])


def test_the_table_form_shows_the_ratios(tmp_path: Path) -> None:
    shutil.copy(personas_dir() / "kozuchi_seiko.yaml", tmp_path)
    result = run("--lang", "ja", "--personas-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    head, rule, *lines = result.stdout.splitlines()
    assert head.split()[:4] == ["persona", "lang", "strategy", "captured"] and "÷model" in head
    assert any(line.split()[:3] == ["kozuchi_seiko", "ja", "guided"] for line in lines)

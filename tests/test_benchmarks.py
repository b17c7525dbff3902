"""benchmarks/run.py cannot pass a row it did not measure: in its tiny mode every row the full run gives is
measured (a value, a reference, a target), and the exit status says whether every target was met."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers import ROOT

RUN = ROOT / "benchmarks" / "run.py"


def test_the_tiny_run_measures_every_row_and_its_status_follows_the_targets() -> None:
    listed = subprocess.run([sys.executable, str(RUN), "--list"], capture_output=True, text=True, check=True,
                            timeout=60).stdout.split()
    assert {"help", "first_question", "resume", "enter_10000", "paste", "compile", "compile_all", "sessions",
            "per_answer"} <= set(listed)
    done = subprocess.run([sys.executable, str(RUN), "--tiny", "--json"], capture_output=True, text=True,
                          encoding="utf-8", timeout=600, cwd=ROOT)
    assert done.returncode in (0, 1), done.stderr[-3000:]
    rows = json.loads(done.stdout)
    assert [row["key"] for row in rows] == listed  # no row skipped, none added on the side
    for row in rows:
        assert {"name", "value", "unit", "reference", "target", "met"} <= set(row), row
        assert row["value"] > 0 and row["reference"] > 0, row  # measured, both of them
        assert row["target"].startswith("≤") and row["unit"] in ("ms", "s", "MiB"), row
        assert isinstance(row["met"], bool), row
    assert done.returncode == (0 if all(row["met"] for row in rows) else 1)
    assert "modules with bytecode" in done.stderr  # what was measured is stated (on stderr beside --json)


def test_the_docs_have_the_block_the_benchmark_rewrites() -> None:
    text = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert text.count("<!-- benchmark:table -->") == 1 and text.count("<!-- /benchmark:table -->") == 1

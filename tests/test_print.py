"""The filed sheet on paper: scripts/print_check.py prints what `locaben demo -o DIR` files with headless Chromium and LibreOffice
and measures the PDFs (2 A4 landscape pages of HTML, also with every box at its target's maximum; the workbook at ≥ 85 % on the pages its rows predict; a long
interview continuing on more pages with nothing clipped). It takes ~45 s, so it runs only when asked for —
`python -m pytest -m print` — and when the tools are installed (the script installs them: run it once)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import print_check  # noqa: E402  (the script is the thing under test)

MISSING = print_check.missing_tools()
# .ci/run sets LOCABEN_PRINT_TESTS=required (and installs the tools): there a missing tool fails, never skips.
REQUIRED = os.environ.get("LOCABEN_PRINT_TESTS") == "required"
pytestmark = [pytest.mark.print,
              pytest.mark.skipif(bool(MISSING) and not REQUIRED, reason=f"printing tools missing: {MISSING}")]


@pytest.fixture(autouse=True)
def printing_tools() -> None:
    if MISSING:  # only reached when required
        pytest.fail(f"the print checks are required here, and printing tools are missing: {MISSING}")


def test_the_filed_sheet_prints_as_a_bank_files_it(tmp_path, request) -> None:  # type: ignore[no-untyped-def]
    if "print" not in (request.config.option.markexpr or ""):
        pytest.skip("slow (~45 s): run with -m print")
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "print_check.py"), "--json", "--keep",
                          str(tmp_path)], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads(run.stdout)
    html, xlsx, long = report["html"], report["xlsx"], report["long"]
    # the files checked are the ones `locaben demo -o DIR` filed, with the persona's model write-ups
    assert html["file"].endswith("-filing.html") and xlsx["file"].endswith("-filing.xlsx")
    assert html["pages"] == 2 and html["a4_landscape"]
    assert report["full"]["pages"] == 2  # every box at its target's maximum still fits the two pages
    assert xlsx["pages"] == xlsx["predicted_pages"] and xlsx["a4_landscape"] and xlsx["printed_scale"] >= 85
    assert [s["title"] for s in xlsx["sheets"]] == ["商流・業務フロー", "4つの視点"]
    assert all(s["smallest_text"] >= 9 and s["tallest_row"] <= 409 and s["scale"] >= 85 for s in xlsx["sheets"])
    assert long["html"]["pages"] > 2 and long["html"]["lost"] == [] and long["xlsx"]["lost"] == []
    assert long["xlsx"]["pages"] == long["xlsx"]["predicted_pages"]


def test_a_shrunk_sheet_would_be_caught() -> None:
    """The page prediction is what makes the page count meaningful: a worksheet squeezed onto one page by
    fit-to-page prints fewer pages than its rows need, and a lower printed scale."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in range(1, 80):
        ws.row_dimensions[row].height = 30
    ws.page_setup.orientation = "landscape"
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    heights = {r: d.height for r, d in ws.row_dimensions.items()}
    assert print_check.predicted_pages(ws, heights, 100) == 5  # 79 rows × 30 pt on 523 pt pages
    assert print_check.predicted_pages(ws, heights, 40) == 2

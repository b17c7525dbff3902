"""docs/error-codes.md documents exactly the codes of `PROBLEM_CODES`, each with an example and a fix."""

from __future__ import annotations

import re

from dialogue.errors import PROBLEM_CODES
from tests.helpers import ROOT

DOC = (ROOT / "docs" / "error-codes.md").read_text(encoding="utf-8")
ROW = re.compile(r"^\|\s*`?([EW]\d{3})`?\s*\|(.*)\|\s*$", re.MULTILINE)


def documented_rows() -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for match in ROW.finditer(DOC):
        assert match.group(1) not in rows, f"{match.group(1)} is documented twice"
        rows[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


def test_every_code_is_documented_and_every_documented_code_exists() -> None:
    assert set(documented_rows()) == set(PROBLEM_CODES)


def test_every_row_has_a_meaning_an_example_and_a_fix() -> None:
    for code, cells in documented_rows().items():
        assert len(cells) == 3 and all(cells), f"{code}: {cells}"


def test_rows_are_in_code_order() -> None:
    codes = list(documented_rows())
    assert codes == sorted(codes)

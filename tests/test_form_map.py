"""Form maps are validated like a bank: every problem in one pass, as file:line:col with a stable code and a
did-you-mean; what depends on the form (worksheets, merged ranges, formulas) is checked against the template."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from dialogue.banks.form_map import check_form_map, load_form_map
from dialogue.errors import Severity
from dialogue.model.form_map import FormMapError, check_source
from dialogue.sheet.form_fill import check_map_with_template
from tests.helpers import ROOT

EXAMPLE_MAP = ROOT / "examples" / "locaben-filing.map.yaml"


def write(tmp_path: Path, text: str, name: str = "map.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[tuple[str, int, int]]:
    return [(p.code, p.position.line, p.position.column) for p in check_form_map(path)[1]]


def test_the_example_map_is_valid() -> None:
    form_map = load_form_map(EXAMPLE_MAP)
    assert len(form_map.targets) == 54 and form_map.sheets() == ("商流・業務フロー", "4つの視点")


def test_every_problem_of_a_map_with_its_position_in_one_pass(tmp_path: Path) -> None:
    path = write(tmp_path, """\
format: locaben-form-map/1
form: 美波銀行 事業性評価シート
fields:
  header.company_name: {sheet: 基本情報, cell: C3}
  business.strength: {sheet: 評価, cell: B10}
  company.name: {sheet: 基本情報, cell: C4}
  business_flow.steps[0].name: {sheet: 商流, cell: B5}
  business.weaknesses: {sheet: 評価, cell: 10B}
  business.history: {sheet: 評価, cel: B20}
  environment.market: {sheet: 評価, cell: C3:A1}
  internal.planning: {sheet: 基本情報, cell: c3}
  summary.issues: {sheet: 評価, cell: B30, max_length: 0, join: 3}
""")
    assert problems(path) == [
        ("E301", 5, 3), ("E301", 6, 3), ("E301", 7, 3), ("E302", 8, 42), ("E110", 9, 33), ("E302", 10, 41),
        ("E306", 11, 3), ("E118", 12, 54), ("E132", 12, 63),
    ]  # `cel:` is one mistake (E110, did you mean 'cell'), not also a missing `cell` (E111)
    found = {(p.code, p.position.line): p for p in check_form_map(path)[1]}
    assert "did you mean 'business.strengths'?" in found[("E301", 5)].render()
    assert "header.company_name" in found[("E301", 6)].render()
    assert "outside 1–50" in found[("E301", 7)].message
    assert "did you mean 'cell'?" in found[("E110", 9)].render()
    assert str(found[("E306", 11)].position) == f"{path}:11:3"
    rendered = found[("E302", 8)].render().splitlines()
    assert rendered[0] == f"{path}:8:42: error E302: '10B' is not a cell reference"
    assert rendered[1] == "      business.weaknesses: {sheet: 評価, cell: 10B}"
    assert rendered[2].index("^") == 4 + len("  business.weaknesses: {sheet: ") + 2 * 2 + len(", cell: ")  # wide chars
    with pytest.raises(FormMapError) as caught:
        load_form_map(path)
    assert str(caught.value) == "9 error(s) in the form map"


def test_yaml_traps_and_format_are_caught_as_in_a_bank(tmp_path: Path) -> None:
    path = write(tmp_path, "format: locaben-form-map/2\nfields:\n  header.author: {sheet: no, cell: B2}\n"
                           "  header.author: {sheet: 表紙, cell: B3}\nextra: 1\n")
    assert problems(path) == [("E118", 1, 9), ("E130", 3, 26), ("E101", 4, 3), ("E110", 5, 1)]
    assert problems(write(tmp_path, "", "empty.yaml")) == [("E111", 1, 1)]
    assert problems(write(tmp_path, "fields: [a]\n", "list.yaml"))[0][0] == "E111"  # no format


@pytest.mark.parametrize(("source", "ok"), [
    ("header.company_name", True), ("header.representative", True), ("business.strengths", True),
    ("summary.issues.supporter", True), ("business_flow.steps[5].differentiation", True),
    ("commercial_flow.end_users[1].who", True), ("commercial_flow.end_users[1].name", False),
    ("business.strengths[1].name", False), ("summary.issues.supporter[1].name", False),
    ("business_flow.steps[51].name", False), ("company.employees", False), ("header.ceo", False),
])
def test_which_source_ids_a_map_may_name(source: str, ok: bool) -> None:
    assert (check_source(source) is None) is ok


def bank_form(path: Path) -> Path:
    """A bank's own form: a merged input box, a formula, two worksheets."""
    wb = Workbook()
    ws = wb.active
    ws.title = "事業性評価シート"
    ws["A3"] = "商号"
    ws.merge_cells("B3:F3")
    ws.merge_cells("B5:F9")
    ws["C11"] = "=B11*2"
    wb.create_sheet("集計")
    wb.save(path)
    return path


def test_the_map_is_checked_against_the_form_with_positions(tmp_path: Path) -> None:
    form = bank_form(tmp_path / "form.xlsx")
    path = write(tmp_path, """\
format: locaben-form-map/1
fields:
  header.company_name: {sheet: 事業性評価シート, cell: B3}
  business.strengths: {sheet: 事業性評価シート, cell: C6}
  header.employees_regular: {sheet: 事業性評価シート, cell: C11}
  business.weaknesses: {sheet: 事業性評価, cell: B20}
  business.history: {sheet: 事業性評価シート, cell: B5:F9}
""")
    form_map, found = check_form_map(path)
    assert form_map is not None and found == []
    checked = check_map_with_template(form_map, form)
    assert [(p.code, p.position.line, p.position.column) for p in checked] == [
        ("E304", 4, 3), ("E305", 5, 3), ("E303", 6, 3)]
    by_code = {p.code: p for p in checked}
    assert "B5:F9" in by_code["E304"].message and "Map it to B5" in by_code["E304"].render()
    assert "=B11*2" in by_code["E305"].message
    assert "did you mean '事業性評価シート'?" in by_code["E303"].render()
    assert all(p.severity is Severity.ERROR for p in checked)


def test_a_template_that_is_no_workbook_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    form_map = load_form_map(EXAMPLE_MAP)
    bad = tmp_path / "form.xlsx"
    bad.write_bytes(b"not a zip")
    assert [p.code for p in check_map_with_template(form_map, bad)] == ["E307"]
    assert [p.code for p in check_map_with_template(form_map, tmp_path / "missing.xlsx")] == ["E307"]

"""Filling a bank's own Excel form through a form map: values land in the mapped cells, the template's formulas
and styles are kept, the template file is never touched, the copy is private; problems stop it before anything
is written."""

from __future__ import annotations

import hashlib
import io
import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import PatternFill

from dialogue.banks.form_map import load_form_map
from dialogue.errors import UsageError
from dialogue.model.form_map import FormMapError
from dialogue.sheet.filing import build_filing
from dialogue.sheet.form_fill import fill_form
from dialogue.sheet.render_filing_xlsx import render_filing_workbook
from tests.filing_support import MAP, bank_form, demo_transcript, example_writeups
from tests.helpers import ROOT


@pytest.fixture(scope="module")
def transcript(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return demo_transcript(tmp_path_factory.mktemp("demo"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_values_land_in_the_mapped_cells_and_the_form_keeps_its_formulas_and_styles(transcript, tmp_path) -> None:  # type: ignore[no-untyped-def]
    form = bank_form(tmp_path / "様式.xlsx")
    before, mtime = digest(form), form.stat().st_mtime_ns
    (tmp_path / "map.yaml").write_text(MAP, encoding="utf-8")
    boxes, header = example_writeups()
    out = tmp_path / "out" / "filled.xlsx"
    result = fill_form(transcript, boxes, form, load_form_map(tmp_path / "map.yaml"), out, header=header)

    assert digest(form) == before and form.stat().st_mtime_ns == mtime  # the template is never touched
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    left = {p.name for p in out.parent.iterdir()} - {"filled.xlsx", ".locaben-manifest.json", ".locaben.lock"}
    assert not left  # no temporary file left (the manifest and the folder's lock are compile's own)
    wb = load_workbook(out)
    ws, flow = wb["事業性評価シート"], wb["商流"]
    assert ws["C3"].value == "株式会社小槌精工"
    assert ws["C4"].value == "代表取締役 小槌 正夫"
    assert (ws["C5"].value, ws["E5"].value) == (19, 4)  # numbers as numbers, so =C5+E5 adds them
    assert ws["B8"].value == boxes["business.strengths"]
    assert ws["B14"].value == boxes["business.weaknesses"]
    assert flow["B3"].value == "受注・見積り" and flow["F3"].value == "検査・納品"
    assert flow["B4"].value.startswith("試作の見積りは翌日回答")
    assert flow["G3"].value is None  # there is no sixth step: the cell stays as the form had it
    assert flow["B7"].value.splitlines() == [
        "東浜精機株式会社（半導体製造装置） / 試作を短納期で図面どおりに仕上げる。売上の4割",
        "北陽油圧工業株式会社（油圧機器） / 創業以来の取引で品質が安定。売上の2割"]
    assert flow["B8"].value == "創業以来の取引で品質が安定。売上の2割"
    assert ws["B20"].value == boxes["summary.issues"] and ws["B21"].value == boxes["summary.issues.supporter"]
    # the form's own work survives
    assert ws["G5"].value == "=C5+E5" and flow["H3"].value == '=COUNTA(B3:G3)&"工程"'
    assert wb["集計"]["A1"].value == "=事業性評価シート!G5*1000"
    assert {str(r) for r in ws.merged_cells.ranges} == {"C3:H3", "B8:H12", "B14:H16"}
    assert ws["C3"].fill.fgColor.rgb == "00FFFFCC" and ws["C3"].font.name == "ＭＳ Ｐゴシック" and ws["C3"].font.b
    assert ws["B8"].alignment.wrap_text and ws.column_dimensions["B"].width == 12
    assert wb.calculation.fullCalcOnLoad  # Excel recalculates =C5+E5 on opening
    assert result.written["business.strengths"] == ("事業性評価シート", "B8")
    assert "business_flow.steps[6].name" not in result.written


def test_the_owner_copy_leaves_the_supporters_view_out_of_the_form(transcript, tmp_path) -> None:  # type: ignore[no-untyped-def]
    form = bank_form(tmp_path / "様式.xlsx")
    (tmp_path / "map.yaml").write_text(MAP, encoding="utf-8")
    boxes, header = example_writeups()
    out = tmp_path / "owner.xlsx"
    fill_form(transcript, boxes, form, load_form_map(tmp_path / "map.yaml"), out, header=header, audience="owner")
    ws = load_workbook(out)["事業性評価シート"]
    assert ws["B20"].value == boxes["summary.issues"]
    assert ws["B21"].value is None


def test_an_unwritten_box_is_filled_as_mikinyu_and_a_write_up_is_never_a_formula(transcript, tmp_path) -> None:  # type: ignore[no-untyped-def]
    form = bank_form(tmp_path / "様式.xlsx")
    (tmp_path / "map.yaml").write_text(MAP, encoding="utf-8")
    out = tmp_path / "x.xlsx"
    fill_form(transcript, {"business.strengths": "=HYPERLINK(\"http://x\")"}, form,
              load_form_map(tmp_path / "map.yaml"), out)
    ws = load_workbook(out)["事業性評価シート"]
    assert ws["B8"].value == '=HYPERLINK("http://x")' and ws["B8"].data_type == "s"
    assert ws["B14"].value == "未記入"
    assert ws["C5"].value == 19 and ws["E5"].value == 4  # from the bank's number questions, written as numbers
    spoken = replace(transcript, answers={k: v for k, v in transcript.answers.items()
                                          if k not in ("employees_regular", "employees_part_time")})
    fill_form(spoken, {}, form, load_form_map(tmp_path / "map.yaml"), tmp_path / "y.xlsx")
    ws = load_workbook(tmp_path / "y.xlsx")["事業性評価シート"]
    assert ws["C5"].value == "未記入"  # header.employees_regular is required; part-time is not
    assert ws["E5"].value is None


def test_a_value_longer_than_its_cell_is_written_whole_with_a_warning(transcript, tmp_path) -> None:  # type: ignore[no-untyped-def]
    form = bank_form(tmp_path / "様式.xlsx")
    (tmp_path / "map.yaml").write_text(MAP.replace("cell: B14:H16}", "cell: B14:H16, max_length: 20}"),
                                       encoding="utf-8")
    long = "見積りを社長1人が担い、人手不足で月2〜3件の受注を断っている。" * 8
    result = fill_form(transcript, {"business.weaknesses": long, "summary.issues": "短い。" * 80}, form,
                       load_form_map(tmp_path / "map.yaml"), tmp_path / "w.xlsx")
    warnings = {(p.code, p.position.line): p.message for p in result.warnings}
    assert "more than the 20 the map allows" in warnings[("W301", 9)]
    assert "which shows about" in warnings[("W301", 16)]  # B20 is one row of a default-width column
    assert load_workbook(tmp_path / "w.xlsx")["事業性評価シート"]["B14"].value == long  # never cut


def test_problems_stop_the_fill_before_anything_is_written(transcript, tmp_path) -> None:  # type: ignore[no-untyped-def]
    form = bank_form(tmp_path / "様式.xlsx")
    (tmp_path / "map.yaml").write_text(MAP.replace("cell: C5}", "cell: G5}").replace("cell: B14:H16}", "cell: C15}"),
                                       encoding="utf-8")
    out = tmp_path / "out" / "never.xlsx"
    with pytest.raises(FormMapError) as caught:
        fill_form(transcript, {}, form, load_form_map(tmp_path / "map.yaml"), out)
    assert [(p.code, p.position.line) for p in caught.value.problems if p.code.startswith("E")] == \
        [("E305", 6), ("E304", 9)]
    assert not out.exists() and not out.parent.exists()
    with pytest.raises(UsageError):
        fill_form(transcript, {}, form, load_form_map(tmp_path / "map.yaml"), form)


def test_a_form_with_drawings_is_filled_with_a_warning_that_they_are_not_kept(transcript, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.chart import BarChart, Reference

    path = bank_form(tmp_path / "chart.xlsx")
    wb = load_workbook(path)
    chart = BarChart()
    chart.add_data(Reference(wb["事業性評価シート"], min_col=3, min_row=5, max_row=5))
    wb["集計"].add_chart(chart, "C3")
    wb.save(path)
    (tmp_path / "map.yaml").write_text(MAP, encoding="utf-8")
    result = fill_form(transcript, {}, path, load_form_map(tmp_path / "map.yaml"), tmp_path / "c.xlsx")
    assert [p.code for p in result.warnings if p.code == "W302"] == ["W302"]
    assert "charts" in next(p.message for p in result.warnings if p.code == "W302")


def test_the_example_map_fills_locabens_own_layout_cell_for_cell(transcript, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """examples/locaben-filing.map.yaml names every box where render_filing_xlsx prints it, and filling a blank
    filed workbook through it gives the same values as rendering the write-ups directly."""
    blank = render_filing_workbook(build_filing(transcript, {}, {}))
    form_map = load_form_map(ROOT / "examples" / "locaben-filing.map.yaml")
    names = load_workbook(io.BytesIO(blank.data)).sheetnames
    assert {t.source: (t.sheet, t.cell) for t in form_map.targets} == \
        {source: (names[sheet], cell) for source, (sheet, cell) in blank.cells.items()}
    template = tmp_path / "blank.xlsx"
    template.write_bytes(blank.data)
    boxes, header = example_writeups()
    out = tmp_path / "filled.xlsx"
    result = fill_form(transcript, boxes, template, form_map, out, header=header)
    assert not [p for p in result.warnings if p.code != "W301"]
    wb = load_workbook(out)
    assert wb["4つの視点"]["J7"].value == boxes["business.strengths"]
    assert wb["4つの視点"]["C22"].value == boxes["summary.current_state.supporter"]
    assert wb["商流・業務フロー"]["O4"].value == "株式会社小槌精工"
    assert wb["商流・業務フロー"]["E6"].value == 19
    assert wb["商流・業務フロー"]["U9"].value == "検査・納品"
    assert os.path.getsize(out) > 0


def test_input_cells_list_what_a_map_author_would_name(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.comments import Comment

    from dialogue.sheet.form_fill import input_cells

    path = bank_form(tmp_path / "様式.xlsx")
    wb = load_workbook(path)
    wb["事業性評価シート"]["C4"].fill = PatternFill("solid", fgColor="FFFF99")
    wb["事業性評価シート"]["C4"].comment = Comment("代表者の役職と氏名", "METI")
    wb.save(path)
    found = {(c.sheet, c.cell): c for c in input_cells(path)}
    assert found[("事業性評価シート", "C3")].range == "C3:H3" and found[("事業性評価シート", "C3")].label == "商号"
    assert found[("事業性評価シート", "C4")].label == "代表者" and found[("事業性評価シート", "C4")].fill == "FFFF99"
    assert found[("事業性評価シート", "C4")].comment == "代表者の役職と氏名"
    assert found[("事業性評価シート", "B8")].label == "強み"
    assert ("事業性評価シート", "G5") not in found  # a formula is no input

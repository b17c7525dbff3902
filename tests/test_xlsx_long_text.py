"""Long answers in the Excel sheet (issue 12, item 13): never cut at 32,767 characters, never hidden by
Excel's 409-pt row limit — a long text continues in the rows below its box, read back here with openpyxl."""

from __future__ import annotations

import io
import random
import zlib

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from dialogue.model import Question
from dialogue.sheet import build_sheet
from dialogue.sheet.render_xlsx import render_sheet_xlsx
from dialogue.sheet.xlsx_layout import CELL_LIMIT, MAX_ROW_HEIGHT, display_width, split_for_rows
from tests.helpers import run_interview, sample_answer, standard_bank

KANA = "あいうえおかきくけこ漢字精密切削加工、。"


def long_text(length: int, seed: int, breaks: bool = False) -> str:
    """Japanese-like text with some Latin words (and line breaks when asked)."""
    rng = random.Random(seed)
    parts: list[str] = []
    while sum(map(len, parts)) < length:
        parts.append(rng.choice([rng.choice(KANA) * rng.randint(1, 3), " precision ", "48人", "\n" if breaks else "。"]))
    return "".join(parts)[:length]


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def column_texts(ws) -> list[str]:  # type: ignore[no-untyped-def]
    """Each column's cell texts top to bottom, joined, without line breaks (a piece may end at one)."""
    return ["".join(str(c.value) for c in column if c.value is not None).replace("\n", "")
            for column in ws.iter_cols()]


def in_workbook(wb: openpyxl.Workbook, text: str) -> bool:
    wanted = text.replace("\n", "")
    return any(wanted in column for ws in wb.worksheets for column in column_texts(ws))


def merged_range(ws, cell):  # type: ignore[no-untyped-def]
    """(min_col, min_row, max_col, max_row) of the box the cell starts."""
    for r in ws.merged_cells.ranges:
        if (r.min_row, r.min_col) == (cell.row, cell.column):
            return r.min_col, r.min_row, r.max_col, r.max_row
    return cell.column, cell.row, cell.column, cell.row


def column_width(ws, column: int) -> float:  # type: ignore[no-untyped-def]
    """The width of a column, also when the file gives it for a run of columns (`<col min="2" max="11">`,
    which openpyxl files under the run's first letter only)."""
    for dimension in ws.column_dimensions.values():
        if dimension.min <= column <= dimension.max and dimension.customWidth:
            return float(dimension.width)
    return float(ws.column_dimensions[get_column_letter(column)].width)


def assert_no_text_hidden(ws) -> None:  # type: ignore[no-untyped-def]
    """Every wrapped text fits the rows of its box, by a simple count: one line per width of the box (a
    Japanese character two columns), 15 pt a line at 10 pt. Excel clips what does not fit."""
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                continue
            min_col, min_row, max_col, max_row = merged_range(ws, cell)
            width = sum(column_width(ws, c) for c in range(min_col, max_col + 1)) - 1.5
            lines = sum(max(1, -(-display_width(line) // int(width))) for line in cell.value.split("\n"))
            needed = lines * 15 * cell.font.size / 10
            height = sum(ws.row_dimensions[r].height or 15 for r in range(min_row, max_row + 1))
            assert needed <= height + 4, (ws.title, cell.coordinate, needed, height)


def assert_excel_keeps_everything(wb: openpyxl.Workbook) -> None:
    for ws in wb.worksheets:
        assert_no_text_hidden(ws)
        for row, dimension in ws.row_dimensions.items():
            assert (dimension.height or 0) <= MAX_ROW_HEIGHT, (ws.title, row, dimension.height)
        for row in ws.iter_rows():
            for cell in row:
                assert len(str(cell.value or "")) <= CELL_LIMIT, (ws.title, cell.coordinate)


@pytest.fixture(scope="module")
def bank():  # type: ignore[no-untyped-def]
    return standard_bank()


def test_a_40000_character_answer_and_a_1468_character_supporter_view_are_kept_whole(bank) -> None:  # type: ignore[no-untyped-def]
    strengths, issues = long_text(40_000, 1), long_text(1_468, 2, breaks=True)
    _, transcript = run_interview(bank, {"strengths_tech": strengths, "issues_supporter": issues})
    sheet = build_sheet(transcript, "ja")
    assert strengths in [e.display for e in sheet.field("business.strengths").entries]  # the answer as given
    wb = workbook(render_sheet_xlsx(sheet))
    assert in_workbook(wb, strengths)
    chain = wb.worksheets[2]
    supporter_column = "".join(str(c.value) for c in chain["D"][5:] if c.value is not None).replace("\n", "")
    assert issues.replace("\n", "") in supporter_column  # under 課題, in the supporter's rows
    assert_excel_keeps_everything(wb)


def test_the_rows_after_a_long_text_move_down_with_their_labels(bank) -> None:  # type: ignore[no-untyped-def]
    _, transcript = run_interview(bank, {"strengths_tech": long_text(40_000, 3)})
    sheet = build_sheet(transcript, "ja")
    views = workbook(render_sheet_xlsx(sheet)).worksheets[1]
    label_rows = {views[f"B{r}"].value: r for r in range(1, views.max_row + 1) if views[f"B{r}"].value}
    for field in sheet.fields:
        if field.id.split(".")[0] in ("management", "business", "environment", "internal"):
            value = str(views[f"C{label_rows[field.label]}"].value)
            assert value.startswith(field.entries[0].display[:20]), field.id  # each label beside its answer
    assert label_rows["技術力・販売力の弱み"] - label_rows["技術力・販売力の強み"] > 1  # strengths took rows
    assert views.page_setup.fitToHeight == 0  # pages continue rather than shrinking the text away


def every_text_long(question: Question) -> str:
    if question.type == "group":
        return "\n".join(" | ".join(long_text(1_500, i * 7 + j) for j in range(len(question.fields)))
                         for i in range(3))
    if question.type in ("text", "list"):
        return long_text(6_000, zlib.crc32(question.id.encode()), breaks=question.type == "text")
    return sample_answer(question)


def test_a_long_text_in_any_box_of_any_worksheet_is_never_hidden(bank) -> None:  # type: ignore[no-untyped-def]
    _, transcript = run_interview(bank, answer_for=every_text_long)
    sheet = build_sheet(transcript, "ja")
    wb = workbook(render_sheet_xlsx(sheet))
    assert_excel_keeps_everything(wb)
    checked = 0
    for field in sheet.fields:
        for entry in field.entries:
            if entry.question_type == "text":
                assert in_workbook(wb, entry.plain), field.id
                checked += 1
        for record in field.records:
            for value in record.values():
                assert in_workbook(wb, value), field.id
                checked += 1
    assert checked > 40


@pytest.mark.parametrize("text", ["", "短い", "a" * 200_000, long_text(90_000, 5, breaks=True), "\n" * 3000])
def test_the_pieces_give_the_text_back_and_each_fits_a_row(text: str) -> None:
    pieces = split_for_rows(text, capacity=38.5)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")
    assert all(len(p) <= CELL_LIMIT for p in pieces)

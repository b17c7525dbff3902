"""Fill a bank's own Excel form with the filed values, through a form map (`locaben compile ID --template FORM.xlsx
--map MAP.yaml -o DIR`).

    result = fill_form(transcript, writeups, Path("様式.xlsx"), load_form_map("map.yaml"), Path("out/ID-様式.xlsx"))
    for warning in result.warnings: print(warning.render())

The template is only read: the filled copy is a new file, written atomically and private (0600). Cells keep the
template's styles; formulas elsewhere are kept (and recalculated when the workbook opens); a mapped cell that
holds a formula, lies inside a merged range without being its top-left, or names a worksheet the form does not
have is an error with the map's file:line:col; a value longer than its cell shows is a warning, never a cut.
openpyxl does not keep drawings (shapes, arrows, pictures, charts): a template that has them gets a warning.
"""

from __future__ import annotations

import difflib
import io
import math
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dialogue.errors import Position, Problem, Severity, UsageError
from dialogue.model import Transcript
from dialogue.model.form_map import RECORD_SOURCE, FormMap, FormMapError, FormTarget, record_keys, split_cell
from dialogue.model.measure import is_wide
from dialogue.model.sheet_fields import COMBINED_HEADERS, HEADER_FIELDS_BY_ID
from dialogue.model.writing import parse_records
from dialogue.sheet.files import write_outputs
from dialogue.sheet.filing import Filing, build_filing
from dialogue.sheet.xlsx_layout import cell_text

LINE_FACTOR = 1.5  # a wrapped line takes about 1.5 × the font size (Calibri 1.33, 游ゴシック 1.7)
DEFAULT_COLUMN_WIDTH = 8.43
DEFAULT_ROW_HEIGHT = 15.0
DEFAULT_FONT_SIZE = 11.0
EXCEL_CELL_LIMIT = 32_767


@dataclass(frozen=True)
class FillResult:
    path: Path
    written: dict[str, tuple[str, str]]  # source id → (worksheet, cell)
    warnings: tuple[Problem, ...]


def fill_form(transcript: Transcript, writeups: Mapping[str, str], template_path: Path, form_map: FormMap,
              out_path: Path, header: Mapping[str, str] | None = None, lang: str = "ja",
              audience: str = "bank") -> FillResult:
    """Fill a copy of `template_path` with the session's filed values as `form_map` says, and write it to
    `out_path`. Raises `FormMapError` (every problem, with positions) when the map does not fit the template."""
    filing = build_filing(transcript, writeups, header, lang, audience)
    return fill_workbook(filing, template_path, form_map, out_path)


def fill_workbook(filing: Filing, template_path: Path, form_map: FormMap, out_path: Path) -> FillResult:
    """`fill_form` for an already built Filing: fill, then write `out_path` atomically (0600)."""
    if out_path.resolve() == template_path.resolve():
        raise UsageError(f"the output {out_path} is the template itself; the template is never overwritten")
    if (template_path.suffix.lower() == ".xlsm") != (out_path.suffix.lower() == ".xlsm"):
        raise UsageError(f"a form with macros (.xlsm) is filled into an .xlsm file, and only such a form: "
                           f"{template_path.name} → {out_path.name}")
    filled = filled_form(filing, template_path, form_map)
    write_outputs(out_path.parent, {out_path.name: filled.data})  # atomic, 0600, never over a hand edit
    return FillResult(out_path, filled.written, filled.warnings)


@dataclass(frozen=True)
class FilledForm:
    data: bytes  # the filled workbook
    written: dict[str, tuple[str, str]]  # source id → (worksheet, cell)
    warnings: tuple[Problem, ...]


def filled_form(filing: Filing, template_path: Path, form_map: FormMap) -> FilledForm:
    """The filled copy as bytes, for a caller that writes files itself (e.g. through
    dialogue.sheet.files.write_outputs, which refuses to overwrite a hand-edited file). Raises `FormMapError`
    with every problem when the map does not fit the template; nothing is filled then."""
    wb, problems = open_template(template_path)
    problems += check_template(form_map, wb)
    if wb is None or any(p.severity is Severity.ERROR for p in problems):
        raise FormMapError(problems)
    written: dict[str, tuple[str, str]] = {}
    for target in form_map.targets:
        value = value_of(filing, target)
        problems += _room_problems(target, wb, value)
        if value is not None:
            _write(wb[target.sheet][target.top_left], value)
            written[target.source] = (target.sheet, target.top_left)
    wb.calculation.fullCalcOnLoad = True  # formulas that use the filled cells are recalculated on opening
    buffer = io.BytesIO()
    wb.save(buffer)
    return FilledForm(buffer.getvalue(), written, tuple(problems))


def open_template(path: Path) -> tuple[Any, list[Problem]]:
    """The template workbook (None when it cannot be read) and what it will lose by being filled."""
    from openpyxl import load_workbook

    where = Position(str(path), 1, 1)
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        wb = load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm", rich_text=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        return None, [Problem("E307", f"the template cannot be read as an Excel workbook: {exc}", where)]
    drawings = sorted({n.split("/")[1] for n in names if n.startswith("xl/") and n.split("/")[1] in
                       ("drawings", "charts", "media")})
    problems = []
    if drawings:
        problems.append(Problem("W302", f"the template has {', '.join(drawings)} (shapes, arrows, pictures or "
                                "charts) that the filled copy will not keep", where,
                                "Keep the form's drawings in a worksheet that nothing is mapped to, or re-add "
                                "them in the filled copy; cell values, styles, formulas and comments are kept."))
    return wb, problems


def check_map_with_template(form_map: FormMap, template_path: Path) -> list[Problem]:
    """Every problem of using `form_map` on this template, without filling anything (for a validate command)."""
    wb, problems = open_template(template_path)
    return problems + check_template(form_map, wb)


def check_template(form_map: FormMap, wb: Any) -> list[Problem]:
    """What the map asks of this template: worksheets that exist, writable top-left cells, no formula lost."""
    if wb is None:
        return []
    problems = []
    for target in form_map.targets:
        if target.sheet not in wb.sheetnames:
            problems.append(target.problem("E303", f"the template has no worksheet {target.sheet!r}",
                                           suggest_name(target.sheet, wb.sheetnames)
                                           or f"its worksheets: {', '.join(wb.sheetnames)}"))
            continue
        ws = wb[target.sheet]
        merged = next((r for r in ws.merged_cells.ranges if target.top_left in r), None)
        if merged is not None and merged.start_cell.coordinate != target.top_left:
            problems.append(target.problem(
                "E304", f"{target.sheet}!{target.top_left} lies inside the merged range {merged.coord}, which "
                f"shows only its top-left cell", f"Map it to {merged.start_cell.coordinate}."))
            continue
        current = ws[target.top_left].value
        if isinstance(current, str) and current.startswith("=") or ws[target.top_left].data_type == "f":
            problems.append(target.problem(
                "E305", f"{target.sheet}!{target.top_left} holds the formula {str(current)[:40]!r}; filling it "
                "would lose the formula", "Map the value to the input cell the formula reads from."))
    return problems


def suggest_name(name: str, names: list[str]) -> str:
    """A "did you mean" for a worksheet name (works on Japanese names too), or ""."""
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
    return f"did you mean {close[0]!r}?" if close else ""


# ---- values ----


def value_of(filing: Filing, target: FormTarget) -> str | int | None:
    """The text (or number) a target receives; None leaves the template's cell as it is."""
    source = target.source
    if source in HEADER_FIELDS_BY_ID or source in COMBINED_HEADERS:
        header = filing.header_value(source)
        kind = HEADER_FIELDS_BY_ID[source].kind if source in HEADER_FIELDS_BY_ID else "text"
        if not header.value:
            return filing.labels["not_written"] if header.required else None
        return int(header.value) if kind == "number" and header.value.isascii() and header.value.isdigit() \
            else header.value
    match = RECORD_SOURCE.match(source)
    if match is not None:
        box = filing.box(match.group("box"))
        records = parse_records(box.text, record_keys(box.id))
        index = int(match.group("index")) - 1
        return records[index].get(match.group("key"), "") if index < len(records) else None
    box = filing.box(source)
    if not box.written:  # 未記入 as on the filed pages; an optional box (支援者の見立て) stays as the form has it
        return filing.labels["not_written"] if box.required else None
    keys = record_keys(source)
    if keys:
        return target.join.join(" / ".join(v for v in r.values() if v) for r in parse_records(box.text, keys))
    return box.text.replace("\n", target.join) if target.join != "\n" else box.text


def _write(cell: Any, value: str | int) -> None:
    if isinstance(value, str):
        value = cell_text(value)[:EXCEL_CELL_LIMIT]
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # a write-up is text, never a formula


# ---- room in a cell ----


def _room_problems(target: FormTarget, wb: Any, value: str | int | None) -> list[Problem]:
    if wb is None or value is None or target.sheet not in wb.sheetnames or not isinstance(value, str):
        return []
    length = len(value.replace("\n", ""))
    if target.max_length is not None and length > target.max_length:
        return [target.problem("W301", f"{target.source}: {length} characters, more than the {target.max_length} "
                               f"the map allows for {target.sheet}!{target.top_left}",
                               "Shorten the write-up, or raise max_length if the cell has room.")]
    shown = cell_room(wb[target.sheet], target)
    needed = lines_for(value, shown[0], shown[2])
    if needed > shown[1]:
        return [target.problem("W301", f"{target.source}: needs about {needed} lines in {target.sheet}!"
                               f"{target.top_left}, which shows about {shown[1]}",
                               "Shorten the write-up, or give the cell more room in the form.")]
    return []


def cell_room(ws: Any, target: FormTarget) -> tuple[int, int, float]:
    """(pixels wide, lines high, font size) of the cell or merged range a target writes."""
    from openpyxl.utils import column_index_from_string, get_column_letter

    merged = next((r for r in ws.merged_cells.ranges if target.top_left in r), None)
    if merged is not None:
        min_col, min_row, max_col, max_row = merged.min_col, merged.min_row, merged.max_col, merged.max_row
    else:
        first_col, first_row, last_col, last_row = split_cell(target.cell.replace("$", "")) or ("A", 1, None, None)
        min_col, min_row = column_index_from_string(first_col), first_row
        max_col = column_index_from_string(last_col) if last_col else min_col
        max_row = last_row or min_row
    default_width = ws.sheet_format.defaultColWidth or DEFAULT_COLUMN_WIDTH
    default_height = ws.sheet_format.defaultRowHeight or DEFAULT_ROW_HEIGHT
    width = sum(_column_px(ws.column_dimensions[get_column_letter(c)].width or default_width)
                for c in range(min_col, max_col + 1))
    height = sum(ws.row_dimensions[r].height or default_height for r in range(min_row, max_row + 1))
    size = float(ws[target.top_left].font.sz or DEFAULT_FONT_SIZE)
    return width, max(1, int(height // (size * LINE_FACTOR))), size


def _column_px(width: float) -> int:
    return math.trunc(width * 7 + 5)


def lines_for(text: str, width_px: int, size: float) -> int:
    """Wrapped lines a text takes in a cell `width_px` wide (a wide character is one em, a narrow one half)."""
    em = size * 96 / 72
    room = max(1.0, width_px - 6)
    return sum(max(1, math.ceil(sum(em if is_wide(c) else em / 2 for c in line) / room))
               for line in text.split("\n"))


# ---- helping a map author ----


@dataclass(frozen=True, slots=True)
class InputCell:
    """A cell of a form that looks meant for input: a merged box, or an empty coloured cell (METI's input cells
    are pale yellow), with the label beside or above it and its hint comment."""

    sheet: str
    cell: str  # the top-left cell: what a map names
    range: str  # the merged range, or the cell
    label: str
    fill: str  # RGB of the fill, "" for none
    comment: str
    formula: bool  # the cell computes something: never map a value to it


def input_cells(template_path: Path) -> list[InputCell]:
    """The cells of a form a map would name, in sheet order: a start for mapping METI's workbook or a bank's
    own sheet (docs/filing.md)."""
    wb, problems = open_template(template_path)
    if wb is None:
        raise FormMapError(problems)
    cells = []
    for ws in wb.worksheets:
        merged = {r.start_cell.coordinate: r.coord for r in ws.merged_cells.ranges}
        for row in ws.iter_rows():
            for cell in row:
                if cell.coordinate not in merged and not _looks_like_input(cell):
                    continue
                cells.append(InputCell(ws.title, cell.coordinate, merged.get(cell.coordinate, cell.coordinate),
                                       _label_near(ws, cell), _fill_rgb(cell),
                                       (cell.comment.text.strip() if cell.comment else ""),
                                       cell.data_type == "f" or str(cell.value or "").startswith("=")))
    return cells


def _looks_like_input(cell: Any) -> bool:
    return cell.value in (None, "") and bool(_fill_rgb(cell)) or cell.comment is not None


def _fill_rgb(cell: Any) -> str:
    fill = cell.fill
    if fill is None or fill.fill_type != "solid":
        return ""
    rgb = fill.fgColor.rgb if isinstance(fill.fgColor.rgb, str) else ""
    return "" if rgb[-6:].upper() in ("FFFFFF", "") else rgb[-6:].upper()


def _label_near(ws: Any, cell: Any) -> str:
    """The nearest text to the left on the same row, else above in the same column."""
    for col in range(cell.column - 1, 0, -1):
        value = ws.cell(cell.row, col).value
        if isinstance(value, str) and value.strip() and not value.startswith("="):
            return value.strip()
    for row in range(cell.row - 1, 0, -1):
        value = ws.cell(row, cell.column).value
        if isinstance(value, str) and value.strip() and not value.startswith("="):
            return value.strip()
    return ""

"""SheetData → .xlsx in the layout of the official sheet: four worksheets, each printing on one A4 landscape page.

Cell map (`CELL_OF_FIELD`: field id → (worksheet index, cell of its value; the top-left one of a merged range));
its label sits to its left or above it:

worksheet 0 — 商流・業務フロー (columns A = row labels, then five boxes of two columns: B:C D:E F:G H:I J:K)
  row 1 title, row 2 session line
  rows 3-4   header: 商号 B3, 代表者 G3, 所在地 J3 / 業種 B4, 従業員数 G4, 設立 J4
  rows 7-10  business flow: step i (0-based) in column B + 2i — 業務名 row 7, 業務内容 row 8,
             差別化ポイント row 9; row 10 follow-ups and notes. Steps beyond five continue to the right.
  rows 13-16 commercial flow boxes 仕入先 B, 協力先 D, 自社 F, 得意先 H, エンドユーザー J:
             box title row 13, names row 14 (numbered ①②…), reasons row 15 (same numbers), follow-ups row 16
  row 19     顧客提供価値 (A19:K19)
worksheet 1 — 4つの視点 (A perspective, merged down its items; B item; C value): rows 4-18 in sheet order
worksheet 2 — 現状認識 → 将来目標 → 課題 → 対応策 (A row label; boxes B, C, D, E): titles row 4,
  owner's view row 5 (the field's cell), supporter's view row 6
worksheet 3 — 次回確認事項・情報量: the missing list, then the richness table (rows depend on the session)

A text value cell holds the field's answers one after another (choice label first), each owner/supporter
block headed 【経営者の認識】/【支援者の見立て】 when the supporter spoke, then ▷ follow-ups and notes.
An empty field shows （未聴取） or （スキップ — 次回確認）.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dialogue.model.sheet_fields import SHEET_FIELDS
from dialogue.sheet.data import (
    COMMERCIAL_FLOW,
    PERSPECTIVES,
    PRINTED_STEPS,
    SUMMARY_CHAIN,
    Entry,
    FieldView,
    SheetData,
    extra_lines,
)
from dialogue.sheet.xlsx_layout import (
    MAX_ROW_HEIGHT,
    RowPlan,
    cell_text,
    row_height,
    split_for_rows,
    wrapped_lines,
)

FONT_NAME = "游ゴシック"  # with charset 128 (SHIFTJIS_CHARSET): Excel and LibreOffice both pick a Japanese face
FONT_SIZE = 10
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# worksheet 0
BOX_COLUMNS = 2  # each flow box spans two columns, starting at column B
HEADER_ROWS = {"company.name": (3, "A", "B:E"), "company.representative": (3, "F", "G:H"),
               "company.location": (3, "I", "J:K"), "company.industry": (4, "A", "B:E"),
               "company.employees": (4, "F", "G:H"), "company.founded": (4, "I", "J:K")}
STEP_ROWS = {"name": 7, "content": 8, "differentiation": 9, "extras": 10}
PARTY_ROWS = {"title": 13, "names": 14, "reasons": 15, "extras": 16}
CUSTOMER_VALUE_ROW = 19
# worksheet 1
PERSPECTIVE_FIRST_ROW = 4
PERSPECTIVE_WIDTHS = [12.0, 28.0, 165.0]  # wide value column: the text wraps less, the page stays landscape
# worksheet 2
CHAIN_ROWS = {"title": 4, "owner": 5, "supporter": 6}
CHAIN_WIDTHS = [14.0] + [40.0] * len(SUMMARY_CHAIN)
CHAIN_MIN_HEIGHT = 120.0


def _col(index: int) -> str:
    """1 → A, 2 → B, … (enough for the widths used here)."""
    name = ""
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def box_column(index: int) -> str:
    """The first column of flow box `index` (0-based) on worksheet 0."""
    return _col(2 + BOX_COLUMNS * index)


def _cell_map() -> dict[str, tuple[int, str]]:
    cells: dict[str, tuple[int, str]] = {f: (0, f"{cols.split(':')[0]}{row}") for f, (row, _, cols)
                                         in HEADER_ROWS.items()}
    cells["business_flow.steps"] = (0, f"B{STEP_ROWS['name']}")
    for i, field_id in enumerate(COMMERCIAL_FLOW):
        if field_id:
            cells[field_id] = (0, f"{box_column(i)}{PARTY_ROWS['names']}")
    cells["business_flow.customer_value"] = (0, f"A{CUSTOMER_VALUE_ROW}")
    row = PERSPECTIVE_FIRST_ROW
    for f in SHEET_FIELDS:
        if f.group in PERSPECTIVES:
            cells[f.id] = (1, f"C{row}")
            row += 1
    for i, field_id in enumerate(SUMMARY_CHAIN):
        cells[field_id] = (2, f"{_col(2 + i)}{CHAIN_ROWS['owner']}")
    return cells


CELL_OF_FIELD: dict[str, tuple[int, str]] = _cell_map()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def field_text(field: FieldView, labels: dict[str, str]) -> str:
    """A field as one cell's text: its answers by voice, then follow-ups and notes; or its empty status."""
    if field.status != "filled":
        return labels[field.status]
    blocks = []
    for voice, entries in field.views:
        lines = [f"【{labels[voice]}】"] if voice else []
        lines += [e.display for e in entries]
        lines += _extra_lines(entries, labels)
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def numbered(items: list[str]) -> str:
    return "\n".join(f"{CIRCLED[i] if i < len(CIRCLED) else f'({i + 1})'} {text}" for i, text in enumerate(items))


@dataclass(frozen=True, slots=True)
class _Box:
    """One merged, styled range as the layout drew it (logical rows; see `RowPlan`)."""

    min_col: int
    min_row: int
    max_col: int
    max_row: int
    pieces: tuple[Any, ...]  # the value, or a long text in pieces for consecutive rows
    font: str
    fill: str | None
    border: bool
    center: bool


class _Writer:
    """Collects boxes (merged, bordered, wrapped ranges) for one worksheet, then lays them out: a text too
    long for one row continues in the rows below (the rows after it move down), and each row is as tall
    as its text needs."""

    def __init__(self, ws: Any, widths: list[float]):
        from openpyxl.styles import Alignment, Font, PatternFill, Side

        self.ws = ws
        self.widths = widths
        self.boxes: list[_Box] = []
        self.side = Side(style="thin", color="3D6A9E")
        self.fonts = {kind: Font(name=FONT_NAME, charset=128, size=size, bold=bold, italic=italic, color=color)
                      for kind, size, bold, italic, color in (
                          ("value", FONT_SIZE, False, False, "000000"), ("label", FONT_SIZE, True, False, "000000"),
                          ("title", 14, True, False, "000000"), ("meta", 8, False, False, "555555"),
                          ("heading", 11, True, False, "FFFFFF"), ("empty", FONT_SIZE, False, True, "808080"),
                          ("skipped", FONT_SIZE, False, True, "B54A00"))}
        self.fills = {"label": PatternFill("solid", fgColor="EEF2F7"), "head": PatternFill("solid", fgColor="DBE7F4"),
                      "heading": PatternFill("solid", fgColor="3D6A9E"), "diff": PatternFill("solid", fgColor="FFF6D6")}
        self.wrap = Alignment(wrap_text=True, vertical="top", horizontal="left")
        self.number = Alignment(vertical="top", horizontal="right")
        self.center = Alignment(wrap_text=True, vertical="center", horizontal="center")
        self.borders: dict[tuple[bool, bool], Any] = {}
        self.style_ids: dict[tuple[str, int], int] = {}  # (collection, id of a style object above) -> index
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[_col(i)].width = width

    def box(self, cells: str, value: Any, font: str = "value", fill: str | None = None,
            border: bool = True, center: bool = False) -> None:
        """Draw `value` in the range `cells` ("B3:E3" or "B3"), merged and styled."""
        from openpyxl.utils.cell import range_boundaries

        bounds = range_boundaries(cells if ":" in cells else f"{cells}:{cells}")
        min_col, min_row, max_col, max_row = (int(b or 0) for b in bounds)  # a cell range always has all four
        pieces: tuple[Any, ...] = (value,)
        if isinstance(value, str):
            value = cell_text(value)  # control characters or a lone surrogate would break the workbook
            pieces = (value,)
            if min_row == max_row:  # vertical merges hold short labels
                pieces = tuple(split_for_rows(value, self._capacity(min_col, max_col), self._scale(font)))
        self.boxes.append(_Box(min_col, min_row, max_col, max_row, pieces, font, fill, border, center))

    def field(self, cells: str, field: FieldView, labels: dict[str, str], text: str | None = None,
              fill: str | None = None) -> None:
        font = "value" if field.status == "filled" else "empty" if field.status == "not_asked" else "skipped"
        self.box(cells, field_text(field, labels) if text is None else text, font, fill)

    def _capacity(self, min_col: int, max_col: int) -> float:
        """Whole columns of text one line of the box holds (less the cell's inner margins)."""
        return float(max(1, int(sum(self.widths[c - 1] for c in range(min_col, max_col + 1)) - 1.5)))

    def _scale(self, font: str) -> float:
        return float(self.fonts[font].size) / FONT_SIZE

    def finish(self, last_row: int, spacers: tuple[int, ...] = (), min_heights: dict[int, float] | None = None) -> None:
        """Place every box, size the rows, and set up printing."""
        plan = RowPlan()
        for b in self.boxes:
            if b.min_row == b.max_row:
                plan.need(b.min_row, len(b.pieces))
        heights: dict[int, float] = {}
        for b in self.boxes:
            for row, height in self._place(b, plan).items():
                heights[row] = max(heights.get(row, 0.0), height)
        for row, height in heights.items():
            self.ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT, height)
        for row, height in (min_heights or {}).items():
            if plan.spans.get(row, 1) == 1:  # room to write on the printed sheet at the meeting
                dimension = self.ws.row_dimensions[plan.first(row)]
                dimension.height = max(dimension.height or 0, height)
        for row in spacers:
            self.ws.row_dimensions[plan.first(row)].height = 6
        self._print_setup(plan.last(last_row), one_page=not plan.grown)

    def _place(self, b: _Box, plan: RowPlan) -> dict[int, float]:
        """Write one box on the worksheet rows the plan gives it; return the height each row needs."""
        top, bottom = plan.first(b.min_row), plan.last(b.max_row)
        needed: dict[int, float] = {}
        for i, piece in enumerate(b.pieces):
            first = top + i
            last = bottom if i == len(b.pieces) - 1 else first
            self._write(b, first, last, piece, i == 0, i == len(b.pieces) - 1)
            if b.min_row == b.max_row and first == last and isinstance(piece, str):
                lines = wrapped_lines(piece, self._capacity(b.min_col, b.max_col))
                needed[first] = row_height(lines, self._scale(b.font))
        return needed

    def _write(self, b: _Box, top: int, bottom: int, value: Any, opens: bool, closes: bool) -> None:
        from openpyxl.styles.cell_style import StyleArray

        ws = self.ws
        if (top, b.min_col) != (bottom, b.max_col):
            _merge(ws, top, b.min_col, bottom, b.max_col)
        first = ws.cell(row=top, column=b.min_col)
        first.value = value
        if isinstance(value, str) and value.startswith("="):
            first.data_type = "s"  # an answer is text, never a formula
        styles = [("_fonts", "fontId", self.fonts[b.font]),
                  ("_alignments", "alignmentId",
                   self.center if b.center else self.number if _is_number(value) else self.wrap)]
        if b.border:
            styles.append(("_borders", "borderId", self._border(opens, closes)))
        if b.fill:
            styles.append(("_fills", "fillId", self.fills[b.fill]))
        ids = [(key, self._style_id(collection, style)) for collection, key, style in styles]
        for row in ws.iter_rows(min_row=top, max_row=bottom, min_col=b.min_col, max_col=b.max_col):
            for cell in row:
                if not cell._style:  # a merged cell's part has none until styled
                    cell._style = StyleArray()
                for key, index in ids:
                    setattr(cell._style, key, index)

    def _border(self, opens: bool, closes: bool) -> Any:
        """The box border (sides always; top when the box opens here, bottom when it closes), one object each."""
        from openpyxl.styles import Border

        if (opens, closes) not in self.borders:
            side = self.side
            self.borders[opens, closes] = Border(left=side, right=side, top=side if opens else None,
                                                 bottom=side if closes else None)
        return self.borders[opens, closes]

    def _style_id(self, collection: str, style: Any) -> int:
        """The style's index in the workbook's list, as `cell.font = style` (etc.) would store it, looked up
        once per style object: openpyxl hashes the whole style at every assignment, which was most of the
        render time."""
        key = (collection, id(style))
        if key not in self.style_ids:
            self.style_ids[key] = getattr(self.ws.parent, collection).add(style)
        return self.style_ids[key]

    def _print_setup(self, last_row: int, one_page: bool) -> None:
        """A4 landscape, fit to the page's width; on one page unless a long text made the sheet taller
        (then pages continue: shrinking it onto one page would make the text unreadable)."""
        ws = self.ws
        ws.print_area = f"A1:{_col(len(self.widths))}{last_row}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1 if one_page else 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        ws.sheet_view.showGridLines = False


def _merge(ws: Any, top: int, left: int, bottom: int, right: int) -> None:
    """`ws.merge_cells(…)` for a range whose top-left cell has no border or protection of its own yet (the
    boxes merge before they style): openpyxl's own then copies that cell's (default) border sides and
    protection onto every cell of the range, changing nothing at a cost of most of the merge."""
    from openpyxl.cell.cell import MergedCell
    from openpyxl.worksheet.merge import MergedCellRange

    start = ws._cells.get((top, left))
    if start is not None and (start._style.borderId or start._style.protectionId):
        ws.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
        return
    merged = MergedCellRange(ws, f"{_col(left)}{top}:{_col(right)}{bottom}")
    ws.merged_cells.add(merged)
    for row in range(top, bottom + 1):
        for column in range(left, right + 1):
            if (row, column) != (top, left):
                ws._cells[row, column] = MergedCell(ws, row, column)


def _title(w: _Writer, sheet: SheetData, title: str, last_col: str) -> None:
    L = sheet.labels
    company = f" — {sheet.company}" if sheet.company else ""
    w.box(f"A1:{last_col}1", f"{L['title']}｜{title}{company}", "title", border=False)
    meta = (f"{L['session']}: {sheet.session_id}   {L['bank']}: {sheet.bank_id} {sheet.bank_version}   "
            f"{L['started']}: {sheet.started}   {L['last']}: {sheet.last}   {L['state']}: {sheet.state}")
    w.box(f"A2:{last_col}2", meta, "meta", border=False)


def _heading(w: _Writer, cells: str, text: str) -> None:
    w.box(cells, text, "heading", "heading")


def _flow_sheet(ws: Any, sheet: SheetData) -> None:
    L = sheet.labels
    steps = sheet.field("business_flow.steps")
    boxes = max(PRINTED_STEPS, len(steps.records))
    w = _Writer(ws, [13.0] + [14.0] * (BOX_COLUMNS * boxes))
    last = _col(len(w.widths))
    ws.title = L["flow_sheet"][:31]
    _title(w, sheet, L["flow_sheet"], last)
    for field_id, (row, label_col, cols) in HEADER_ROWS.items():
        f = sheet.field(field_id)
        w.box(f"{label_col}{row}", f.label, "label", "label")
        w.field(cols.replace(":", f"{row}:") + str(row), f, L)
    _heading(w, f"A6:{last}6", steps.label)
    for key, row in STEP_ROWS.items():
        w.box(f"A{row}", L[key], "label", "label")
    for i in range(boxes):
        record = steps.records[i] if i < len(steps.records) else None
        c0, c1 = box_column(i), _col(1 + BOX_COLUMNS * (i + 1))
        for key in ("name", "content", "differentiation"):
            row = STEP_ROWS[key]
            if record is None:  # an empty box; the first one says why when nothing was captured
                empty = steps.status != "filled" and i == 0 and key == "name"
                w.field(f"{c0}{row}:{c1}{row}", steps, L, text=None if empty else "")
                continue
            fill = "head" if key == "name" else "diff" if key == "differentiation" else None
            w.box(f"{c0}{row}:{c1}{row}", record.get(key, ""), "label" if key == "name" else "value", fill)
    w.box(f"B{STEP_ROWS['extras']}:{last}{STEP_ROWS['extras']}", "\n".join(_extra_lines(steps.entries, L)))
    _commercial(w, sheet, last)
    value = sheet.field("business_flow.customer_value")
    _heading(w, f"A{CUSTOMER_VALUE_ROW - 1}:{last}{CUSTOMER_VALUE_ROW - 1}", value.label)
    w.field(f"A{CUSTOMER_VALUE_ROW}:{last}{CUSTOMER_VALUE_ROW}", value, L)
    w.finish(CUSTOMER_VALUE_ROW, spacers=(5, 11, 17))


def _extra_lines(entries: tuple[Entry, ...], labels: dict[str, str]) -> list[str]:
    return [f"▷ {kind}: {text}" for kind, text in extra_lines(entries, labels)]


def _commercial(w: _Writer, sheet: SheetData, last: str) -> None:
    L = sheet.labels
    rows = PARTY_ROWS
    _heading(w, f"A{rows['title'] - 1}:{last}{rows['title'] - 1}", L["commercial_heading"])
    for key, label in (("names", L["party"]), ("reasons", L["reason"]), ("extras", L["extras"])):
        w.box(f"A{rows[key]}", label, "label", "label")
    w.box(f"A{rows['title']}", "", "label", "label")
    for i, field_id in enumerate(COMMERCIAL_FLOW):
        c0, c1 = box_column(i), _col(1 + BOX_COLUMNS * (i + 1))
        span = {key: f"{c0}{row}:{c1}{row}" for key, row in rows.items()}
        if field_id is None:
            w.box(span["title"], L["self"] + " ▶", "heading", "heading", center=True)
            w.box(span["names"], sheet.company or "—", "label", "head")
            w.box(span["reasons"], "")
            w.box(span["extras"], "")
            continue
        f = sheet.field(field_id)
        arrow = " ▶" if i < len(COMMERCIAL_FLOW) - 1 else ""
        w.box(span["title"], f.label + arrow, "label", "head", center=True)
        key = "who" if f.shape == "end_users" else "name"
        if f.status == "filled":
            w.box(span["names"], numbered([r.get(key, "") for r in f.records]))
            w.box(span["reasons"], numbered([r.get("reason", "") for r in f.records]))
        else:
            w.field(span["names"], f, L)
            w.box(span["reasons"], "")
        w.box(span["extras"], "\n".join(_extra_lines(f.entries, L)))


def _perspectives_sheet(ws: Any, sheet: SheetData) -> None:
    L = sheet.labels
    w = _Writer(ws, PERSPECTIVE_WIDTHS)
    ws.title = L["perspectives_sheet"][:31]
    _title(w, sheet, L["perspectives_sheet"], "C")
    row = PERSPECTIVE_FIRST_ROW - 1
    for column, text in (("A", L["perspective"]), ("B", L["field"]), ("C", L["captured"])):
        w.box(f"{column}{row}", text, "label", "head", center=True)
    for gid in PERSPECTIVES:
        group = sheet.group(gid)
        first = row + 1
        for f in group.fields:
            row += 1
            w.box(f"B{row}", f.label, "label", "label")
            w.field(f"C{row}", f, L)
        w.box(f"A{first}:A{row}" if row > first else f"A{first}", group.label, "label", "head", center=True)
    w.finish(row)


def _chain_sheet(ws: Any, sheet: SheetData) -> None:
    L = sheet.labels
    w = _Writer(ws, CHAIN_WIDTHS)
    last = _col(len(CHAIN_WIDTHS))
    title = sheet.group("summary").label
    ws.title = L["chain_sheet"][:31]
    _title(w, sheet, title, last)
    rows = CHAIN_ROWS
    w.box(f"A{rows['title']}", "", "label", "label")
    w.box(f"A{rows['owner']}", L["owner"], "label", "label")
    w.box(f"A{rows['supporter']}", L["supporter"], "label", "label")
    for i, field_id in enumerate(SUMMARY_CHAIN):
        f = sheet.field(field_id)
        column = _col(2 + i)
        arrow = " ▶" if i < len(SUMMARY_CHAIN) - 1 else ""
        w.box(f"{column}{rows['title']}", f.label + arrow, "heading", "heading", center=True)
        owner = FieldView(f.id, f.label, f.shape, f.status, f.owner_entries, f.records)
        w.field(f"{column}{rows['owner']}", owner, L, text=None if owner.entries or f.status != "filled" else "")
        supporter = f.supporter_entries
        w.box(f"{column}{rows['supporter']}", "\n".join([e.display for e in supporter] + _extra_lines(supporter, L)))
    w.finish(rows["supporter"], spacers=(3,),
             min_heights={rows["owner"]: CHAIN_MIN_HEIGHT, rows["supporter"]: CHAIN_MIN_HEIGHT})


def _followup_sheet(ws: Any, sheet: SheetData) -> None:
    L = sheet.labels
    w = _Writer(ws, [16.0] * 8)
    ws.title = L["followup_sheet"][:31]
    _title(w, sheet, L["followup_sheet"], "H")
    _heading(w, "A4:H4", L["next_visit"])
    w.box("A5:C5", L["field"], "label", "head")
    w.box("D5:G5", L["question"], "label", "head")
    w.box("H5", L["reason"], "label", "head")
    row = 5
    for m in sheet.missing:
        row += 1
        w.box(f"A{row}:C{row}", "☐ " + m.label)
        w.box(f"D{row}:G{row}", m.question_text)
        w.box(f"H{row}", m.why(L), "skipped")
    if not sheet.missing:
        row += 1
        w.box(f"A{row}:H{row}", L["none"])
    row += 2
    _heading(w, f"A{row}:H{row}", L["richness"])
    row += 1
    for cells, text in ((f"A{row}:D{row}", L["section"]), (f"E{row}", L["chars"]), (f"F{row}", L["items"]),
                        (f"G{row}:H{row}", L["filled"])):
        w.box(cells, text, "label", "head")
    for r in sheet.richness:
        row += 1
        w.box(f"A{row}:D{row}", r.title)
        w.box(f"E{row}", r.chars)
        w.box(f"F{row}", r.items)
        w.box(f"G{row}:H{row}", f"{r.fields_filled}/{r.fields_total} ({r.share:.0%})")
    w.finish(row, spacers=(3,))


def _timestamp(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text).astimezone(UTC).replace(tzinfo=None)
    except ValueError:
        return datetime(2000, 1, 1)


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose members all carry one fixed date: the same sheet gives the same bytes."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)


def _save_in_memory(wb: Any, archive: zipfile.ZipFile) -> None:
    """openpyxl's `ExcelWriter`, except that each worksheet's XML is built in memory: the stock writer puts
    it in a temporary file in $TMPDIR, where a killed save leaves customer data behind."""
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.worksheet._writer import WorksheetWriter
    from openpyxl.writer.excel import ExcelWriter

    class InMemoryWriter(ExcelWriter):
        def write_worksheet(self, ws: Any) -> None:  # openpyxl's own body, with a BytesIO for the temp file
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            out = io.BytesIO()
            writer: Any = WorksheetWriter(ws, out=out)
            writer.write()
            ws._rels = writer._rels
            archive: Any = self._archive  # type: ignore[attr-defined]  # private in openpyxl's stubs
            archive.writestr(ws.path[1:], out.getvalue())
            self.manifest.append(ws)

    InMemoryWriter(wb, archive).save()


def render_sheet_xlsx(sheet: SheetData) -> bytes:
    """The workbook as bytes, built in memory only; deterministic for a given SheetData."""
    from openpyxl import Workbook

    wb = Workbook()
    _flow_sheet(wb.active, sheet)
    _perspectives_sheet(wb.create_sheet(), sheet)
    _chain_sheet(wb.create_sheet(), sheet)
    _followup_sheet(wb.create_sheet(), sheet)
    wb.properties.creator = "locaben-dialogue"
    wb.properties.title = cell_text(f"{sheet.labels['title']} {sheet.company}".strip())
    wb.properties.created = _timestamp(sheet.started)
    wb.properties.modified = _timestamp(sheet.last)
    buffer = io.BytesIO()
    with _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _save_in_memory(wb, archive)
    return buffer.getvalue()

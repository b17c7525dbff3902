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
import re
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
    split_counted,
    wrapped_lines,
)
from dialogue.sheet.xlsx_package import with_core

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
    lines: int | None  # the wrapped lines of a text that stays one piece in one row (else counted when placed)
    font: str
    fill: str | None
    border: bool
    center: bool


class _Writer:
    """Collects boxes (merged, bordered, wrapped ranges) for one worksheet, then lays them out: a text too
    long for one row continues in the rows below (the rows after it move down), and each row is as tall
    as its text needs. Written with XlsxWriter (a new workbook, written once: it imports and writes several
    times faster than openpyxl, which stays the reader — of bank templates, and of these files in tests)."""

    def __init__(self, book: _Book, title: str, widths: list[float]):
        self.book = book
        self.ws = book.workbook.add_worksheet(title[:31])
        self.widths = widths
        self.boxes: list[_Box] = []
        for i, width in enumerate(widths):
            # the width stored in the file is `width` (XlsxWriter's character widths add Excel's padding)
            self.ws.set_column_pixels(i, i, round(width * _DIGIT_PIXELS))

    def box(self, cells: str, value: Any, font: str = "value", fill: str | None = None,
            border: bool = True, center: bool = False) -> None:
        """Draw `value` in the range `cells` ("B3:E3" or "B3"), merged and styled."""
        min_col, min_row, max_col, max_row = _bounds(cells)
        pieces: tuple[Any, ...] = (value,)
        lines = None
        if isinstance(value, str):
            value = cell_text(value)  # control characters or a lone surrogate would break the workbook
            pieces = (value,)
            if min_row == max_row:  # vertical merges hold short labels
                counted = split_counted(value, self._capacity(min_col, max_col), _scale(font))
                pieces = tuple(piece for piece, _ in counted)
                lines = counted[0][1] if len(counted) == 1 else None
        self.boxes.append(_Box(min_col, min_row, max_col, max_row, pieces, lines, font, fill, border, center))

    def field(self, cells: str, field: FieldView, labels: dict[str, str], text: str | None = None,
              fill: str | None = None) -> None:
        font = "value" if field.status == "filled" else "empty" if field.status == "not_asked" else "skipped"
        self.box(cells, field_text(field, labels) if text is None else text, font, fill)

    def _capacity(self, min_col: int, max_col: int) -> float:
        """Whole columns of text one line of the box holds (less the cell's inner margins)."""
        return float(max(1, int(sum(self.widths[c - 1] for c in range(min_col, max_col + 1)) - 1.5)))

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
        heights = {row: min(MAX_ROW_HEIGHT, height) for row, height in heights.items()}
        for row, height in (min_heights or {}).items():
            if plan.spans.get(row, 1) == 1:  # room to write on the printed sheet at the meeting
                heights[plan.first(row)] = max(heights.get(plan.first(row), 0.0), height)
        for row in spacers:
            heights[plan.first(row)] = 6
        for row, height in sorted(heights.items()):
            self.ws.set_row(row - 1, height)
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
                lines = b.lines if b.lines is not None else wrapped_lines(piece, self._capacity(b.min_col, b.max_col))
                needed[first] = row_height(lines, _scale(b.font))
        return needed

    def _write(self, b: _Box, top: int, bottom: int, value: Any, opens: bool, closes: bool) -> None:
        """One range (1-based rows and columns), merged when it is more than a cell: the value in its first
        cell, the style on every cell. A text is always written as a text, never as a formula or a link."""
        align = "center" if b.center else "number" if _is_number(value) else "wrap"
        style = self.book.style(b.font, align, (opens, closes) if b.border else None, b.fill)
        row, col = top - 1, b.min_col - 1
        if (top, b.min_col) != (bottom, b.max_col):
            self.ws.merge_range(row, col, bottom - 1, b.max_col - 1, "", style)  # blanks, styled
        if _is_number(value):
            self.ws.write_number(row, col, value, style)
        elif value is None or value == "":
            self.ws.write_blank(row, col, None, style)
        else:
            self.ws.write_string(row, col, str(value), style)

    def _print_setup(self, last_row: int, one_page: bool) -> None:
        """A4 landscape, fit to the page's width; on one page unless a long text made the sheet taller
        (then pages continue: shrinking it onto one page would make the text unreadable)."""
        ws = self.ws
        ws.print_area(0, 0, last_row - 1, len(self.widths) - 1)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 1 if one_page else 0)
        ws.center_horizontally()
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        ws.hide_gridlines(2)


_DIGIT_PIXELS = 7  # a character width in pixels, as XlsxWriter converts widths (Calibri 11's digit)
# kind → (size, bold, italic, colour)
_FONTS = {"value": (FONT_SIZE, False, False, "#000000"), "label": (FONT_SIZE, True, False, "#000000"),
          "title": (14, True, False, "#000000"), "meta": (8, False, False, "#555555"),
          "heading": (11, True, False, "#FFFFFF"), "empty": (FONT_SIZE, False, True, "#808080"),
          "skipped": (FONT_SIZE, False, True, "#B54A00")}
_FILLS = {"label": "#EEF2F7", "head": "#DBE7F4", "heading": "#3D6A9E", "diff": "#FFF6D6"}
_ALIGNS: dict[str, dict[str, Any]] = {"wrap": {"text_wrap": True, "valign": "top", "align": "left"},
           "number": {"valign": "top", "align": "right"},
           "center": {"text_wrap": True, "valign": "vcenter", "align": "center"}}
_BORDER_COLOUR = "#3D6A9E"


def _scale(font: str) -> float:
    return _FONTS[font][0] / FONT_SIZE


def _bounds(cells: str) -> tuple[int, int, int, int]:
    """"B3:E4" (or "B3") → (min_col, min_row, max_col, max_row), 1-based."""
    first, _, last = cells.partition(":")
    (c0, r0), (c1, r1) = _cell(first), _cell(last or first)
    return c0, r0, c1, r1


def _cell(ref: str) -> tuple[int, int]:
    letters = ref.rstrip("0123456789")
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    return column, int(ref[len(letters):])


class _Book:
    """The workbook being written, and its cell formats: one shared format for each combination used."""

    def __init__(self, buffer: io.BytesIO):
        from xlsxwriter import Workbook

        self.workbook = Workbook(buffer, {"in_memory": True})
        self.formats: dict[tuple[Any, ...], Any] = {}

    def style(self, font: str, align: str, border: tuple[bool, bool] | None, fill: str | None) -> Any:
        """The format of a box: font kind, alignment, border (None, or whether the top and the bottom side
        are drawn — a box split over rows opens and closes once), fill."""
        key = (font, align, border, fill)
        if key not in self.formats:
            size, bold, italic, colour = _FONTS[font]
            props: dict[str, Any] = {"font_name": FONT_NAME, "font_charset": 128, "font_size": size, "bold": bold,
                                     "italic": italic, "font_color": colour, **_ALIGNS[align]}
            if border is not None:
                opens, closes = border
                props.update(left=1, right=1, left_color=_BORDER_COLOUR, right_color=_BORDER_COLOUR)
                if opens:
                    props.update(top=1, top_color=_BORDER_COLOUR)
                if closes:
                    props.update(bottom=1, bottom_color=_BORDER_COLOUR)
            if fill is not None:
                props.update(pattern=1, bg_color=_FILLS[fill])
            self.formats[key] = self.workbook.add_format(props)
        return self.formats[key]


def _title(w: _Writer, sheet: SheetData, title: str, last_col: str) -> None:
    L = sheet.labels
    company = f" — {sheet.company}" if sheet.company else ""
    w.box(f"A1:{last_col}1", f"{L['title']}｜{title}{company}", "title", border=False)
    meta = (f"{L['session']}: {sheet.session_id}   {L['bank']}: {sheet.bank_id} {sheet.bank_version}   "
            f"{L['started']}: {sheet.started}   {L['last']}: {sheet.last}   {L['state']}: {sheet.state}")
    w.box(f"A2:{last_col}2", meta, "meta", border=False)


def _heading(w: _Writer, cells: str, text: str) -> None:
    w.box(cells, text, "heading", "heading")


def _flow_sheet(book: _Book, sheet: SheetData) -> None:
    L = sheet.labels
    steps = sheet.field("business_flow.steps")
    boxes = max(PRINTED_STEPS, len(steps.records))
    w = _Writer(book, L["flow_sheet"], [13.0] + [14.0] * (BOX_COLUMNS * boxes))
    last = _col(len(w.widths))
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


def _perspectives_sheet(book: _Book, sheet: SheetData) -> None:
    L = sheet.labels
    w = _Writer(book, L["perspectives_sheet"], PERSPECTIVE_WIDTHS)
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


def _chain_sheet(book: _Book, sheet: SheetData) -> None:
    L = sheet.labels
    w = _Writer(book, L["chain_sheet"], CHAIN_WIDTHS)
    last = _col(len(CHAIN_WIDTHS))
    title = sheet.group("summary").label
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


def _followup_sheet(book: _Book, sheet: SheetData) -> None:
    L = sheet.labels
    w = _Writer(book, L["followup_sheet"], [16.0] * 8)
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


def _repacked(data: bytes, modified: datetime) -> bytes:
    """The package as XlsxWriter wrote it, with each member dated 2000-01-01 and private (0600), and the
    core properties' modification time set to `modified` (XlsxWriter writes its creation time there)."""
    stamp = modified.strftime("%Y-%m-%dT%H:%M:%SZ")
    return with_core(data, lambda xml: _MODIFIED.sub(lambda m: m.group(1) + stamp + m.group(2), xml, 1),
                     restamp=True)


_MODIFIED = re.compile(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def render_sheet_xlsx(sheet: SheetData) -> bytes:
    """The workbook as bytes, built in memory only (no temporary file holds customer data); deterministic
    for a given SheetData."""
    buffer = io.BytesIO()
    book = _Book(buffer)
    _flow_sheet(book, sheet)
    _perspectives_sheet(book, sheet)
    _chain_sheet(book, sheet)
    _followup_sheet(book, sheet)
    book.workbook.set_properties({"author": "locaben-dialogue", "created": _timestamp(sheet.started),
                                  "title": cell_text(f"{sheet.labels['title']} {sheet.company}".strip())})
    book.workbook.close()
    return _repacked(buffer.getvalue(), _timestamp(sheet.last))

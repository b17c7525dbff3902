"""Filing → .xlsx: the two filed pages as two worksheets that print readably.

Print rules (issue 14): A4 landscape, fit to width only (pages continue downwards, never shrink to one page),
the title rows repeated on every page, text ≥ 9 pt, 游ゴシック as the workbook's default style (Normal), no row
above Excel's 409 pt — a long write-up continues on the following rows. The grid is 30 equal columns whose
total width fits the printable width of A4 landscape at 100 % (`GRID_WIDTH_MM`), so fitting to width does not
shrink the page (see `print_scale`).

The layout (where each box lands is returned by `render_filing_workbook(...).cells`: box, record field or header
id → (worksheet, top-left cell); examples/locaben-filing.map.yaml lists them for a filing without long text):

worksheet 0 「商流・業務フロー」: row 1 title (repeated); rows 3-6 header, three label/value pairs a row;
  row 8 業務フロー heading; steps five to a row block of three rows — name, 業務内容, 差別化ポイント — each step
  five columns wide (A, F, K, P, U), 顧客提供価値 in Z:AD beside the first block; then 商流: heading, titles,
  one row of parties (仕入先 A:F, 協力先 G:L, 自社 M:R, 得意先 S:X, エンドユーザー Y:AD).
worksheet 1 「4つの視点」: row 1 title, row 2 column headings (both repeated); one row per item: perspective
  A:B (merged down its items), official item label C:I, write-up J:AD; then 現状認識 → 将来目標 → 課題 → 対応策:
  heading, titles, write-ups (C:I, J:P, Q:W, X:AD), and 支援者の見立て below them (not in the owner's copy).
"""

from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dialogue.model.measure import display_width
from dialogue.model.sheet_fields import FIELDS_BY_ID, FILED_STEPS, HEADER_FIELDS
from dialogue.sheet.filing import FiledBox, Filing, printed_header
from dialogue.sheet.xlsx_layout import cell_text

FONT_NAME = "游ゴシック"  # charset 128 (SHIFTJIS_CHARSET): Excel and LibreOffice both pick a Japanese face
DEFAULT_SIZE = 10  # the Normal style: column widths are measured in its digit width (≈ 7 px)
TEXT_SIZE = 9  # the smallest text on the pages
TITLE_SIZE = 12
COLUMNS = 30
COLUMN_WIDTH = 4.2  # characters of the default font; 30 × 4.2 ≈ 270 mm, inside A4 landscape's 277 mm
DIGIT_PX = 7  # the Normal font's maximum digit width in pixels (96 dpi)
LINE_FACTOR = 1.7  # a wrapped line of 游ゴシック takes 1.7 × its point size (Excel: 11 pt → 18.75 pt rows)
MAX_ROW_HEIGHT = 409.0  # Excel's limit
ROW_PADDING = 4.0
STACKED_LINE = 1.7  # a stacked (縦書き) label takes a line per character
PAGE_WIDTH_MM = 297.0
MARGIN_IN = 0.4  # left and right
CELL_PADDING_PX = 8
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
NUMBER_HEADERS = frozenset(h.id for h in HEADER_FIELDS if h.kind == "number")  # written as numbers


def column_px(width: float = COLUMN_WIDTH) -> int:
    """Pixels of one column as Excel draws it: width × digit width + 5 px of padding, truncated."""
    return math.trunc(((256 * width + math.trunc(128 / DIGIT_PX)) / 256) * DIGIT_PX) + 5


GRID_WIDTH_MM = COLUMNS * column_px() * 25.4 / 96
PRINTABLE_WIDTH_MM = PAGE_WIDTH_MM - 2 * MARGIN_IN * 25.4


def print_scale() -> int:
    """The scale fitting the grid to the page width gives: 100 unless the grid were wider than the page."""
    return min(100, math.floor(100 * PRINTABLE_WIDTH_MM / GRID_WIDTH_MM))


def col(index: int) -> str:
    """1 → A, 27 → AA."""
    name = ""
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def lines_needed(text: str, span: int, size: float = TEXT_SIZE) -> int:
    """Wrapped lines `text` takes in `span` grid columns at `size` points (a Latin character is half an em)."""
    room = span * column_px() - CELL_PADDING_PX
    em_px = size * 96 / 72
    return sum(max(1, math.ceil(display_width(p) * em_px / 2 / room)) for p in text.split("\n"))


def row_height(lines: int, size: float = TEXT_SIZE) -> float:
    return lines * size * LINE_FACTOR + ROW_PADDING


MAX_LINES = int((MAX_ROW_HEIGHT - ROW_PADDING) / (TEXT_SIZE * LINE_FACTOR))


def split_for_rows(text: str, span: int, size: float = TEXT_SIZE, max_lines: int = MAX_LINES) -> list[str]:
    """`text` cut into pieces that each fit one row of at most 409 pt: at a wrapped line's end, so a piece
    holds whole lines; a paragraph cut in two continues in the next piece without a break of its own."""
    room = max(1, (span * column_px() - CELL_PADDING_PX) * 2 // math.ceil(size * 96 / 72))  # in half-widths
    pieces: list[str] = []
    current, used = "", 0
    for paragraph in text.split("\n"):
        for index, line in enumerate(_wrap(paragraph, room)):
            if used == max_lines:
                pieces.append(current)
                current, used = "", 0
            joiner = "\n" if used and index == 0 else ""
            current += joiner + line
            used += 1
    pieces.append(current)
    return pieces


def _wrap(paragraph: str, room: int) -> list[str]:
    lines, line, width = [], "", 0
    for ch in paragraph:
        w = display_width(ch)
        if width + w > room and line:
            lines.append(line)
            line, width = "", 0
        line += ch
        width += w
    lines.append(line)
    return lines


@dataclass(frozen=True, slots=True)
class Cell:
    """One box of a logical row: first column (1-based), span in columns, text, style."""

    column: int
    span: int
    text: str
    style: str = "text"


class _Sheet:
    """Writes logical rows of boxes onto one worksheet: merges, styles, heights, continuation rows."""

    def __init__(self, ws: Any, styles: dict[str, Any]):
        self.ws = ws
        self.styles = styles
        self.row = 1
        self.cells: dict[str, str] = {}  # box id → top-left cell (for the cell map and tests)
        for i in range(1, COLUMNS + 1):
            ws.column_dimensions[col(i)].width = COLUMN_WIDTH

    def put(self, row: int, cell: Cell, rows: int = 1) -> str:
        """Write `cell` at `row`, merged over its span and `rows` rows; return its top-left coordinate."""
        first, last = f"{col(cell.column)}{row}", f"{col(cell.column + cell.span - 1)}{row + rows - 1}"
        if first != last:
            self.ws.merge_cells(f"{first}:{last}")
        target = self.ws[first]
        target.value = int(cell.text) if cell.style == "number" and cell.text.isascii() and cell.text.isdigit() \
            else _cell_text(cell.text)
        if isinstance(target.value, str) and target.value.startswith("="):
            target.data_type = "s"  # a write-up is text, never a formula
        style = self.styles[cell.style]
        for line in self.ws[f"{first}:{last}"]:
            for c in line:
                c.font, c.alignment, c.border = style["font"], style["alignment"], style["border"]
                if style["fill"] is not None:
                    c.fill = style["fill"]
        return first

    def line(self, cells: list[Cell], height: float | None = None, ids: list[str | None] | None = None) -> int:
        """One logical row whose boxes fit 409 pt: written on one row, sized to its tallest box."""
        row = self.row
        for n, cell in enumerate(cells):
            at = self.put(row, cell)
            if ids and ids[n]:
                self.cells[str(ids[n])] = at
        size = max((_size(self.styles, c.style) for c in cells), default=TEXT_SIZE)
        needed = max((row_height(lines_needed(c.text, c.span, _size(self.styles, c.style)), size) for c in cells),
                     default=row_height(1))
        self.ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT, height or needed)
        self.row += 1
        return row

    def flowing(self, cells: list[Cell], ids: list[str | None] | None = None) -> tuple[int, int]:
        """A logical row whose boxes may be long: each box's text continues on the following rows (the same
        columns) where one row would pass 409 pt; a box that ends earlier is merged down to the last row.
        Returns (first row, row count)."""
        pieces = [split_for_rows(c.text, c.span, _size(self.styles, c.style)) for c in cells]
        count = max(len(p) for p in pieces)
        first = self.row
        for index in range(count):
            heights = [row_height(lines_needed(p[index], c.span, _size(self.styles, c.style)))
                       for c, p in zip(cells, pieces, strict=True) if index < len(p)]
            self.ws.row_dimensions[first + index].height = min(MAX_ROW_HEIGHT, max(heights, default=row_height(1)))
        for n, (cell, parts) in enumerate(zip(cells, pieces, strict=True)):
            for index, part in enumerate(parts):
                rows = count - index if index == len(parts) - 1 else 1
                at = self.put(first + index, Cell(cell.column, cell.span, part, cell.style), rows)
                if index == 0 and ids and ids[n]:
                    self.cells[str(ids[n])] = at
        self.row += count
        return first, count

    def blank(self, height: float = 6.0) -> None:
        self.ws.row_dimensions[self.row].height = height
        self.row += 1

    def finish(self, title_rows: str) -> None:
        ws = self.ws
        ws.print_area = f"A1:{col(COLUMNS)}{self.row - 1}"
        ws.print_title_rows = title_rows
        setup = ws.page_setup
        setup.orientation, setup.paperSize = "landscape", ws.PAPERSIZE_A4
        setup.fitToWidth, setup.fitToHeight = 1, 0  # fit to width; pages continue downwards
        setup.scale = print_scale()
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_margins.left = ws.page_margins.right = MARGIN_IN
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        ws.page_margins.header = ws.page_margins.footer = 0.2
        ws.print_options.horizontalCentered = True
        ws.sheet_view.showGridLines = False
        ws.sheet_view.view = "pageBreakPreview"


def _size(styles: dict[str, Any], name: str) -> float:
    return float(styles[name]["font"].size)


def _cell_text(text: str) -> str | None:
    return cell_text(text) if text else None


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    side = Side(style="thin", color="2F5D8C")
    box = Border(left=side, right=side, top=side, bottom=side)
    none = Border()
    wrap = Alignment(wrap_text=True, vertical="top", horizontal="left")
    center = Alignment(wrap_text=True, vertical="center", horizontal="center")
    stacked = Alignment(wrap_text=True, vertical="center", horizontal="center", textRotation=255)

    def font(size: float = TEXT_SIZE, bold: bool = False, color: str = "111111", italic: bool = False) -> Any:
        return Font(name=FONT_NAME, charset=128, family=3, size=size, bold=bold, color=color, italic=italic)

    def fill(rgb: str) -> Any:
        return PatternFill("solid", fgColor=rgb)

    table = {
        "text": (font(), wrap, box, None), "number": (font(), Alignment(horizontal="left", vertical="top"), box, None),
        "label": (font(bold=True), wrap, box, fill("F0F4F8")),
        "head": (font(bold=True), center, box, fill("DCE8F4")), "title": (font(TITLE_SIZE, bold=True), wrap, none, None),
        "heading": (font(bold=True, color="FFFFFF"), wrap, box, fill("2F5D8C")),
        "self": (font(bold=True, color="FFFFFF"), center, box, fill("2F5D8C")),
        "step": (font(bold=True), wrap, box, fill("DCE8F4")), "diff": (font(), wrap, box, fill("FFF5D1")),
        "value": (font(), wrap, box, fill("EEF6EE")), "empty": (font(color="808080"), wrap, box, None),
        "vertical": (font(bold=True), stacked, box, fill("DCE8F4")), "meta": (font(), wrap, none, None),
        "supporter": (font(), wrap, box, fill("F6F0FA")),
    }
    return {name: {"font": f, "alignment": a, "border": b, "fill": p} for name, (f, a, b, p) in table.items()}


# ---- the pages ----


def _title(s: _Sheet, filing: Filing, title: str) -> None:
    L = filing.labels
    created = filing.header_value("header.created_on")
    company = filing.company or L["not_written"]
    copy = f"　［{L['owner_copy']}］" if filing.audience == "owner" else ""
    s.line([Cell(1, 20, f"{title}　{company}{copy}", "title"),
            Cell(21, 10, f"{created.label}: {created.value or L['not_written']}", "meta")], height=24)


def _box_text(box: FiledBox, filing: Filing) -> tuple[str, str]:
    return (box.text, "text") if box.written else (filing.labels["not_written"], "empty")


def _flow_sheet(s: _Sheet, filing: Filing) -> None:
    L = filing.labels
    _title(s, filing, filing.page_titles[0])
    s.blank()
    boxes = printed_header(filing)
    for i in range(0, len(boxes), 3):
        cells, ids = [], []
        for j, h in enumerate(boxes[i:i + 3]):
            kind = "number" if h.id in NUMBER_HEADERS else "text"
            text, style = (h.value, kind) if h.value else ((L["not_written"], "empty") if h.required else ("", "text"))
            cells += [Cell(1 + 10 * j, 4, h.label, "label"), Cell(5 + 10 * j, 6, text, style)]
            ids += [None, h.id]
        s.line(cells, ids=ids)
    s.blank()
    s.line([Cell(1, COLUMNS, FIELDS_BY_ID["business_flow.steps"].label(filing.lang), "heading")])
    _steps(s, filing)
    s.blank()
    s.line([Cell(1, COLUMNS, L["commercial_heading"], "heading")])
    _commercial(s, filing)
    s.finish("1:1")


def _steps(s: _Sheet, filing: Filing) -> None:
    L = filing.labels
    value_text, value_style = _box_text(filing.customer_value, filing)
    for block, row in enumerate(filing.step_rows()):
        rows: dict[str, tuple[list[Cell], list[str | None]]] = {k: ([], []) for k in STEP_KEYS}
        for i, step in enumerate(row):
            start, number = 1 + 5 * i, FILED_STEPS * block + i + 1
            for key in STEP_KEYS:
                rows[key][1].append(f"business_flow.steps[{number}].{key}")
            if step is None:
                empty = block == 0 and i == 0 and not filing.steps_box.written
                for key in STEP_KEYS:
                    rows[key][0].append(Cell(start, 5, L["not_written"] if empty and key == "name" else "", "empty"))
                continue
            arrow = " ▶" if block == 0 or i < len(row) - 1 else ""
            rows["name"][0].append(Cell(start, 5, f"{step.number} {step.name}{arrow}", "step"))
            rows["content"][0].append(Cell(start, 5, f"【{L['content']}】\n{step.content}", "text"))
            rows["differentiation"][0].append(Cell(start, 5, f"【{L['differentiation']}】\n{step.differentiation}",
                                                   "diff"))
        if block == 0:
            rows["name"][0].append(Cell(26, 5, filing.customer_value.label, "head"))
            rows["name"][1].append(None)
            _first_block(s, rows, value_text, value_style)
        else:
            s.line(rows["name"][0], ids=rows["name"][1])
            s.flowing(*rows["content"])
            s.flowing(*rows["differentiation"])


STEP_KEYS = ("name", "content", "differentiation")


def _first_block(s: _Sheet, rows: dict[str, tuple[list[Cell], list[str | None]]], value_text: str,
                 value_style: str) -> None:
    """The first block: titles, then content and differentiation rows, with 顧客提供価値 beside both."""
    s.line(rows["name"][0], ids=rows["name"][1])
    first = s.row
    total = s.flowing(*rows["content"])[1] + s.flowing(*rows["differentiation"])[1]
    pieces = split_for_rows(value_text, 5)
    style = "empty" if value_style == "empty" else "value"
    if len(pieces) == 1:
        at = s.put(first, Cell(26, 5, value_text, style), rows=total)
        needed = row_height(lines_needed(value_text, 5))
        have = sum(s.ws.row_dimensions[r].height or 0 for r in range(first, first + total))
        if needed > have:  # a long value beside short steps: the last row grows (still ≤ 409 pt)
            last = first + total - 1
            s.ws.row_dimensions[last].height = min(MAX_ROW_HEIGHT, (s.ws.row_dimensions[last].height or 0)
                                                   + needed - have)
    else:
        at = ""
        for index, part in enumerate(pieces):
            row = first + min(index, total - 1)
            if index < total:
                where = s.put(row, Cell(26, 5, part, style))
                at = at or where
            s.ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT, max(s.ws.row_dimensions[row].height or 0,
                                                                       row_height(lines_needed(part, 5))))
        if len(pieces) > total:  # more value than step rows: the rest continues on rows of its own
            for part in pieces[total:]:
                s.line([Cell(26, 5, part, style)])
    s.cells["business_flow.customer_value"] = at


def _commercial(s: _Sheet, filing: Filing) -> None:
    spans = [(1, 6), (7, 6), (13, 6), (19, 6), (25, 6)]
    titles: list[Cell] = []
    bodies: list[Cell] = []
    ids: list[str | None] = []
    for (start, span), box in zip(spans, filing.commercial, strict=True):
        arrow = " ▶" if start < 25 else ""
        if box.field_id is None:
            titles.append(Cell(start, span, box.title + arrow, "self"))
            body = "\n".join(t for t in (filing.company, filing.industry) if t) or filing.labels["not_written"]
            bodies.append(Cell(start, span, body, "label"))
            ids.append(None)
            continue
        titles.append(Cell(start, span, f"{box.title}（{box.reason_label}）{arrow}", "head"))
        if box.written:
            lines = []
            for i, p in enumerate(box.parties):
                mark = CIRCLED[i] if i < len(CIRCLED) else f"({i + 1})"
                lines.append(f"{mark} {p.name}")
                if p.reason:
                    lines.append(f"　└ {p.reason}")
            bodies.append(Cell(start, span, "\n".join(lines), "text"))
        else:
            bodies.append(Cell(start, span, filing.labels["not_written"], "empty"))
        ids.append(box.field_id)
    s.line(titles)
    s.flowing(bodies, ids)


def _perspectives_sheet(s: _Sheet, filing: Filing) -> None:
    L = filing.labels
    _title(s, filing, filing.page_titles[1])
    s.line([Cell(1, 2, L["perspective"], "head"), Cell(3, 7, L["item"], "head"), Cell(10, 21, L["entry"], "head")])
    for p in filing.perspectives:
        first = s.row
        for item in p.items:
            text, style = _box_text(item, filing)
            item_first, count = s.flowing([Cell(10, 21, text, style)], [item.id])
            s.put(item_first, Cell(3, 7, item.label, "label"), rows=count)
            label_lines = lines_needed(item.label, 7)
            if row_height(label_lines) > (s.ws.row_dimensions[item_first].height or 0) and count == 1:
                s.ws.row_dimensions[item_first].height = row_height(label_lines)
        s.put(first, Cell(1, 2, p.label, "vertical"), rows=s.row - first)
        _fit_vertical_label(s, first, s.row - first, p.label)
    s.blank(10)
    _chain(s, filing)
    s.finish("1:2")


def _fit_vertical_label(s: _Sheet, first: int, rows: int, label: str) -> None:
    """A stacked (縦書き) perspective label needs one line per character: grow the group's last row if not."""
    needed = len(label) * TEXT_SIZE * STACKED_LINE + ROW_PADDING
    have = sum(s.ws.row_dimensions[r].height or 0 for r in range(first, first + rows))
    if needed > have:
        last = first + rows - 1
        s.ws.row_dimensions[last].height = min(MAX_ROW_HEIGHT, (s.ws.row_dimensions[last].height or 0) + needed - have)


def _chain(s: _Sheet, filing: Filing) -> None:
    L = filing.labels
    spans = [(3, 7), (10, 7), (17, 7), (24, 7)]
    s.line([Cell(1, COLUMNS, L["chain_heading"], "heading")])
    titles = [Cell(1, 2, "", "label")]
    texts = [Cell(1, 2, "", "label")]
    ids: list[str | None] = [None]
    for (start, span), link in zip(spans, filing.chain, strict=True):
        arrow = " ▶" if start < 24 else ""
        titles.append(Cell(start, span, link.box.label + arrow, "head"))
        text, style = _box_text(link.box, filing)
        texts.append(Cell(start, span, text, style))
        ids.append(link.box.id)
    s.line(titles)
    s.flowing(texts, ids)
    if filing.audience == "owner":
        return
    cells = [Cell(1, 2, L["supporter"], "vertical")]
    sids: list[str | None] = [None]
    for (start, span), link in zip(spans, filing.chain, strict=True):
        supporter = link.supporter
        cells.append(Cell(start, span, supporter.text if supporter and supporter.written else "", "supporter"))
        sids.append(supporter.id if supporter else None)
    first, count = s.flowing(cells, sids)
    _fit_vertical_label(s, first, count, L["supporter"])


# ---- the workbook ----


@dataclass(frozen=True)
class RenderedFiling:
    data: bytes
    cells: dict[str, tuple[int, str]]  # box or header id → (worksheet index, top-left cell)


def render_filing_workbook(filing: Filing) -> RenderedFiling:
    """The workbook as bytes (deterministic for a given Filing) and where each box landed."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils.indexed_list import IndexedList
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    normal = Font(name=FONT_NAME, charset=128, family=3, size=DEFAULT_SIZE)
    # the Normal style's font is the workbook's default; openpyxl has no public setter for it
    wb._fonts = IndexedList([normal])  # type: ignore[attr-defined]  # private: no public default-font API
    wb._named_styles[0].font = normal  # type: ignore[attr-defined]  # private: no public default-font API
    styles = _styles()
    flow = _Sheet(wb.active, styles)
    flow.ws.title = filing.page_titles[0][:31]
    _flow_sheet(flow, filing)
    perspectives = _Sheet(wb.create_sheet(filing.page_titles[1][:31]), styles)
    _perspectives_sheet(perspectives, filing)
    wb.properties.creator = "locaben-dialogue"
    wb.properties.title = cell_text(f"{filing.labels['title']} {filing.company}".strip())
    wb.properties.created = wb.properties.modified = _timestamp(filing.prepared_at)
    buffer = io.BytesIO()
    with _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    cells = {k: (0, v) for k, v in flow.cells.items()} | {k: (1, v) for k, v in perspectives.cells.items()}
    return RenderedFiling(buffer.getvalue(), cells)


def render_filing_xlsx(filing: Filing) -> bytes:
    return render_filing_workbook(filing).data


def _timestamp(text: str) -> datetime:
    """The workbook's dates: when the filing was prepared (the session's last event), so the bytes are stable."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)
    except ValueError:
        return datetime(2000, 1, 1)


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose members all carry one fixed date: the same filing gives the same bytes. (openpyxl writes each
    worksheet through a temporary file and `write`, which would stamp the file's time: read it back instead.)"""

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        with open(filename, "rb") as handle:
            self.writestr(str(arcname or filename), handle.read())

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

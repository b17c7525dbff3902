"""A form map: where each filed value goes in a bank's own Excel form (事業性評価シート, METI's workbook …).

Read from YAML by dialogue.banks.form_map (validated like a bank), used by dialogue.sheet.form_fill. A value is
named by a *source id*: a header field (`header.company_name`), a write-up box (`business.strengths`,
`summary.issues.supporter`), or one field of one record of a record box (`business_flow.steps[2].differentiation`,
`commercial_flow.customers[1].name`). The format is documented in docs/filing.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dialogue.errors import BankError, Position, Problem
from dialogue.model.sheet_fields import (
    COMBINED_HEADERS,
    FIELDS_BY_ID,
    HEADER_FIELDS,
    RECORD_FIELDS,
    WRITEUP_BOXES,
    WRITEUP_BOXES_BY_ID,
)

FORM_MAP_FORMAT = "locaben-form-map/1"
CELL_PATTERN = re.compile(r"^\$?([A-Z]{1,3})\$?([1-9][0-9]{0,6})(?::\$?([A-Z]{1,3})\$?([1-9][0-9]{0,6}))?$")
RECORD_SOURCE = re.compile(r"^(?P<box>[a-z_]+\.[a-z_]+)\[(?P<index>[0-9]+)\]\.(?P<key>[a-z_]+)$")
DEFAULT_JOIN = "\n"
MAX_RECORD_INDEX = 50


@dataclass(frozen=True, slots=True)
class FormTarget:
    """One mapped value: which source, into which worksheet and cell (the top-left of a merged range), at
    most how many characters (a warning, never a cut), and how records or lines are joined."""

    source: str
    sheet: str
    cell: str  # as written: "B3" or "B3:H5"
    max_length: int | None = None
    join: str = DEFAULT_JOIN
    position: Position = field(default=Position("", 0, 0), compare=False, repr=False)
    source_line: str = field(default="", compare=False, repr=False)

    @property
    def top_left(self) -> str:
        return self.cell.replace("$", "").split(":")[0]

    def problem(self, code: str, message: str, hint: str = "") -> Problem:
        return Problem(code, message, self.position, hint, self.source_line)


@dataclass(frozen=True, slots=True)
class FormMap:
    path: str
    description: str
    targets: tuple[FormTarget, ...]

    def sheets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.sheet for t in self.targets))


class FormMapError(BankError):
    """A form map (or the template it is used with) has errors; holds every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        errors = sum(1 for p in problems if p.code.startswith("E"))
        self.args = (f"{errors} error(s) in the form map",)


def record_keys(box_id: str) -> tuple[str, ...]:
    """The record fields of a record-shaped box (steps: name, content, differentiation), else ()."""
    box = WRITEUP_BOXES_BY_ID.get(box_id)
    if box is None or box.voice:
        return ()
    return RECORD_FIELDS.get(FIELDS_BY_ID[box.field_id].shape, ())


def source_ids() -> tuple[str, ...]:
    """Every plain source id a map may name (record sub-ids `box[N].key` come on top)."""
    return tuple(h.id for h in HEADER_FIELDS) + tuple(COMBINED_HEADERS) + tuple(b.id for b in WRITEUP_BOXES)


def record_source_examples() -> tuple[str, ...]:
    """One record sub-id per record field, for did-you-mean hints: business_flow.steps[1].name …"""
    return tuple(f"{b.id}[1].{key}" for b in WRITEUP_BOXES for key in record_keys(b.id))


def check_source(source: str) -> str | None:
    """Why `source` is not a source id a map may name, or None when it is."""
    if source in source_ids():
        return None
    match = RECORD_SOURCE.match(source)
    if match is None:
        return "not a header field, a write-up box or a record field"
    keys = record_keys(match.group("box"))
    if not keys:
        return f"{match.group('box')!r} is not a record box (business_flow.steps, commercial_flow.*)"
    if not 1 <= int(match.group("index")) <= MAX_RECORD_INDEX:
        return f"record number {match.group('index')} is outside 1–{MAX_RECORD_INDEX}"
    if match.group("key") not in keys:
        return f"a record of {match.group('box')} has {', '.join(keys)}, not {match.group('key')!r}"
    return None


def split_cell(cell: str) -> tuple[str, int, str | None, int | None] | None:
    """("B", 3, "H", 5) for "B3:H5", ("B", 3, None, None) for "B3"; None when it is no cell reference."""
    match = CELL_PATTERN.match(cell)
    if match is None:
        return None
    return match.group(1), int(match.group(2)), match.group(3), int(match.group(4)) if match.group(4) else None

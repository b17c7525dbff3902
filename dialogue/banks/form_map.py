"""Form-map YAML → a validated `FormMap`, reporting every problem in one pass with file:line:col, like a bank.

    format: locaben-form-map/1
    form: 美波銀行 事業性評価シート（2026年版）
    fields:
      header.company_name: {sheet: 基本情報, cell: C3}
      business.strengths: {sheet: 事業性評価, cell: B12:H15, max_length: 300}
      business_flow.steps[1].name: {sheet: 商流・業務フロー, cell: B8}
      commercial_flow.customers: {sheet: 商流・業務フロー, cell: H14, join: "、"}

What needs the template itself (worksheet names, merged ranges, formulas, room in a cell) is checked by
dialogue.sheet.form_fill.check_template, with the same positions.
"""

from __future__ import annotations

from pathlib import Path

from dialogue.banks import yaml_nodes as yn
from dialogue.banks.node_reader import NodeReader, suggest
from dialogue.errors import Position, Problem, Severity
from dialogue.model.form_map import (
    FORM_MAP_FORMAT,
    FormMap,
    FormMapError,
    FormTarget,
    check_source,
    record_source_examples,
    source_ids,
    split_cell,
)

MAP_KEYS = {"format", "form", "fields"}
MAP_REQUIRED = ("format", "fields")
TARGET_KEYS = {"sheet", "cell", "max_length", "join"}
TARGET_REQUIRED = ("sheet", "cell")
# Sheet field ids a map author may reach for, and the header field that holds them on the filed sheet.
HEADER_OF_FIELD = {"company.name": "header.company_name", "company.representative": "header.representative_name",
                   "company.location": "header.location", "company.industry": "header.industry",
                   "company.employees": "header.employees_regular", "company.founded": "header.founded"}


def load_form_map(path: str | Path) -> FormMap:
    """Read and validate a form map; raise `FormMapError` with every problem if it has errors."""
    form_map, problems = check_form_map(path)
    if form_map is None:
        raise FormMapError(problems)
    return form_map


def check_form_map(path: str | Path) -> tuple[FormMap | None, list[Problem]]:
    """Validate a form map; return it (None on errors) and all problems, warnings included."""
    return _MapReader(Path(path)).read()


class _MapReader(NodeReader):
    def __init__(self, path: Path):
        self.path = path
        self.problems: list[Problem] = []
        self.doc: yn.Document | None = None
        self.languages = ("ja", "en")

    def read(self) -> tuple[FormMap | None, list[Problem]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return None, [Problem("E100", f"cannot read the file: {exc}", Position(str(self.path), 1, 1))]
        self.doc = yn.parse(text, str(self.path))
        self.problems.extend(self.doc.problems)
        root = self.doc.root
        if root is None:
            if not any(p.severity is Severity.ERROR for p in self.problems):  # warnings alone: still empty
                self.problems.append(Problem("E111", "the file is empty", Position(str(self.path), 1, 1)))
            return None, self.problems
        form_map = self._map(root)
        self.problems.sort(key=lambda p: (p.position.line, p.position.column))
        errors = any(p.severity is Severity.ERROR for p in self.problems)
        return (None if errors else form_map), self.problems

    def _map(self, root: yn.Node) -> FormMap:
        items = self._mapping(root, MAP_KEYS, MAP_REQUIRED, "the form map")
        if "format" in items:
            fmt = self._string(items["format"][1], "format")
            if fmt is not None and fmt != FORM_MAP_FORMAT:
                self._add("E118", f"unknown form-map format {fmt!r}", items["format"][1],
                          f"This version of locaben reads {FORM_MAP_FORMAT!r}.")
        description = ""
        if "form" in items:
            description = self._string(items["form"][1], "form") or ""
        targets: list[FormTarget] = []
        if "fields" in items:
            fields = items["fields"][1]
            if not isinstance(fields, yn.MappingNode):
                self._add("E112", "fields must be a mapping of source id: {sheet, cell}", fields)
            else:
                for key_node, value_node in fields.value:
                    target = self._target(key_node, value_node)
                    if target is not None:
                        targets.append(target)
        self._duplicates(targets)
        return FormMap(str(self.path), description, tuple(targets))

    def _target(self, key_node: yn.Node, node: yn.Node) -> FormTarget | None:
        source = str(key_node.value) if isinstance(key_node, yn.ScalarNode) else "?"
        why = check_source(source)
        if why is not None:
            hint = (f"the filed sheet holds it as {HEADER_OF_FIELD[source]!r}" if source in HEADER_OF_FIELD
                    else suggest(source, source_ids() + record_source_examples()))
            self._add("E301", f"unknown field id {source!r}: {why}", key_node, hint)
        items = self._mapping(node, TARGET_KEYS, TARGET_REQUIRED, f"the target of {source!r}")
        sheet = self._string(items["sheet"][1], "sheet") if "sheet" in items else None
        cell = self._cell(items["cell"][1]) if "cell" in items else None
        max_length = None
        if "max_length" in items:
            number = self._number(items["max_length"][1], "max_length", integer=True)
            if number is not None and number < 1:
                self._add("E118", "max_length must be at least 1", items["max_length"][1])
            max_length = int(number) if number is not None and number >= 1 else None
        join = "\n"
        if "join" in items:
            join = self._string(items["join"][1], "join") or "\n"
        if why is not None or sheet is None or cell is None:
            return None
        assert self.doc is not None
        position = self.doc.position(key_node)
        return FormTarget(source, sheet, cell, max_length, join, position, self.doc.line_text(position.line))

    def _cell(self, node: yn.Node) -> str | None:
        text = self._string(node, "cell")
        if text is None:
            return None
        cell = text.strip().upper()
        parts = split_cell(cell)
        if parts is None:
            self._add("E302", f"{text!r} is not a cell reference", node,
                      "Write a cell like B3, or a merged range like B3:H5 (its top-left cell is written).")
            return None
        first_col, first_row, last_col, last_row = parts
        if last_col is not None and last_row is not None and \
                (_column_number(last_col) < _column_number(first_col) or last_row < first_row):
            self._add("E302", f"{text!r}: the range must run from its top-left to its bottom-right cell", node)
            return None
        return cell

    def _duplicates(self, targets: list[FormTarget]) -> None:
        seen: dict[tuple[str, str], FormTarget] = {}
        for target in targets:
            key = (target.sheet, target.top_left)
            if key in seen:
                first = seen[key]
                self.problems.append(target.problem(
                    "E306", f"{target.source!r} and {first.source!r} (line {first.position.line}) are both "
                    f"mapped to {target.sheet}!{target.top_left}", "Give each value its own cell."))
            else:
                seen[key] = target


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number

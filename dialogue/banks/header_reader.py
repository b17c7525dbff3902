"""A question's `header:` key: the header fields of the filed sheet its answer gives as data.

    - id: employees_regular
      type: number
      fills: [company.employees]
      header: [header.employees_regular]     # 従業員数（正社員）, printed as the answer's number

    - id: representative_person
      type: group                            # 役職 | 氏名
      fields: [{id: title, …}, {id: name, …}]
      header: [header.representative_title, header.representative_name]   # one per record field, in order

A header field is data, not a sentence (docs/filing.md): a question names one only when its answer is exactly
that value. Checked here, with the question's type: a number field needs a number question, 業種 a choice whose
every choice is an industry of the list (`INDUSTRIES`) or a text; a group question names one header field per
record field; the dates are computed from the session and are never asked.
"""

from __future__ import annotations

from collections.abc import Sequence

from dialogue.banks import yaml_nodes as yn
from dialogue.banks.node_reader import NodeReader, suggest
from dialogue.model import Choice, RecordField
from dialogue.model.sheet_fields import HEADER_FIELDS_BY_ID, industry_label

ASKABLE_KINDS = ("text", "number", "industry")  # date / dates come from the session's events
TYPES_FOR_KIND: dict[str, tuple[str, ...]] = {
    "text": ("text", "group", "choice"),
    "number": ("number",),
    "industry": ("choice", "text"),
}


class HeaderReader(NodeReader):
    """Mixed into the bank reader: reads and checks a question's `header:` key."""

    def _header(self, node: yn.Node, what: str, qtype: str, choices: Sequence[Choice],
                fields: Sequence[RecordField]) -> tuple[str, ...] | None:
        """The header field ids of a question's `header:` list (None when it has a problem)."""
        reported = len(self.problems)
        items = self._sequence(node, f"{what}: header")
        ids: list[str] = []
        for item in items:
            value = self._string(item, f"{what}: header")
            if value is not None and self._known_header(item, value, what):
                ids.append(value)
                self._header_fits(item, value, what, qtype, choices)
        wanted = len(fields) if qtype == "group" else 1
        if items and len(items) != wanted:
            per = "one header field per record field, in order" if qtype == "group" else "one header field"
            self._add("E118", f"{what}: header names {len(items)} field(s); a {qtype} question gives {per}", node)
        return tuple(ids) if len(self.problems) == reported else None

    def _known_header(self, node: yn.Node, value: str, what: str) -> bool:
        header = HEADER_FIELDS_BY_ID.get(value)
        if header is None:
            self._add("E116", f"{what}: unknown header field {value!r}", node,
                      suggest(value, HEADER_FIELDS_BY_ID) or f"Header fields: {', '.join(HEADER_FIELDS_BY_ID)}.")
            return False
        if header.kind not in ASKABLE_KINDS:
            self._add("E118", f"{what}: {value} ({header.label_ja}) is taken from the session's dates, never asked",
                      node, "Remove it from `header`.")
            return False
        return True

    def _header_fits(self, node: yn.Node, value: str, what: str, qtype: str, choices: Sequence[Choice]) -> None:
        kind = HEADER_FIELDS_BY_ID[value].kind
        if qtype not in TYPES_FOR_KIND[kind]:
            self._add("E118", f"{what}: {value} needs a question of type {' or '.join(TYPES_FOR_KIND[kind])}, "
                      f"not {qtype}", node)
            return
        if kind == "industry" and qtype == "choice":
            strays = [c.id for c in choices if industry_label(c.id) is None and industry_label(c.label.get("ja")) is None]
            if strays:
                self._add("E118", f"{what}: the choices {', '.join(strays)} are not industries of the list "
                          "(JSIC 大分類: INDUSTRIES in dialogue/model/sheet_fields.py)", node,
                          "Use the JSIC code (a … t) as the choice id, or the industry's name as its label.")

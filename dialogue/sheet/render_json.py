"""SheetData → JSON keyed by the canonical sheet field ids (shared/domain/locaben.md), typed by field shape.

The contract is `dialogue/sheet/sheet.schema.json` (shipped in the package) (JSON Schema 2020-12). Every canonical field is always present,
with `status` filled | skipped | not_asked | unknown | declined | not_applicable and `value` null unless
filled. Only transcript times are written
(no wall clock), so the same session always gives the same bytes.
"""

from __future__ import annotations

import json
import math
from typing import Any

from dialogue.model.sheet_fields import RECORD_FIELDS
from dialogue.sheet.data import Entry, FieldView, SheetData

FORMAT = "locaben-sheet/1"
# Fields the contract allows as a number or a text (a bank may ask the founding year either way).
NUMBER_OR_TEXT = frozenset({"company.founded"})


def _is_number(value: Any) -> bool:
    """A number JSON can hold: NaN and ±Infinity (a hand-edited journal may carry them) are not."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _strict(node: Any) -> Any:
    """JSON-compatible data with every NaN/±Infinity written as the text "NaN"/"Infinity"/"-Infinity"
    (bare NaN is not JSON: a strict reader refuses the whole file)."""
    if isinstance(node, float) and not math.isfinite(node):
        return json.dumps(node)
    if isinstance(node, dict):
        return {key: _strict(value) for key, value in node.items()}
    if isinstance(node, list | tuple):
        return [_strict(value) for value in node]
    return node


def _joined(entries: tuple[Entry, ...]) -> str | None:
    return "\n\n".join(e.display for e in entries) or None


def _choice(field: FieldView) -> dict[str, str] | None:
    entry = next((e for e in field.entries if e.question_type == "choice"), None)
    return {"id": str(entry.value), "label": entry.display} if entry else None


def field_value(field: FieldView) -> Any:
    """The typed value of a filled field (None when empty)."""
    if field.status != "filled":
        return None
    if field.shape in RECORD_FIELDS:
        keys = RECORD_FIELDS[field.shape]
        return [{k: str(r.get(k, "")) for k in keys} for r in field.records]
    if field.shape == "number":
        return next((e.value for e in field.entries if _is_number(e.value)), None)
    if field.shape == "choice_text":
        return {"choice": _choice(field),
                "text": _joined(tuple(e for e in field.entries if e.question_type != "choice"))}
    if field.id in NUMBER_OR_TEXT and len(field.entries) == 1 and _is_number(field.entries[0].value):
        return field.entries[0].value
    return _joined(field.entries)


def _entry_json(entry: Entry) -> dict[str, Any]:
    return {
        "question_id": entry.question_id,
        "question": entry.question_text,
        "voice": entry.voice,
        "type": entry.question_type,
        "value": entry.value,
        "text": entry.display,
        "answered_at": entry.answered_at,
        "followups": [{"probe": probe, "answer": answer} for probe, answer in entry.followups],
        "notes": list(entry.notes),
        "source": entry.source,
        "source_detail": entry.source_detail,
        "changed": entry.changed,
    }


def field_json(field: FieldView) -> dict[str, Any]:
    return {
        "label": field.label,
        "shape": field.shape,
        "status": field.status,
        "value": field_value(field),
        "views": {"owner": _joined(field.owner_entries), "supporter": _joined(field.supporter_entries)},
        "entries": [_entry_json(e) for e in field.entries],
        "flagged": field.flagged,
    }


def sheet_json(sheet: SheetData) -> dict[str, Any]:
    """The whole sheet as JSON-compatible data, fields in sheet order."""
    return {
        "format": FORMAT,
        "metadata": {
            "session_id": sheet.session_id,
            "bank": {"id": sheet.bank_id, "version": sheet.bank_version},
            "lang": sheet.lang,
            "state": sheet.state,
            "started_at": sheet.started,
            "last_activity_at": sheet.last,
            "company": sheet.company,
        },
        "fields": {f.id: field_json(f) for f in sheet.fields},
        "next_visit": [{"field_id": m.field_id, "label": m.label, "reason": m.reason, "question": m.question_text,
                        "detail": m.detail} for m in sheet.missing],
        "previous_answers": [{"question_id": p.question_id, "text": p.text, "answered_at": p.answered_at}
                             for p in sheet.previous_answers],
        "richness": [{"section_id": r.section_id, "title": r.title, "chars": r.chars, "items": r.items,
                      "fields_filled": r.fields_filled, "fields_total": r.fields_total,
                      "share": round(r.share, 4)} for r in sheet.richness],
    }


def render_sheet_json(sheet: SheetData) -> str:
    """Strict JSON (RFC 8259): `allow_nan=False` stops any non-finite number that `_strict` did not turn
    into text from being written as bare NaN."""
    return json.dumps(_strict(sheet_json(sheet)), ensure_ascii=False, indent=2, allow_nan=False) + "\n"

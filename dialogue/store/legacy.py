"""Journals written by earlier versions, upgraded in one place as they are read (the file is never
rewritten). Format 1 → 2: `went_back` and `jumped` named their question `to`."""

from __future__ import annotations

from typing import Any

QUESTION_RENAMED = ("went_back", "jumped")


def upgrade_event(record: dict[str, Any], version: int) -> dict[str, Any]:
    """The record as the current format writes it."""
    if version < 2 and record.get("kind") in QUESTION_RENAMED and "to" in record and "question" not in record:
        record = {("question" if key == "to" else key): value for key, value in record.items()}
    return record

"""How much an answer says: characters, items, and the cross-language thin-answer measure. Pure."""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Any


def answer_size(value: Any) -> int:
    """Characters captured in a value (the richness measure: characters per field)."""
    if value is None:
        return 0
    if isinstance(value, str):
        return len(value.strip())
    if isinstance(value, int | float):
        return len(str(value))
    if isinstance(value, list):
        return sum(answer_size(item) for item in value)
    if isinstance(value, dict):
        return sum(answer_size(item) for item in value.values())
    return len(str(value))


@cache
def is_wide(ch: str) -> bool:
    """A character that takes two columns (East Asian Wide or Fullwidth: kanji, kana, full-width forms). The
    one width rule: terminals, the spreadsheet layouts and the thin-answer measure all count with it. (Each
    character is looked up once per process: a sheet measures tens of thousands of characters.)"""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def char_width(ch: str) -> int:
    return 2 if is_wide(ch) else 1


class _WideOnly(dict[int, int | None]):
    """A `str.translate` table that keeps the wide characters and deletes the others, filled as characters
    are met: `len(text.translate(table))` counts a text's wide characters in C."""

    def __missing__(self, code: int) -> int | None:
        kept = code if is_wide(chr(code)) else None
        self[code] = kept
        return kept


_WIDE_ONLY = _WideOnly()


def display_width(text: str) -> int:
    """Columns a text needs: a wide (Japanese) character counts as two Latin ones. (The xlsx layouts measure
    every paragraph of a sheet: one translate per text rather than a function call per character.)"""
    if text.isascii():
        return len(text)
    return len(text) + len(text.translate(_WIDE_ONLY))


def thin_size(value: Any) -> float:
    """How much an answer says, comparable across languages for the thin-answer rule: a wide (Japanese)
    character counts 1, any other non-space character 0.4 (English needs about 2.5 times the characters
    to say as much), so one `thin_below` works for a bank's Japanese and English alike."""
    text = flatten(value)  # the separators are spaces, which count nothing
    wide = sum(1 for ch in text if is_wide(ch))
    narrow = sum(1 for ch in text if not ch.isspace()) - wide
    return wide + 0.4 * narrow


def flatten(value: Any) -> str:
    """Any answer value (text, list, records) as one text, a line each."""
    if isinstance(value, list):
        return "\n".join(flatten(item) for item in value)
    if isinstance(value, dict):
        return "\n".join(flatten(item) for item in value.values())
    return "" if value is None else str(value)


def item_count(value: Any) -> int:
    """Items captured: list entries or records; one for any other non-empty value."""
    if isinstance(value, list):
        return len(value)
    return 0 if value in (None, "") else 1

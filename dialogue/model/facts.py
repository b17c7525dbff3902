"""Key facts in answer text, found deterministically: numbers with their units (万・千・億, 割・％, 年・名・社・人・円 …,
in ASCII, full-width or kanji digits), years and dates (和暦 too), amounts of money, names in 「」 and companies
(株式会社…, (株)…, … Co., Ltd.). Japanese and English. Pure: text in, facts out.

Each fact keeps the text as written (`text`, what the supporter is shown) and a normalised `key`, so that facts
written differently compare equal: 7割 = 70％ = 70 percent, 平成27年 = 2015年, ２０１５年 = 2015年,
1,200万円 = 1200万円 = ¥12,000,000, 株式会社東浜精機 = 東浜精機株式会社 = 東浜精機さん.
No model, no dictionary: the patterns below are the whole of it, and the tests list what they catch and what
they must not (十分 is "enough", not ten minutes; 千代田 is a place, not a thousand generations).
"""

from __future__ import annotations

from decimal import Decimal

from dialogue.model.fact_names import find_names
from dialogue.model.fact_numbers import NUMERIC_FINDERS
from dialogue.model.fact_text import NAME_KINDS, NUMERIC_KINDS, Fact, ascii_digits, number_key, parse_number

__all__ = ["Fact", "covers", "extract_facts", "missing_facts", "parse_number"]

# ---- extraction ----


def extract_facts(text: str) -> tuple[Fact, ...]:
    """Every key fact in `text`, in the order they appear (each span once: a date is not also a year)."""
    if not text:
        return ()
    plain = ascii_digits(text)
    names = find_names(plain, text)
    claimed: list[tuple[int, int]] = [(f.start, f.end) for f in names if f.kind == "company"]
    numeric: list[Fact] = []
    for finder in NUMERIC_FINDERS:
        for fact in finder(plain, text):
            if not any(fact.start < end and start < fact.end for start, end in claimed):
                numeric.append(fact)
                claimed.append((fact.start, fact.end))
    facts = sorted(numeric + names, key=lambda f: (f.start, -f.end))
    return tuple(_unique(facts))


def _unique(facts: list[Fact]) -> list[Fact]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for f in facts:
        if (f.key, f.start, f.end) not in seen:
            seen.add((f.key, f.start, f.end))
            out.append(f)
    return out


# ---- comparing ----


def covers(fact: Fact, others: tuple[Fact, ...] | list[Fact]) -> bool:
    """Whether `others` (the facts of a write-up) state `fact` (a fact of the answers), however written:
    the same key; the same number with a compatible unit (1,200万 for 1,200万円); a year inside a date or month
    of that year; a name contained in another (東浜精機 in 株式会社東浜精機, or the other way round)."""
    return any(_covers_one(fact, other) for other in others)


def _covers_one(fact: Fact, other: Fact) -> bool:
    if fact.key == other.key:
        return True
    if fact.kind in NAME_KINDS and other.kind in NAME_KINDS:
        a, b = str(fact.value), str(other.value)
        return min(len(a), len(b)) >= 2 and (a in b or b in a)
    if fact.kind == "year" and other.kind in ("date", "month"):
        return str(other.value).startswith(number_key(fact.value) + "-") if isinstance(fact.value, Decimal) else False
    if fact.kind in ("date", "month") and other.kind == fact.kind:
        return str(fact.value).endswith(str(other.value).lstrip("-")) or str(other.value).endswith(str(fact.value).lstrip("-"))
    if fact.kind in NUMERIC_KINDS and other.kind in NUMERIC_KINDS | {"year"}:
        same = isinstance(fact.value, Decimal) and isinstance(other.value, Decimal) and fact.value == other.value
        return same and (fact.unit == other.unit or "" in (fact.unit, other.unit))
    return False


def missing_facts(answers: tuple[Fact, ...] | list[Fact], entry: tuple[Fact, ...] | list[Fact]) -> tuple[Fact, ...]:
    """The answers' facts the entry does not state, each once (by key), in the order first seen."""
    seen: set[str] = set()
    missing = []
    for fact in answers:
        if fact.key in seen:
            continue
        seen.add(fact.key)
        if not covers(fact, entry):
            missing.append(fact)
    return tuple(missing)

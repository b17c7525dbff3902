"""The key-fact value and the digits it is read from: `Fact`, full-width to ASCII, numbers written in ASCII,
full-width or kanji digits (二十三, 千二百万, 1億2,000万), and the keys facts are compared by. Pure."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

# ---- the fact ----


@dataclass(frozen=True, slots=True)
class Fact:
    """One key fact. `kind`: percent | amount | count | year | month | date | number | quoted | company | name.
    `value` is the number (percent in %, amount in yen or the currency's unit, year as a number) or the
    normalised name; `unit` the counter (人 for 人/名, 社, 年 for a duration …) or currency."""

    kind: str
    text: str
    key: str
    value: Decimal | str
    unit: str = ""
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


NUMERIC_KINDS = frozenset({"percent", "amount", "count", "number"})
NAME_KINDS = frozenset({"quoted", "company", "name"})

# ---- characters ----

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
                "壱": 1, "弐": 2, "参": 3}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000, "拾": 10}
BIG_UNITS = {"万": 10_000, "億": 100_000_000, "兆": 1_000_000_000_000}


def ascii_digits(text: str) -> str:
    """Full-width ASCII (０-９, ％, ，, ．, Ａ …) and the ideographic space as ASCII; same length, so positions
    found in the result are positions in the original."""
    return text.translate(_FULLWIDTH)


# ---- numbers ----

ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
KANJI_NUM_CHARS = "〇零一二三四五六七八九壱弐参十百千拾万億兆"
_NUM_PART = rf"(?:{ARABIC}|[{KANJI_NUM_CHARS}])"
# A number in any of the written forms: 23, 1,200, 1.5, 二十三, 二〇一五, 1億2,000万, 1億2千万, 千二百万.
NUMBER = rf"{_NUM_PART}+"


def parse_number(text: str) -> Decimal | None:
    """The value of a written number: ASCII or kanji digits, with 十・百・千 and 万・億・兆 in any mix."""
    text = ascii_digits(text).replace(",", "")
    total = section = Decimal(0)
    current: Decimal | None = None
    kanji_run = False  # 二〇一五: digits read one after the other
    for token in re.findall(r"\d+(?:\.\d+)?|.", text):
        if token[0].isdigit():
            try:
                current = Decimal(token)
            except InvalidOperation:
                return None
            kanji_run = False
        elif token in KANJI_DIGITS:
            digit = Decimal(KANJI_DIGITS[token])
            current = current * 10 + digit if current is not None and kanji_run else digit
            kanji_run = True
        elif token in SMALL_UNITS:
            section += (current if current is not None else Decimal(1)) * SMALL_UNITS[token]
            current, kanji_run = None, False
        elif token in BIG_UNITS:
            section += current if current is not None else Decimal(0)
            total += (section if section else Decimal(1)) * BIG_UNITS[token]
            section, current, kanji_run = Decimal(0), None, False
        else:
            return None
    return total + section + (current if current is not None else Decimal(0))


def number_key(value: Decimal) -> str:
    """A number as a stable key: 12000000, 1.5, 70 (never 7E+1)."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def make_fact(kind: str, original: str, start: int, end: int, value: Decimal | str, unit: str = "") -> Fact:
    shown = value if isinstance(value, str) else number_key(value)
    key = f"{kind}:{shown}:{unit}" if unit else f"{kind}:{shown}"
    return Fact(kind, original[start:end].strip(), key, value, unit, start, end)


def name_key(text: str) -> str:
    """A name as compared: NFKC, no spaces or middle dots, case-folded, closing punctuation dropped."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s・･.,、。!?！？」』\"'“”]+", "", text)

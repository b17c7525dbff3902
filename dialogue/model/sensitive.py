"""機微情報 (sensitive personal information) caught at entry: text → where it may be, and in which category.

Pure: no I/O. The word lists are data (question_banks/sensitive/*.yaml, read by
dialogue.banks.sensitive_reader; a bank can extend them). The aim is a warning a person confirms, so the
check prefers recall: a word that *can* mean someone's health, creed, origin… is flagged, except inside a
business phrase the list names under `not` (健康食品 is a product, 宗教法人 a customer type, システム障害 an
outage). Matching is on NFKC-normalised, case-folded text (full-width ＡＢＣ and half-width ｶﾅ match their
usual forms); spans are given in the original text. ASCII words match whole words only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

from dialogue.model.text import Text


@dataclass(frozen=True, slots=True)
class SensitiveCategory:
    """One 機微情報 category with the words and patterns that suggest it."""

    id: str
    label: Text
    basis: str = ""  # the guideline or law it comes from
    words: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()  # regular expressions, matched on normalised text
    not_: tuple[str, ...] = ()  # business phrases: a match overlapping one is not flagged

    def extended(self, other: SensitiveCategory) -> SensitiveCategory:
        """This category with another list's words, patterns and exceptions added (a bank's extension)."""
        return replace(self, words=_unique(self.words + other.words), patterns=_unique(self.patterns + other.patterns),
                       not_=_unique(self.not_ + other.not_), label=self.label if self.label.by_lang else other.label)


@dataclass(frozen=True, slots=True)
class SensitiveMatch:
    category: str
    start: int  # in the original text
    end: int
    text: str


def _unique(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def merge(*lists: Iterable[SensitiveCategory]) -> tuple[SensitiveCategory, ...]:
    """Categories of several lists (ja, en, a bank's extension) merged by id, first seen first."""
    merged: dict[str, SensitiveCategory] = {}
    for categories in lists:
        for category in categories:
            merged[category.id] = merged[category.id].extended(category) if category.id in merged else category
    return tuple(merged.values())


def fold(text: str) -> tuple[str, list[int]]:
    """NFKC + casefold, character by character, with each folded character's index in `text`."""
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        folded = unicodedata.normalize("NFKC", char).casefold()
        out.append(folded)
        where.extend([index] * len(folded))
    return "".join(out), where


def word_pattern(word: str) -> str:
    folded = fold(word)[0]
    if folded.isascii():
        return r"(?<![0-9a-z])" + re.escape(folded) + r"(?![0-9a-z])"
    return re.escape(folded)


def _alternation(words: tuple[str, ...], patterns: tuple[str, ...] = ()) -> re.Pattern[str] | None:
    parts = [word_pattern(w) for w in sorted(words, key=len, reverse=True) if w.strip()]
    parts += [f"(?:{p})" for p in patterns]
    return re.compile("|".join(parts)) if parts else None


class SensitiveChecker:
    """Finds possible 機微情報 in answers and notes. Build once per bank; `find` is cheap."""

    def __init__(self, categories: Iterable[SensitiveCategory]):
        self.categories = {c.id: c for c in categories}
        self._compiled = [(c.id, _alternation(c.words, c.patterns), _alternation(c.not_))
                          for c in self.categories.values()]

    def find(self, text: str) -> tuple[SensitiveMatch, ...]:
        """Every possible mention, in text order (one span may be in two categories)."""
        folded, where = fold(text)
        found = []
        for category, words, exceptions in self._compiled:
            if words is None:
                continue
            shielded = [m.span() for m in exceptions.finditer(folded)] if exceptions else []
            for m in words.finditer(folded):
                if m.end() > m.start() and not any(s < m.end() and m.start() < e for s, e in shielded):
                    start, end = where[m.start()], where[m.end() - 1] + 1
                    found.append(SensitiveMatch(category, start, end, text[start:end]))
        return tuple(sorted(found, key=lambda m: (m.start, m.category)))

    def label(self, category: str, lang: str) -> str:
        return self.categories[category].label.get(lang)

    def labels(self, matches: Iterable[SensitiveMatch], lang: str) -> tuple[str, ...]:
        """The categories found, once each, as the screen names them (「健康」…)."""
        return tuple(dict.fromkeys(self.label(m.category, lang) for m in matches))

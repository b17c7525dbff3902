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
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from dialogue.model import events as ev
from dialogue.model.bank import Bank
from dialogue.model.events import Event
from dialogue.model.text import Text
from dialogue.model.transcript import Answer
from dialogue.record import Record, record


@record
class SensitiveCategory(Record):
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


@record
class SensitiveMatch(Record):
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


def fold(text: str) -> tuple[str, list[int] | range]:
    """NFKC + casefold, character by character, with each folded character's index in `text`. Most text
    typed in an interview is NFKC already and keeps its length when case-folded (casefold never shortens):
    then every character folds to one, and the index map is the identity — a fast path for every answer."""
    if unicodedata.is_normalized("NFKC", text):
        folded = text.casefold()
        if len(folded) == len(text):
            return folded, range(len(text))
    folded = text.translate(_FOLDED)  # character by character, in C (full-width ：、ＡＢＣ are common in answers)
    if len(folded) == len(text):  # no character folded to several: the identity map
        return folded, range(len(text))
    where: list[int] = []
    for index, char in enumerate(text):
        where.extend([index] * len(_FOLDED[ord(char)]))
    return folded, where


class _FoldTable(dict[int, str]):
    """A `str.translate` table: a character → its NFKC form, case-folded; filled as characters are met."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = unicodedata.normalize("NFKC", chr(code)).casefold()
        return folded


_FOLDED = _FoldTable()


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
        self._compiled = [(c.id, tuple(fold(w)[0] for w in c.words if w.strip()), _alternation((), c.patterns))
                          for c in self.categories.values()]
        self._lazy: dict[tuple[str, str], re.Pattern[str] | None] = {}
        self._any_word: re.Pattern[str] | None = None  # every category's words at once, compiled at first use

    def _regex(self, category: str, kind: str) -> re.Pattern[str] | None:
        """A category's word alternation ("words") or its exceptions ("not"), compiled when first needed:
        most texts mention none of a category's words, and a compile checks few texts."""
        key = (category, kind)
        if key not in self._lazy:
            c = self.categories[category]
            self._lazy[key] = _alternation(c.words) if kind == "words" else _alternation(c.not_)
        return self._lazy[key]

    def _some_word(self, folded: str) -> bool:
        """Whether any category's word occurs in `folded` at all: one search of one alternation (in C) instead
        of a substring test per word — a session's compile checks hundreds of texts, most mentioning none."""
        if self._any_word is None:
            literals = sorted({w for _, words, _ in self._compiled for w in words}, key=len, reverse=True)
            self._any_word = re.compile("|".join(map(re.escape, literals)) if literals else "(?!)")
        return self._any_word.search(folded) is not None

    def find(self, text: str) -> tuple[SensitiveMatch, ...]:
        """Every possible mention, in text order (one span may be in two categories). A category's word
        alternation runs only when one of its words occurs at all (a substring test, in C): most answers
        mention none, and the check stays well under a millisecond."""
        folded, where = fold(text)
        found = []
        some_word = self._some_word(folded)
        for category, literals, patterns in self._compiled:
            words = self._regex(category, "words") if some_word and any(w in folded for w in literals) else None
            hits = [m for regex in (words, patterns) if regex is not None for m in regex.finditer(folded)
                    if m.end() > m.start()]
            if not hits:
                continue
            exceptions = self._regex(category, "not")
            shielded = [m.span() for m in exceptions.finditer(folded)] if exceptions else []
            for m in hits:
                if not any(s < m.end() and m.start() < e for s, e in shielded):
                    start, end = where[m.start()], where[m.end() - 1] + 1
                    found.append(SensitiveMatch(category, start, end, text[start:end]))
        return tuple(sorted(found, key=lambda m: (m.start, m.category)))

    def label(self, category: str, lang: str) -> str:
        return self.categories[category].label.get(lang)

    def labels(self, matches: Iterable[SensitiveMatch], lang: str) -> tuple[str, ...]:
        """The categories found, once each, as the screen names them (「健康」…)."""
        return tuple(dict.fromkeys(self.label(m.category, lang) for m in matches))


# ---- what may leave the store: text that may be 機微情報 is withheld until the interviewer confirms it ----

Marker = Callable[[tuple[str, ...]], str]  # category ids found → the text put in place of the withheld text


def withhold(events: Iterable[Event], checker: SensitiveChecker, bank: Bank, marker: Marker
             ) -> tuple[tuple[Event, ...], int]:
    """The events as they may go into the owner's copy and the compiled files, and how many texts were
    withheld: every text said or written (answers, probe answers, notes, parked text, write-ups, drafts,
    the interviewer's own flag notes) in which the checker finds possible 機微情報 is replaced by
    `marker(categories)` — unless a `sensitive_confirmed` event for its question (for parked text and
    write-ups: a question filling its field) comes after it. A session-level note has no question to
    confirm: it is always withheld when it matches. Choices and numbers are never text of this kind."""
    kept: list[Event] = []
    count = 0
    confirmed: set[str] = set()
    for event in reversed(tuple(events)):
        if isinstance(event.payload, ev.SensitiveConfirmed):
            confirmed.add(event.payload.question)
        elif not _confirmed(event, confirmed, bank) and not _chosen(event, bank):
            event, changed = _withheld(event, checker, marker)
            count += changed
        kept.append(event)
    return tuple(reversed(kept)), count


def withhold_answers(answers: Iterable[Answer], checker: SensitiveChecker, marker: Marker
                     ) -> tuple[tuple[Answer, ...], int]:
    """Answers kept aside (to questions a changed bank no longer has) with possible 機微情報 withheld; with
    their question gone they cannot be confirmed."""
    kept, count = [], 0
    for answer in answers:
        value, raw = _value(answer.value, checker, marker), withhold_text(answer.raw, checker, marker)
        count += (value, raw) != (answer.value, answer.raw)
        kept.append(replace(answer, value=value, raw=raw))
    return tuple(kept), count


def withhold_text(text: str, checker: SensitiveChecker, marker: Marker) -> str:
    """`text`, or the marker when it may hold 機微情報."""
    found = checker.find(text)
    return marker(tuple(dict.fromkeys(m.category for m in found))) if found else text


def confirmed_fields(events: Iterable[Event], bank: Bank) -> set[str]:
    """The sheet fields filled by a question whose possible 機微情報 the interviewer confirmed."""
    return {f for e in events if isinstance(e.payload, ev.SensitiveConfirmed) and bank.has_question(e.payload.question)
            for f in bank.question(e.payload.question).fills}


def _confirmed(event: Event, confirmed: set[str], bank: Bank) -> bool:
    p = event.payload
    if isinstance(p, ev.ParkedText | ev.WrittenUp):
        return any(q in confirmed and bank.has_question(q) and p.field in bank.question(q).fills for q in confirmed)
    return event.question is not None and event.question in confirmed


def _chosen(event: Event, bank: Bank) -> bool:
    """An answer to a choice or number question: the bank's words or a figure, not the owner's text."""
    qid = event.question
    return (isinstance(event.payload, ev.Answered) and qid is not None and bank.has_question(qid)
            and bank.question(qid).type in ("choice", "number"))


_TEXT_FIELDS: dict[type[Any], str] = {ev.ProbeAnswered: "text", ev.FollowedUp: "text", ev.Noted: "text",
                                      ev.ParkedText: "text", ev.WrittenUp: "text", ev.Drafted: "text"}


def _withheld(event: Event, checker: SensitiveChecker, marker: Marker) -> tuple[Event, int]:
    p = event.payload
    if isinstance(p, ev.Answered):
        value = _value(p.value, checker, marker)
        raw = withhold_text(p.raw, checker, marker)
        if value == p.value and raw == p.raw:
            return event, 0
        return replace(event, payload=replace(p, value=value, raw=raw)), 1
    if isinstance(p, ev.Flagged) and not p.sensitive:
        name = "note"  # the interviewer's own note on a flag (the entry check's names only categories)
    elif type(p) in _TEXT_FIELDS:
        name = _TEXT_FIELDS[type(p)]
    else:
        return event, 0
    text = getattr(p, name)
    new = withhold_text(text, checker, marker)
    return (event, 0) if new == text else (replace(event, payload=replace(p, **{name: new})), 1)  # type: ignore[arg-type]


def _value(value: Any, checker: SensitiveChecker, marker: Marker) -> Any:
    """An answer's value with each text in it (a text, the items of a list, the cells of records) checked."""
    if isinstance(value, str):
        return withhold_text(value, checker, marker)
    if isinstance(value, list):
        return [_value(item, checker, marker) for item in value]
    if isinstance(value, dict):
        return {key: _value(item, checker, marker) for key, item in value.items()}
    return value

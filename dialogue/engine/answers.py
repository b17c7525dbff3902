"""Typed answers: turn what the interviewer typed into a value for the question's type. Pure.

Nothing is truncated silently: a number is read whole (万/千/億 and full-width digits understood, a unit
after it allowed) or refused; free text where records are asked is refused until the interviewer confirms.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from dialogue.errors import AnswerError, AnswerProblem
from dialogue.model import Question
from dialogue.model.patterns import LazyPattern

_LIST_SPLIT = LazyPattern(r"\r?\n|[;；]")
_FIELD_SPLIT = LazyPattern(r"[|｜]")
_NUMBER = LazyPattern(r"^(?P<sign>[-+]?)(?P<digits>\d+(?:\.\d+)?)(?P<scale>[万千億百]?)(?P<rest>.*)$", re.S)
_SCALES = {"": 1, "百": 100, "千": 1_000, "万": 10_000, "億": 100_000_000}
_SPAN = LazyPattern(r"^[-+]?\d+(?:\.\d+)?[万千億百]?\s*[-~〜～―−‐]\s*\d")
_APPROX = LazyPattern(r"^(?:約|およそ|概ね|おおよそ|about|approx\.?|approximately|ca\.)", re.I)
_SENTENCE = LazyPattern(r"[。、，,.]|.{31}", re.S)  # punctuation, or longer than a name


def parse_answer(question: Question, raw: str, confirmed: bool = False) -> Any:
    """The JSON-compatible value of `raw` for `question`, or `AnswerError` saying what is expected.
    `confirmed`: the interviewer has seen the shape warning and wants free text kept as it is."""
    text = raw.strip()
    if not text:
        raise AnswerError(AnswerProblem.EMPTY)
    if question.type == "group":
        return _group(question, text, confirmed)
    return _PARSERS[question.type](question, text)


def _text(question: Question, text: str) -> str:
    return text


def _choice(question: Question, text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    if folded.isdigit() and 1 <= int(folded) <= len(question.choices):
        return question.choices[int(folded) - 1].id
    for choice in question.choices:
        labels = {choice.id.lower(), *(label.lower() for _, label in choice.label.by_lang)}
        if folded in labels:
            return choice.id
    raise AnswerError(AnswerProblem.CHOICE, text)


def read_number(text: str) -> int | float:
    """A number as people write it: `1,200`, `１２００`, `1.2万人`, `2千`, `24人` (a unit after it is fine).
    A range (`5-10`), a second number or anything else raises `AnswerError`; nothing is cut off."""
    folded = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "").replace("\u3000", "")
    folded = _APPROX.sub("", folded)
    if _SPAN.match(folded):
        raise AnswerError(AnswerProblem.SPAN, text)
    match = _NUMBER.match(folded)
    rest = match.group("rest") if match else ""
    if not match or any(ch.isdigit() for ch in rest) or (rest and rest[0] in ".eE"):
        raise AnswerError(AnswerProblem.NUMBER, text)
    value = float(match.group("digits")) * _SCALES[match.group("scale")]
    if match.group("sign") == "-":
        value = -value
    if not math.isfinite(value):
        raise AnswerError(AnswerProblem.NUMBER, text)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _number(question: Question, text: str) -> int | float:
    number = read_number(text)
    if (question.min is not None and number < question.min) or (question.max is not None and number > question.max):
        raise AnswerError(AnswerProblem.RANGE, f"{number}")
    return number


def _list(question: Question, text: str) -> list[str]:
    return [item.strip() for item in _LIST_SPLIT.split(text) if item.strip()]


def _group(question: Question, text: str, confirmed: bool) -> list[dict[str, str]]:
    ids = [f.id for f in question.fields]
    lines = [line for line in text.splitlines() if line.strip()]
    if len(ids) > 1 and not confirmed and not any(_FIELD_SPLIT.search(line) for line in lines) \
            and any(_SENTENCE.search(line.strip()) for line in lines):
        raise AnswerError(AnswerProblem.RECORDS, text)  # a sentence, not records: say the shape, or confirm
    records = []
    for line in lines:
        parts = [part.strip() for part in _FIELD_SPLIT.split(line)]
        if len(parts) > len(ids):
            parts = parts[: len(ids) - 1] + [" | ".join(parts[len(ids) - 1:])]
        parts += [""] * (len(ids) - len(parts))
        records.append(dict(zip(ids, parts, strict=True)))
    return records


_PARSERS = {"text": _text, "choice": _choice, "number": _number, "list": _list}

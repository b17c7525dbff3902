"""Typed answers: turn what the interviewer typed into a value for the question's type. Pure; the engine is its only user."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from dialogue.errors import AnswerError
from dialogue.model import Question

_LIST_SPLIT = re.compile(r"\r?\n|[;；]")
_FIELD_SPLIT = re.compile(r"[|｜]")
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?")


def parse_answer(question: Question, raw: str) -> Any:
    """The JSON-compatible value of `raw` for `question`, or `AnswerError` saying what is expected."""
    text = raw.strip()
    if not text:
        raise AnswerError("empty")
    parser = _PARSERS[question.type]
    return parser(question, text)


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
    raise AnswerError("choice")


def _number(question: Question, text: str) -> int | float:
    folded = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
    match = _NUMBER.match(folded)
    if not match:
        raise AnswerError("number")
    value = float(match.group(0))
    number: int | float = int(value) if value.is_integer() else value
    if (question.min is not None and number < question.min) or (question.max is not None and number > question.max):
        raise AnswerError("range")
    return number


def _list(question: Question, text: str) -> list[str]:
    return [item.strip() for item in _LIST_SPLIT.split(text) if item.strip()]


def _group(question: Question, text: str) -> list[dict[str, str]]:
    ids = [f.id for f in question.fields]
    records = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in _FIELD_SPLIT.split(line)]
        if len(parts) > len(ids):
            parts = parts[: len(ids) - 1] + [" | ".join(parts[len(ids) - 1:])]
        parts += [""] * (len(ids) - len(parts))
        records.append(dict(zip(ids, parts, strict=True)))
    return records


_PARSERS = {"text": _text, "choice": _choice, "number": _number, "list": _list, "group": _group}

"""Placeholders in question and probe text, filled from earlier answers. Pure.

    {customers}                  the answer to question `customers`
    {customers.name}             a group question's record field: the names, joined
    {commercial_flow.customers}  a sheet field: the first answer that fills it
    {customers.name|主な得意先}   with the wording used while there is no answer yet

Without `|fallback` a missing answer reads as the field's label in brackets: 「（得意先）」.
Any other brace is literal text. The bank validator checks every name (dialogue.banks.probes_reader);
an answer is quoted as said (「…」 in Japanese, “…” in English) and cut to a readable length.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from dialogue.model.bank import Bank, Question
from dialogue.model.sheet_fields import FIELDS_BY_ID
from dialogue.model.text import Text
from dialogue.record import Record, record

# `{name}` or `{name|fallback}` with an id-like name; any other brace is literal text (so `{{ x }}` or
# `{% … %}` in a bank is shown as written), and a doubled brace around a name (`{{name}}`) is literal too.
_PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)?)(?:\|([^{}\n]*))?\}(?!\})")
MAX_ITEMS = 3
MAX_CHARS = {"ja": 40, "en": 90}
QUOTES = {"ja": ("「", "」"), "en": ("“", "”")}
JOINER = {"ja": "、", "en": ", "}
MORE = {"ja": "ほか", "en": " and others"}


@record
class Placeholder(Record):
    name: str
    fallback: str | None
    start: int  # character offsets in the text
    end: int


@record
class Ref(Record):
    """What a placeholder names: a question (and a record field of it), or a sheet field."""

    question_id: str | None
    record_field: str | None
    field_id: str | None


def scan(text: str) -> list[Placeholder]:
    """The placeholders of `text`, in order."""
    return [Placeholder(m.group(1), m.group(2), m.start(), m.end()) for m in _PLACEHOLDER.finditer(text)]


def resolve(name: str) -> Ref:
    """A sheet field id wins over question.record_field (sheet field groups are not question ids)."""
    if name in FIELDS_BY_ID:
        return Ref(None, None, name)
    head, _, tail = name.partition(".")
    return Ref(head, tail or None, None)


def fill(text: str, bank: Bank, values: Mapping[str, Any], lang: str) -> str:
    """`text` with each placeholder replaced by the earlier answer, or its fallback wording."""
    if "{" not in text:
        return text
    return _PLACEHOLDER.sub(lambda m: _value_or_fallback(m.group(1), m.group(2), bank, values, lang), text)


def with_fallbacks(text: str, bank: Bank | None, lang: str) -> str:
    """`text` as it reads before any answer (the bank graph, lists of questions): every placeholder by
    its fallback wording."""
    if "{" not in text:
        return text
    return _PLACEHOLDER.sub(lambda m: m.group(2) if m.group(2) is not None else
                            _bracketed(_label(resolve(m.group(1)), bank, lang), lang), text)


def _bracketed(label: str, lang: str) -> str:
    return f"（{label}）" if lang == "ja" else f"({label})"


def _value_or_fallback(name: str, fallback: str | None, bank: Bank, values: Mapping[str, Any], lang: str) -> str:
    ref = resolve(name)
    shown = _shown(ref, bank, values, lang)
    if shown:
        cut = MAX_CHARS.get(lang, MAX_CHARS["en"])
        shown = shown if len(shown) <= cut else shown[: cut - 1].rstrip() + "…"
        left, right = QUOTES.get(lang, QUOTES["en"])
        return f"{left}{shown}{right}"
    if fallback is not None:
        return fallback
    return _bracketed(_label(ref, bank, lang), lang)


def _shown(ref: Ref, bank: Bank, values: Mapping[str, Any], lang: str) -> str:
    if ref.field_id is not None:
        for question in bank.questions():
            if ref.field_id in question.fills and values.get(question.id) not in (None, "", []):
                return _render(question, None, values[question.id], lang)
        return ""
    if ref.question_id is None or not bank.has_question(ref.question_id):
        return ""
    value = values.get(ref.question_id)
    if value in (None, "", []):
        return ""
    return _render(bank.question(ref.question_id), ref.record_field, value, lang)


def _render(question: Question, record_field: str | None, value: Any, lang: str) -> str:
    if question.type == "choice":
        choice = question.choice(str(value))
        return choice.label.get(lang) if choice else str(value)
    if question.type == "number":
        unit = question.unit.get(lang) if question.unit else ""
        return f"{value:g}{unit}" if isinstance(value, int | float) else f"{value}{unit}"
    if isinstance(value, list):
        key = record_field or (question.fields[0].id if question.fields else None)
        items = [str(item.get(key, "")) if isinstance(item, dict) else str(item) for item in value]
        items = [i.strip() for i in items if i and i.strip()]
        more = MORE.get(lang, MORE["en"]) if len(items) > MAX_ITEMS else ""
        return JOINER.get(lang, JOINER["en"]).join(items[:MAX_ITEMS]) + more
    return first_sentence(str(value))


def first_sentence(text: str) -> str:
    """The first sentence, without its full stop: what a summary quotes of a longer answer."""
    text = " ".join(text.split())
    for mark in ("。", "！", "？", ". ", "! ", "? "):
        cut = text.find(mark)
        if cut > 0:
            return text[:cut].strip()
    return text.rstrip("。.").strip()


def _label(ref: Ref, bank: Bank | None, lang: str) -> str:
    if ref.field_id is not None:
        return FIELDS_BY_ID[ref.field_id].label(lang)
    if ref.question_id is None or bank is None or not bank.has_question(ref.question_id):
        return ref.question_id or "?"
    question = bank.question(ref.question_id)
    record = next((f for f in question.fields if f.id == ref.record_field), None)
    if record is not None:
        return record.label.get(lang)
    return FIELDS_BY_ID[question.fills[0]].label(lang) if question.fills[0] in FIELDS_BY_ID else question.id


def fill_text(text: Text, bank: Bank, values: Mapping[str, Any]) -> Text:
    """Every language of `text` filled."""
    if not any("{" in t for _, t in text.by_lang):
        return text
    return Text(tuple((lang, fill(t, bank, values, lang)) for lang, t in text.by_lang))


def filled(question: Question, bank: Bank, values: Mapping[str, Any]) -> Question:
    """The question as asked now: its text and probes with placeholders filled from `values`."""
    probes = tuple(replace(p, text=fill_text(p.text, bank, values)) for p in question.probes)
    text = fill_text(question.text, bank, values)
    if text is question.text and all(a.text is b.text for a, b in zip(probes, question.probes, strict=True)):
        return question
    return replace(question, text=text, probes=probes)

"""Finding where to go from a few typed letters: sections, questions and sheet fields, in Japanese or
English. Pure; the terminal completer and `/jump` use it."""

from __future__ import annotations

from dialogue.model import Bank
from dialogue.model.placeholders import with_fallbacks
from dialogue.model.sheet_fields import FIELD_SYNONYMS, FIELDS_BY_ID
from dialogue.record import Record, record


@record
class Target(Record):
    id: str  # what the engine's jump takes: a section, question or sheet field id
    kind: str  # section | field | question
    label: str  # shown beside the id


def all_targets(bank: Bank, lang: str) -> list[Target]:
    targets = [Target(s.id, "section", s.title.get(lang)) for s in bank.sections]
    filled = {f for q in bank.questions() for f in q.fills}
    targets += [Target(f.id, "field", f.label(lang)) for f in FIELDS_BY_ID.values() if f.id in filled]
    # a question quoting earlier answers reads with its fallback wording here (「御社は（主な得意先）に対して…」)
    targets += [Target(q.id, "question", with_fallbacks(q.text.get(lang), bank, lang)[:40]) for q in bank.questions()]
    return targets


def find_targets(bank: Bank, query: str, lang: str) -> list[Target]:
    """Targets whose id matches exactly, else whose id, label (ja or en) or, for a sheet field, one of its
    common names (FIELD_SYNONYMS: 銀行 for メインバンク's field) contains `query`; when exactly one of those
    is a sheet field, just that field."""
    query = query.strip()
    if not query:
        return []
    targets = all_targets(bank, lang)
    exact = [t for t in targets if t.id == query]
    if exact:
        return exact
    folded = query.casefold()
    other = "en" if lang == "ja" else "ja"
    other_labels = {t.id: t.label for t in all_targets(bank, other)}
    found = [t for t in targets
             if folded in t.id.casefold() or folded in t.label.casefold()
             or folded in other_labels.get(t.id, "").casefold()
             or (t.kind == "field" and any(folded in word.casefold() for word in FIELD_SYNONYMS.get(t.id, ())))]
    fields = [t for t in found if t.kind == "field"]
    return fields if len(fields) == 1 else found  # one sheet field named: that is what was meant

"""Sessions outlive bank versions: map a journal's events onto a changed bank without losing answers.

Pure. Questions renamed through `replaces:` get their new id; events about questions the bank no longer
has are set aside — their answers are kept as "previous answers" for the sheet's appendix — and the
journal file itself is never rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from dialogue.model import Answer, Bank, Event

QUESTION_KEYS = ("question", "to")


@dataclass(frozen=True, slots=True)
class BankDiff:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    renamed: tuple[tuple[str, str], ...]  # (old id, new id)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.renamed)


@dataclass(frozen=True, slots=True)
class Migration:
    events: tuple[Event, ...]
    previous_answers: tuple[Answer, ...]  # answers to questions the bank no longer has
    diff: BankDiff


def renames(bank: Bank) -> dict[str, str]:
    """old id → current id, from every question's `replaces:`."""
    return {old: q.id for q in bank.questions() for old in q.replaces}


def diff_banks(old_ids: Iterable[str], bank: Bank) -> BankDiff:
    old = list(dict.fromkeys(old_ids))
    new = [q.id for q in bank.questions()]
    moved = {o: n for o, n in renames(bank).items() if o in old and o not in new}
    removed = tuple(o for o in old if o not in new and o not in moved)
    added = tuple(n for n in new if n not in old and n not in moved.values())
    return BankDiff(added, removed, tuple(moved.items()))


def migrate(events: Iterable[Event], bank: Bank, old_ids: Iterable[str] | None = None) -> Migration:
    events = list(events)
    seen_ids = old_ids if old_ids is not None else _ids_in(events)
    moved = renames(bank)
    kept: list[Event] = []
    previous: dict[str, Answer] = {}
    for event in events:
        data = dict(event.data)
        for key in QUESTION_KEYS:
            value = data.get(key)
            if isinstance(value, str) and not bank.has_question(value) and value in moved:
                data[key] = moved[value]
        orphan = next((data[k] for k in QUESTION_KEYS if isinstance(data.get(k), str)
                       and not bank.has_question(data[k])), None)
        if orphan is None:
            kept.append(replace(event, data=data) if data != event.data else event)
        elif event.kind == "answered":
            previous[orphan] = Answer(orphan, data.get("value"), str(data.get("raw", "")), event.at)
        elif event.kind == "noted":
            kept.append(replace(event, data={**data, "question": None, "text": f"[{orphan}] {data['text']}"}))
        elif event.kind in ("probe_answered", "followed_up") and str(data.get("text", "")).strip():
            # what a follow-up drew out is kept too, as a session note naming the removed question
            kept.append(Event("noted", event.at, {"question": None, "text": f"[{orphan}] {data['text']}"}))
        # every other event about a removed question (asked, probed, skipped, …) is set aside
    return Migration(tuple(kept), tuple(previous.values()), diff_banks(seen_ids, bank))


def _ids_in(events: list[Event]) -> list[str]:
    ids = []
    for event in events:
        for key in QUESTION_KEYS:
            value = event.data.get(key)
            if isinstance(value, str):
                ids.append(value)
    return ids

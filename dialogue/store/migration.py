"""Sessions outlive bank versions: map a journal's events onto a changed bank without losing answers.

Pure. Questions renamed through `replaces:` get their new id; events about questions the bank no longer
has are set aside — their answers are kept as "previous answers" for the sheet's appendix, what probes and
notes drew out is kept as session notes — and the journal file itself is never rewritten. Replay goes this
way whenever an event names a question the bank does not have, whatever the bank's hash says.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from dialogue.model import Answer, Bank, Event
from dialogue.model import events as ev
from dialogue.record import Record, record


@record
class BankDiff(Record):
    added: tuple[str, ...]
    removed: tuple[str, ...]
    renamed: tuple[tuple[str, str], ...]  # (old id, new id)
    stale_choices: tuple[tuple[str, str], ...] = ()  # (question id, an answer that is no longer a choice)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.renamed or self.stale_choices)


@record
class Migration(Record):
    events: tuple[Event, ...]
    previous_answers: tuple[Answer, ...]  # answers to questions the bank no longer has
    diff: BankDiff


def fits(events: Iterable[Event], bank: Bank) -> bool:
    """True when every event names a question the bank has (the journal replays as it is)."""
    return all(e.question is None or bank.has_question(e.question) for e in events)


def renames(bank: Bank) -> dict[str, str]:
    """old id → current id, from every question's `replaces:`."""
    return {old: q.id for q in bank.questions() for old in q.replaces}


def diff_banks(old_ids: Iterable[str], bank: Bank, events: Iterable[Event] = ()) -> BankDiff:
    old = list(dict.fromkeys(old_ids))
    new = [q.id for q in bank.questions()]
    moved = {o: n for o, n in renames(bank).items() if o in old and o not in new}
    removed = tuple(o for o in old if o not in new and o not in moved)
    added = tuple(n for n in new if n not in old and n not in moved.values())
    return BankDiff(added, removed, tuple(moved.items()), _stale_choices(events, bank))


def _stale_choices(events: Iterable[Event], bank: Bank) -> tuple[tuple[str, str], ...]:
    """The latest answer to each choice question that is not one of its choices any more."""
    latest: dict[str, object] = {}
    for event in events:
        if isinstance(event.payload, ev.Answered) and bank.has_question(event.payload.question):
            latest[event.payload.question] = event.payload.value
    stale = []
    for qid, value in latest.items():
        question = bank.question(qid)
        if question.type == "choice" and question.choice(str(value)) is None:
            stale.append((qid, str(value)))
    return tuple(stale)


def _renamed(event: Event, question_id: str) -> Event:
    """The event naming `question_id` instead of the question's old id."""
    payload: Any = event.payload  # one of the payloads with a `question` field (event.question is not None)
    return dataclasses.replace(event, payload=dataclasses.replace(payload, question=question_id))


def migrate(events: Iterable[Event], bank: Bank, old_ids: Iterable[str] | None = None) -> Migration:
    events = list(events)
    moved = renames(bank)
    kept: list[Event] = []
    previous: dict[str, Answer] = {}
    for event in events:
        qid = event.question
        if qid is not None and not bank.has_question(qid) and qid in moved:
            event = _renamed(event, moved[qid])
            qid = moved[qid]
        if qid is None or bank.has_question(qid):
            kept.append(event)
            continue
        p = event.payload
        if isinstance(p, ev.Answered):
            previous[qid] = Answer(qid, p.value, p.raw, event.at)
        elif isinstance(p, ev.Noted | ev.ProbeAnswered | ev.FollowedUp) and p.text.strip():
            # what a note or a follow-up drew out is kept, as a session note naming the removed question
            kept.append(Event(event.at, ev.Noted(None, f"[{qid}] {p.text}"), event.by))
        # every other event about a removed question (asked, probed, skipped, …) is set aside
    seen_ids = old_ids if old_ids is not None else [e.question for e in events if e.question]
    return Migration(tuple(kept), tuple(previous.values()), diff_banks(seen_ids, bank, kept))

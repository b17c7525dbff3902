"""What this owner has said to the probes so far in the interview: the signal an expert adapts to.

An experienced interviewer learns the person across the interview: after an owner has twice answered
「特にないですね」 to a question about, say, comparisons with competitors — and never answered one — they stop
asking that kind of follow-up beyond the first of a question, and after several non-answers in a row they
ask fewer follow-ups altogether, until the owner opens up again. `OwnerRecord` is that memory, computed
deterministically from the journal's probe answers (what the owner actually said, by the engine's own
non-answer detector) — never from anything the owner did not say.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from functools import lru_cache

from dialogue.model import Bank
from dialogue.model.elements import Reply, reply_kind
from dialogue.record import Record, record

ADAPT = True  # off: the policy ignores the owner's record (benchmarks/probe_gap.py --no-adapt, for comparison)
ELEMENT_NONE_LIMIT = 2  # non-answers to an element's probes, with no answer to any, that mark it as not this owner's
READ_CHARS = 20_000  # as dialogue.engine.probing: the detectors read this much of each text
STREAK_LIMIT = 3  # non-answers in a row (across questions) after which only a question's first probe is asked


@record
class OwnerRecord(Record):
    """Per element, the probes this owner answered (`said`) and met with a non-answer (`nothing`); and
    the non-answers in a row up to the last probe answer (`streak`)."""

    said: dict[str, int] = field(default_factory=dict)
    nothing: dict[str, int] = field(default_factory=dict)
    streak: int = 0

    def exhausted(self, element: str | None) -> bool:
        """Whether this owner has met `element`'s probes with a non-answer twice and never answered one."""
        if element is None:
            return False
        none = self.nothing.get(element, 0)
        return ADAPT and none >= ELEMENT_NONE_LIMIT and not self.said.get(element, 0)

    @property
    def quiet(self) -> bool:
        """Whether the owner's last probe answers were all non-answers (STREAK_LIMIT or more in a row)."""
        return ADAPT and self.streak >= STREAK_LIMIT


def owner_record(bank: Bank, answers: Iterable[tuple[str, int, str]]) -> OwnerRecord:
    """The record from (question id, probe index, text) probe answers in the order given. A passed-over
    probe (empty text) and a probe of a supporter-voice question (the interviewer's view, not the owner's)
    count for nothing; an untagged probe, or one of a question no longer in the bank, in the streak only."""
    said: dict[str, int] = {}
    nothing: dict[str, int] = {}
    streak = 0
    for question_id, index, text in answers:
        question = bank.question(question_id) if bank.has_question(question_id) else None
        if not text.strip() or (question is not None and question.voice != "owner"):
            continue  # passed over, or the interviewer's own view (a supporter-voice question)
        none = _is_non_answer(text[:READ_CHARS])  # the cache keeps at most this much of a pasted text
        streak = streak + 1 if none else 0
        probes = question.probes if question is not None else ()
        element = probes[index].element if index < len(probes) else None
        if element:
            tally = nothing if none else said
            tally[element] = tally.get(element, 0) + 1
    return OwnerRecord(said, nothing, streak)


@lru_cache(maxsize=4096)
def _is_non_answer(text: str) -> bool:
    """The engine's non-answer detector, remembered: the record is rebuilt after every answer."""
    return reply_kind(text) is not Reply.CONTENT

"""The probe policy, pure: given a question, its main answer and the probe answers so far, which probe
to offer next — and why, in a typed form the screen can word (「数字がまだ出ていません」).

An expert asks for what is missing, most important first, and stops when it is there — or when the owner
has shown there is nothing more to say:

1. At most `question.max_probes` probes per question (the question's budget, else the bank's default).
2. A non-answer or a negative main answer (「特にないですね」「会議はない」「決めていません」) means the
   probes that presuppose the thing are wrong: the question's `probes_if_none` are offered, then the main
   probes marked `also_if_none` whose element is missing — until a probe answer says something after all;
   from then on the owner has opened up, and what is still missing is asked for as below.
3. A non-answer to a probe closes that probe's element (it is not asked for again, and a non-answer brings
   no element: 「特に変わったことはない」 mentions no change); if the bank has another way of asking for it
   (a `probes_if_none` probe tagged with that element), that comes next, once. After
   `NON_ANSWERS_TO_STOP` non-answers the owner has said what they will. (Stopping after the first was
   measured, `benchmarks/probe_gap.py --stop-after 1`: 5–13 probes fewer an interview, 1–7 facts lost a
   persona, and the share of non-answers the same within three points — one 「特にない」 does not predict
   the next.)
4. Otherwise the next probe asks for the first element of `listen_for` — the bank lists them in the order
   an expert asks for them, the one most answers lack and most owners can give first — that is not yet
   in any answer (dialogue.model.elements) and not closed. A probe whose element is present is not offered.
5. The owner, across the interview (dialogue.engine.owner_record): beyond a question's first probe, an
   element this owner has met with a non-answer `ELEMENT_NONE_LIMIT` times and never answered is not
   asked for (experts adapt to the person: 「特にない」 to comparisons twice, and they stop asking for
   them), and after `STREAK_LIMIT` non-answers in a row only a question's first probe is offered, until the
   owner says something again. Measured (`benchmarks/probe_gap.py` against `--no-adapt`): 1–4 probes fewer
   an interview on the two personas with the most non-answers for 0–2 facts, the non-answer share the
   same within a point; `benchmarks/probe_signals.py` compares it with other candidate signals.
6. Then untagged probes, only while the answers are thin (`thin_below`) or the bank says experts always dig
   here (`always_probe`): the thin-answer rule stays one signal among these, never the reason after a long one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any

from dialogue.engine.owner_record import OwnerRecord
from dialogue.model import Question
from dialogue.model.elements import Reply, elements_in, reply_kind
from dialogue.model.measure import thin_size
from dialogue.record import Record, record

NON_ANSWERS_TO_STOP = 2  # non-answers on one question after which the owner has said what they will
# A record field of a group answer that *is* an element: present when every record fills it in, whatever
# the words (「小口でも当日に届けてくれる」 is a reason without 〜ので), missing when any record leaves it empty.
RECORD_ELEMENTS = {"reason": "reason", "differentiation": "comparison"}
# An extra condition on a tagged probe beyond a question's first, for experiments only
# (benchmarks/probe_signals.py measures candidate signals with it); None in the product.
GATE: Callable[[Question, int, Any, Sequence[ProbeTurn]], bool] | None = None
NEW_OWNER = OwnerRecord()  # an owner who has not been probed yet
READ_CHARS = 20_000  # the detectors read this much of each text: a pasted 10 MB document took 38 s to read whole


class Why(StrEnum):
    """Why a probe is offered, or why probing stops. Stored in the journal: values are stable."""

    MISSING = "missing"  # an element the question listens for is not in the answers yet
    THIN = "thin"  # the answers are shorter than `thin_below` (untagged probes)
    ALWAYS = "always"  # the bank says experts always dig here (untagged probes)
    AFTER_NONE = "after_none"  # the owner had nothing to say: the bank's probe for that case
    AFTER_NEGATIVE = "after_negative"  # the owner said it does not exist / is not decided: likewise
    # stops
    COMPLETE = "complete"  # every element listened for is there (or closed), and the answer is not thin
    CAP = "cap"  # `max_probes` probes asked
    NOTHING_MORE = "nothing_more"  # non-answers: the owner has said what they will
    NO_PROBE = "no_probe"  # nothing left to offer
    OWNER_QUIET = "owner_quiet"  # the owner's last probe answers, across questions, were all non-answers


@record
class ProbeTurn(Record):
    """A probe already put to the owner for this question and the answer ("" = passed over)."""

    index: int
    text: str


@record
class Decision(Record):
    """The next probe (`index`), or None to stop; `why` and, for MISSING, the element asked for."""

    index: int | None
    why: Why
    element: str | None = None


def next_probe(question: Question, answer: Any, turns: Sequence[ProbeTurn],
               owner: OwnerRecord = NEW_OWNER) -> Decision:
    """The probe to offer after the main `answer` and the probe `turns` so far; `owner`: what this owner
    has said to the interview's probes so far (dialogue.engine.owner_record)."""
    answer = _head(answer)
    turns = [ProbeTurn(t.index, t.text[:READ_CHARS]) for t in turns]
    if not question.probes:
        return Decision(None, Why.NO_PROBE)
    if len(turns) >= question.max_probes:
        return Decision(None, Why.CAP)
    asked = {t.index for t in turns}
    non_answers = [t for t in turns if _is_non_answer(t)]
    opened = any(t.text.strip() and t not in non_answers for t in turns)
    main = Reply.CONTENT if opened else reply_kind(answer)
    if main is not Reply.CONTENT:  # the owner has nothing / it does not exist: only probes for that case
        if len(non_answers) >= NON_ANSWERS_TO_STOP:
            return Decision(None, Why.NOTHING_MORE)
        return (_if_none(question, asked, main)
                or _for_missing(question, answer, turns, asked, after=main)
                or Decision(None, Why.NOTHING_MORE))
    if len(non_answers) == 1 and non_answers[0] is turns[-1]:
        rephrased = _rephrase(question, asked, turns[-1])
        if rephrased is not None:
            return rephrased
    if len(non_answers) >= NON_ANSWERS_TO_STOP:
        return Decision(None, Why.NOTHING_MORE)
    if turns and owner.quiet:
        return Decision(None, Why.OWNER_QUIET)
    return _for_missing(question, answer, turns, asked, owner=owner) or _untagged(question, answer, turns, asked)


def _is_non_answer(turn: ProbeTurn) -> bool:
    return bool(turn.text.strip()) and reply_kind(turn.text) is not Reply.CONTENT


def _rephrase(question: Question, asked: set[int], last: ProbeTurn) -> Decision | None:
    """After a first non-answer to a probe: the bank's other way of asking for that probe's element."""
    if last.index >= len(question.probes):
        return None
    element = question.probes[last.index].element
    return _if_none(question, asked, reply_kind(last.text), element) if element else None


def _head(answer: Any) -> Any:
    """The part of an answer the detectors read (READ_CHARS of a text, of each item of a list)."""
    if isinstance(answer, str):
        return answer[:READ_CHARS]
    if isinstance(answer, list):
        return [item[:READ_CHARS] if isinstance(item, str) else item for item in answer[:1000]]
    return answer


def _if_none(question: Question, asked: set[int], kind: Reply, element: str | None = None) -> Decision | None:
    """The next `probes_if_none` probe: any, after a non-answer main answer; after a non-answer to a
    probe, only one tagged with that probe's element (the bank's other way of asking for it)."""
    index = next((i for i, p in enumerate(question.probes)
                  if p.if_none and i not in asked and (element is None or p.element == element)), None)
    return None if index is None else Decision(index, _after(kind), question.probes[index].element)


def _for_missing(question: Question, answer: Any, turns: Sequence[ProbeTurn], asked: set[int],
                 after: Reply = Reply.CONTENT, owner: OwnerRecord = NEW_OWNER) -> Decision | None:
    """The main probe for the first missing element, in `listen_for` order; after a negative main answer
    (`after`), only those marked `also_if_none`."""
    present = _present(answer, turns)
    closed = {question.probes[t.index].element for t in turns if _is_non_answer(t) and t.index < len(question.probes)}
    for index in by_priority(question):
        probe = question.probes[index]
        element = probe.element
        if probe.if_none or index in asked or element is None or (after is not Reply.CONTENT and not probe.also_if_none):
            continue
        if element in question.listen_for and element not in present and element not in closed:
            if turns and owner.exhausted(element):  # not this owner's: only ever as a question's first probe
                continue
            if turns and GATE is not None and not GATE(question, index, answer, turns):
                continue
            return Decision(index, Why.MISSING if after is Reply.CONTENT else _after(after), element)
    return None


def by_priority(question: Question) -> list[int]:
    """The question's probe indexes in the order an expert asks them: by their element's place in
    `listen_for`, then (same element, or untagged) in bank order."""
    rank = {element: n for n, element in enumerate(question.listen_for)}
    return sorted(range(len(question.probes)),
                  key=lambda i: (rank.get(question.probes[i].element or "", len(rank)), i))


def _present(answer: Any, turns: Sequence[ProbeTurn]) -> frozenset[str]:
    """The elements in the main answer and the probe answers; a non-answer brings none
    (「特に変わったことはない」 mentions no change)."""
    found = set(elements_in(answer)) if reply_kind(answer) is Reply.CONTENT else set()
    records = [r for r in answer if isinstance(r, dict)] if isinstance(answer, list) else []
    for key, element in RECORD_ELEMENTS.items():
        if records and key in records[0]:
            found.discard(element)
            if all(str(r.get(key, "")).strip() for r in records):
                found.add(element)
    return frozenset(found.union(*(elements_in(t.text) for t in turns if not _is_non_answer(t))))


def _after(kind: Reply) -> Why:
    return Why.AFTER_NONE if kind is Reply.NONE else Why.AFTER_NEGATIVE


def _untagged(question: Question, answer: Any, turns: Sequence[ProbeTurn], asked: set[int]) -> Decision:
    said = thin_size(answer) + sum(thin_size(t.text) for t in turns)
    thin = bool(question.thin_below) and said < question.thin_below
    if thin or question.always_probe:
        for index, probe in enumerate(question.probes):
            if not probe.if_none and probe.element is None and index not in asked:
                return Decision(index, Why.THIN if thin else Why.ALWAYS)
    return Decision(None, Why.COMPLETE if question.listen_for else Why.NO_PROBE)


def missing_elements(question: Question, answer: Any, turns: Sequence[ProbeTurn]) -> tuple[str, ...]:
    """The listened-for elements the answers so far lack (for the screen and the score report)."""
    present = _present(answer, turns)
    return tuple(e for e in question.listen_for if e not in present)

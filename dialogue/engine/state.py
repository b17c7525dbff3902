"""The session's data and the one function that changes it: `SessionState.apply(event)`.

Live commands and replay both go through `apply`, so a replayed journal rebuilds the same state. An event
that does not fit (a question the bank lacks, a value of the wrong shape, a move the state table does not
allow) raises `EventMismatch` saying what is wrong; the caller says where.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from dialogue.engine.machine import Flow, MachineError
from dialogue.model import Answer, Bank, Event, Note, Parked, ProbeAnswer, Question, Source, WriteUp
from dialogue.model import events as ev
from dialogue.model.conditions import condition_refs, holds
from dialogue.model.events import Started
from dialogue.record import Record, record


class EventMismatch(ValueError):
    """An event that cannot be applied to this bank in this state (the message says why)."""


class NoticeKind(StrEnum):
    """Something the interviewer should know after a command; the UI words it (`notice.<value>`)."""

    HIDDEN = "hidden"  # a changed answer takes a later answer off the sheet
    REOFFER = "reoffer"  # a changed answer means a later question is asked again
    INAPPLICABLE = "inapplicable"  # jumped to a question whose condition does not hold
    SENSITIVE = "sensitive"  # what was just said may be 機微情報; `detail`: the categories, as the screen names them
    SENSITIVE_CONFIRMED = "sensitive_confirmed"  # the interviewer confirmed it may be kept


@record
class Notice(Record):
    kind: NoticeKind
    question: str
    detail: str = ""


@dataclass
class SessionState:
    bank: Bank
    current: str | None = None
    history: list[str] = field(default_factory=list)
    answers: dict[str, Answer] = field(default_factory=dict)
    probe_answers: list[ProbeAnswer] = field(default_factory=list)
    probe: int = 0
    probe_reason: str = ""  # why the current probe is offered (dialogue.engine.probing.Why)
    probe_element: str = ""  # the element it asks for, when the reason is a missing element
    notes: list[Note] = field(default_factory=list)
    skipped: set[str] = field(default_factory=set)
    skipped_before: set[str] = field(default_factory=set)  # skipped in an earlier visit, still open
    asked: set[str] = field(default_factory=set)
    asked_this_visit: set[str] = field(default_factory=set)
    meta: Started = field(default_factory=Started)
    sources: dict[str, Source] = field(default_factory=dict)
    flags: dict[str, str] = field(default_factory=dict)
    parked: list[Parked] = field(default_factory=list)
    reoffer: set[str] = field(default_factory=set)
    passed: set[str] = field(default_factory=set)  # left with /next during this visit
    visit: int = 1
    section_started: bool = False
    notices: list[Notice] = field(default_factory=list)
    drafts: dict[str, str] = field(default_factory=dict)  # question id ("" when none) → interrupted line
    hints_shown: bool | None = None  # None: as the interviewer's default
    writeups: dict[str, list[WriteUp]] = field(default_factory=dict)
    review: Event | None = None  # the latest team event (assigned, submitted, approved, returned)
    sensitive: dict[str, str] = field(default_factory=dict)  # question → 機微情報 categories flagged, unconfirmed
    _dependents: dict[str, tuple[Question, ...]] | None = field(default=None, repr=False, compare=False)

    # ---- derived ----

    def values(self) -> dict[str, Any]:
        return {qid: a.value for qid, a in self.answers.items() if not a.is_status}

    @property
    def mode(self) -> str:
        return self.meta.mode

    @property
    def prefill(self) -> dict[str, Any]:
        return self.meta.prefill

    # ---- applying ----

    def apply(self, event: Event, flow: Flow) -> None:
        self.section_started = False  # set again by a move into another section
        try:
            self._apply(event, flow)
        except MachineError:
            raise EventMismatch(f"a {event.kind.value} event cannot happen while the interview is "
                                f"{flow.state}") from None

    def _apply(self, event: Event, flow: Flow) -> None:  # noqa: C901 — one case per event kind
        p = event.payload
        match p:
            case ev.Started():
                self.meta = p
                flow.fire("start")
            case ev.Asked(question=qid, passed=passed):
                if passed:
                    self.passed.add(passed)
                if self.current is not None:
                    self.history.append(self.current)
                self._move_to(qid)
                flow.fire("ask")
            case ev.Answered(question=qid, value=value, raw=raw):
                self._answered(qid, value, raw, event.at)
                flow.fire("answer")
            case ev.StatusMarked(question=qid, status=status):
                self._status_marked(qid, status, event.at)
                flow.fire("mark")
            case ev.Probed(question=qid, probe=index, element=element, reason=reason):
                self.question(qid)  # a probe index the bank no longer has is kept (the step shows no text)
                self.probe, self.probe_reason, self.probe_element = index, reason, element
                if flow.state == "asking":
                    flow.fire("probe")
            case ev.ProbeAnswered(question=qid, probe=index, text=text):
                self.probe_answers.append(ProbeAnswer(qid, index, text, event.at))
                self.drafts.pop(qid, None)  # an interrupted probe answer, now given
                flow.fire("answer_probe")
            case ev.FollowedUp(question=qid, probe=index, text=text):
                self.probe_answers.append(ProbeAnswer(qid, index, text, event.at))
                flow.fire("follow_up")
            case ev.ProbesSkipped():
                flow.fire("skip_probes")
            case ev.Skipped(question=qid):
                self.skipped.add(self.question(qid).id)
                self.reoffer.discard(qid)
                flow.fire("skip")
            case ev.WentBack(question=qid):
                self._went_back(qid)
                flow.fire("back")
            case ev.Jumped(question=qid):
                if self.current is not None:
                    self.history.append(self.current)
                self._move_to(qid)
                flow.fire("jump")
            case ev.ReachedEnd():
                if self.current is not None:
                    self.history.append(self.current)
                self.current = None
                flow.fire("reach_end")
            case _:
                self._apply_annotation(event, flow)

    def _apply_annotation(self, event: Event, flow: Flow) -> None:  # noqa: C901 — one case per event kind
        p = event.payload
        match p:
            case ev.Noted(question=qid, text=text):
                self.notes.append(Note(qid if qid is None else self.question(qid).id, text, event.at))
                flow.fire("note")
            case ev.SourceSet(question=qid, source=source, detail=detail):
                self.sources[self.question(qid).id] = Source(source, detail)
                flow.fire("set_source")
            case ev.Flagged(question=qid, note=note, sensitive=categories):
                self.flags[self.question(qid).id] = note
                if categories:
                    self.sensitive.pop(qid, None)  # the latest finding last (what /confirm takes)
                    self.sensitive[qid] = categories
                flow.fire("flag_sensitive" if categories else "flag")
            case ev.SensitiveConfirmed(question=qid):
                self.sensitive.pop(self.question(qid).id, None)
                flow.fire("confirm_sensitive")
            case ev.Unflagged(question=qid):
                self.flags.pop(qid, None)
                flow.fire("unflag")
            case ev.ParkedText(field=field_id, text=text):
                self.parked.append(Parked(field_id, text, event.at))
                flow.fire("park")
            case ev.VisitStarted(visit=visit):
                self.visit = visit
                self.passed.clear()
                self.asked_this_visit.clear()
                self.skipped_before |= self.skipped
                self.skipped.clear()
                flow.fire("new_visit")
            case ev.Drafted(question=qid, text=text):
                self.drafts[qid or ""] = text
                flow.fire("draft")
            case ev.HintsSet(shown=shown):
                self.hints_shown = shown
                flow.fire("set_hints")
            case ev.WrittenUp(field=field_id, text=text):
                self.writeups.setdefault(field_id, []).append(WriteUp(field_id, text, event.at, event.by))
                flow.fire("write_up")
            case _:
                self._apply_session(event, flow)

    def _apply_session(self, event: Event, flow: Flow) -> None:
        p = event.payload
        match p:
            case ev.Paused(resume_to=resume_to):
                flow.return_to = resume_to
                flow.fire("pause")
            case ev.Resumed():
                flow.fire("resume")
            case ev.Reviewed(resume_to=resume_to):
                flow.return_to = resume_to
                flow.fire("review")
            case ev.ReviewClosed():
                flow.fire("close_review")
            case ev.Finished():
                flow.fire("finish")
            case ev.Reopened():
                flow.fire("reopen")
            case ev.Assigned() | ev.Submitted() | ev.Approved() | ev.Returned():
                self.review = event  # team work does not move the interview; the latest is shown at resume
            case _:
                raise AssertionError(f"no case for the event kind {event.kind}")  # a new kind: add its case

    # ---- the cases that need more than a line ----

    def question(self, question_id: str) -> Question:
        if not self.bank.has_question(question_id):
            raise EventMismatch(f"the question bank has no question {question_id!r}")
        return self.bank.question(question_id)

    def _move_to(self, question_id: str) -> None:
        section_id = self.question(question_id).section_id
        if self.current is None or self.bank.question(self.current).section_id != section_id:
            self.section_started = True
        self.current = question_id
        self.asked.add(question_id)
        self.asked_this_visit.add(question_id)
        self.probe, self.probe_reason, self.probe_element = 0, "", ""

    def _answered(self, qid: str, value: Any, raw: str, at: str) -> None:
        question = self.question(qid)
        problem = value_problem(question, value)
        if problem:
            raise EventMismatch(f"the answer to {qid!r} ({question.type} question) {problem}")
        previous = self.answers.get(qid)
        self.answers[qid] = Answer(qid, value, raw, at)
        self._dealt_with(qid)
        for index, item in enumerate(self.parked):
            if item.used_by is None and item.field_id in question.fills and item.text in raw:
                self.parked[index] = Parked(item.field_id, item.text, item.at, qid)
        if previous is not None and previous.value != value:
            self._recheck_dependents(qid)

    def _status_marked(self, qid: str, status: str, at: str) -> None:
        self.question(qid)
        previous = self.answers.get(qid)
        self.answers[qid] = Answer(qid, None, "", at, status=status)
        self._dealt_with(qid)
        if previous is not None and not previous.is_status:
            self._recheck_dependents(qid)

    def dependents(self, qid: str) -> tuple[Question, ...]:
        """The other questions whose condition reads `qid`, in bank order (indexed once per session, so a
        replay of a long journal does not walk every condition at every changed answer)."""
        if self._dependents is None:
            index: dict[str, list[Question]] = {}
            for q in self.bank.questions():
                for ref in condition_refs(q.when):
                    if ref != q.id:
                        index.setdefault(ref, []).append(q)
            self._dependents = {ref: tuple(qs) for ref, qs in index.items()}
        return self._dependents.get(qid, ())

    def _went_back(self, target: str) -> None:
        self.question(target)
        while self.history and self.history[-1] != target:
            self.history.pop()  # only after a bank migration set some questions aside
        if self.history:
            self.history.pop()
        self._move_to(target)

    def _dealt_with(self, qid: str) -> None:
        self.skipped.discard(qid)
        self.skipped_before.discard(qid)
        self.reoffer.discard(qid)
        self.drafts.pop(qid, None)

    def _recheck_dependents(self, qid: str) -> None:
        """After an answer changed: tell which later answers are now hidden, and re-offer the ones
        that depend on it and still apply."""
        dependents = self.dependents(qid)
        values = self.values() if dependents else {}
        for q in dependents:
            if holds(q.when, values):
                if q.id in self.answers or q.id in self.skipped:
                    self.reoffer.add(q.id)
                    self.notices.append(Notice(NoticeKind.REOFFER, q.id))
            elif q.id in self.answers:
                self.notices.append(Notice(NoticeKind.HIDDEN, q.id))


def value_problem(question: Question, value: Any) -> str:
    """What is wrong with `value` as the answer to `question` ("" when it fits its type)."""
    if question.type in ("text", "choice"):
        return "" if isinstance(value, str) else "must be text"
    if question.type == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return "" if ok else "must be a number"
    if question.type == "list":
        ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
        return "" if ok else "must be a list of texts"
    ok = isinstance(value, list) and all(
        isinstance(r, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in r.items()) for r in value)
    return "" if ok else "must be a list of records (objects of texts)"

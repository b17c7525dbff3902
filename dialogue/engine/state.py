"""The session's data and the one function that changes it: `SessionState.apply(event)`.

Live commands and replay both go through `apply`, so a replayed journal rebuilds the same state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dialogue.engine.machine import Flow
from dialogue.model import (
    Answer,
    Bank,
    Event,
    Note,
    Parked,
    ProbeAnswer,
    Source,
)
from dialogue.model.conditions import condition_refs, holds


@dataclass
class SessionState:
    bank: Bank
    current: str | None = None
    history: list[str] = field(default_factory=list)
    answers: dict[str, Answer] = field(default_factory=dict)
    probe_answers: list[ProbeAnswer] = field(default_factory=list)
    probe_index: int = 0
    probe_why: tuple[str, str] = ("", "")  # the current probe's reason and element, as the `probed` event says
    notes: list[Note] = field(default_factory=list)
    skipped: set[str] = field(default_factory=set)
    skipped_before: set[str] = field(default_factory=set)  # skipped in an earlier visit, still open
    asked: set[str] = field(default_factory=set)
    meta: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    flags: dict[str, str] = field(default_factory=dict)
    parked: list[Parked] = field(default_factory=list)
    reoffer: set[str] = field(default_factory=set)
    passed: set[str] = field(default_factory=set)  # left with /next during this visit
    visit: int = 1
    section_started: bool = False
    messages: list[str] = field(default_factory=list)

    # ---- derived ----

    def values(self) -> dict[str, Any]:
        return {qid: a.value for qid, a in self.answers.items() if not a.is_status}

    @property
    def mode(self) -> str:
        return str(self.meta.get("mode", "guided"))

    @property
    def prefill(self) -> dict[str, dict[str, Any]]:
        return dict(self.meta.get("prefill", {}))

    # ---- applying ----

    def apply(self, event: Event, flow: Flow) -> None:
        handler = getattr(self, f"_on_{event.kind}", None)
        if handler is None:
            raise ValueError(f"unknown event kind {event.kind!r}")
        self.section_started = False  # set again by a move into another section
        handler(event.data, flow, event.at)

    def _move_to(self, question_id: str) -> None:
        section_id = self.bank.question(question_id).section_id  # KeyError for a question the bank lacks
        if self.current is None or self.bank.question(self.current).section_id != section_id:
            self.section_started = True
        self.current = question_id
        self.asked.add(question_id)
        self.probe_index = 0

    def _on_started(self, d: dict, flow: Flow, at: str) -> None:
        self.meta = dict(d)
        flow.fire("start")

    def _on_asked(self, d: dict, flow: Flow, at: str) -> None:
        if d.get("passed"):
            self.passed.add(d["passed"])
        if self.current is not None:
            self.history.append(self.current)
        self._move_to(d["question"])
        flow.fire("ask")

    def _on_answered(self, d: dict, flow: Flow, at: str) -> None:
        qid = d["question"]
        self.bank.question(qid)
        previous = self.answers.get(qid)
        self.answers[qid] = Answer(qid, d["value"], d.get("raw", ""), at)
        self._dealt_with(qid)
        for parked_index, item in enumerate(self.parked):
            if item.used_by is None and item.field_id in self.bank.question(qid).fills and \
                    item.text in str(d.get("raw", "")):
                self.parked[parked_index] = Parked(item.field_id, item.text, item.at, qid)
        if previous is not None and previous.value != d["value"]:
            self._recheck_dependents(qid)
        flow.fire("answer")

    def _on_status_marked(self, d: dict, flow: Flow, at: str) -> None:
        qid = d["question"]
        self.bank.question(qid)
        previous = self.answers.get(qid)
        self.answers[qid] = Answer(qid, None, "", at, status=d["status"])
        self._dealt_with(qid)
        if previous is not None and not previous.is_status:
            self._recheck_dependents(qid)
        flow.fire("mark")

    def _dealt_with(self, qid: str) -> None:
        self.skipped.discard(qid)
        self.skipped_before.discard(qid)
        self.reoffer.discard(qid)

    def _recheck_dependents(self, qid: str) -> None:
        """After an answer changed: tell which later answers are now hidden, and re-offer the ones
        that depend on it and still apply."""
        values = self.values()
        for q in self.bank.questions():
            if qid not in condition_refs(q.when) or q.id == qid:
                continue
            if holds(q.when, values):
                if q.id in self.answers or q.id in self.skipped:
                    self.reoffer.add(q.id)
                    self.messages.append(f"reoffer:{q.id}")
            elif q.id in self.answers:
                self.messages.append(f"hidden:{q.id}")

    def _on_probed(self, d: dict, flow: Flow, at: str) -> None:
        self.probe_index = int(d["probe"])
        self.probe_why = (str(d.get("reason", "")), str(d.get("element") or ""))
        if flow.state == "asking":
            flow.fire("probe")

    def _on_probe_answered(self, d: dict, flow: Flow, at: str) -> None:
        self.probe_answers.append(ProbeAnswer(d["question"], int(d["probe"]), d["text"], at))
        flow.fire("answer_probe")

    def _on_followed_up(self, d: dict, flow: Flow, at: str) -> None:
        self.probe_answers.append(ProbeAnswer(d["question"], int(d["probe"]), d["text"], at))
        flow.fire("follow_up")

    def _on_probes_skipped(self, d: dict, flow: Flow, at: str) -> None:
        flow.fire("skip_probes")

    def _on_skipped(self, d: dict, flow: Flow, at: str) -> None:
        self.skipped.add(d["question"])
        self.reoffer.discard(d["question"])
        flow.fire("skip")

    def _on_went_back(self, d: dict, flow: Flow, at: str) -> None:
        target = d.get("to") or self.history[-1]
        while self.history and self.history[-1] != target:
            self.history.pop()  # only after a bank migration set some questions aside
        if self.history:
            self.history.pop()
        self._move_to(target)
        flow.fire("back")

    def _on_jumped(self, d: dict, flow: Flow, at: str) -> None:
        if self.current is not None:
            self.history.append(self.current)
        self._move_to(d["to"])
        flow.fire("jump")

    def _on_reached_end(self, d: dict, flow: Flow, at: str) -> None:
        if self.current is not None:
            self.history.append(self.current)
        self.current = None
        flow.fire("reach_end")

    def _on_noted(self, d: dict, flow: Flow, at: str) -> None:
        self.notes.append(Note(d.get("question"), d["text"], at))
        flow.fire("note")

    def _on_source_set(self, d: dict, flow: Flow, at: str) -> None:
        self.sources[d["question"]] = Source(d["source"], d.get("detail", ""))
        flow.fire("set_source")

    def _on_flagged(self, d: dict, flow: Flow, at: str) -> None:
        self.flags[d["question"]] = d.get("note", "")
        flow.fire("flag")

    def _on_unflagged(self, d: dict, flow: Flow, at: str) -> None:
        self.flags.pop(d["question"], None)
        flow.fire("unflag")

    def _on_parked(self, d: dict, flow: Flow, at: str) -> None:
        self.parked.append(Parked(d["field"], d["text"], at))
        flow.fire("park")

    def _on_visit_started(self, d: dict, flow: Flow, at: str) -> None:
        self.visit = int(d["visit"])
        self.passed.clear()
        self.skipped_before |= self.skipped
        self.skipped.clear()
        flow.fire("new_visit")

    def _on_paused(self, d: dict, flow: Flow, at: str) -> None:
        flow.return_to = d.get("resume_to", "asking")
        flow.fire("pause")

    def _on_resumed(self, d: dict, flow: Flow, at: str) -> None:
        flow.fire("resume")

    def _on_reviewed(self, d: dict, flow: Flow, at: str) -> None:
        flow.return_to = d.get("resume_to", "asking")
        flow.fire("review")

    def _on_review_closed(self, d: dict, flow: Flow, at: str) -> None:
        flow.fire("close_review")

    def _on_finished(self, d: dict, flow: Flow, at: str) -> None:
        flow.fire("finish")

    def _on_reopened(self, d: dict, flow: Flow, at: str) -> None:
        flow.fire("reopen")

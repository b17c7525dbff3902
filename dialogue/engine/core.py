"""The interview engine: commands in, events and steps out. Headless and clock-free.

Every command checks it is legal in the current state (from the state table), turns into events, and
each event is applied by `SessionState.apply` — the one place state changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from transitions import MachineError

from dialogue.engine.answers import parse_answer
from dialogue.engine.machine import ACTIVE, COMMAND_OF_TRIGGER, Flow, build_machine
from dialogue.engine.probing import Decision, ProbeTurn, next_probe
from dialogue.engine.state import SessionState
from dialogue.errors import AnswerError, CommandError, ReplayError
from dialogue.model import (
    SOURCE_KINDS,
    STATUS_CODES,
    Answer,
    Bank,
    Event,
    Parked,
    Question,
    Text,
    Transcript,
)
from dialogue.model.conditions import holds
from dialogue.model.placeholders import filled


@dataclass(frozen=True, slots=True)
class Progress:
    section_index: int  # 1-based; 0 at the end
    section_count: int
    answered: int
    applicable: int


@dataclass(frozen=True, slots=True)
class Step:
    """What the UI shows next: the state, the current question or probe, and the legal commands."""

    state: str
    question: Question | None
    probe: Text | None
    probe_index: int
    current_answer: Answer | None
    legal: tuple[str, ...]
    progress: Progress
    messages: tuple[str, ...] = field(default=(), compare=False)
    section_started: bool = False
    parked: tuple[Parked, ...] = ()  # volunteered earlier for this question's fields
    prefill: str = ""  # the earlier session's answer, to confirm or update
    flagged: bool = False
    visit: int = 1
    mode: str = "guided"
    probe_reason: str = ""  # why this probe (dialogue.engine.probing.Why): missing, thin, after_none …
    probe_element: str = ""  # for `missing`: the element asked for (figure, reason …)

    @property
    def suggested_input(self) -> str:
        """What the input line should start with: the answer so far, else parked text, else the prefill."""
        if self.current_answer is not None and not self.current_answer.is_status:
            return self.current_answer.raw
        if self.parked:
            return "\n".join(p.text for p in self.parked)
        return self.prefill


class Engine:
    """One interview on one bank. Commands return a `Step`; `take_events()` hands over new events."""

    def __init__(self, bank: Bank, clock: Callable[[], str], session_id: str = ""):
        self.bank = bank
        self.session_id = session_id
        self._clock = clock
        self._flow = Flow()
        self._machine = build_machine(self._flow)
        self._s = SessionState(bank)
        self._events: list[Event] = []
        self._pending: list[Event] = []
        self._order = [q.id for q in bank.questions()]
        self._previous: tuple[Answer, ...] = ()

    @classmethod
    def replay(cls, bank: Bank, events: Iterable[Event], clock: Callable[[], str], session_id: str = "",
               previous_answers: Iterable[Answer] = ()) -> Engine:
        """Rebuild a session from its events. `previous_answers` are answers to questions a changed bank
        no longer has (see dialogue.store.migration): kept for the transcript, never replayed."""
        engine = cls(bank, clock, session_id)
        engine._previous = tuple(previous_answers)
        engine._flow.direct = True
        try:
            for number, event in enumerate(events, start=2):
                try:
                    engine._apply(event)
                except (KeyError, ValueError, IndexError, TypeError, MachineError) as exc:
                    raise ReplayError(f"event {number} ({event.kind}) does not fit the question bank "
                                      f"{bank.id} {bank.version}: {exc}. Was the bank changed since the "
                                      "session started? Resume with the bank it was started on "
                                      "(--bank FILE).") from None
        finally:
            engine._flow.direct = False
        engine._pending.clear()
        engine._s.messages.clear()
        return engine

    # ---- queries ----

    @property
    def state(self) -> str:
        return self._flow.state

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(self._events)

    @property
    def mode(self) -> str:
        return self._s.mode

    @property
    def clock(self) -> Callable[[], str]:
        return self._clock

    def take_events(self) -> list[Event]:
        """The events produced since the last call: the caller journals them before showing the step."""
        pending, self._pending = self._pending, []
        return pending

    def legal_commands(self) -> tuple[str, ...]:
        triggers = self._machine.get_triggers(self.state)
        commands = {COMMAND_OF_TRIGGER[t] for t in triggers if t in COMMAND_OF_TRIGGER}
        if self.state == "asking":
            commands.add("next")
        if not self._s.history:
            commands.discard("back")
        return tuple(sorted(commands))

    def values(self) -> dict[str, Any]:
        return self._s.values()

    def applicable(self) -> list[Question]:
        """Questions whose condition holds on the answers given so far, in bank order."""
        values = self.values()
        return [q for q in self.bank.questions() if holds(q.when, values)]

    def step(self) -> Step:
        s = self._s
        question = filled(self.bank.question(s.current), self.bank, self.values()) if s.current else None
        probe = None
        if self.state == "probing" and question and s.probe_index < len(question.probes):
            probe = question.probes[s.probe_index].text
        parked: tuple[Parked, ...] = ()
        prefill = ""
        if question is not None:
            parked = tuple(p for p in s.parked if p.used_by is None and p.field_id in question.fills)
            if question.id not in s.answers:
                prefill = str(s.prefill.get(question.id, {}).get("raw", ""))
        return Step(self.state, question, probe, s.probe_index, s.answers.get(s.current or ""),
                    self.legal_commands(), self._progress(), tuple(s.messages), s.section_started,
                    parked, prefill, bool(question and question.id in s.flags), s.visit, s.mode,
                    *(s.probe_why if self.state == "probing" else ("", "")))

    def transcript(self) -> Transcript:
        s = self._s
        applicable = frozenset(q.id for q in self.applicable())
        return Transcript(
            session_id=self.session_id, bank=self.bank, events=tuple(self._events),
            answers={k: v for k, v in s.answers.items() if k in applicable},
            probe_answers=tuple(s.probe_answers), notes=tuple(s.notes),
            skipped=frozenset((s.skipped | s.skipped_before) - set(s.answers)), asked=frozenset(s.asked),
            applicable=applicable, state=self.state, meta=dict(s.meta), sources=dict(s.sources),
            flags=dict(s.flags), parked=tuple(s.parked),
            hidden={k: v for k, v in s.answers.items() if k not in applicable},
            prefill=s.prefill, visit=s.visit, previous_answers=self._previous)

    # ---- commands: the interview ----

    def start(self, meta: dict[str, Any] | None = None) -> Step:
        """Begin. `meta` may hold `mode` (guided | meeting), `lang`, and `prefill` (question id →
        {raw, value}) from an earlier interview of the same company."""
        self._require("start")
        self._emit("started", **(meta or {}))
        self._advance(after=None)
        return self.step()

    def submit(self, raw: str, append: bool = False) -> Step:
        """Answer the current question (or probe). `append` adds to an existing answer (meeting notes)."""
        self._require("answer")
        question = self._current_question()
        if self.state == "probing":
            self._emit("probe_answered", question=question.id, probe=self._s.probe_index, text=raw.strip())
            self._after_probe(question)
            return self.step()
        value = parse_answer(question, raw)
        previous = self._s.answers.get(question.id)
        if append and previous is not None and not previous.is_status and question.type in ("text", "list", "group"):
            value, raw = _appended(previous, value, raw)
        self._emit("answered", question=question.id, value=value, raw=raw)
        if question.id in self._s.flags and self._s.visit > 1:
            self._emit("unflagged", question=question.id)
        if self.mode == "meeting":
            return self.step()  # meeting notes stay on the field; no automatic probes
        self._probe_or_advance(question, next_probe(question, value, self._probe_turns(question.id)))
        return self.step()

    def next(self) -> Step:
        """Leave the current question as it is and go to the next open one."""
        self._require("next")
        self._advance(after=self._s.current, passed=self._s.current)
        return self.step()

    def skip(self) -> Step:
        """Skip the current question (asking) or the remaining probes (probing)."""
        self._require("skip")
        question = self._current_question()
        if self.state == "probing":
            self._emit("probes_skipped", question=question.id)
        else:
            self._emit("skipped", question=question.id)
        self._advance(after=question.id)
        return self.step()

    def mark(self, status: str) -> Step:
        """Record わからない / 回答を控えたい / 該当なし (unknown / declined / not_applicable) and move on."""
        self._require("mark")
        question = self._current_question()
        if status not in STATUS_CODES:
            raise CommandError(f"unknown_status:{status}")
        if status in question.forbid_status:
            raise CommandError(f"status_forbidden:{status}")
        self._emit("status_marked", question=question.id, status=status)
        if question.id in self._s.flags and self._s.visit > 1:
            self._emit("unflagged", question=question.id)
        self._advance(after=question.id)
        return self.step()

    def follow_up(self, probe_index: int, text: str) -> Step:
        """Record the answer to any probe of the current question, in any order, without moving on
        (role-play and meeting notes choose their own probes; guided probing uses `submit`)."""
        self._require("follow_up")
        question = self._current_question()
        if not 0 <= probe_index < len(question.probes):
            raise CommandError(f"no_such_probe:{probe_index}")
        if not text.strip():
            raise CommandError("empty_follow_up")
        self._emit("followed_up", question=question.id, probe=probe_index, text=text.strip())
        return self.step()

    # ---- commands: navigation ----

    def back(self) -> Step:
        if not self._s.history and self.state in ACTIVE:
            raise CommandError("nothing_to_go_back_to")
        self._require("back")
        self._emit("went_back", to=self._s.history[-1])
        return self.step()

    def jump(self, target: str) -> Step:
        """Jump to a question id, a sheet field id, or the first applicable question of a section id."""
        self._require("jump")
        question_id = self.resolve_target(target)
        self._emit("jumped", to=question_id)
        if not holds(self.bank.question(question_id).when, self.values()):
            self._s.messages.append(f"inapplicable:{question_id}")  # an answer here stays off the sheet
        return self.step()

    def resolve_target(self, target: str) -> str:
        if self.bank.has_question(target):
            return target
        values = self.values()
        for section in self.bank.sections:
            if section.id == target:
                for q in section.questions:
                    if holds(q.when, values):
                        return q.id
                raise CommandError(f"empty_section:{target}")
        for q in self.bank.questions():
            if target in q.fills and holds(q.when, values):
                return q.id
        raise CommandError(f"unknown_target:{target}")

    def reorient(self) -> Step:
        """After a bank migration: when the current question was removed, or the interview had reached
        the end and the bank has gained a question, move to the next open one."""
        current = self._s.current
        lost_question = self.state in ("asking", "probing") and (
            current is None or current in self._s.answers or current in self._s.skipped)
        gained_question = self.state == "at_end" and self._next_open(None) is not None
        if lost_question or gained_question:
            self._advance(after=None)
        return self.step()

    def new_visit(self) -> Step:
        """Start the next visit: flagged, then skipped, then empty required questions come first."""
        self._require("new_visit")
        self._emit("visit_started", visit=self._s.visit + 1)
        self._advance(after=None)
        return self.step()

    # ---- commands: annotations ----

    def note(self, text: str) -> Step:
        self._require("note")
        if not text.strip():
            raise CommandError("empty_note")
        self._emit("noted", question=self._s.current, text=text.strip())
        return self.step()

    def set_source(self, kind: str, detail: str = "", question_id: str | None = None) -> Step:
        """Where the answer comes from: owner (stated), document (which one), estimate (the supporter's).
        Applies to `question_id`, else the current question if answered, else the last answered one."""
        self._require("set_source")
        if kind not in SOURCE_KINDS:
            raise CommandError(f"unknown_source:{kind}")
        target = question_id or self._source_target()
        if target is None:
            raise CommandError("no_answer_for_source")
        self._emit("source_set", question=target, source=kind, detail=detail.strip())
        return self.step()

    def _source_target(self) -> str | None:
        if self._s.current and self._s.current in self._s.answers:
            return self._s.current
        for event in reversed(self._events):
            if event.kind in ("answered", "status_marked"):
                return str(event.data["question"])
        return None

    def flag(self, note: str = "") -> Step:
        """Mark the current question to confirm at the next visit."""
        self._require("flag")
        self._emit("flagged", question=self._current_question().id, note=note.strip())
        return self.step()

    def unflag(self) -> Step:
        self._require("unflag")
        self._emit("unflagged", question=self._current_question().id)
        return self.step()

    def park(self, field_id: str, text: str) -> Step:
        """File text the owner volunteered out of order under the sheet field it belongs to."""
        self._require("park")
        if not any(field_id in q.fills for q in self.bank.questions()):
            raise CommandError(f"unknown_field:{field_id}")
        if not text.strip():
            raise CommandError("empty_park")
        self._emit("parked", field=field_id, text=text.strip())
        return self.step()

    # ---- commands: session ----

    def pause(self) -> Step:
        self._require("pause")
        self._emit("paused", resume_to=self._flow.return_to if self.state == "reviewing" else self.state)
        return self.step()

    def resume(self) -> Step:
        self._require("resume")
        self._emit("resumed")
        return self.step()

    def review(self) -> Step:
        self._require("review")
        self._emit("reviewed", resume_to=self.state)
        return self.step()

    def close_review(self) -> Step:
        self._require("close_review")
        self._emit("review_closed")
        return self.step()

    def finish(self) -> Step:
        self._require("finish")
        self._emit("finished")
        return self.step()

    def reopen(self) -> Step:
        self._require("reopen")
        self._emit("reopened")
        if self._next_open(None) is not None:
            self._advance(after=None)
        return self.step()

    # ---- internals ----

    def _require(self, command: str) -> None:
        self._s.messages.clear()
        if command not in self.legal_commands():
            raise CommandError(f"not_now:{command}:{self.state}")

    def _current_question(self) -> Question:
        if self._s.current is None:
            raise CommandError("no_question")
        return self.bank.question(self._s.current)

    def _after_probe(self, question: Question) -> None:
        answer = self._s.answers.get(question.id)
        value = answer.value if answer is not None and not answer.is_status else ""
        self._probe_or_advance(question, next_probe(question, value, self._probe_turns(question.id)), done=True)

    def _probe_turns(self, question_id: str) -> list[ProbeTurn]:
        return [ProbeTurn(p.probe_index, p.text) for p in self._s.probe_answers if p.question_id == question_id]

    def _probe_or_advance(self, question: Question, decision: Decision, done: bool = False) -> None:
        """Offer the probe the policy chose (dialogue.engine.probing), recording why; else move on."""
        if decision.index is not None:
            self._emit("probed", question=question.id, probe=decision.index, **decision.event_data())
            return
        if done:
            self._emit("probes_skipped", question=question.id, done=True, **decision.event_data())
        self._advance(after=question.id)

    def _advance(self, after: str | None, passed: str | None = None) -> None:
        target = self._next_open(after)
        if target is None:
            if self.state != "at_end":
                self._emit("reached_end")
        elif passed is not None:
            self._emit("asked", question=target, passed=passed)  # left as it is with /next
        else:
            self._emit("asked", question=target)

    def _next_open(self, after: str | None) -> str | None:
        """The next question to ask: in a later visit, flagged, then skipped, then empty required ones
        first; otherwise the next applicable open question in bank order, wrapping round."""
        s, values = self._s, self.values()
        applicable = [qid for qid in self._order if holds(self.bank.question(qid).when, values)]
        if s.visit > 1:
            for group in (s.flags.keys(), s.skipped_before,
                          [q for q in applicable if self.bank.question(q).required and q not in s.answers]):
                for qid in applicable:
                    if qid in group and qid not in s.skipped and qid not in s.passed and qid != after and (
                            qid in s.flags or qid not in s.answers):
                        return qid
        start = self._order.index(after) + 1 if after in self._order else 0
        rotated = self._order[start:] + self._order[:start]
        done = (set(s.answers) | s.skipped) - s.reoffer
        for qid in rotated:
            if qid in applicable and qid not in done and qid != after:
                return qid
        return None

    def _progress(self) -> Progress:
        applicable = self.applicable()
        answered = sum(1 for q in applicable if q.id in self._s.answers)
        index = 0
        if self._s.current and self.state != "at_end":
            section_id = self.bank.question(self._s.current).section_id
            index = next(i for i, sec in enumerate(self.bank.sections, 1) if sec.id == section_id)
        return Progress(index, len(self.bank.sections), answered, len(applicable))

    def _emit(self, kind: str, **data: Any) -> None:
        event = Event(kind, self._clock(), data)
        self._apply(event)
        self._pending.append(event)

    def _apply(self, event: Event) -> None:
        self._s.apply(event, self._flow)
        self._events.append(event)


def _appended(previous: Answer, value: Any, raw: str) -> tuple[Any, str]:
    if isinstance(previous.value, list) and isinstance(value, list):
        return previous.value + value, previous.raw + "\n" + raw
    if isinstance(previous.value, str) and isinstance(value, str):
        return previous.value + "\n" + value, previous.raw + "\n" + raw
    return value, raw


__all__ = ["AnswerError", "Engine", "Progress", "Step"]

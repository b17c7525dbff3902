"""The interview as a state machine: commands in, events and steps out. Headless and clock-free.

Every command is turned into events; every event is applied by `_apply`, the one place that changes
state. A live run and a replay of its journal therefore end in the same state (tested as a property).
The state table below is the only use of `transitions` in the package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from transitions import Machine, MachineError

from dialogue.answers import answer_size, parse_answer
from dialogue.conditions import holds
from dialogue.errors import CommandError, ReplayError
from dialogue.model import Answer, Bank, Event, Note, ProbeAnswer, Question, Text, Transcript

STATES = ("intro", "asking", "probing", "at_end", "reviewing", "paused", "finished")
_ACTIVE = ["asking", "probing", "at_end"]

# trigger, source(s), destination. `=` keeps the state. Conditional returns are added in _build_machine.
TRANSITIONS: tuple[tuple[str, str | list[str], str], ...] = (
    ("start", "intro", "asking"),
    ("ask", _ACTIVE, "asking"),
    ("answer", "asking", "asking"),
    ("probe", "asking", "probing"),
    ("answer_probe", "probing", "probing"),
    ("skip_probes", "probing", "asking"),
    ("skip", "asking", "asking"),
    ("back", _ACTIVE, "asking"),
    ("jump", _ACTIVE + ["reviewing"], "asking"),
    ("reach_end", ["asking", "probing"], "at_end"),
    ("note", _ACTIVE + ["reviewing"], "="),
    ("follow_up", ["asking", "probing"], "="),
    ("pause", _ACTIVE + ["reviewing"], "paused"),
    ("review", _ACTIVE, "reviewing"),
    ("finish", _ACTIVE + ["reviewing"], "finished"),
    ("reopen", "finished", "at_end"),
)
_RETURNING = ("resume", "close_review")  # go back to the state saved when pausing / opening the review

# What the user can type, mapped from the machine's triggers.
COMMAND_OF_TRIGGER = {
    "start": "start", "answer": "answer", "answer_probe": "answer", "skip": "skip", "skip_probes": "skip",
    "back": "back", "jump": "jump", "note": "note", "follow_up": "follow_up", "pause": "pause", "resume": "resume",
    "review": "review", "close_review": "close_review", "finish": "finish", "reopen": "reopen",
}


class _Flow:
    """The model object `transitions` decorates; kept apart so its generated methods never clash."""

    state: str
    return_to: str = "asking"


def _build_machine(flow: _Flow) -> Machine:
    machine = Machine(model=flow, states=list(STATES), initial="intro", auto_transitions=False,
                      ignore_invalid_triggers=False)
    for trigger, source, dest in TRANSITIONS:
        machine.add_transition(trigger, source, dest)
    for trigger, source in (("resume", "paused"), ("close_review", "reviewing")):
        for dest in ("asking", "probing", "at_end"):
            machine.add_transition(trigger, source, dest,
                                   conditions=[lambda d=dest: flow.return_to == d])
    return machine


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
    messages: tuple[str, ...] = ()
    section_started: bool = False


@dataclass
class _State:
    current: str | None = None
    history: list[str] = field(default_factory=list)
    answers: dict[str, Answer] = field(default_factory=dict)
    probe_answers: list[ProbeAnswer] = field(default_factory=list)
    probe_index: int = 0
    notes: list[Note] = field(default_factory=list)
    skipped: set[str] = field(default_factory=set)
    asked: set[str] = field(default_factory=set)
    meta: dict[str, Any] = field(default_factory=dict)


class Engine:
    """One interview on one bank. Commands return a `Step`; `take_events()` hands over new events."""

    def __init__(self, bank: Bank, clock: Callable[[], str], session_id: str = ""):
        self.bank = bank
        self.session_id = session_id
        self._clock = clock
        self._flow = _Flow()
        self._machine = _build_machine(self._flow)
        self._s = _State()
        self._events: list[Event] = []
        self._pending: list[Event] = []
        self._order = [q.id for q in bank.questions()]
        self._messages: list[str] = []
        self._section_started = False

    # ---- construction from a journal ----

    @classmethod
    def replay(cls, bank: Bank, events: Iterable[Event], clock: Callable[[], str], session_id: str = ""
               ) -> Engine:
        engine = cls(bank, clock, session_id)
        for number, event in enumerate(events, start=2):
            try:
                engine._apply(event)
            except (KeyError, ValueError, IndexError, TypeError, MachineError, CommandError) as exc:
                raise ReplayError(f"event {number} ({event.kind}) does not fit the question bank "
                                  f"{bank.id} {bank.version}: {exc}. Was the bank changed since the session "
                                  "started? Resume with the bank it was started on (--bank FILE).") from None
        engine._pending.clear()
        return engine

    # ---- queries ----

    @property
    def state(self) -> str:
        return self._flow.state

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(self._events)

    def take_events(self) -> list[Event]:
        """The events produced since the last call: the caller journals them before showing the step."""
        pending, self._pending = self._pending, []
        return pending

    def legal_commands(self) -> tuple[str, ...]:
        triggers = self._machine.get_triggers(self.state)
        commands = {COMMAND_OF_TRIGGER[t] for t in triggers if t in COMMAND_OF_TRIGGER}
        if not self._s.history:
            commands.discard("back")
        return tuple(sorted(commands))

    def values(self) -> dict[str, Any]:
        return {qid: a.value for qid, a in self._s.answers.items()}

    def applicable(self) -> list[Question]:
        """Questions whose condition holds on the answers given so far, in bank order."""
        values = self.values()
        return [q for q in self.bank.questions() if holds(q.when, values)]

    def step(self) -> Step:
        question = self.bank.question(self._s.current) if self._s.current else None
        probe = None
        if self.state == "probing" and question and self._s.probe_index < len(question.probes):
            probe = question.probes[self._s.probe_index]
        return Step(self.state, question, probe, self._s.probe_index,
                    self._s.answers.get(self._s.current or ""), self.legal_commands(), self._progress(),
                    tuple(self._messages), self._section_started)

    def transcript(self) -> Transcript:
        applicable = frozenset(q.id for q in self.applicable())
        return Transcript(
            session_id=self.session_id, bank=self.bank, events=tuple(self._events),
            answers={k: v for k, v in self._s.answers.items() if k in applicable},
            probe_answers=tuple(self._s.probe_answers), notes=tuple(self._s.notes),
            skipped=frozenset(self._s.skipped), asked=frozenset(self._s.asked), applicable=applicable,
            state=self.state, meta=dict(self._s.meta))

    # ---- commands ----

    def start(self, meta: dict[str, Any] | None = None) -> Step:
        self._require("start")
        self._emit("started", **(meta or {}))
        self._advance(after=None)
        return self.step()

    def submit(self, raw: str) -> Step:
        """Answer the current question, or the current probe when probing."""
        self._require("answer")
        question = self._current_question()
        if self.state == "probing":
            self._emit("probe_answered", question=question.id, probe=self._s.probe_index, text=raw.strip())
            self._after_probe(question)
            return self.step()
        value = parse_answer(question, raw)
        self._emit("answered", question=question.id, value=value, raw=raw)
        if question.probes and question.thin_below and answer_size(value) < question.thin_below:
            self._emit("probed", question=question.id, probe=0)
        else:
            self._advance(after=question.id)
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

    def back(self) -> Step:
        if not self._s.history and self.state in _ACTIVE:
            raise CommandError("nothing_to_go_back_to")
        self._require("back")
        self._emit("went_back", to=self._s.history[-1])
        return self.step()

    def jump(self, target: str) -> Step:
        """Jump to a question id or to the first applicable question of a section id."""
        self._require("jump")
        question_id = self._resolve_target(target)
        self._emit("jumped", to=question_id)
        return self.step()

    def note(self, text: str) -> Step:
        self._require("note")
        if not text.strip():
            raise CommandError("empty_note")
        self._emit("noted", question=self._s.current, text=text.strip())
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

    def pause(self) -> Step:
        self._require("pause")
        self._emit("paused", resume_to=self._return_state())
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
        return self.step()

    # ---- internals: deciding ----

    def _require(self, command: str) -> None:
        self._messages = []
        if command not in self.legal_commands():
            raise CommandError(f"not_now:{command}:{self.state}")

    def _current_question(self) -> Question:
        if self._s.current is None:
            raise CommandError("no_question")
        return self.bank.question(self._s.current)

    def _return_state(self) -> str:
        return self._flow.return_to if self.state == "reviewing" else self.state

    def _after_probe(self, question: Question) -> None:
        total = answer_size(self._s.answers[question.id].value if question.id in self._s.answers else "")
        total += sum(len(p.text) for p in self._s.probe_answers if p.question_id == question.id)
        next_index = self._s.probe_index + 1
        if next_index < len(question.probes) and total < question.thin_below:
            self._emit("probed", question=question.id, probe=next_index)
        else:
            self._emit("probes_skipped", question=question.id, done=True)
            self._advance(after=question.id)

    def _advance(self, after: str | None) -> None:
        """Move to the next applicable question not yet dealt with, wrapping round; else to the end."""
        target = self._next_open(after)
        if target is None:
            self._emit("reached_end")
        else:
            self._emit("asked", question=target)

    def _next_open(self, after: str | None) -> str | None:
        values = self.values()
        start = self._order.index(after) + 1 if after in self._order else 0
        rotated = self._order[start:] + self._order[:start]
        done = set(self._s.answers) | self._s.skipped
        for qid in rotated:
            if qid not in done and holds(self.bank.question(qid).when, values):
                return qid
        return None

    def _resolve_target(self, target: str) -> str:
        if self.bank.has_question(target):
            return target
        values = self.values()
        for section in self.bank.sections:
            if section.id == target:
                for q in section.questions:
                    if holds(q.when, values):
                        return q.id
                raise CommandError(f"empty_section:{target}")
        raise CommandError(f"unknown_target:{target}")

    def _progress(self) -> Progress:
        applicable = self.applicable()
        answered = sum(1 for q in applicable if q.id in self._s.answers)
        index = 0
        if self._s.current and self.state != "at_end":
            section_id = self.bank.question(self._s.current).section_id
            index = next(i for i, s in enumerate(self.bank.sections, 1) if s.id == section_id)
        return Progress(index, len(self.bank.sections), answered, len(applicable))

    # ---- internals: applying (the only place state changes) ----

    def _emit(self, kind: str, **data: Any) -> None:
        event = Event(kind, self._clock(), data)
        self._apply(event)
        self._pending.append(event)

    def _apply(self, event: Event) -> None:
        s, d, flow = self._s, event.data, self._flow
        handler = getattr(self, f"_on_{event.kind}", None)
        if handler is None:
            raise CommandError(f"unknown_event:{event.kind}")
        self._section_started = False  # set again by a move into another section
        handler(s, d, flow, event)
        self._events.append(event)

    def _on_started(self, s: _State, d: dict, flow: _Flow, e: Event) -> None:
        s.meta = dict(d)
        flow.start()

    def _move_to(self, question_id: str) -> None:
        section_id = self.bank.question(question_id).section_id  # KeyError on a question the bank lacks
        previous = self._s.current
        if previous is None or self.bank.question(previous).section_id != section_id:
            self._section_started = True
        self._s.current = question_id
        self._s.asked.add(question_id)
        self._s.probe_index = 0

    def _on_asked(self, s: _State, d: dict, flow: _Flow, e: Event) -> None:
        if s.current is not None:
            s.history.append(s.current)
        self._move_to(d["question"])
        flow.ask()

    def _on_answered(self, s: _State, d: dict, flow: _Flow, e: Event) -> None:
        s.answers[d["question"]] = Answer(d["question"], d["value"], d.get("raw", ""), e.at)
        s.skipped.discard(d["question"])
        flow.answer()

    def _on_probed(self, s: _State, d: dict, flow: _Flow, e: Event) -> None:
        s.probe_index = int(d["probe"])
        if flow.state == "asking":
            flow.probe()

    def _on_probe_answered(self, s: _State, d: dict, flow: _Flow, e: Event) -> None:
        s.probe_answers.append(ProbeAnswer(d["question"], int(d["probe"]), d["text"], e.at))
        flow.answer_probe()

    def _on_followed_up(self, s: _State, d: dict, flow: _Flow, e: Event) -> None:
        s.probe_answers.append(ProbeAnswer(d["question"], int(d["probe"]), d["text"], e.at))
        flow.follow_up()

    def _on_probes_skipped(self, s: _State, d: dict, flow: _Flow, e: Event) -> None:
        flow.skip_probes()

    def _on_skipped(self, s: _State, d: dict, flow: _Flow, e: Event) -> None:
        s.skipped.add(d["question"])
        flow.skip()

    def _on_went_back(self, s: _State, d: dict, flow: _Flow, e: Event) -> None:
        target = s.history.pop()
        self._move_to(target)
        flow.back()

    def _on_jumped(self, s: _State, d: dict, flow: _Flow, e: Event) -> None:
        if s.current is not None:
            s.history.append(s.current)
        self._move_to(d["to"])
        flow.jump()

    def _on_reached_end(self, s: _State, d: dict, flow: _Flow, e: Event) -> None:
        if s.current is not None:
            s.history.append(s.current)
        s.current = None
        flow.reach_end()

    def _on_noted(self, s: _State, d: dict, flow: _Flow, e: Event) -> None:
        s.notes.append(Note(d.get("question"), d["text"], e.at))
        flow.note()

    def _on_paused(self, s: _State, d: dict, flow: _Flow, e: Event) -> None:
        flow.return_to = d.get("resume_to", "asking")
        flow.pause()

    def _on_resumed(self, s: _State, d: dict, flow: _Flow, e: Event) -> None:
        flow.resume()

    def _on_reviewed(self, s: _State, d: dict, flow: _Flow, e: Event) -> None:
        flow.return_to = d.get("resume_to", "asking")
        flow.review()

    def _on_review_closed(self, s: _State, d: dict, flow: _Flow, e: Event) -> None:
        flow.close_review()

    def _on_finished(self, s: _State, d: dict, flow: _Flow, e: Event) -> None:
        flow.finish()

    def _on_reopened(self, s: _State, d: dict, flow: _Flow, e: Event) -> None:
        flow.reopen()

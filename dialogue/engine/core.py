"""The interview engine: typed commands in, events and steps out. Headless and clock-free.

Every command checks it is legal in the current state (from the state table), turns into events, and
each event is applied by `SessionState.apply` — the one place state changes. Refusals are `CommandError`s
carrying a `Refusal`; things the interviewer should know are `Notice`s on the step. The UI words both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from dialogue.engine.answers import parse_answer
from dialogue.engine.machine import ACTIVE, Command, Flow, legal_commands
from dialogue.engine.owner_record import OwnerRecord, owner_record
from dialogue.engine.probing import Decision, ProbeTurn, next_probe
from dialogue.engine.richness import SectionChars
from dialogue.engine.state import EventMismatch, Notice, NoticeKind, SessionState
from dialogue.engine.step import Progress, Step
from dialogue.engine.timing import Timing, TimingFold
from dialogue.errors import CommandError, Refusal, ReplayError
from dialogue.model import (
    SOURCE_KINDS,
    STATUS_CODES,
    Actor,
    Answer,
    Bank,
    Event,
    Parked,
    Question,
    Transcript,
)
from dialogue.model import events as ev
from dialogue.model.conditions import holds
from dialogue.model.event_log import EventLog, RawEvents
from dialogue.model.placeholders import filled
from dialogue.model.sheet_fields import is_writeup_box


class Engine:
    """One interview on one bank. Commands return a `Step`; `take_events()` hands over new events."""

    def __init__(self, bank: Bank, clock: Callable[[], str], session_id: str = "", actor: Actor | None = None):
        self.bank = bank
        self.session_id = session_id
        self.actor = actor
        self._clock = clock
        self._flow = Flow()  # its `transitions` machine is built on the first live command
        self._s = SessionState(bank)
        self._events = EventLog()  # a restored engine's first events may still be undecoded journal lines
        self._pending: list[Event] = []
        self._order = [q.id for q in bank.questions()]
        self._previous: tuple[Answer, ...] = ()
        self._timing = TimingFold(bank)  # caught up lazily by `timing()`: replay does not pay for it
        self._chars = SectionChars(bank)  # likewise by `section_chars()`

    @classmethod
    def replay(cls, bank: Bank, events: Iterable[Event], clock: Callable[[], str], session_id: str = "",
               previous_answers: Iterable[Answer] = (), actor: Actor | None = None) -> Engine:
        """Rebuild a session from its events. `previous_answers` are answers to questions a changed bank
        no longer has (see dialogue.store.migration): kept for the transcript, never replayed. An event
        that does not fit raises `ReplayError` naming it (its index among `events`) and what is wrong."""
        engine = cls(bank, clock, session_id, actor)
        engine._previous = tuple(previous_answers)
        engine._replay(events)
        return engine

    @classmethod
    def restore(cls, bank: Bank, snapshot: dict[str, Any], clock: Callable[[], str], session_id: str = "",
                actor: Actor | None = None, covered: RawEvents | None = None, events: Iterable[Event] = ()
                ) -> Engine:
        """The engine `replay` would give, built from `snapshot` (`snapshot()` of an engine that had applied
        the `covered` events — kept undecoded until something reads them) and then the later `events`,
        applied as a replay applies them (a `ReplayError`'s index counts from the first of `events`).
        `SnapshotMismatch` (a ValueError) when the snapshot is not one this version can use."""
        from dialogue.engine.snapshot import SnapshotMismatch, restore_into

        engine = cls(bank, clock, session_id, actor)
        restore_into(engine, snapshot)
        count = covered.count if covered is not None else 0
        if snapshot.get("events") != count or (covered is not None and snapshot.get("last_at") != covered.last_at):
            raise SnapshotMismatch(f"the snapshot covers {snapshot.get('events')} events, the journal {count}")
        engine._events = EventLog((), covered)
        engine._replay(events)
        return engine

    def snapshot(self) -> dict[str, Any]:
        """The state the events built, as JSON-able primitives (dialogue.engine.snapshot): `restore` from it
        gives this engine back without its events being decoded or applied again."""
        from dialogue.engine.snapshot import state_of

        return state_of(self)

    def _replay(self, events: Iterable[Event]) -> None:
        self._flow.direct = True
        try:
            for index, event in enumerate(events):
                try:
                    self._apply(event)
                except EventMismatch as exc:
                    raise ReplayError(f"event {index + 1} ({event.kind.value}): {exc}", index) from None
        finally:
            self._flow.direct = False
        self._pending.clear()
        self._s.notices.clear()

    # ---- queries ----

    @property
    def state(self) -> str:
        return self._flow.state

    @property
    def events(self) -> EventLog:
        """Every event so far, as they are now (a sequence equal to the tuple of them; after a restore, the
        covered events are decoded only when read)."""
        return self._events.copy()

    @property
    def current(self) -> str | None:
        """The id of the question being asked (or probed), if any."""
        return self._s.current

    @property
    def event_count(self) -> int:
        return len(self._events)

    @property
    def last_at(self) -> str:
        """When the last event happened ("" before the first)."""
        return self._events.last_at

    def timing(self, now: datetime | None = None) -> Timing:
        """Time spent this visit and per section (dialogue.engine.timing), folding in only the events
        added since the last call, so asking after every answer costs the same at any session length."""
        for event in self._events.since(self._timing.count):
            self._timing.add(event)
        return self._timing.result(now)

    def section_chars(self) -> dict[str, int]:
        """Characters captured per section id, as the sheet's richness counts them, added up incrementally."""
        return self._chars.count(self._s, frozenset(q.id for q in self.applicable()))

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

    def legal_commands(self) -> frozenset[Command]:
        commands = legal_commands(self.state)
        if not self._s.history:
            commands -= {Command.BACK}
        if not self._s.sensitive:
            commands -= {Command.CONFIRM_SENSITIVE}  # offered only while a 機微情報 warning waits
        return commands

    def values(self) -> dict[str, Any]:
        return self._s.values()

    def applicable(self) -> list[Question]:
        """Questions whose condition holds on the answers given so far, in bank order."""
        values = self.values()
        return [q for q in self.bank.questions() if holds(q.when, values)]

    def step(self) -> Step:
        s = self._s
        question = filled(self.bank.question(s.current), self.bank, self.values()) if s.current else None
        probe_text = None
        probing = self.state == "probing"
        if probing and question and s.probe < len(question.probes):
            probe_text = question.probes[s.probe].text
        parked: tuple[Parked, ...] = ()
        prefill = draft = ""
        if question is not None:
            parked = tuple(p for p in s.parked if p.used_by is None and p.field_id in question.fills)
            if question.id not in s.answers:
                prefill = str(s.prefill.get(question.id, {}).get("raw", ""))
            draft = s.drafts.get(question.id, "")
        return Step(self.state, question, probe_text, s.probe, s.answers.get(s.current or ""),
                    self.legal_commands(), self._progress(), tuple(s.notices), s.section_started,
                    parked, prefill, bool(question and question.id in s.flags), s.visit, s.mode, draft,
                    s.probe_reason if probing else "", s.hints_shown, s.probe_element if probing else "",
                    *self._probe_count(question if probing else None),
                    s.flags.get(question.id, "") if question is not None else "")

    def _probe_count(self, question: Question | None) -> tuple[int, int]:
        """(this probe's number, the most the question gets): 「深掘りの質問（2/3）」 counts follow-ups asked,
        not the probe's place in the bank (an if-none probe is not 「4/4」 when it is the first)."""
        if question is None:
            return 0, 0
        number = sum(1 for p in self._s.probe_answers if p.question_id == question.id) + 1
        return number, max(number, min(question.max_probes, len(question.probes)))

    def transcript(self) -> Transcript:
        s = self._s
        applicable = frozenset(q.id for q in self.applicable())
        return Transcript(
            session_id=self.session_id, bank=self.bank, events=self._events.copy(),
            answers={k: v for k, v in s.answers.items() if k in applicable},
            probe_answers=tuple(s.probe_answers), notes=tuple(s.notes),
            skipped=frozenset((s.skipped | s.skipped_before) - set(s.answers)), asked=frozenset(s.asked),
            applicable=applicable, state=self.state, meta=s.meta, sources=dict(s.sources),
            flags=dict(s.flags), parked=tuple(s.parked),
            hidden={k: v for k, v in s.answers.items() if k not in applicable},
            prefill=s.prefill, visit=s.visit, previous_answers=self._previous,
            writeup_history={k: tuple(v) for k, v in s.writeups.items()}, drafts=dict(s.drafts),
            review=s.review)

    # ---- commands: the interview ----

    def start(self, meta: ev.Started | None = None) -> Step:
        """Begin. `meta`: the mode (guided | meeting), the language, and `prefill` (question id → {raw,
        value}) from an earlier interview of the same company."""
        self._require(Command.START)
        # Through the machine's lookup table, as a replay goes: the `transitions` machine is imported and
        # built at the next command, after the first question is on screen (~10 ms off every start, issue 18).
        self._flow.direct = True
        try:
            self._emit(meta or ev.Started())
            self._advance(after=None)
        finally:
            self._flow.direct = False
        return self.step()

    def answer(self, raw: str, append: bool = False, confirmed: bool = False) -> Step:
        """Answer the current question (or probe). `append` adds to an existing answer (meeting notes);
        `confirmed` keeps free text where records are asked, after the interviewer saw the warning."""
        self._require(Command.ANSWER)
        question = self._current_question()
        if self.state == "probing":
            self._emit(ev.ProbeAnswered(question.id, self._s.probe, raw.strip()))
            self._after_probe(question)
            return self.step()
        value = parse_answer(question, raw, confirmed)
        previous = self._s.answers.get(question.id)
        if append and previous is not None and not previous.is_status and question.type in ("text", "list", "group"):
            value, raw = _appended(previous, value, raw)
        self._emit(ev.Answered(question.id, value, raw))
        if question.id in self._s.flags and self._s.visit > 1:
            self._emit(ev.Unflagged(question.id))
        if self.mode == "meeting":
            return self.step()  # meeting notes stay on the field; no automatic probes
        self._probe_or_advance(question, next_probe(question, value, self._probe_turns(question.id), self._owner_record()))
        return self.step()

    def next(self) -> Step:
        """Leave the current question as it is and go to the next open one."""
        self._require(Command.NEXT)
        self._advance(after=self._s.current, passed=self._s.current)
        return self.step()

    def skip(self) -> Step:
        """Skip the current question (asking) or the remaining probes (probing)."""
        self._require(Command.SKIP)
        question = self._current_question()
        if self.state == "probing":
            self._emit(ev.ProbesSkipped(question.id))
        else:
            self._emit(ev.Skipped(question.id))
        self._advance(after=question.id)
        return self.step()

    def mark(self, status: str) -> Step:
        """Record わからない / 回答を控えたい / 該当なし (unknown / declined / not_applicable) and move on."""
        self._require(Command.MARK)
        question = self._current_question()
        if status not in STATUS_CODES:
            raise CommandError(Refusal.UNKNOWN_STATUS, Command.MARK, status)
        if status in question.forbid_status:
            raise CommandError(Refusal.STATUS_FORBIDDEN, Command.MARK, status)
        self._emit(ev.StatusMarked(question.id, status))
        if question.id in self._s.flags and self._s.visit > 1:
            self._emit(ev.Unflagged(question.id))
        self._advance(after=question.id)
        return self.step()

    def follow_up(self, probe: int, text: str) -> Step:
        """Record the answer to any probe of the current question, in any order, without moving on
        (role-play and meeting notes choose their own probes; guided probing uses `answer`)."""
        self._require(Command.FOLLOW_UP)
        question = self._current_question()
        if not 0 <= probe < len(question.probes):
            raise CommandError(Refusal.NO_SUCH_PROBE, Command.FOLLOW_UP, str(probe + 1))
        if not text.strip():
            raise CommandError(Refusal.EMPTY_TEXT, Command.FOLLOW_UP)
        self._emit(ev.FollowedUp(question.id, probe, text.strip()))
        return self.step()

    # ---- commands: navigation ----

    def back(self) -> Step:
        if not self._s.history and self.state in ACTIVE:
            raise CommandError(Refusal.NOTHING_BEFORE, Command.BACK)
        self._require(Command.BACK)
        self._emit(ev.WentBack(self._s.history[-1]))
        return self.step()

    def jump(self, target: str) -> Step:
        """Jump to a question id, a sheet field id, or the first applicable question of a section id."""
        self._require(Command.JUMP)
        question_id = self.resolve_target(target)
        self._emit(ev.Jumped(question_id))
        if not holds(self.bank.question(question_id).when, self.values()):
            self._s.notices.append(Notice(NoticeKind.INAPPLICABLE, question_id))  # stays off the sheet
        return self.step()

    def resolve_target(self, target: str) -> str:
        """The question a /jump to `target` lands on. For a sheet field: the first applicable question
        filling it that is still open, else the first applicable one (so parked text is offered)."""
        if self.bank.has_question(target):
            return target
        values = self.values()
        for section in self.bank.sections:
            if section.id == target:
                for q in section.questions:
                    if holds(q.when, values):
                        return q.id
                raise CommandError(Refusal.EMPTY_SECTION, Command.JUMP, target)
        filling = [q for q in self.bank.questions() if target in q.fills and holds(q.when, values)]
        if filling:
            open_ones = [q for q in filling if q.id not in self._s.answers]
            return (open_ones or filling)[0].id
        raise CommandError(Refusal.UNKNOWN_TARGET, Command.JUMP, target)

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
        """Start the next visit: flagged, then skipped, then status-coded (わからない / 回答を控えたい) and
        empty required questions come first."""
        self._require(Command.NEW_VISIT)
        self._emit(ev.VisitStarted(self._s.visit + 1))
        self._advance(after=None)
        return self.step()

    # ---- commands: annotations ----

    def note(self, text: str) -> Step:
        self._require(Command.NOTE)
        if not text.strip():
            raise CommandError(Refusal.EMPTY_TEXT, Command.NOTE)
        self._emit(ev.Noted(self._s.current, text.strip()))
        return self.step()

    def set_source(self, kind: str, detail: str = "", question_id: str | None = None) -> Step:
        """Where the answer comes from: owner (stated), document (which one), estimate (the supporter's).
        Applies to `question_id`, else the current question if answered, else the last answered one."""
        self._require(Command.SET_SOURCE)
        if kind not in SOURCE_KINDS:
            raise CommandError(Refusal.UNKNOWN_SOURCE, Command.SET_SOURCE, kind)
        target = question_id or self._source_target()
        if target is None:
            raise CommandError(Refusal.NO_ANSWER_FOR_SOURCE, Command.SET_SOURCE)
        self._emit(ev.SourceSet(target, kind, detail.strip()))
        return self.step()

    def _source_target(self) -> str | None:
        if self._s.current and self._s.current in self._s.answers:
            return self._s.current
        for event in reversed(self._events):
            if isinstance(event.payload, ev.Answered | ev.StatusMarked):
                return event.payload.question
        return None

    def flag(self, note: str = "") -> Step:
        """Mark the current question to confirm at the next visit."""
        self._require(Command.FLAG)
        self._emit(ev.Flagged(self._current_question().id, note.strip()))
        return self.step()

    def flag_sensitive(self, question_id: str, categories: str, note: str) -> Step:
        """The entry check's flag: what was said on `question_id` may be 機微情報 (`categories`: ids, comma
        separated). Not a command of the interviewer's: the live session adds it after the text it checked."""
        self._emit(ev.Flagged(self.bank.question(question_id).id, note, categories))
        return self.step()

    def confirm_sensitive(self, question_id: str | None = None) -> Step:
        """Keep what was flagged as possible 機微情報 on `question_id` (default: the latest such question) in
        the owner's copy and the compiled files: the owner agreed, or it is not sensitive."""
        target = question_id or next(reversed(self._s.sensitive), None)
        if target is None or target not in self._s.sensitive:
            raise CommandError(Refusal.NOTHING_TO_CONFIRM, Command.CONFIRM_SENSITIVE, question_id or "")
        self._require(Command.CONFIRM_SENSITIVE)
        self._emit(ev.SensitiveConfirmed(target))
        self._s.notices.append(Notice(NoticeKind.SENSITIVE_CONFIRMED, target))
        return self.step()

    def unflag(self) -> Step:
        self._require(Command.UNFLAG)
        self._emit(ev.Unflagged(self._current_question().id))
        return self.step()

    def park(self, field_id: str, text: str) -> Step:
        """File text the owner volunteered out of order under the sheet field it belongs to."""
        self._require(Command.PARK)
        if not any(field_id in q.fills for q in self.bank.questions()):
            raise CommandError(Refusal.UNKNOWN_FIELD, Command.PARK, field_id)
        if not text.strip():
            raise CommandError(Refusal.EMPTY_TEXT, Command.PARK)
        self._emit(ev.ParkedText(field_id, text.strip()))
        return self.step()

    def draft(self, text: str) -> Step:
        """Keep a line that was being typed when the interview was interrupted, to offer it again."""
        self._require(Command.DRAFT)
        if text.strip():
            self._emit(ev.Drafted(self._s.current, text))
        return self.step()

    def set_hints(self, shown: bool) -> Step:
        """Remember whether the guidance is shown (F2), so a resumed session looks the same."""
        self._require(Command.SET_HINTS)
        if self._s.hints_shown is not shown:
            self._emit(ev.HintsSet(shown))
        return self.step()

    def write_up(self, field_id: str, text: str, by: Actor | None = None) -> Step:
        """The interviewer's own write-up of a box (清書): a write-up box of the filed sheet, a header field,
        or a sheet field a question fills. A later one replaces it, the history stays; an empty text takes the
        box back to 未記入. `by`: who wrote it, when it is not who runs the session."""
        self._require(Command.WRITE_UP)
        if not is_writeup_box(field_id) and not any(field_id in q.fills for q in self.bank.questions()):
            raise CommandError(Refusal.UNKNOWN_FIELD, Command.WRITE_UP, field_id)
        current = self._s.writeups.get(field_id)
        if (current[-1].text if current else "") != text.strip():
            self._emit(ev.WrittenUp(field_id, text.strip()), by)
        return self.step()

    # ---- commands: session ----

    def pause(self) -> Step:
        self._require(Command.PAUSE)
        self._emit(ev.Paused(self._flow.return_to if self.state == "reviewing" else self.state))
        return self.step()

    def resume(self) -> Step:
        self._require(Command.RESUME)
        self._emit(ev.Resumed())
        return self.step()

    def review(self) -> Step:
        self._require(Command.REVIEW)
        self._emit(ev.Reviewed(self.state))
        return self.step()

    def close_review(self) -> Step:
        self._require(Command.CLOSE_REVIEW)
        self._emit(ev.ReviewClosed())
        return self.step()

    def finish(self) -> Step:
        self._require(Command.FINISH)
        self._emit(ev.Finished())
        return self.step()

    def reopen(self) -> Step:
        self._require(Command.REOPEN)
        self._emit(ev.Reopened())
        if self._next_open(None) is not None:
            self._advance(after=None)
        return self.step()

    # ---- internals ----

    def _require(self, command: Command) -> None:
        self._s.notices.clear()
        if command not in self.legal_commands():
            raise CommandError(Refusal.NOT_NOW, command, self.state)

    def _current_question(self) -> Question:
        if self._s.current is None:
            raise CommandError(Refusal.NO_QUESTION)
        return self.bank.question(self._s.current)

    def _after_probe(self, question: Question) -> None:
        answer = self._s.answers.get(question.id)
        value = answer.value if answer is not None and not answer.is_status else ""
        self._probe_or_advance(question, next_probe(question, value, self._probe_turns(question.id), self._owner_record()), done=True)

    def _owner_record(self) -> OwnerRecord:
        """What the owner has said to every probe so far (the engine adapts to the person)."""
        return owner_record(self.bank, ((p.question_id, p.probe, p.text) for p in self._s.probe_answers))

    def _probe_turns(self, question_id: str) -> list[ProbeTurn]:
        return [ProbeTurn(p.probe, p.text) for p in self._s.probe_answers if p.question_id == question_id]

    def _probe_or_advance(self, question: Question, decision: Decision, done: bool = False) -> None:
        """Offer the probe the policy chose (dialogue.engine.probing), recording why; else move on."""
        if decision.index is not None:
            self._emit(ev.Probed(question.id, decision.index, decision.element or "", decision.why.value))
            return
        if done:
            self._emit(ev.ProbesSkipped(question.id, done=True, reason=decision.why.value))
        self._advance(after=question.id)

    def _advance(self, after: str | None, passed: str | None = None) -> None:
        target = self._next_open(after)
        if target is None:
            if self.state != "at_end":
                self._emit(ev.ReachedEnd())
        else:
            self._emit(ev.Asked(target, passed or ""))  # `passed`: left as it was with /next

    def _next_open(self, after: str | None) -> str | None:
        """The next question to ask: in a later visit, flagged, then skipped, then status-coded and empty
        required ones first; otherwise the next applicable open question in bank order, wrapping round."""
        s, values = self._s, self.values()
        applicable = [qid for qid in self._order if holds(self.bank.question(qid).when, values)]
        if s.visit > 1:
            for qid in self._revisit_order(applicable):
                if qid not in s.skipped and qid not in s.passed and qid != after:
                    return qid
        start = self._order.index(after) + 1 if after in self._order else 0
        rotated = self._order[start:] + self._order[:start]
        done = (set(s.answers) | s.skipped) - s.reoffer
        for qid in rotated:
            if qid in applicable and qid not in done and qid != after:
                return qid
        return None

    def _revisit_order(self, applicable: list[str]) -> list[str]:
        """What a later visit comes back to, in this order: flagged; skipped before; answered わからない or
        回答を控えたい (listed in 次回確認事項); empty required questions."""
        s = self._s
        status_coded = {qid for qid, a in s.answers.items() if a.status in ("unknown", "declined")}
        groups: list[Callable[[str], bool]] = [
            lambda qid: qid in s.flags,
            lambda qid: qid in s.skipped_before and qid not in s.answers,
            lambda qid: qid in status_coded and not self._revisited(qid),
            lambda qid: self.bank.question(qid).required and qid not in s.answers,
        ]
        return [qid for group in groups for qid in applicable if group(qid)]

    def _revisited(self, qid: str) -> bool:
        """True once a status-coded question has been shown in this visit (it is offered once per visit)."""
        return qid in self._s.asked_this_visit

    def _progress(self) -> Progress:
        applicable = self.applicable()
        answered = sum(1 for q in applicable if q.id in self._s.answers)
        index = 0
        if self._s.current and self.state in ("asking", "probing"):
            section_id = self.bank.question(self._s.current).section_id
            index = next(i for i, sec in enumerate(self.bank.sections, 1) if sec.id == section_id)
        return Progress(index, len(self.bank.sections), answered, len(applicable))

    def _emit(self, payload: ev.Payload, by: Actor | None = None) -> None:
        event = Event(self._clock(), payload, by or self.actor)
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


__all__ = ["Engine"]

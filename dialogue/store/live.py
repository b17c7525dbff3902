"""A live, durable interview: the engine wired to its journal. The one object the UI talks to.

Each typed command runs on the engine, and the events it produced are appended and fsync'ed **before** the
new step is returned — so whatever the UI shows next, the answer before it is already on disk.

Two protections ride along (docs/security.md): what the owner says (an answer, a probe answer, a note,
parked text) is checked against the 機微情報 word lists — a match puts a `SENSITIVE` notice on the step and
a `flagged` event naming the categories into the same write as the text; and, with an audit log, opening,
resuming and each write-up are recorded in it (who, when, which session and file; never the content).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from types import ModuleType

from dialogue.engine import Engine, Notice, NoticeKind, Step
from dialogue.errors import CommandError, JournalError, Refusal, SessionNotFound
from dialogue.i18n import say
from dialogue.model import Actor, Bank, Transcript
from dialogue.model.events import Started
from dialogue.model.sensitive import SensitiveChecker, withhold, withhold_answers
from dialogue.store.audit import AuditLog
from dialogue.store.journal import Header, JournalWriter, SessionStore, new_session_id
from dialogue.store.opening import Opened, Opener

Clock = Callable[[], datetime]


def _snapshots() -> ModuleType:
    """dialogue.store.snapshot, imported when a session is resumed or closed: a new interview does not need
    it (nor the crypto modules it imports, ~8 ms) before its first question (issue 18)."""
    from dialogue.store import snapshot

    return snapshot


def iso(now: datetime) -> str:
    return now.isoformat(timespec="milliseconds")


@dataclass
class LiveSession:
    session_id: str
    engine: Engine
    writer: JournalWriter
    warnings: tuple[str, ...] = ()
    bank_changed: bool = False  # resumed on another version of the bank: call `reorient` once active
    load_checker: Callable[[], SensitiveChecker | None] | None = None  # the 機微情報 word lists, read on first use
    audit: AuditLog | None = None
    lang: str = "ja"  # the language the entry check's flag notes and notices are written in
    snapshot_of: int | None = 0  # the event count the session's snapshot covers; None: keep none (migrated)
    _checker: list[SensitiveChecker | None] = field(default_factory=list, repr=False)

    @property
    def checker(self) -> SensitiveChecker | None:
        """The word lists (the bank's extension included), read when the first text is checked: a resume shows
        its question before the YAML reader is imported."""
        if not self._checker:
            self._checker.append(self.load_checker() if self.load_checker is not None else None)
        return self._checker[0]

    def step(self) -> Step:
        return self.engine.step()

    def transcript(self) -> Transcript:
        return self.engine.transcript()

    def close(self) -> None:
        self.writer.close()

    def _durably(self, command: Callable[[Engine], Step]) -> Step:
        """Run an engine command and journal its events before returning the next step.

        If the journal cannot be written (disk full, directory gone read-only), the engine is put back to
        what is on disk and the `JournalError` is raised: the UI says so and asks again, and nothing the
        screen acknowledged is missing from the file."""
        durable = self.engine.event_count
        step = command(self.engine)
        try:
            self.writer.append(self.engine.take_events())
        except JournalError:
            engine = self.engine
            self.engine = Engine.replay(engine.bank, engine.events[:durable], engine.clock, self.session_id,
                                        engine.transcript().previous_answers, engine.actor)
            raise
        return step

    # ---- the engine's commands, each journalled ----

    def _checked(self, command: Callable[[Engine], Step], text: str) -> Step:
        """Run `command` (which records `text`, said on the current question), then the entry check: on
        possible 機微情報 the step carries a `SENSITIVE` notice naming the categories, and the question is
        flagged for review in the same write (docs/security.md)."""
        question = self.engine.current

        def run(engine: Engine) -> Step:
            step = command(engine)
            matches = self.checker.find(text) if self.checker is not None else ()
            if not matches:
                return step
            categories = tuple(dict.fromkeys(m.category for m in matches))
            labels = "・".join(self.checker.label(c, self.lang) for c in categories) if self.checker else ""
            notices = (*step.notices, Notice(NoticeKind.SENSITIVE, question or "", labels))
            if question is not None:
                note = say("notice.sensitive_flag", self.lang, detail=labels)
                step = engine.flag_sensitive(question, ",".join(categories), note)
            return replace(step, notices=notices)

        return self._durably(run)

    def start(self, meta: Started | None = None) -> Step:
        return self._durably(lambda e: e.start(meta))

    def answer(self, raw: str, append: bool = False, confirmed: bool = False) -> Step:
        return self._checked(lambda e: e.answer(raw, append, confirmed), raw)

    def next(self) -> Step:
        return self._durably(lambda e: e.next())

    def skip(self) -> Step:
        return self._durably(lambda e: e.skip())

    def mark(self, status: str) -> Step:
        return self._durably(lambda e: e.mark(status))

    def follow_up(self, probe: int, text: str) -> Step:
        return self._checked(lambda e: e.follow_up(probe, text), text)

    def back(self) -> Step:
        return self._durably(lambda e: e.back())

    def jump(self, target: str) -> Step:
        return self._durably(lambda e: e.jump(target))

    def reorient(self) -> Step:
        return self._durably(lambda e: e.reorient())

    def new_visit(self) -> Step:
        return self._durably(lambda e: e.new_visit())

    def note(self, text: str) -> Step:
        return self._checked(lambda e: e.note(text), text)

    def set_source(self, kind: str, detail: str = "", question_id: str | None = None) -> Step:
        return self._durably(lambda e: e.set_source(kind, detail, question_id))

    def flag(self, note: str = "") -> Step:
        return self._durably(lambda e: e.flag(note))

    def unflag(self) -> Step:
        return self._durably(lambda e: e.unflag())

    def park(self, field_id: str, text: str) -> Step:
        return self._checked(lambda e: e.park(field_id, text), text)

    def draft(self, text: str) -> Step:
        return self._durably(lambda e: e.draft(text))

    def set_hints(self, shown: bool) -> Step:
        return self._durably(lambda e: e.set_hints(shown))

    def write_up(self, field_id: str, text: str, by: Actor | None = None) -> Step:
        step = self._durably(lambda e: e.write_up(field_id, text, by))
        if self.audit is not None:
            self.audit.record("write_up", self.session_id, [self.writer.path], field=field_id)
        return step

    def confirm_sensitive(self, question_id: str | None = None) -> Step:
        """/confirm: keep the possible 機微情報 of `question_id` (default: the latest flagged question). Where
        nothing was flagged — a session from before the check, a write-up — the current question's texts are
        checked now, and flagged and confirmed in one write."""

        def run(engine: Engine) -> Step:
            try:
                return engine.confirm_sensitive(question_id)
            except CommandError as exc:
                target = question_id or engine.current
                found = self._found_on(engine, target) if exc.refusal is Refusal.NOTHING_TO_CONFIRM else ()
                if target is None or not found:
                    raise
                labels = "・".join(self.checker.label(c, self.lang) for c in found) if self.checker else ""
                engine.flag_sensitive(target, ",".join(found), say("notice.sensitive_flag", self.lang, detail=labels))
                return engine.confirm_sensitive(target)

        return self._durably(run)

    def _found_on(self, engine: Engine, question_id: str | None) -> tuple[str, ...]:
        """The 機微情報 categories in everything recorded on a question (answer, probe answers, notes, parked
        text and write-ups of its fields)."""
        if question_id is None or self.checker is None:
            return ()
        t = engine.transcript()
        fills = set(engine.bank.question(question_id).fills)
        answer = t.answers.get(question_id) or t.hidden.get(question_id)
        texts = [answer.raw if answer else ""] + [p.text for p in t.probe_answers if p.question_id == question_id]
        texts += [n.text for n in t.notes if n.question_id == question_id]
        texts += [p.text for p in t.parked if p.field_id in fills]
        texts += [w.text for f in fills for w in t.writeup_history.get(f, ())]
        return tuple(dict.fromkeys(m.category for text in texts for m in self.checker.find(text)))

    def pause(self) -> Step:
        return self._durably(lambda e: e.pause())

    def resume(self) -> Step:
        return self._durably(lambda e: e.resume())

    def review(self) -> Step:
        return self._durably(lambda e: e.review())

    def close_review(self) -> Step:
        return self._durably(lambda e: e.close_review())

    def finish(self) -> Step:
        return self._durably(lambda e: e.finish())

    def reopen(self) -> Step:
        return self._durably(lambda e: e.reopen())


class SessionManager:
    """Create, resume and read sessions in one store. `actor`: who the new events are written by; `audit`:
    where opening and resuming are recorded (the CLI always gives one); `sensitive`: check what is said
    against the 機微情報 word lists (the bank's own extension included)."""

    def __init__(self, store: SessionStore, clock: Clock, actor: Actor | None = None, audit: AuditLog | None = None,
                 sensitive: bool = True):
        self.store = store
        self.clock = clock
        self.actor = actor
        self.audit = audit
        self.sensitive = sensitive
        self._checkers: dict[str, SensitiveChecker] = {}
        self._opener = Opener(store, self._iso_clock(), actor)

    def checker(self, bank: Bank) -> SensitiveChecker | None:
        """The word lists for interviews on `bank`, read once per bank file."""
        if not self.sensitive:
            return None
        if bank.source_path not in self._checkers:
            path = Path(bank.source_path)
            from dialogue.banks.sensitive_cache import load_checker  # no YAML read while the lists are cached

            self._checkers[bank.source_path] = load_checker(path if path.is_file() else None)
        return self._checkers[bank.source_path]

    def _live(self, session_id: str, engine: Engine, writer: JournalWriter, warnings: tuple[str, ...] = ()
              ) -> LiveSession:
        lang = engine.transcript().meta.lang  # (the transcript's events stay undecoded after a restore)
        return LiveSession(session_id, engine, writer, warnings, load_checker=lambda: self.checker(engine.bank),
                           audit=self.audit,
                           lang=lang if lang in ("ja", "en") else engine.bank.languages[0])

    def _iso_clock(self) -> Callable[[], str]:
        return lambda: iso(self.clock())

    @contextlib.contextmanager
    def create(self, bank: Bank, meta: Started | None = None) -> Iterator[LiveSession]:
        now = self.clock()
        session_id = new_session_id(now.strftime("%Y%m%d-%H%M%S"))
        header = Header(session_id, bank.id, bank.version, bank.source_hash,
                        str(Path(bank.source_path).resolve()), iso(now),
                        extra={"question_ids": [q.id for q in bank.questions()]})
        self.store.ensure()
        with self.store.lock(session_id):
            engine = Engine(bank, self._iso_clock(), session_id, self.actor)
            engine.start(meta)
            # The header and the first question are written in one atomic step: a crash at any moment
            # leaves either no session or one that resumes at its first question.
            writer = self.store.create(header, engine.take_events())
            live = self._live(session_id, engine, writer)
            try:
                if self.audit is not None:
                    self.audit.record("open", session_id, [writer.path], mode=engine.mode, bank=bank.id)
                yield live
            finally:
                live.close()
                self._keep_snapshot(live)

    @contextlib.contextmanager
    def resume(self, session_id: str, bank: Bank | None = None) -> Iterator[LiveSession]:
        if not self.store.exists(session_id):
            raise SessionNotFound(f"no session {session_id!r} in {self.store.root}")
        with self.store.lock(session_id):
            opened = self.open(session_id, bank, repair=True)
            live = self._live(session_id, opened.engine, self.store.append_to(session_id, opened.journal), opened.warnings)
            same_bank = opened.engine.bank.source_hash == opened.journal.header.bank_hash  # else none is used
            live.snapshot_of = opened.engine.event_count - opened.replayed if same_bank and not opened.migrated else None
            if opened.replayed >= _snapshots().MIN_EVENTS:
                self._keep_snapshot(live)  # now, not only at the end: a session killed later resumes quickly
            try:
                if self.audit is not None:
                    self.audit.record("resume", session_id, [live.writer.path], visit=live.step().visit)
                if opened.engine.state == "intro":  # a header without events (an old crash, or made by hand)
                    live.start()
                live.bank_changed = opened.engine.bank.source_hash != opened.journal.header.bank_hash
                yield live
            finally:
                live.close()
                self._keep_snapshot(live)

    def _keep_snapshot(self, live: LiveSession) -> None:
        """Write the session's snapshot (dialogue.store.snapshot) when it is long enough to need one and the
        one on disk does not cover every event. Called under the lock with every event durable; a snapshot
        that cannot be written is simply not there (the next resume replays)."""
        count = live.engine.event_count
        if live.snapshot_of is None or count < _snapshots().MIN_EVENTS or live.snapshot_of == count:
            return
        if _snapshots().save(self.store, live.session_id, live.engine):
            live.snapshot_of = count

    def open(self, session_id: str, bank: Bank | None = None, repair: bool = False) -> Opened:
        """Read a session into an engine (dialogue.store.opening: from its snapshot when one fits, else by
        replaying every event); the file is only changed by `repair` of a torn last line."""
        return self._opener.open(session_id, bank, repair)

    def transcript(self, session_id: str, bank: Bank | None = None) -> Transcript:
        return self.open(session_id, bank).engine.transcript()

    def transcript_and_warnings(self, session_id: str, bank: Bank | None = None
                                ) -> tuple[Transcript, tuple[str, ...]]:
        """The replayed transcript, read without changing the file, and what the user should be told:
        a damaged last line that was ignored, a bank that is not the one the session started with."""
        opened = self.open(session_id, bank)
        return opened.engine.transcript(), opened.warnings

    def export_transcript(self, session_id: str, bank: Bank | None = None) -> tuple[Transcript, tuple[str, ...]]:
        """The transcript as it may leave the store (compiled files, the owner's copy): every text that may be
        機微情報 and was not confirmed (/confirm) is replaced by a note saying so; read without changing the
        file. The warnings say how many texts were left out, and how to put them back."""
        opened = self.open(session_id, bank)
        engine = opened.engine
        transcript = engine.transcript()
        checker = self.checker(engine.bank)
        if checker is None:
            return transcript, opened.warnings
        lang = transcript.meta.lang or engine.bank.languages[0]

        def marker(categories: tuple[str, ...]) -> str:
            return say("sheet.withheld", lang, detail="・".join(checker.label(c, lang) for c in categories))

        events, withheld = withhold(engine.events, checker, engine.bank, marker)
        previous, withheld_before = withhold_answers(transcript.previous_answers, checker, marker)
        if not withheld + withheld_before:
            return transcript, opened.warnings
        kept = Engine.replay(engine.bank, events, self._iso_clock(), session_id, previous, self.actor)
        return kept.transcript(), (*opened.warnings, f"{withheld + withheld_before} text(s) that may be sensitive "
                                   "personal information (機微情報) were left out of the compiled files. To include "
                                   "one, resume the session and /confirm it on its question.")

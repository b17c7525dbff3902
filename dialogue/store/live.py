"""A live, durable interview: the engine wired to its journal. The one object the UI talks to.

Each typed command runs on the engine, and the events it produced are appended and fsync'ed **before** the
new step is returned — so whatever the UI shows next, the answer before it is already on disk.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dialogue.banks.builtin import bank_files
from dialogue.banks.cache import load_bank
from dialogue.engine import Engine, Step
from dialogue.errors import JournalError, ReplayError, SessionNotFound
from dialogue.model import Actor, Bank, Transcript
from dialogue.model.events import Started
from dialogue.store.journal import Header, Journal, JournalWriter, SessionStore, new_session_id
from dialogue.store.migration import BankDiff, diff_banks, fits, migrate

Clock = Callable[[], datetime]


def iso(now: datetime) -> str:
    return now.isoformat(timespec="milliseconds")


@dataclass
class LiveSession:
    session_id: str
    engine: Engine
    writer: JournalWriter
    warnings: tuple[str, ...] = ()
    bank_changed: bool = False  # resumed on another version of the bank: call `reorient` once active

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

    def start(self, meta: Started | None = None) -> Step:
        return self._durably(lambda e: e.start(meta))

    def answer(self, raw: str, append: bool = False, confirmed: bool = False) -> Step:
        return self._durably(lambda e: e.answer(raw, append, confirmed))

    def next(self) -> Step:
        return self._durably(lambda e: e.next())

    def skip(self) -> Step:
        return self._durably(lambda e: e.skip())

    def mark(self, status: str) -> Step:
        return self._durably(lambda e: e.mark(status))

    def follow_up(self, probe: int, text: str) -> Step:
        return self._durably(lambda e: e.follow_up(probe, text))

    def back(self) -> Step:
        return self._durably(lambda e: e.back())

    def jump(self, target: str) -> Step:
        return self._durably(lambda e: e.jump(target))

    def reorient(self) -> Step:
        return self._durably(lambda e: e.reorient())

    def new_visit(self) -> Step:
        return self._durably(lambda e: e.new_visit())

    def note(self, text: str) -> Step:
        return self._durably(lambda e: e.note(text))

    def set_source(self, kind: str, detail: str = "", question_id: str | None = None) -> Step:
        return self._durably(lambda e: e.set_source(kind, detail, question_id))

    def flag(self, note: str = "") -> Step:
        return self._durably(lambda e: e.flag(note))

    def unflag(self) -> Step:
        return self._durably(lambda e: e.unflag())

    def park(self, field_id: str, text: str) -> Step:
        return self._durably(lambda e: e.park(field_id, text))

    def draft(self, text: str) -> Step:
        return self._durably(lambda e: e.draft(text))

    def set_hints(self, shown: bool) -> Step:
        return self._durably(lambda e: e.set_hints(shown))

    def write_up(self, field_id: str, text: str, by: Actor | None = None) -> Step:
        return self._durably(lambda e: e.write_up(field_id, text, by))

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


@dataclass(frozen=True, slots=True)
class Opened:
    """A journal read and replayed: the engine, and what the user should be told about it."""

    journal: Journal
    engine: Engine
    warnings: tuple[str, ...]


class SessionManager:
    """Create, resume and read sessions in one store. `actor`: who the new events are written by."""

    def __init__(self, store: SessionStore, clock: Clock, actor: Actor | None = None):
        self.store = store
        self.clock = clock
        self.actor = actor
        self._banks: dict[tuple[str, int, int], Bank] = {}  # (path, mtime, size) → validated bank

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
            live = LiveSession(session_id, engine, writer)
            try:
                yield live
            finally:
                live.close()

    @contextlib.contextmanager
    def resume(self, session_id: str, bank: Bank | None = None) -> Iterator[LiveSession]:
        if not self.store.exists(session_id):
            raise SessionNotFound(f"no session {session_id!r} in {self.store.root}")
        with self.store.lock(session_id):
            opened = self.open(session_id, bank, repair=True)
            live = LiveSession(session_id, opened.engine, self.store.append_to(session_id), opened.warnings)
            try:
                if opened.engine.state == "intro":  # a header without events (an old crash, or made by hand)
                    live.start()
                live.bank_changed = opened.engine.bank.source_hash != opened.journal.header.bank_hash
                yield live
            finally:
                live.close()

    def open(self, session_id: str, bank: Bank | None = None, repair: bool = False) -> Opened:
        """Read and replay a session (the file is only changed by `repair` of a torn last line)."""
        journal = self.store.read(session_id, repair=repair)
        bank = bank or self.bank_for(journal.header)
        engine, diff = self._replay(session_id, journal, bank)
        return Opened(journal, engine, journal.warnings + self._bank_warnings(session_id, journal, bank, diff))

    def bank_for(self, header: Header) -> Bank:
        """The session's bank, validated once per file version (a batch of sessions shares it).

        The header's path is another computer's when the session was fetched from the team server, or an
        older install's: a built-in bank is then found by its id — when the path is missing, and also when
        a file is there but is not the bank the session started with (another bank's id, or another hash
        while the built-in bank has the session's hash). Otherwise the file at the path is used, and a
        changed bank is migrated with a warning, as for any bank edited since."""
        path = Path(header.bank_path)
        builtin = bank_files().get(header.bank_id)
        if not path.is_file():
            if builtin is None:
                raise JournalError(f"the question bank of this session is not at {path} any more; "
                                   "pass it with --bank FILE")
            return self._load(builtin)
        bank = self._load(path)
        if bank.source_hash == header.bank_hash or builtin is None or builtin.resolve() == path.resolve():
            return bank
        shipped = self._load(builtin)
        return shipped if bank.id != header.bank_id or shipped.source_hash == header.bank_hash else bank

    def _load(self, path: Path) -> Bank:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in self._banks:
            self._banks[key] = load_bank(path)
        return self._banks[key]

    def transcript(self, session_id: str, bank: Bank | None = None) -> Transcript:
        return self.open(session_id, bank).engine.transcript()

    def transcript_and_warnings(self, session_id: str, bank: Bank | None = None
                                ) -> tuple[Transcript, tuple[str, ...]]:
        """The replayed transcript, read without changing the file, and what the user should be told:
        a damaged last line that was ignored, a bank that is not the one the session started with."""
        opened = self.open(session_id, bank)
        return opened.engine.transcript(), opened.warnings

    def _replay(self, session_id: str, journal: Journal, bank: Bank) -> tuple[Engine, BankDiff | None]:
        """Replay the journal. When an event names a question the bank does not have (a changed or a
        reverted bank), through the migration: renamed questions follow their `replaces:`, answers to
        removed ones are kept as previous answers. The file is never rewritten."""
        diff = None
        try:
            if fits(journal.events, bank):
                engine = Engine.replay(bank, journal.events, self._iso_clock(), session_id, actor=self.actor)
            else:
                migration = migrate(journal.events, bank, journal.header.extra.get("question_ids"))
                diff = migration.diff
                engine = Engine.replay(bank, migration.events, self._iso_clock(), session_id,
                                       migration.previous_answers, self.actor)
        except ReplayError as exc:
            line = journal.line_of(exc.index) if diff is None else None
            where = f"{self.store.path(session_id)}:{line}" if line else str(self.store.path(session_id))
            changed = ""
            if bank.source_hash != journal.header.bank_hash:
                changed = (f" The bank {bank.source_path} has changed since this session started "
                           f"(hash {journal.header.bank_hash} then, {bank.source_hash} now).")
            raise ReplayError(f"{where}: {exc}.{changed} The session file was not changed.") from None
        return engine, diff

    def _bank_warnings(self, session_id: str, journal: Journal, bank: Bank, diff: BankDiff | None
                       ) -> tuple[str, ...]:
        header = journal.header
        warnings = []
        path = self.store.path(session_id)
        if bank.id != header.bank_id:
            warnings.append(f"{path}: this session was started on the bank {header.bank_id!r}, and is read with "
                            f"another bank, {bank.id!r} ({bank.source_path}); answers to questions that bank "
                            "does not have are kept as previous answers.")
        if bank.source_hash != header.bank_hash:
            if diff is None:
                old_ids = header.extra.get("question_ids") or [e.question for e in journal.events if e.question]
                diff = diff_banks(old_ids, bank, journal.events)
            warnings.append(f"{path}: the question bank {bank.source_path} is not the one this session started "
                            f"with (version {header.bank_version} then, {bank.version} now; hash "
                            f"{header.bank_hash} then, {bank.source_hash} now). {describe_diff(diff)} No answer "
                            "was dropped; review them (/review) before compiling.")
        return tuple(warnings)


def describe_diff(diff: BankDiff) -> str:
    if not diff.changed:
        return "No question was added, removed or renamed."
    parts = []
    if diff.added:
        parts.append("added: " + ", ".join(diff.added))
    if diff.removed:
        parts.append("removed (their answers are kept as previous answers): " + ", ".join(diff.removed))
    if diff.renamed:
        parts.append("renamed: " + ", ".join(f"{old} → {new}" for old, new in diff.renamed))
    text = "Questions " + "; ".join(parts) + "." if parts else ""
    if diff.stale_choices:
        stale = ", ".join(f"{qid} = {value!r}" for qid, value in diff.stale_choices)
        text += (" " if text else "") + (f"Answers that are no longer one of their question's choices (answer "
                                         f"them again): {stale}.")
    return text

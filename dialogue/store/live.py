"""A live, durable interview: the engine wired to its journal. The one object the UI talks to.

Each command runs on the engine, and the events it produced are appended and fsync'ed **before** the
new step is returned — so whatever the UI shows next, the answer before it is already on disk.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from dialogue.banks.reader import load_bank
from dialogue.engine import Engine, Step
from dialogue.errors import JournalError, ReplayError, SessionNotFound
from dialogue.model import Bank, Transcript
from dialogue.store.journal import Header, Journal, JournalWriter, SessionStore, new_session_id
from dialogue.store.migration import BankDiff, migrate

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

    def run(self, command: str, *args: Any) -> Step:
        """Run an engine command by name and journal its events before returning the next step.

        If the journal cannot be written (disk full, directory gone read-only), the engine is put back to
        what is on disk and the `JournalError` is raised: the UI says so and asks again, and nothing the
        screen acknowledged is missing from the file."""
        durable = self.engine.events
        step = getattr(self.engine, command)(*args)
        try:
            self.writer.append(self.engine.take_events())
        except JournalError:
            self.engine = Engine.replay(self.engine.bank, durable, self.engine.clock, self.session_id,
                                        self.engine.transcript().previous_answers)
            raise
        return step

    def transcript(self) -> Transcript:
        return self.engine.transcript()

    def close(self) -> None:
        self.writer.close()


class SessionManager:
    """Create, resume and read sessions in one store."""

    def __init__(self, store: SessionStore, clock: Clock):
        self.store = store
        self.clock = clock
        self._banks: dict[tuple[str, int, int], Bank] = {}  # (path, mtime, size) → validated bank

    def _iso_clock(self) -> Callable[[], str]:
        return lambda: iso(self.clock())

    @contextlib.contextmanager
    def create(self, bank: Bank, meta: dict[str, Any] | None = None) -> Iterator[LiveSession]:
        now = self.clock()
        session_id = new_session_id(now.strftime("%Y%m%d-%H%M%S"))
        header = Header(session_id, bank.id, bank.version, bank.source_hash,
                        str(Path(bank.source_path).resolve()), iso(now),
                        extra={"question_ids": [q.id for q in bank.questions()]})
        self.store.ensure()
        with self.store.lock(session_id):
            engine = Engine(bank, self._iso_clock(), session_id)
            engine.start(meta or {})
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
            journal = self.store.read(session_id)
            bank = bank or self.bank_for(journal.header)
            engine = self._replay(session_id, journal, bank)
            live = LiveSession(session_id, engine, self.store.append_to(session_id),
                               journal.warnings + self._bank_warnings(session_id, journal.header, bank))
            try:
                if engine.state == "intro":  # a header without events (an old crash, or made by hand)
                    live.run("start", {})
                live.bank_changed = bank.source_hash != journal.header.bank_hash
                yield live
            finally:
                live.close()

    def bank_for(self, header: Header) -> Bank:
        """The session's bank, validated once per file version (a batch of sessions shares it)."""
        path = Path(header.bank_path)
        if not path.is_file():
            raise JournalError(f"the question bank of this session is not at {path} any more; "
                               "pass it with --bank FILE")
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in self._banks:
            self._banks[key] = load_bank(path)
        return self._banks[key]

    def transcript(self, session_id: str, bank: Bank | None = None) -> Transcript:
        return self.transcript_and_warnings(session_id, bank)[0]

    def transcript_and_warnings(self, session_id: str, bank: Bank | None = None
                                ) -> tuple[Transcript, tuple[str, ...]]:
        """The replayed transcript, read without changing the file, and what the user should be told:
        a damaged last line that was ignored, a bank that is not the one the session started with."""
        journal = self.store.read(session_id, repair=False)
        bank = bank or self.bank_for(journal.header)
        transcript = self._replay(session_id, journal, bank).transcript()
        return transcript, journal.warnings + self._bank_warnings(session_id, journal.header, bank)

    def _replay(self, session_id: str, journal: Journal, bank: Bank) -> Engine:
        """Replay the journal; on a changed bank, through the migration (renamed questions follow their
        `replaces:`, answers to removed ones are kept as previous answers). The file is never rewritten."""
        try:
            if bank.source_hash == journal.header.bank_hash:
                return Engine.replay(bank, journal.events, self._iso_clock(), session_id)
            migration = migrate(journal.events, bank, journal.header.extra.get("question_ids"))
            return Engine.replay(bank, migration.events, self._iso_clock(), session_id,
                                 migration.previous_answers)
        except ReplayError as exc:
            path = self.store.path(session_id)
            changed = ""
            if bank.source_hash != journal.header.bank_hash:
                changed = (f" The bank {bank.source_path} has changed since this session started "
                           f"(hash {journal.header.bank_hash} then, {bank.source_hash} now).")
            raise ReplayError(f"{path}: {exc}{changed} The session file was not changed.") from None

    def _bank_warnings(self, session_id: str, header: Header, bank: Bank) -> tuple[str, ...]:
        if bank.source_hash == header.bank_hash:
            return ()
        journal_events = self.store.read(session_id, repair=False).events
        diff = migrate(journal_events, bank, header.extra.get("question_ids")).diff
        return (f"{self.store.path(session_id)}: the question bank {bank.source_path} is not the one this "
                f"session started with (version {header.bank_version} then, {bank.version} now; hash "
                f"{header.bank_hash} then, {bank.source_hash} now). {describe_diff(diff)} No answer was "
                "dropped; review them (/review) before compiling.",)


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
    return "Questions " + "; ".join(parts) + "."

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

from dialogue.bank import load_bank
from dialogue.engine import Engine, Step
from dialogue.errors import JournalError
from dialogue.journal import Header, JournalWriter, SessionStore, new_session_id
from dialogue.model import Bank, Transcript

Clock = Callable[[], datetime]


def iso(now: datetime) -> str:
    return now.isoformat(timespec="milliseconds")


@dataclass
class LiveSession:
    session_id: str
    engine: Engine
    writer: JournalWriter
    warnings: tuple[str, ...] = ()

    def step(self) -> Step:
        return self.engine.step()

    def run(self, command: str, *args: Any) -> Step:
        """Run an engine command by name and journal its events before returning the next step."""
        step = getattr(self.engine, command)(*args)
        self.writer.append(self.engine.take_events())
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

    def _iso_clock(self) -> Callable[[], str]:
        return lambda: iso(self.clock())

    @contextlib.contextmanager
    def create(self, bank: Bank, meta: dict[str, Any] | None = None) -> Iterator[LiveSession]:
        now = self.clock()
        session_id = new_session_id(now.strftime("%Y%m%d-%H%M%S"))
        header = Header(session_id, bank.id, bank.version, bank.source_hash,
                        str(Path(bank.source_path).resolve()), iso(now))
        self.store.ensure()
        with self.store.lock(session_id):
            writer = self.store.create(header)
            engine = Engine(bank, self._iso_clock(), session_id)
            live = LiveSession(session_id, engine, writer)
            try:
                live.run("start", meta or {})
                yield live
            finally:
                live.close()

    @contextlib.contextmanager
    def resume(self, session_id: str, bank: Bank | None = None) -> Iterator[LiveSession]:
        with self.store.lock(session_id):
            journal = self.store.read(session_id)
            bank = bank or self.bank_for(journal.header)
            engine = Engine.replay(bank, journal.events, self._iso_clock(), session_id)
            live = LiveSession(session_id, engine, self.store.append_to(session_id), journal.warnings)
            try:
                yield live
            finally:
                live.close()

    def bank_for(self, header: Header) -> Bank:
        path = Path(header.bank_path)
        if not path.is_file():
            raise JournalError(f"the question bank of this session is not at {path} any more; "
                               "pass it with --bank FILE")
        return load_bank(path)

    def transcript(self, session_id: str, bank: Bank | None = None) -> Transcript:
        journal = self.store.read(session_id, repair=False)
        bank = bank or self.bank_for(journal.header)
        return Engine.replay(bank, journal.events, self._iso_clock(), session_id).transcript()

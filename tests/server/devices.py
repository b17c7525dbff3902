"""Laptops for the team tests: each a sessions folder, with real interviews written by the real engine."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from dialogue.model import Actor
from dialogue.model.events import Started
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
from dialogue.store.server.remote import Remote
from dialogue.store.server.sync import Outcome, sync_all
from tests.helpers import JST, MINI_BANK, ticking_clock

START = datetime(2026, 11, 23, 10, 0, 0, tzinfo=JST)


class Device:
    """One staff member's computer: its own sessions folder and its own clock."""

    def __init__(self, root: Path, start: datetime = START):
        self.store = SessionStore(root)
        self.manager = SessionManager(self.store, ticking_clock(start))

    def interview(self, company: str = "株式会社みどり精工", notes: int = 3) -> str:
        """A new session: the company's name, a few answers, `notes` notes, then paused."""
        from dialogue.banks.reader import load_bank

        with self.manager.create(load_bank(MINI_BANK), Started(lang="ja")) as live:
            live.answer(company)
            live.answer("24")
            for n in range(notes):
                live.note(f"メモ{n}：主要取引先は3社、取引は20年以上")
            live.pause()
            return live.session_id

    def many(self, count: int, notes: int = 45) -> list[str]:
        """`count` sessions of about `notes + 7` events each, written the fast way: the engine in memory,
        then each journal created whole (one fsync) — the same files an interview would leave."""
        return [write_session(self.store, f"株式会社テスト{n:04d}", notes, f"20261123-1000{n:05d}")
                for n in range(count)]

    def continue_(self, session_id: str, text: str) -> None:
        """Resume the session and add a note (a later visit on this computer)."""
        with self.manager.resume(session_id) as live:
            live.resume()
            live.note(text)
            live.pause()

    def events(self, session_id: str) -> list[dict]:
        return [e.to_json() for e in self.store.read(session_id, repair=False).events]

    def file_bytes(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(self.store.root.glob("*.jsonl"))}

    def sync(self, remote: Remote) -> list[Outcome]:
        return list(sync_all(self.store, remote, self.company))

    def company(self, session_id: str) -> str:
        return str(self.manager.transcript(session_id).field_value("company.name") or "")


def write_session(store: SessionStore, company: str, notes: int, session_id: str, actor: Actor | None = None) -> str:
    """A journal exactly as the engine writes it for: the company's name, 24 employees, `notes` notes, paused
    (each event signed by `actor`, as the CLI signs them). The engine runs once per (`notes`, `actor`); each
    session then gets those events with its own company name."""
    from dataclasses import replace

    from dialogue.model.events import Answered
    from dialogue.store.journal import Header

    bank, events = _template(notes, actor)
    mine = [replace(e, payload=Answered("company_name", company, company))
            if isinstance(e.payload, Answered) and e.payload.question == "company_name" else e for e in events]
    header = Header(session_id, bank.id, bank.version, bank.source_hash, str(MINI_BANK), START.isoformat(),
                    extra={"question_ids": [q.id for q in bank.questions()]})
    store.create(header, mine).close()
    return session_id


@cache
def _template(notes: int, actor: Actor | None = None):  # type: ignore[no-untyped-def]
    from dialogue.banks.reader import load_bank
    from dialogue.engine import Engine

    bank = load_bank(MINI_BANK)
    clock = ticking_clock(START)
    engine = Engine(bank, lambda: clock().isoformat(timespec="milliseconds"), "template", actor)
    engine.start(Started(lang="ja"))
    engine.answer("株式会社みどり精工")
    engine.answer("24")
    for n in range(notes):
        engine.note(f"メモ{n}：主要取引先は3社、取引は20年以上")
    engine.pause()
    return bank, engine.take_events()


def later(hours: float) -> datetime:
    return START + timedelta(hours=hours)

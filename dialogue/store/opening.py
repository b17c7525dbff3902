"""Reading a session into an engine: the journal read once, the session's bank found, and the engine either
restored from the session's snapshot (dialogue.store.snapshot) with only the later events replayed, or built
by replaying every event — through the migration when the bank has changed since. What the user should be
told (a repaired last line, another or a changed bank) comes back with it. The file is never rewritten, except
by `repair` of a torn last line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from dialogue.banks.builtin import bank_files
from dialogue.banks.cache import load_bank
from dialogue.engine import Engine
from dialogue.engine.snapshot import SnapshotMismatch
from dialogue.errors import JournalError, ReplayError
from dialogue.model import Actor, Bank
from dialogue.record import Record, record
from dialogue.store.journal import Header, Journal, SessionStore
from dialogue.store.migration import BankDiff, diff_banks, fits, migrate

if TYPE_CHECKING:
    from dialogue.store.snapshot import Snapshot


@record
class Opened(Record):
    """A journal read and replayed: the engine, and what the user should be told about it. `replayed`: the
    events decoded and applied (all of them, or those after a snapshot's); `migrated`: the events were
    changed to fit another bank (no snapshot can describe the journal then)."""

    journal: Journal
    engine: Engine
    warnings: tuple[str, ...]
    replayed: int = 0
    migrated: bool = False



class Opener:
    """Opens the sessions of one store; each bank file is validated once per version (a batch shares it)."""

    def __init__(self, store: SessionStore, clock: Callable[[], str], actor: Actor | None = None):
        self.store = store
        self.clock = clock  # ISO time text for the engine's events
        self.actor = actor
        self._banks: dict[tuple[str, int, int], Bank] = {}  # (path, mtime, size) → validated bank

    def open(self, session_id: str, bank: Bank | None = None, repair: bool = False) -> Opened:
        """Read and replay a session (the file is only changed by `repair` of a torn last line). The journal
        is read once; with a snapshot valid for its start, the engine is restored from it and only the events
        after it are replayed; otherwise (none, damaged, outdated, another bank) every event is."""
        # here: a new interview opens nothing (dialogue.store.live)
        from dialogue.store import snapshot as snapshots

        data = self.store.read_bytes(session_id)
        found = snapshots.load(self.store, session_id, data)
        earlier: tuple[str, ...] = ()
        if found is not None:
            opened, earlier = self._restored(session_id, data, found, bank, repair)
            if opened is not None:
                return opened
        journal = self.store.read(session_id, repair=repair, data=None if earlier else data)
        bank = bank or self.bank_for(journal.header)
        engine, diff = self._replay(session_id, journal, bank)
        return Opened(journal, engine, earlier + journal.warnings + self._bank_warnings(session_id, journal, bank, diff),
                      len(journal.events), diff is not None)

    def _restored(self, session_id: str, data: bytes, found: Snapshot, bank: Bank | None, repair: bool
                  ) -> tuple[Opened | None, tuple[str, ...]]:
        """The session restored from `found` and the events after it; None when the snapshot does not fit
        after all (with the warnings of a repair already made, to pass on)."""
        try:
            journal = self.store.read(session_id, repair=repair, data=data, covered=found.covered)
        except ValueError:
            return None, ()
        bank = bank or self.bank_for(journal.header)
        covered = journal.covered
        if covered is None or not fits(journal.events, bank) \
                or not bank.source_hash == found.bank_hash == journal.header.bank_hash:
            return None, journal.warnings
        try:
            engine = Engine.restore(bank, found.state, self.clock, session_id, self.actor, covered,
                                    journal.events)
        except SnapshotMismatch:
            from dialogue.store.snapshot import remove

            remove(self.store, session_id)  # (another bank, above, keeps it: a compile with --bank)
            return None, journal.warnings
        except ReplayError as exc:
            raise self._replay_error(session_id, journal, bank, exc, None) from None
        return Opened(journal, engine, journal.warnings, len(journal.events)), ()

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

    def _replay(self, session_id: str, journal: Journal, bank: Bank) -> tuple[Engine, BankDiff | None]:
        """Replay the journal. When an event names a question the bank does not have (a changed or a
        reverted bank), through the migration: renamed questions follow their `replaces:`, answers to
        removed ones are kept as previous answers. The file is never rewritten."""
        diff = None
        try:
            if fits(journal.events, bank):
                engine = Engine.replay(bank, journal.events, self.clock, session_id, actor=self.actor)
            else:
                migration = migrate(journal.events, bank, journal.header.extra.get("question_ids"))
                diff = migration.diff
                engine = Engine.replay(bank, migration.events, self.clock, session_id,
                                       migration.previous_answers, self.actor)
        except ReplayError as exc:
            raise self._replay_error(session_id, journal, bank, exc, diff) from None
        return engine, diff

    def _replay_error(self, session_id: str, journal: Journal, bank: Bank, exc: ReplayError, diff: BankDiff | None
                      ) -> ReplayError:
        line = journal.line_of(exc.index) if diff is None else None
        where = f"{self.store.path(session_id)}:{line}" if line else str(self.store.path(session_id))
        changed = ""
        if bank.source_hash != journal.header.bank_hash:
            changed = (f" The bank {bank.source_path} has changed since this session started "
                       f"(hash {journal.header.bank_hash} then, {bank.source_hash} now).")
        return ReplayError(f"{where}: {exc}.{changed} The session file was not changed.")

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

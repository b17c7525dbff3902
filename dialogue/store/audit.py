"""The audit log: who opened, resumed, compiled, exported, wrote up, assigned, reviewed or deleted which
session and which files, and when — never what the answers say.

One JSON line per entry, appended and fsync'ed under a lock, each entry chained to the one before it:
`hash = SHA-256(canonical JSON of the entry with "prev" = the previous entry's hash)`. Changing an entry
breaks its own hash; removing or inserting one breaks the sequence numbers and the next entry's `prev`.
Removing whole entries from the end leaves a valid chain, so a head record beside the log
(`audit.log.head`: the last sequence number and hash, replaced atomically after each append) catches a
truncated tail. An entry cut off by a crash (no line end) is not tampering: the head is written only after
the entry is durable, so the head never points past it; the next append moves the torn bytes to
`audit.log.tornN` and records a `repair` entry.

What the chain cannot do: someone who can write both files and knows the (public) algorithm can rewrite
the whole chain consistently. Against them, the head must be kept elsewhere too — on the team server, or
in what is handed to the bank (docs/security.md).
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import field
from datetime import datetime
from pathlib import Path
from typing import Any

from dialogue.errors import ExitStatus, LocabenError
from dialogue.oslock import FileLock
from dialogue.record import Record, record
from dialogue.store.keys import replace_file
from dialogue.store.locks import hostname

LOG_NAME = "audit.log"
GENESIS = "0" * 64
LOCK_TIMEOUT = 30.0  # seconds a writer waits for another one (an entry is a few milliseconds' work)
MAX_DETAIL = 80  # characters in a detail value: room for an id or a list of formats, not for an answer
ENTRY_KEYS = ("seq", "at", "by", "action", "session", "files", "detail", "prev", "hash")

# action → the detail keys it may carry: short facts, never content. The one table of audited actions.
ACTIONS: dict[str, tuple[str, ...]] = {
    "open": ("mode", "bank"),  # a new interview started
    "resume": ("visit",),
    "compile": ("formats", "events"),
    "export": ("formats", "to", "events"),
    "write_up": ("field",),  # a sheet box's write-up saved
    "assign": ("to", "role"),
    "review": ("field", "outcome"),
    "delete": ("reason", "events"),
    "encrypt": ("scheme",),
    "rekey": ("scheme",),
    "repair": ("torn_bytes", "kept_as"),  # the log's own torn last entry moved aside
}


class AuditError(LocabenError):
    """The audit log cannot be written or read; the action it would record did not happen."""

    exit_status = ExitStatus.SESSION


@record
class Actor(Record):
    """Who acts: the same shape as an event's `by` (id, name, device)."""

    id: str
    name: str = ""
    device: str = ""

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "device": self.device}


def current_actor() -> Actor:
    """The logged-in user on this computer (the CLI builds it once; tests pass their own)."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment or the user database
        user = "unknown"
    return Actor(user, "", hostname())


@record
class Verdict(Record):
    """The result of `verify()`: ok, or the first broken link with its line and what it means."""

    ok: bool
    entries: int  # entries checked and found in order
    line: int | None = None
    problem: str = ""  # changed | missing | inserted | broken_link | damaged | truncated | head_missing
    message: str = ""
    warnings: tuple[str, ...] = field(default=())


def entry_hash(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(canonical(body)).hexdigest()


def canonical(obj: dict[str, Any]) -> bytes:
    """An entry as it is written (and hashed): sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class AuditLog:
    """The hash-chained log of one store (or, with a server, of one laptop's copy of it)."""

    def __init__(self, path: Path, clock: Callable[[], datetime], actor: Actor):
        self.path = Path(path)
        self.head_path = self.path.with_name(self.path.name + ".head")
        self.clock = clock
        self.actor = actor

    # ---- writing ----

    def record(self, action: str, session: str | None = None, files: Iterable[Path | str] = (),
               **detail: str | int | bool | list[str]) -> dict[str, Any]:
        """Append one entry durably (log fsync'ed, then the head). Raises AuditError if it cannot."""
        return self.record_many([(action, session, files, detail)])[0]

    def record_many(self, actions: Iterable[tuple[str, str | None, Iterable[Path | str], dict[str, Any]]]
                    ) -> list[dict[str, Any]]:
        """Append several entries (action, session, files, detail), each chained to the one before, durably
        at once: one lock, one write and fsync of the log, one head — `compile --all` records a part of its
        sessions before committing their files, rather than paying three fsyncs a session."""
        actions = list(actions)
        for action, _, _, detail in actions:
            _check_detail(action, detail)
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        entries: list[dict[str, Any]] = []
        try:
            with _held(str(self.path) + ".lock", LOCK_TIMEOUT):
                seq, prev = self._tail()
                for action, session, files, detail in actions:
                    seq += 1
                    entry: dict[str, Any] = {"seq": seq, "at": self.clock().isoformat(timespec="milliseconds"),
                                             "by": self.actor.to_json(), "action": action, "session": session,
                                             "files": [str(Path(f).resolve()) for f in files], "detail": detail,
                                             "prev": prev}
                    entry["hash"] = prev = entry_hash(entry)
                    entries.append(entry)
                if entries:
                    self._append(b"".join(canonical(e) + b"\n" for e in entries))
                    replace_file(self.head_path, canonical({"seq": seq, "hash": prev}))
        except OSError as exc:
            raise AuditError(f"cannot write the audit log {self.path}: {exc.strerror or exc}. The action was "
                             "not carried out; free space or fix permissions, then try again.") from None
        return entries

    def _tail(self) -> tuple[int, str]:
        """The last entry's (seq, hash); a torn last entry is moved aside and its repair recorded first."""
        last, torn = _last_line(self.path)
        if torn:
            kept = self._keep_torn(torn)
            seq, prev = self._tail()
            entry: dict[str, Any] = {"seq": seq + 1, "at": self.clock().isoformat(timespec="milliseconds"),
                                     "by": self.actor.to_json(), "action": "repair", "session": None, "files": [],
                                     "detail": {"torn_bytes": len(torn), "kept_as": kept}, "prev": prev}
            entry["hash"] = entry_hash(entry)
            self._append(canonical(entry) + b"\n")
            return seq + 1, str(entry["hash"])
        if last is None:
            return 0, GENESIS
        try:
            entry = json.loads(last.decode("utf-8"))
            return int(entry["seq"]), str(entry["hash"])
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise AuditError(f"the last entry of the audit log {self.path} is damaged, so nothing can be "
                             "chained to it. Run `locaben audit --verify` and ask the administrator.") from None

    def _keep_torn(self, torn: bytes) -> str:
        kept = next((p for n in range(1, 1000)
                     if not (p := self.path.with_name(f"{self.path.name}.torn{n}")).exists()), None)
        if kept is None:
            raise AuditError(f"too many torn entries kept beside {self.path}; ask the administrator")
        replace_file(kept, torn)
        os.truncate(self.path, self.path.stat().st_size - len(torn))
        return kept.name

    def _append(self, line: bytes) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            written = 0
            while written < len(line):
                written += os.write(fd, line[written:])
            os.fsync(fd)
        finally:
            os.close(fd)

    # ---- reading ----

    def entries(self) -> list[dict[str, Any]]:
        """Every whole entry that parses, for listing (`locaben audit`); `verify()` judges them."""
        if not self.path.exists():
            return []
        found = []
        for raw in self.path.read_bytes().split(b"\n")[:-1]:
            with contextlib.suppress(ValueError, UnicodeDecodeError):
                entry = json.loads(raw.decode("utf-8"))
                if isinstance(entry, dict):
                    found.append(entry)
        return found

    def output_dirs(self, session_id: str) -> set[Path]:
        """Folders that compile/export entries of `session_id` wrote into (for `locaben delete`)."""
        return {Path(f).parent for e in self.entries() if e.get("session") == session_id
                and e.get("action") in ("compile", "export") for f in e.get("files", []) if isinstance(f, str)}

    def verify(self) -> Verdict:
        """Walk the chain from the first entry; stop at the first broken link."""
        data = self.path.read_bytes() if self.path.exists() else b""
        lines = data.split(b"\n")
        complete, tail = lines[:-1], lines[-1]
        prev, count = GENESIS, 0
        for number, raw in enumerate(complete, start=1):
            broken = _check_entry(raw, number, count + 1, prev)
            if broken is not None:
                return Verdict(False, count, number, *broken)
            prev, count = json.loads(raw.decode("utf-8"))["hash"], count + 1
        return self._check_head(count, complete, tail)

    def _check_head(self, count: int, complete: list[bytes], tail: bytes) -> Verdict:
        warnings: tuple[str, ...] = ()
        if tail:
            warnings = (f"line {count + 1}: the last entry is incomplete (the program stopped while writing "
                        "it); the next entry moves it aside and records the repair.",)
        try:
            head = json.loads(self.head_path.read_text(encoding="utf-8"))
            head_seq, head_hash = int(head["seq"]), str(head["hash"])
        except FileNotFoundError:
            if count == 0:
                return Verdict(True, 0, warnings=warnings)
            return Verdict(False, count, count, "head_missing",
                           f"the head record {self.head_path.name} is missing, so entries removed from the end "
                           "could not be noticed. Compare with a copy kept elsewhere.", warnings)
        except (OSError, ValueError, KeyError, TypeError):
            return Verdict(False, count, None, "head_missing", f"the head record {self.head_path.name} is "
                           "damaged, so entries removed from the end could not be noticed.", warnings)
        if head_seq > count:
            gone = head_seq - count
            return Verdict(False, count, count + 1 if count else 1, "truncated",
                           f"the log ends at entry {count}, but entry {head_seq} was written: {gone} "
                           f"entr{'y was' if gone == 1 else 'ies were'} removed from the end.", warnings)
        if head_seq >= 1 and json.loads(complete[head_seq - 1].decode("utf-8"))["hash"] != head_hash:
            return Verdict(False, count, head_seq, "changed",
                           f"line {head_seq} is not the entry the head record says was written there.", warnings)
        return Verdict(True, count, warnings=warnings)


def _check_entry(raw: bytes, number: int, expected: int, prev: str) -> tuple[str, str] | None:
    """(problem, message) for the first rule line `number` breaks, or None."""
    try:
        entry = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        entry = None
    if not isinstance(entry, dict) or not all(k in entry for k in ENTRY_KEYS) or not isinstance(entry["seq"], int):
        return "damaged", f"line {number} is not an audit entry (damaged or written by hand)."
    if entry["seq"] > expected:
        gone = f"entry {expected}" if entry["seq"] == expected + 1 else f"entries {expected}–{entry['seq'] - 1}"
        return "missing", f"line {number}: {gone} is missing — removed from the log."
    if entry["seq"] < expected:
        return "inserted", f"line {number}: entry {entry['seq']} comes again here — a line was inserted or copied."
    if entry["prev"] != prev:
        return "broken_link", (f"line {number} does not follow the entry before it: it was not written by "
                               "locaben after that entry (forged or inserted), or the entry before it was changed.")
    if entry_hash(entry) != entry["hash"]:
        return "changed", f"line {number} was changed after it was written."
    return None


def _last_line(path: Path, window: int = 65536) -> tuple[bytes | None, bytes]:
    """(the last whole line, the torn bytes after it) — read from the end, not the whole log."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None, b""
    with open(path, "rb") as handle:
        handle.seek(max(0, size - window))
        chunk = handle.read()
    if size > window:
        chunk = chunk[chunk.find(b"\n") + 1:]  # drop the partial first line of the window
    body, newline, torn = chunk.rpartition(b"\n")
    if not newline:
        return None, torn
    return body.rpartition(b"\n")[2], torn


def _check_detail(action: str, detail: dict[str, Any]) -> None:
    """Only the detail keys the action's row allows, and only short single-line values: an answer
    cannot be smuggled into the log by a caller."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audited action {action!r}; add it to audit.ACTIONS")
    for key, value in detail.items():
        if key not in ACTIONS[action]:
            raise ValueError(f"{action!r} entries carry only {ACTIONS[action]}, not {key!r}")
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str) and (len(item) > MAX_DETAIL or "\n" in item):
                raise ValueError(f"audit detail {key!r} must be a short single line (≤ {MAX_DETAIL} characters)")
            if not isinstance(item, str | int | bool):
                raise ValueError(f"audit detail {key!r} must be text, a number or true/false")


@contextlib.contextmanager
def _held(path: str, timeout: float) -> Iterator[None]:
    """The log's lock for the block: writers take turns, so each entry chains to the one written before."""
    lock = FileLock(path)
    lock.acquire(timeout)  # LockBusy (an OSError) after `timeout` seconds
    try:
        yield
    finally:
        lock.release()

"""Snapshots of a session's engine: `ID.state` beside `ID.jsonl`, so resuming a long session does not decode
and replay every event again (issue 18: a 10,000-event session took ~100 ms more than a short one).

A snapshot is derived and disposable, like the summary index (dialogue.store.summary): deleting it changes
nothing but speed, and one that is missing, damaged, cut off, of another locaben or format version, of
another bank, or whose journal no longer starts with the bytes it covers is ignored (and removed) — the
journal is then replayed as always. It is never a second source of truth: its header holds the length of the
journal prefix it was made from and a hash of exactly those bytes; it is used only while the journal
still starts with them, and the events after them (another device's, a team sync's) are replayed on top.

The file: one header line (format, version, `dialogue.__version__`, session id, the bank's source hash, the
journal's byte length, where its first event line starts, the SHA-256 hash of those bytes, the number of events and
the last one's time, the hash of the body), then the body: the engine's state as JSON
(dialogue.engine.snapshot; no pickle, nothing in it can run code). Written whole to a private (0600)
temporary file, then put in place with os.replace.

It holds what the session holds — customer answers — in clear. So it is kept only where the summary index
may be (`summary_allowed`: never in a store that encrypts or has a key, never for an encrypted journal);
`locaben delete`/`purge` remove it with the session, and `locaben store encrypt` removes every snapshot.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dialogue import __version__
from dialogue.record import Record, record
from dialogue.store.crypto import is_encrypted, load_json
from dialogue.store.journal import SessionStore
from dialogue.store.journal_io import replace_derived
from dialogue.store.summary import summary_allowed

if TYPE_CHECKING:
    from dialogue.engine import Engine

SUFFIX = ".state"
FORMAT = "locaben-engine-snapshot"
VERSION = 1  # the file's layout; the body's own version is dialogue.engine.snapshot.STATE_VERSION
MIN_EVENTS = 1000  # below this a replay costs a few ms: no snapshot is kept (fewer files holding answers)


@record
class Snapshot(Record):
    """A snapshot that is valid for the journal's current bytes: it covers their first `length` bytes."""

    length: int
    bank_hash: str
    events: int
    last_at: str
    state: dict[str, Any]


def snapshot_path(store: SessionStore, session_id: str) -> Path:
    return store.path(session_id).with_suffix(SUFFIX)


def allowed(store: SessionStore) -> bool:
    """Whether this store may keep snapshots (plaintext copies of answers): as for the summary index."""
    return summary_allowed(store)


def _digest(data: bytes | memoryview) -> str:
    """SHA-256 rather than BLAKE2b: OpenSSL's uses the processor's SHA instructions where it has them (2.2 MiB
    of journal: 1.4 ms against BLAKE2b's 2.9 ms on the project's machine), and it is checked at every resume."""
    return hashlib.sha256(data).hexdigest()


def load(store: SessionStore, session_id: str, data: bytes) -> Snapshot | None:
    """The session's snapshot if it is valid for the journal bytes `data`; None otherwise (a damaged or
    outdated one is removed; in a store that may not keep snapshots, any left from before is removed)."""
    path = snapshot_path(store, session_id)
    try:
        text = path.read_bytes()
    except OSError:
        return None
    if not allowed(store):
        remove(store, session_id)
        return None
    try:
        found = _valid(text, session_id, data)
    except _Later:
        return None  # made from more of the journal than `data`: a reader racing the writer keeps it
    if found is None:
        remove(store, session_id)
    return found


class _Later(Exception):
    """The snapshot covers more bytes than the journal read: read before the snapshot was written (a listing
    while the session is open elsewhere), or the journal was put back to an older copy."""


def _valid(text: bytes, session_id: str, data: bytes) -> Snapshot | None:
    head_line, _, body = text.partition(b"\n")
    try:
        head = json.loads(head_line)
        if not isinstance(head, dict) or head.get("format") != FORMAT or head.get("version") != VERSION \
                or head.get("locaben") != __version__ or head.get("session_id") != session_id:
            return None
        length, first = head["journal_bytes"], head["journal_events_at"]
        if not (isinstance(length, int) and isinstance(first, int) and 0 < first <= length):
            return None
        if length > len(data):
            raise _Later
        if data[first - 1:first] != b"\n" or data.index(b"\n") + 1 != first \
                or _digest(memoryview(data)[:length]) != head["journal_hash"] or _digest(body) != head["body_hash"]:
            return None
        state = json.loads(body)
        if not isinstance(state, dict) or not isinstance(head["bank_hash"], str) \
                or not isinstance(head["last_at"], str) or not isinstance(head["events"], int):
            return None
        return Snapshot(length, head["bank_hash"], head["events"], head["last_at"], state)
    except (ValueError, KeyError, TypeError, RecursionError):
        return None


def save(store: SessionStore, session_id: str, engine: Engine) -> bool:
    """Write a snapshot of `engine`, which has applied exactly the events of the journal as it is on disk
    now (the caller holds the session's lock, and every event is durable). Checked against the file: its
    lines must be the engine's events, one each. Any failure leaves no snapshot (False); never raises."""
    try:
        if not allowed(store):
            return False
        data = store.read_bytes(session_id)
        first = data.index(b"\n") + 1
        if not data.endswith(b"\n") or data.count(b"\n", first) != engine.event_count \
                or is_encrypted(load_json(data[:first]) or {"crypto": "?"}):
            return False  # blank lines, lines per write (encrypted): not a journal a snapshot can describe
        state = engine.snapshot()
        body = json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        head = {"format": FORMAT, "version": VERSION, "locaben": __version__, "session_id": session_id,
                "bank_hash": engine.bank.source_hash, "journal_bytes": len(data), "journal_events_at": first,
                "journal_hash": _digest(data), "events": engine.event_count, "last_at": engine.last_at,
                "body_hash": _digest(body)}
        replace_derived(snapshot_path(store, session_id), json.dumps(head).encode("ascii") + b"\n" + body)
        return True
    except (OSError, ValueError, TypeError):
        return False


def remove(store: SessionStore, session_id: str) -> None:
    """Delete the session's snapshot and any temporary file of an interrupted write."""
    for found in session_files(store.root, session_id):
        with contextlib.suppress(OSError):
            found.unlink()


def session_files(root: Path, session_id: str) -> list[Path]:
    """The snapshot files of `session_id` in the store folder `root` (for deletion)."""
    path = root / f"{session_id}{SUFFIX}"
    return [path, *root.glob(f".{path.name}.*.tmp")]


__all__ = ["MIN_EVENTS", "Snapshot", "allowed", "load", "remove", "save", "session_files", "snapshot_path"]

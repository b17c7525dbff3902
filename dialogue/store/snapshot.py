"""Snapshots of a session's engine: `ID.state` beside `ID.jsonl`, so resuming a long session does not decode
and replay every event again (issue 18: a 10,000-event session took ~100 ms more than a short one).

A snapshot is derived and disposable, like the summary index (dialogue.store.summary): deleting it changes
nothing but speed, and one that is missing, damaged, cut off, of another locaben or format version, of
another bank, or whose journal no longer starts with the bytes it covers is ignored (and removed) — the
journal is then replayed as always. It is never a second source of truth: its header holds the length of the
journal prefix it was made from and a hash of exactly those bytes; it is used only while the journal
still starts with them, and the events after them (another device's, a team sync's) are replayed on top.

The snapshot proper: one header line (format, version, `dialogue.__version__`, session id, the bank's source
hash, the journal's byte length, where its first event line starts, the SHA-256 hash of those bytes, the
number of events and the last one's time, and the hash of the body — or, sealed, the number of event lines),
then the body: the engine's state as JSON (dialogue.engine.snapshot; no pickle, nothing in it can run code).
Written whole to a private (0600) temporary file, then put in place with os.replace.

It holds what the session holds — customer answers. So it is kept in one of two forms:
- **plaintext** (the snapshot proper, as it is), for a plaintext journal, and only where the summary index
  may be (`summary_allowed`: never in a store that encrypts or has a key);
- **sealed**, for an encrypted journal (whatever the store says): `SEALED`, a format marker that is all it
  says in clear, then the snapshot proper sealed with AES-256-GCM under the session's own data key (the
  journal's, dialogue.store.crypto `AeadCodec.seal_snapshot`: associated data that names a snapshot and the
  session, so neither a journal line nor another session's snapshot is ever taken for it). Its header also
  says how many sealed lines it covers (one per write, holding one event or several), so the read goes on
  with the next line's sequence number; the covered lines are not decrypted at a resume.
A sealed snapshot that does not open (changed, another key: the journal encrypted again since) is removed;
after `store rekey` the journal's header, which the hash covers, has changed, so it is removed too.
`locaben delete`/`purge` remove it with the session, and `locaben store encrypt` removes every snapshot.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dialogue import __version__
from dialogue.errors import LocabenError
from dialogue.record import Record, record
from dialogue.store.covered import Covered
from dialogue.store.crypto import AeadCodec, TamperedLine, dump_json, is_encrypted, load_json
from dialogue.store.journal import SessionStore
from dialogue.store.journal_io import replace_derived
from dialogue.store.summary import summary_allowed

if TYPE_CHECKING:
    from dialogue.engine import Engine

SUFFIX = ".state"
FORMAT = "locaben-engine-snapshot"
VERSION = 1  # the file's layout; the body's own version is dialogue.engine.snapshot.STATE_VERSION
SEALED = b'{"format":"locaben-engine-snapshot","sealed":1}\n'  # then the nonce and the sealed snapshot proper
MIN_EVENTS = 1000  # below this a replay costs a few ms: no snapshot is kept (fewer files holding answers)


@record
class Snapshot(Record):
    """A snapshot that is valid for the journal's current bytes: it covers their first `length` bytes, `lines`
    event lines holding `events` events."""

    length: int
    bank_hash: str
    events: int
    last_at: str
    state: dict[str, Any]
    lines: int

    @property
    def covered(self) -> Covered:
        """What `SessionStore.read` keeps undecoded."""
        return Covered(self.length, self.events, self.last_at, self.lines)


def snapshot_path(store: SessionStore, session_id: str) -> Path:
    return store.path(session_id).with_suffix(SUFFIX)


def allowed(store: SessionStore) -> bool:
    """Whether this store may keep plaintext snapshots (copies of answers in clear): as for the summary index.
    (An encrypted journal's snapshot is sealed, in any store.)"""
    return summary_allowed(store)


def _digest(data: bytes | memoryview) -> str:
    """SHA-256 rather than BLAKE2b: OpenSSL's uses the processor's SHA instructions where it has them (2.2 MiB
    of journal: 1.4 ms against BLAKE2b's 2.9 ms on the project's machine), and it is checked at every resume."""
    return hashlib.sha256(data).hexdigest()


def _journal_codec(store: SessionStore, session_id: str, data: bytes) -> AeadCodec | None:
    """The codec of an encrypted journal (its snapshot is sealed under its key); None for a plaintext one
    (or a first line that is no header: the read says so). A wrong or missing key raises as the read would."""
    end = data.find(b"\n")
    head = load_json(data[:end]) if end > 0 else None
    if head is None or not is_encrypted(head):
        return None
    codec = store.open_codec(session_id, head)
    return codec if isinstance(codec, AeadCodec) else None


def load(store: SessionStore, session_id: str, data: bytes) -> Snapshot | None:
    """The session's snapshot if it is valid for the journal bytes `data`; None otherwise (a damaged or
    outdated one is removed, and so is a plaintext one where it may not be, or a sealed one that does not
    open). An encrypted journal's key is opened to unseal it: a wrong key raises as `SessionStore.read` does."""
    path = snapshot_path(store, session_id)
    try:
        text = path.read_bytes()
    except OSError:
        return None
    codec = _journal_codec(store, session_id, data)
    proper = _unsealed(store, codec, text)
    try:
        found = _valid(proper, session_id, data, codec is not None) if proper is not None else None
    except _Later:
        return None  # made from more of the journal than `data`: a reader racing the writer keeps it
    if found is None:
        remove(store, session_id)
    return found


def _unsealed(store: SessionStore, codec: AeadCodec | None, text: bytes) -> bytes | None:
    """The snapshot proper: a plaintext file as it is (where plaintext ones may be), a sealed one opened with
    the encrypted journal's codec; None for any other combination, or a seal that does not open."""
    sealed = text.startswith(SEALED)
    if codec is None:
        return text if not sealed and allowed(store) else None
    if not sealed:
        return None
    try:
        return codec.unseal_snapshot(text[len(SEALED):])
    except TamperedLine:
        return None


class _Later(Exception):
    """The snapshot covers more bytes than the journal read: read before the snapshot was written (a listing
    while the session is open elsewhere), or the journal was put back to an older copy."""


def _valid(text: bytes, session_id: str, data: bytes, sealed: bool) -> Snapshot | None:
    """The snapshot in `text` (the proper one, unsealed) if it fits the journal `data`. A sealed one's body is
    authenticated by its seal; a plaintext one's by the hash in its header."""
    head_line, _, body = text.partition(b"\n")
    try:
        head = json.loads(head_line)
        if not isinstance(head, dict) or head.get("format") != FORMAT or head.get("version") != VERSION \
                or head.get("locaben") != __version__ or head.get("session_id") != session_id:
            return None
        length, first, events = head["journal_bytes"], head["journal_events_at"], head["events"]
        lines = head["journal_lines"] if sealed else events
        if not all(isinstance(n, int) for n in (length, first, events, lines)) or not 0 < first <= length \
                or not 0 <= lines <= events:
            return None
        if length > len(data):
            raise _Later
        if data[first - 1:first] != b"\n" or data.index(b"\n") + 1 != first \
                or _digest(memoryview(data)[:length]) != head["journal_hash"] \
                or (not sealed and _digest(body) != head["body_hash"]):
            return None
        state = json.loads(body)
        if not isinstance(state, dict) or not isinstance(head["bank_hash"], str) or not isinstance(head["last_at"], str):
            return None
        return Snapshot(length, head["bank_hash"], events, head["last_at"], state, lines)
    except (ValueError, KeyError, TypeError, RecursionError):
        return None


def save(store: SessionStore, session_id: str, engine: Engine) -> bool:
    """Write a snapshot of `engine`, which has applied exactly the events of the journal as it is on disk
    now (the caller holds the session's lock, and every event is durable): sealed for an encrypted journal,
    plaintext for another where plaintext ones may be. Checked against the file: a plaintext journal's lines
    must be the engine's events, one each; an encrypted one's last line (decrypted at the sequence number its
    count of lines gives, so a blank line anywhere fails too) the engine's last events. Any failure leaves
    no new snapshot (False); never raises."""
    try:
        data = store.read_bytes(session_id)
        first = data.index(b"\n") + 1
        lines = data.count(b"\n", first)
        head = load_json(data[:first])
        if head is None or not data.endswith(b"\n"):
            return False
        codec = _journal_codec(store, session_id, data) if is_encrypted(head) else None
        if codec is None and (is_encrypted(head) or not allowed(store) or lines != engine.event_count):
            return False  # blank lines: not a journal a snapshot can describe
        if codec is not None and not _ends_with(codec, data, lines, engine):
            return False
        replace_derived(snapshot_path(store, session_id), _written(session_id, engine, data, first, lines, codec))
        return True
    except (OSError, ValueError, TypeError, LocabenError):
        return False


def _written(session_id: str, engine: Engine, data: bytes, first: int, lines: int, codec: AeadCodec | None
             ) -> bytes:
    """The file's bytes: the snapshot proper, or `SEALED` and the proper one sealed under `codec`."""
    body = json.dumps(engine.snapshot(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    head: dict[str, Any] = {
        "format": FORMAT, "version": VERSION, "locaben": __version__, "session_id": session_id,
        "bank_hash": engine.bank.source_hash, "journal_bytes": len(data), "journal_events_at": first,
        "journal_hash": _digest(data), "events": engine.event_count, "last_at": engine.last_at}
    if codec is None:
        return json.dumps({**head, "body_hash": _digest(body)}).encode("ascii") + b"\n" + body
    proper = json.dumps({**head, "journal_lines": lines}).encode("ascii") + b"\n" + body
    return SEALED + codec.seal_snapshot(proper)


def _ends_with(codec: AeadCodec, data: bytes, lines: int, engine: Engine) -> bool:
    """Whether the encrypted journal `data`'s last line is event line number `lines` and holds the engine's
    last events (it raises TamperedLine, a LocabenError, when it is not that line)."""
    if lines < 1:
        return False
    records = codec.decode_records(data[data.rindex(b"\n", 0, len(data) - 1) + 1:-1], lines)
    if records is None or len(records) > engine.event_count:
        return False
    ours = engine.events[engine.event_count - len(records):]
    return [dump_json(r) for r in records] == [dump_json(e.to_json()) for e in ours]


def remove(store: SessionStore, session_id: str) -> None:
    """Delete the session's snapshot and any temporary file of an interrupted write."""
    for found in session_files(store.root, session_id):
        with contextlib.suppress(OSError):
            found.unlink()


def session_files(root: Path, session_id: str) -> list[Path]:
    """The snapshot files of `session_id` in the store folder `root` (for deletion)."""
    path = root / f"{session_id}{SUFFIX}"
    return [path, *root.glob(f".{path.name}.*.tmp")]


__all__ = ["MIN_EVENTS", "SEALED", "Snapshot", "allowed", "load", "remove", "save", "session_files", "snapshot_path"]

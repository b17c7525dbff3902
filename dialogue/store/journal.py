"""Sessions as append-only JSON Lines journals: one header line, then one event per line.

Every append is flushed and fsync'ed before it returns, so an answer acknowledged on screen survives
`kill -9` or a dead battery. Files are created 0600 and the store directory 0700. An OS-level lock
(dialogue.store.locks) keeps two processes from writing one session; the OS releases it when its holder dies.

Each line goes through a codec (dialogue.store.crypto): plaintext JSON, or — in an encrypted store — one
AES-256-GCM line per write (the events of one append sealed together) bound to the session and its line's
sequence number (header = 0, first event line = 1, blank lines not counted). The header says which: a
`crypto` block names the key. The key is opened before any other line is read, so a wrong key or
passphrase fails before any repair could change the file.

Format versions: 1 (the first), 2 (typed events: what plaintext journals are written as), 3 (an encrypted
journal: the events of format 2, sealed a line per write; a locaben that reads only up to 2 refuses it as
"newer"). The next change of the events' format takes 4, for plaintext and encrypted journals alike.
`Header.version` is the version of the *events* (3 reads as 2), so a session's header, hash chain and
server copy are the same whether the journal is encrypted on this computer or not.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from dataclasses import asdict, field
from pathlib import Path
from typing import Any

from dialogue.errors import JournalError, SessionNotFound
from dialogue.model import Event
from dialogue.model.event_log import RawEvents
from dialogue.model.events import EventDecodeError
from dialogue.record import Record
from dialogue.record import record as frozen_record
from dialogue.store import locks
from dialogue.store.covered import Covered, decoder
from dialogue.store.crypto import (
    ENCRYPTED_VERSION,
    LineCodec,
    PlainCodec,
    dump_json,
    encrypt_header,
    load_json,
    open_codec,
)
from dialogue.store.journal_io import (
    JournalScan,
    bad_header,
    create_with,
    open_for_append,
    write_all,
)
from dialogue.store.keys import (
    STORE_KEY_FILE,
    Keys,
    KeyUnavailable,
    Wrapping,
    fsync_dir,
    read_store_wrapping,
    replace_file,
)
from dialogue.store.legacy import upgrade_event

FORMAT = "locaben-session"
FORMAT_VERSION = 2  # 2: events name their question `question` everywhere and may carry `by` (see legacy.py)
READS_UP_TO = ENCRYPTED_VERSION  # 3: an encrypted journal of format-2 events
EVENTS_OF_VERSION = {ENCRYPTED_VERSION: FORMAT_VERSION}  # file version → the version of its events
SESSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")


class PolicyRefusal(JournalError):
    """The administrator's policy forbids this (e.g. a plaintext session where encryption is required)."""


@frozen_record
class Protection(Record):
    """How a store protects what it writes: `encrypt_new` gives a store without a key one at its first new
    session (`locaben config set store.encrypt on`, or the policy); `require` refuses plaintext journals
    (the administrator's policy, dialogue.store.policy); `scheme` is where a new key is kept."""

    encrypt_new: bool = False
    require: bool = False
    scheme: str = "keyring"


@frozen_record
class Header(Record):
    session_id: str
    bank_id: str
    bank_version: str
    bank_hash: str
    bank_path: str
    created: str
    format: str = FORMAT
    version: int = FORMAT_VERSION
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, obj: dict[str, Any], where: str) -> Header:
        if not isinstance(obj, dict) or obj.get("format") != FORMAT:
            raise JournalError(f"{where}:1: not a locaben session file (no '{FORMAT}' header). The file was "
                               "not changed; move it out of the sessions directory.")
        version = obj.get("version")
        if isinstance(version, int) and not isinstance(version, bool) and version > READS_UP_TO:
            raise JournalError(f"{where}:1: written in session format version {version!r}, newer than this "
                               f"locaben reads ({READS_UP_TO}). Upgrade locaben to open it; the file was "
                               "not changed.")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise JournalError(f"{where}:1: the header has an invalid format version {version!r} "
                               f"(expected 1 … {READS_UP_TO}); the file was not changed.")
        version = EVENTS_OF_VERSION.get(version, version)
        keys = ("session_id", "bank_id", "bank_version", "bank_hash", "bank_path", "created")
        for key in keys:
            if key not in obj:
                raise JournalError(f"{where}:1: the header has no {key!r}; the file was not changed.")
            if not isinstance(obj[key], str):
                raise JournalError(f"{where}:1: the header's {key!r} is not text; the file was not changed.")
        extra = obj.get("extra", {})
        return cls(**{k: obj[k] for k in keys}, version=version, extra=extra if isinstance(extra, dict) else {})


@frozen_record
class Journal(Record):
    """A session read back from disk."""

    header: Header
    events: tuple[Event, ...]
    warnings: tuple[str, ...] = ()
    lines: tuple[int, ...] = ()  # the file line of each event, for messages that point at one
    encrypted: bool = False
    covered: RawEvents | None = None  # read with a snapshot: the first events, still journal lines (`events`: the rest)
    sealed_lines: int = 0  # encrypted: the event lines read (the last one's sequence number; a torn one not counted)

    def line_of(self, index: int | None) -> int | None:
        return self.lines[index] if index is not None and 0 <= index < len(self.lines) else None


def new_session_id(now_compact: str) -> str:
    """`now_compact` like 20261123-105500; a short random suffix keeps ids unique."""
    return f"{now_compact}-{secrets.token_hex(2)}"


class SessionStore:
    """The directory of session journals. `keys` opens (and makes) the keys of an encrypted store;
    `protection` says whether new sessions are encrypted and whether plaintext ones are refused."""

    def __init__(self, root: Path, keys: Keys | None = None, protection: Protection | None = None):
        self.root = Path(root)
        self.keys = keys
        self.protection = protection or Protection()

    # ---- paths ----

    def ensure(self) -> None:
        """Create the store folder, private (0700); one that cannot be made is a clear error."""
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise JournalError(f"cannot use {self.root} as the session store: {exc.strerror or exc}. Give a "
                               "folder you can write to with --sessions-dir.") from None
        with contextlib.suppress(OSError):
            os.chmod(self.root, 0o700)

    def path(self, session_id: str) -> Path:
        if not SESSION_ID.match(session_id):
            raise SessionNotFound(f"{session_id!r} is not a session id (letters, digits, '-' and '_' only)")
        return self.root / f"{session_id}.jsonl"

    def exists(self, session_id: str) -> bool:
        return self.path(session_id).is_file()

    def session_ids(self) -> list[str]:
        try:
            with os.scandir(self.root) as entries:
                names = [e.name[:-6] for e in entries if e.name.endswith(".jsonl") and e.is_file()]
        except (NotADirectoryError, FileNotFoundError):
            return []
        return sorted(name for name in names if SESSION_ID.match(name))

    # ---- keys ----

    def wrapping(self, create: bool = False) -> Wrapping | None:
        """The store's key description (`.locaben-key.json`; None: the store is not encrypted). With
        `create`, a store that should encrypt and has no key gets one, made whole or not at all (a second
        process making one at the same moment wins, and its key is used)."""
        found = read_store_wrapping(self.root)
        if found is not None or not create or not (self.protection.encrypt_new or self.protection.require):
            return found
        self.ensure()
        wrapping, _ = self._keys().new_wrapping(self.protection.scheme)
        text = json.dumps({"format": "locaben-store-key", "version": 1, **wrapping.to_json()}, indent=1)
        try:
            create_with(self.root / STORE_KEY_FILE, text.encode("utf-8"), sync=True)
        except FileExistsError:
            return read_store_wrapping(self.root)
        except OSError as exc:
            raise JournalError(f"cannot write the store's key description in {self.root}: {exc.strerror}") from None
        fsync_dir(self.root)
        return wrapping

    def _keys(self) -> Keys:
        if self.keys is None:
            raise KeyUnavailable(f"{self.root} is an encrypted store, and no key source was given "
                                 "(see docs/security.md). Nothing was changed.")
        return self.keys

    def _new_codec(self, header: Header) -> tuple[dict[str, Any], LineCodec]:
        """The header to write and the codec for a new journal: encrypted under the store's key, if any."""
        wrapping = self.wrapping(create=True)
        if wrapping is None:
            return header.to_json(), PlainCodec()
        return encrypt_header(header.to_json(), wrapping, self._keys().kek(wrapping, str(self.root)))

    def open_codec(self, session_id: str, record: dict[str, Any]) -> LineCodec:
        """The codec of the session's journal whose header is `record` (a snapshot is sealed under the same
        key): raises exactly as `read` does for that header (wrong key, no key, policy)."""
        return self._open_codec(record, self.path(session_id))[1]

    def _open_codec(self, record: dict[str, Any], path: Path) -> tuple[Header, LineCodec]:
        """The header of an existing journal and the codec for its lines; the key is checked here, before
        anything else is read or repaired (WrongKey / KeyUnavailable / TamperedLine / PolicyRefusal)."""
        header = Header.from_json(record, str(path))
        codec = open_codec(record, self.keys, str(path))
        if not codec.encrypted and self.protection.require:
            raise PolicyRefusal(f"{path} is not encrypted, and this computer's policy requires encryption "
                                "(set by the administrator). Encrypt the store first: locaben store encrypt")
        return header, codec

    # ---- writing ----

    def create(self, header: Header, events: list[Event] | tuple[Event, ...] = ()) -> JournalWriter:
        """Create a session file holding the header and `events`, atomically: the file appears whole
        (written to a private temporary file, fsync'ed, then linked into place) or not at all, so a crash
        can never leave an empty or header-less session behind."""
        self.ensure()
        path = self.path(header.session_id)
        head, codec = self._new_codec(header)
        data = dump_json(head) + b"\n" + _encode(codec, [e.to_json() for e in events], 1)
        try:
            create_with(path, data, sync=True)
        except FileExistsError:
            raise JournalError(f"session {header.session_id} already exists") from None
        except OSError as exc:
            raise JournalError(f"cannot create {path}: {exc.strerror}") from None
        fsync_dir(self.root)
        return JournalWriter(path, open_for_append(path), codec, len(events) + 1)

    def append_to(self, session_id: str, read: Journal | None = None) -> JournalWriter:
        """A writer that continues the journal: its codec from the header, its next sequence number from
        the lines already there (the caller holds the lock, and has read the journal, which repairs it).
        `read`: that reading (with repair), whose count of sealed lines is then used: only the header is read
        again, not the 10,000 lines of a long encrypted session."""
        path = self.path(session_id)
        try:
            data = _head_of(path) if read is not None and read.encrypted else path.read_bytes()
        except OSError as exc:
            raise JournalError(f"cannot open {path} for writing: {exc.strerror}") from None
        data = data.removeprefix(b"\xef\xbb\xbf")
        head = _first_line(data)
        record = load_json(head) if head is not None else None
        if record is None:
            raise JournalError(bad_header(path, 1))
        _, codec = self._open_codec(record, path)
        if read is not None and read.encrypted and codec.encrypted:
            return JournalWriter(path, open_for_append(path), codec, read.sealed_lines + 1)
        return JournalWriter(path, open_for_append(path), codec, _lines_so_far(data, codec.encrypted))

    def replace(self, header: Header, events: list[Event] | tuple[Event, ...]) -> None:
        """Replace a session's journal whole — the old file or the new one, never a mix (the caller holds
        the lock); encrypted under the store's key as a new session would be."""
        head, codec = self._new_codec(header)
        try:
            replace_file(self.path(header.session_id), dump_json(head) + b"\n"
                         + _encode(codec, [e.to_json() for e in events], 1))
        except OSError as exc:
            raise JournalError(f"cannot replace {self.path(header.session_id)}: {exc.strerror}") from None

    # ---- reading ----

    def read_bytes(self, session_id: str) -> bytes:
        """The journal's bytes as `read` sees them (without a UTF-8 BOM an editor may have added)."""
        path = self.path(session_id)
        if not path.is_file():
            raise SessionNotFound(f"no session {session_id!r} in {self.root}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise JournalError(f"cannot read {path}: {exc.strerror}") from None
        return data.removeprefix(b"\xef\xbb\xbf")

    def read(self, session_id: str, repair: bool = True, data: bytes | None = None,
             covered: Covered | None = None) -> Journal:
        """Read a journal. A torn last line (a crash mid-write) is cut off with a warning, after a backup.

        With `repair=False` (listing, compiling) the file is left exactly as it is: the damaged line is
        only ignored, and no backup is made. An encrypted line that does not authenticate (changed, moved,
        removed lines) is never repaired: `TamperedLine` names it and nothing is changed.

        `data`: the bytes `read_bytes` gave (read once by the caller). `covered`: the prefix a snapshot of the
        engine covers (dialogue.store.snapshot): its events are kept as lines in `Journal.covered` (sealed ones
        too: the header's key is opened, no covered line is decrypted), decoded only when read, and `events`
        are the ones after it, an encrypted journal's numbered on from the covered lines. ValueError when that
        prefix does not end at a line end.
        """
        path = self.path(session_id)
        data = self.read_bytes(session_id) if data is None else data
        if not data or data.isspace():  # (not `strip()`: a copy of the whole file at every resume)
            raise JournalError(f"{path}: the file is empty: it holds no header and no answers. It is not a "
                               f"usable session; move it out of {self.root} (or delete it) and start a new "
                               "interview, or restore it from a backup copy.")
        scan = JournalScan(path, data, self._open_codec, *((covered.length, covered.lines) if covered else ()))
        warnings = scan.repair(repair)
        events = []
        version, decode = scan.header.version, Event.from_json
        for number, record in scan.records:
            if "kind" not in record or "at" not in record:
                raise JournalError(f"{path}:{number}: not an event (no 'kind'/'at'); keep a copy of the file "
                                   f"and remove or repair line {number}.")
            try:
                events.append(decode(upgrade_event(record, version) if version < 2 else record))
            except EventDecodeError as exc:
                raise JournalError(f"{path}:{number}: {exc.what}. The file was not changed; keep a copy of it "
                                   f"and repair or remove line {number}.") from None
        raw = RawEvents(data, covered.events, covered.last_at, decoder(scan.codec, version), covered.lines,
                        scan.raw_span) if covered else None
        return Journal(scan.header, tuple(events), warnings, tuple(n for n, _ in scan.records),
                       scan.codec.encrypted, raw, scan.last_seq)

    # ---- locking ----

    def lock(self, session_id: str) -> contextlib.AbstractContextManager[None]:
        """Hold the session's OS-level lock (dialogue.store.locks): `SessionInUse` naming the holder's PID
        when another live process has it; a lock of a process that has died is simply free."""
        return locks.hold(self.path(session_id).with_suffix(".lock"))


class JournalWriter:
    """Appends events durably: one write, flush and fsync per batch. `next_seq` is the sequence number the
    next event line is bound to (encrypted journals: the count of event lines so far, plus one); it moves on
    only once the batch is on disk."""

    def __init__(self, path: Path, fd: int, codec: LineCodec | None = None, next_seq: int = 1):
        self.path = path
        self._fd = fd
        self.codec: LineCodec = codec or PlainCodec()
        self.next_seq = next_seq

    def append(self, events: list[Event]) -> None:
        if events:
            self.append_json([e.to_json() for e in events])

    def append_json(self, records: list[dict[str, Any]]) -> None:
        """The records of one write, durably: one line each in a plaintext journal, one sealed line for all
        of them in an encrypted one (dialogue.store.crypto)."""
        data = self.codec.encode_lines(records, self.next_seq)
        size_before = os.fstat(self._fd).st_size
        try:
            write_all(self._fd, data)
            os.fsync(self._fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, size_before)  # never leave half a line behind
            raise JournalError(f"could not save to {self.path}: {exc.strerror}. Nothing after the last saved "
                               "answer was lost; free space or fix permissions, then try again.") from None
        self.next_seq += data.count(b"\n")  # lines written (JSON text holds no raw line end)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)

    def __enter__(self) -> JournalWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _first_line(data: bytes) -> bytes | None:
    """The first complete line that is not blank (a journal's header), or None."""
    start = 0
    while (end := data.find(b"\n", start)) >= 0:
        if data[start:end].strip():
            return data[start:end]
        start = end + 1
    return None


def _lines_so_far(data: bytes, encrypted: bool) -> int:
    """The number of whole lines of a journal that are not blank (the header and its event lines): the next
    sealed line's sequence number. (Plaintext lines are bound to none: their lines are only counted.)"""
    if not encrypted:
        return data.count(b"\n")
    return len([line for line in data.split(b"\n")[:-1] if line.strip()])


def _head_of(path: Path) -> bytes:
    """The journal's first lines up to its header's line end (blank lines before it included)."""
    with open(path, "rb") as handle:
        lines = [handle.readline()]
        while lines[-1] and not lines[-1].strip():
            lines.append(handle.readline())
    return b"".join(lines)


def _encode(codec: LineCodec, records: list[dict[str, Any]], first_seq: int) -> bytes:
    """Event records as journal lines, the first bound to `first_seq`."""
    return b"".join(codec.encode_line(record, seq) for seq, record in enumerate(records, first_seq))

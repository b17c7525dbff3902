"""Sessions as append-only JSON Lines journals: one header line, then one event per line.

Every append is flushed and fsync'ed before it returns, so an answer acknowledged on screen survives
`kill -9` or a dead battery. Files are created 0600 and the store directory 0700. An OS-level lock
(dialogue.store.locks) keeps two processes from writing one session; the OS releases it when its holder dies.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dialogue.errors import JournalError, SessionNotFound
from dialogue.model import Event
from dialogue.model.events import EventDecodeError
from dialogue.store import locks
from dialogue.store.legacy import upgrade_event

FORMAT = "locaben-session"
FORMAT_VERSION = 2  # 2: events name their question `question` everywhere and may carry `by` (see legacy.py)
SESSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")


@dataclass(frozen=True, slots=True)
class Header:
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
        if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
            raise JournalError(f"{where}:1: written in session format version {version!r}, newer than this "
                               f"locaben reads ({FORMAT_VERSION}). Upgrade locaben to open it; the file was "
                               "not changed.")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise JournalError(f"{where}:1: the header has an invalid format version {version!r} "
                               f"(expected 1 … {FORMAT_VERSION}); the file was not changed.")
        keys = ("session_id", "bank_id", "bank_version", "bank_hash", "bank_path", "created")
        for key in keys:
            if key not in obj:
                raise JournalError(f"{where}:1: the header has no {key!r}; the file was not changed.")
            if not isinstance(obj[key], str):
                raise JournalError(f"{where}:1: the header's {key!r} is not text; the file was not changed.")
        extra = obj.get("extra", {})
        return cls(**{k: obj[k] for k in keys}, version=version, extra=extra if isinstance(extra, dict) else {})


@dataclass(frozen=True, slots=True)
class Journal:
    """A session read back from disk."""

    header: Header
    events: tuple[Event, ...]
    warnings: tuple[str, ...] = ()
    lines: tuple[int, ...] = ()  # the file line of each event, for messages that point at one

    def line_of(self, index: int | None) -> int | None:
        return self.lines[index] if index is not None and 0 <= index < len(self.lines) else None


def new_session_id(now_compact: str) -> str:
    """`now_compact` like 20261123-105500; a short random suffix keeps ids unique."""
    return f"{now_compact}-{secrets.token_hex(2)}"


class SessionStore:
    """The directory of session journals."""

    def __init__(self, root: Path):
        self.root = Path(root)

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

    # ---- writing ----

    def create(self, header: Header, events: list[Event] | tuple[Event, ...] = ()) -> JournalWriter:
        """Create a session file holding the header and `events`, atomically: the file appears whole
        (written to a private temporary file, fsync'ed, then linked into place) or not at all, so a crash
        can never leave an empty or header-less session behind."""
        self.ensure()
        path = self.path(header.session_id)
        records = [header.to_json()] + [e.to_json() for e in events]
        try:
            _create_with(path, _encode(records), sync=True)
        except FileExistsError:
            raise JournalError(f"session {header.session_id} already exists") from None
        except OSError as exc:
            raise JournalError(f"cannot create {path}: {exc.strerror}") from None
        _fsync_dir(self.root)
        return self.append_to(header.session_id)

    def append_to(self, session_id: str) -> JournalWriter:
        path = self.path(session_id)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        except OSError as exc:
            raise JournalError(f"cannot open {path} for writing: {exc.strerror}") from None
        return JournalWriter(path, fd)

    # ---- reading ----

    def read(self, session_id: str, repair: bool = True) -> Journal:
        """Read a journal. A torn last line (a crash mid-write) is cut off with a warning, after a backup.

        With `repair=False` (listing, compiling) the file is left exactly as it is: the damaged line is
        only ignored, and no backup is made.
        """
        path = self.path(session_id)
        if not path.is_file():
            raise SessionNotFound(f"no session {session_id!r} in {self.root}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise JournalError(f"cannot read {path}: {exc.strerror}") from None
        data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 BOM an editor may have added
        if not data.strip():
            raise JournalError(f"{path}: the file is empty: it holds no header and no answers. It is not a "
                               f"usable session; move it out of {self.root} (or delete it) and start a new "
                               "interview, or restore it from a backup copy.")
        lines = data.split(b"\n")
        complete, tail = lines[:-1], lines[-1]
        warnings: list[str] = []
        records: list[tuple[int, dict[str, Any]]] = []  # (line number, record)
        good_bytes = 0
        torn: str | None = None
        for number, raw in enumerate(complete, start=1):
            if not raw.strip():  # a blank line (an editor's): nothing to read, nothing lost
                good_bytes += len(raw) + 1
                continue
            record = _parse_line(raw)
            if record is None:
                if not records:
                    raise JournalError(_bad_header(path, number))
                if number == len(complete) and not tail.strip():
                    torn = "damaged"  # the last line is garbled: treat it like a torn one
                    break
                raise JournalError(f"{path}:{number}: damaged line (not a JSON event). The events after it "
                                   f"cannot be trusted; keep a copy of the file and remove or repair line "
                                   f"{number}.")
            records.append((number, record))
            good_bytes += len(raw) + 1
        last = len(complete) + 1 if torn is None else len(complete)  # the line number of the bad line
        needs_newline = False
        if torn is None and tail.strip():
            record = _parse_line(tail)
            if record is not None:  # a whole record that only lacks its line end (edited by hand)
                records.append((last, record))
                needs_newline = True
            elif not records:
                raise JournalError(_bad_header(path, last, line_end=False))
            else:
                torn = "cut off"
        if torn is not None or needs_newline:
            if not repair:
                what = ("has no line end" if needs_newline
                        else f"is {torn} and was ignored (the file was not changed)")
                warnings.append(f"{path}:{last}: the last line {what}.")
            else:
                backup = self._backup(path, data)
                if needs_newline:
                    with open(path, "ab") as handle:
                        handle.write(b"\n")
                        handle.flush()
                        os.fsync(handle.fileno())
                    warnings.append(f"{path}:{last}: the last line had no line end; one was added "
                                    f"(the original is kept as {backup.name}).")
                else:
                    os.truncate(path, good_bytes)
                    reason = ("was cut off (the program stopped while writing)" if torn == "cut off"
                              else "was damaged")
                    warnings.append(f"{path}:{last}: the last line {reason}; it was removed and the "
                                    f"original kept as {backup.name}.")
        header = Header.from_json(records[0][1], str(path))
        events = []
        for number, record in records[1:]:
            if "kind" not in record or "at" not in record:
                raise JournalError(f"{path}:{number}: not an event (no 'kind'/'at'); keep a copy of the file "
                                   f"and remove or repair line {number}.")
            try:
                events.append(Event.from_json(upgrade_event(record, header.version)))
            except EventDecodeError as exc:
                raise JournalError(f"{path}:{number}: {exc.what}. The file was not changed; keep a copy of it "
                                   f"and repair or remove line {number}.") from None
        return Journal(header, tuple(events), tuple(warnings), tuple(n for n, _ in records[1:]))

    def _backup(self, path: Path, data: bytes) -> Path:
        """Keep `data` (the file as it was) next to it, private from the first byte."""
        for n in range(1, 1000):
            backup = path.with_name(f"{path.name}.bak{n}")
            try:
                fd = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            except OSError as exc:
                raise JournalError(f"cannot keep a backup of {path} before repairing it: {exc.strerror}; "
                                   "the file was not changed") from None
            try:
                _write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            return backup
        raise JournalError(f"too many backups of {path} ({path.name}.bak1 … .bak999); move some away")

    # ---- locking ----

    def lock(self, session_id: str) -> contextlib.AbstractContextManager[None]:
        """Hold the session's OS-level lock (dialogue.store.locks): `SessionInUse` naming the holder's PID
        when another live process has it; a lock of a process that has died is simply free."""
        return locks.hold(self.path(session_id).with_suffix(".lock"))


class JournalWriter:
    """Appends events durably: one write, flush and fsync per batch."""

    def __init__(self, path: Path, fd: int):
        self.path = path
        self._fd = fd

    def append(self, events: list[Event]) -> None:
        if events:
            self.append_json([e.to_json() for e in events])

    def append_json(self, records: list[dict[str, Any]]) -> None:
        data = _encode(records)
        size_before = os.fstat(self._fd).st_size
        try:
            _write_all(self._fd, data)
            os.fsync(self._fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, size_before)  # never leave half a line behind
            raise JournalError(f"could not save to {self.path}: {exc.strerror}. Nothing after the last saved "
                               "answer was lost; free space or fix permissions, then try again.") from None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)

    def __enter__(self) -> JournalWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _encode(records: list[dict[str, Any]]) -> bytes:
    return b"".join(_encode_one(r) for r in records)


def _encode_one(record: dict[str, Any]) -> bytes:
    """One JSON line, readable UTF-8. Text that is not valid Unicode (a lone surrogate, as a terminal in
    the wrong encoding delivers undecodable bytes) is written as JSON escapes: kept, and read back as is."""
    try:
        return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n").encode("ascii")


def _write_all(fd: int, data: bytes) -> None:
    written = 0
    while written < len(data):
        written += os.write(fd, data[written:])


def _parse_line(raw: bytes) -> dict[str, Any] | None:
    """One journal line as a JSON object, or None when it is not one (garbled, cut off, not UTF-8)."""
    try:
        record = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return record if isinstance(record, dict) else None


def _bad_header(path: Path, number: int, line_end: bool = True) -> str:
    what = "is not a session header" if line_end else "is an incomplete session header"
    return (f"{path}:{number}: the first line {what}: this is not a readable locaben session file (or it is not "
            "UTF-8 text). The file was not changed; restore it from a backup copy, or move it out of the "
            "sessions directory.")


def _create_with(path: Path, data: bytes, sync: bool = False) -> None:
    """Create `path` (0600) holding `data`, or raise FileExistsError. Atomic: the data is written to a
    private temporary file that is then hard-linked into place, so `path` is never seen empty or half
    written. Where hard links are not supported (FAT, some network drives) it falls back to an exclusive
    create, which is not atomic but still never overwrites."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        _write_and_close(fd, data, sync)
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:
            _create_directly(path, data, sync)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _create_directly(path: Path, data: bytes, sync: bool) -> None:
    _write_and_close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), data, sync)


def _write_and_close(fd: int, data: bytes, sync: bool) -> None:
    try:
        _write_all(fd, data)
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


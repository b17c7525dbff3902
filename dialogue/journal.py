"""Sessions as append-only JSON Lines journals: one header line, then one event per line.

Every append is flushed and fsync'ed before it returns, so an answer acknowledged on screen survives
`kill -9` or a dead battery. Files are created 0600 and the store directory 0700. A lock file holding the
writer's PID keeps two processes from writing one session; a lock left by a dead process is taken over.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dialogue.errors import JournalError, SessionInUse, SessionNotFound
from dialogue.model import Event

FORMAT = "locaben-session"
FORMAT_VERSION = 1
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
        if obj.get("format") != FORMAT:
            raise JournalError(f"{where}: not a locaben session file (no '{FORMAT}' header)")
        version = obj.get("version")
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise JournalError(f"{where}: written in session format version {version!r}, newer than this "
                               f"locaben reads ({FORMAT_VERSION}). Upgrade locaben to open it.")
        try:
            return cls(**{k: obj[k] for k in ("session_id", "bank_id", "bank_version", "bank_hash",
                                                "bank_path", "created")}, extra=obj.get("extra", {}))
        except KeyError as exc:
            raise JournalError(f"{where}: the header has no {exc.args[0]!r}") from None


@dataclass(frozen=True, slots=True)
class Journal:
    """A session read back from disk."""

    header: Header
    events: tuple[Event, ...]
    warnings: tuple[str, ...] = ()


def new_session_id(now_compact: str) -> str:
    """`now_compact` like 20261123-105500; a short random suffix keeps ids unique."""
    return f"{now_compact}-{secrets.token_hex(2)}"


class SessionStore:
    """The directory of session journals."""

    def __init__(self, root: Path):
        self.root = Path(root)

    # ---- paths ----

    def ensure(self) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(self.root, 0o700)

    def path(self, session_id: str) -> Path:
        if not SESSION_ID.match(session_id):
            raise SessionNotFound(f"{session_id!r} is not a session id (letters, digits, '-' and '_' only)")
        return self.root / f"{session_id}.jsonl"

    def exists(self, session_id: str) -> bool:
        return self.path(session_id).is_file()

    def session_ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.stem for p in self.root.glob("*.jsonl") if SESSION_ID.match(p.stem))

    # ---- writing ----

    def create(self, header: Header) -> JournalWriter:
        self.ensure()
        path = self.path(header.session_id)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        except FileExistsError:
            raise JournalError(f"session {header.session_id} already exists") from None
        except OSError as exc:
            raise JournalError(f"cannot create {path}: {exc.strerror}") from None
        writer = JournalWriter(path, fd)
        writer.append_json([header.to_json()])
        _fsync_dir(self.root)
        return writer

    def append_to(self, session_id: str) -> JournalWriter:
        path = self.path(session_id)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        except OSError as exc:
            raise JournalError(f"cannot open {path} for writing: {exc.strerror}") from None
        return JournalWriter(path, fd)

    # ---- reading ----

    def read(self, session_id: str, repair: bool = True) -> Journal:
        """Read a journal. A torn last line (a crash mid-write) is cut off with a warning, after a backup."""
        path = self.path(session_id)
        if not path.is_file():
            raise SessionNotFound(f"no session {session_id!r} in {self.root}")
        data = path.read_bytes()
        lines = data.split(b"\n")
        complete, tail = lines[:-1], lines[-1]
        warnings: list[str] = []
        records: list[dict[str, Any]] = []
        good_bytes = 0
        for number, raw in enumerate(complete, start=1):
            try:
                records.append(json.loads(raw))
            except (json.JSONDecodeError, UnicodeDecodeError):
                if number == len(complete) and not tail:
                    tail = raw  # the last complete line is damaged: treat it as torn
                    break
                raise JournalError(f"{path}:{number}: damaged line (not JSON). The events after it cannot be "
                                   f"trusted; keep a copy of the file and remove or repair line {number}.") from None
            good_bytes += len(raw) + 1
        if tail.strip():
            backup = self._backup(path)
            warnings.append(f"{path}: the last line was cut off (the program stopped while writing); "
                            f"it was removed and the original kept as {backup.name}.")
            if repair:
                os.truncate(path, good_bytes)
        if not records:
            raise JournalError(f"{path}: the file is empty or has no header")
        header = Header.from_json(records[0], str(path))
        events = []
        for number, record in enumerate(records[1:], start=2):
            if not isinstance(record, dict) or "kind" not in record or "at" not in record:
                raise JournalError(f"{path}:{number}: not an event (no 'kind'/'at')")
            events.append(Event.from_json(record))
        return Journal(header, tuple(events), tuple(warnings))

    def _backup(self, path: Path) -> Path:
        for n in range(1, 1000):
            backup = path.with_name(f"{path.name}.bak{n}")
            if not backup.exists():
                shutil.copy2(path, backup)
                os.chmod(backup, 0o600)
                return backup
        raise JournalError(f"too many backups of {path}")

    # ---- locking ----

    @contextlib.contextmanager
    def lock(self, session_id: str) -> Iterator[None]:
        lock_path = self.path(session_id).with_suffix(".lock")
        self._take_lock(lock_path)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                lock_path.unlink()

    def _take_lock(self, lock_path: Path) -> None:
        for _ in range(3):
            try:
                fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pid = _read_pid(lock_path)
                if pid is not None and pid != os.getpid() and _alive(pid):
                    raise SessionInUse(f"session is in use by PID {pid} (lock file {lock_path}). "
                                       "Close the other window, or remove the lock file if that process "
                                       "is gone.") from None
                with contextlib.suppress(FileNotFoundError):
                    lock_path.unlink()  # stale: its process is gone
                continue
            with os.fdopen(fd, "w") as handle:
                handle.write(str(os.getpid()))
            return
        raise SessionInUse(f"could not take the lock {lock_path}")


class JournalWriter:
    """Appends events durably: one write, flush and fsync per batch."""

    def __init__(self, path: Path, fd: int):
        self.path = path
        self._fd = fd

    def append(self, events: list[Event]) -> None:
        if events:
            self.append_json([e.to_json() for e in events])

    def append_json(self, records: list[dict[str, Any]]) -> None:
        payload = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records)
        data = payload.encode("utf-8")
        size_before = os.fstat(self._fd).st_size
        try:
            written = 0
            while written < len(data):
                written += os.write(self._fd, data[written:])
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


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

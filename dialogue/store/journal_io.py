"""The bytes of a journal file: creating one whole or not at all, appending, keeping a backup, and one pass
over its lines — the header first (its codec opened before any other line is read, so a wrong key fails
before a repair could change anything), each event line decoded, and what a repair of a torn or garbled
last line does. dialogue.store.journal builds the store on these.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dialogue.errors import JournalError
from dialogue.store.crypto import LineCodec, load_json

if TYPE_CHECKING:
    from dialogue.store.journal import Header

OpenCodec = Callable[[dict[str, Any], Path], "tuple[Header, LineCodec]"]  # a header record → its codec


class JournalScan:
    """One pass over a journal's bytes: the header (and its codec, opened first), every event record with
    its line number, and what a repair would do with a torn or garbled last line."""

    def __init__(self, path: Path, data: bytes, open_codec: OpenCodec, raw_until: int = 0, raw_lines: int = 0):
        """`raw_until`: the end of a prefix of whole lines (header first) to keep as bytes, undecoded (its event
        lines are `data[raw_span[0]:raw_span[1]]`, not copied),
        `raw_lines` event lines without a blank one (as a snapshot of the engine that covers them checked,
        dialogue.store.snapshot; its hash says the bytes are still those). The header is opened all the same
        (an encrypted journal's key checked), and the lines after the prefix continue its numbering: the
        first is line `raw_lines + 2` of the file and, sealed, bound to sequence number `raw_lines + 1`."""
        self.path, self.data, self._open_codec = path, data, open_codec
        self.records: list[tuple[int, dict[str, Any]]] = []
        self.good_bytes = 0
        self.torn: str | None = None
        self.needs_newline = False
        self.last_seq = 0  # the sequence number of the last whole event line (counted for sealed lines only)
        self._codec: LineCodec | None = None
        self._header: Header | None = None
        self.raw_span, self.raw_lines, first = (0, 0), 0, 1
        if raw_until:
            head = data.index(b"\n")
            self._open(data[:head], 1, line_end=True)
            if data[raw_until - 1:raw_until] != b"\n":
                raise ValueError("a raw prefix is kept only up to a line end")
            self.raw_span = (head + 1, raw_until)
            self.raw_lines, self.good_bytes = raw_lines, raw_until
            first = self.raw_lines + 2
            data = data[raw_until:]
        lines = data.split(b"\n")
        self._read_lines(lines[:-1], lines[-1], first, self.raw_lines)

    @property
    def header(self) -> Header:
        assert self._header is not None
        return self._header

    @property
    def codec(self) -> LineCodec:
        assert self._codec is not None
        return self._codec

    def _read_lines(self, complete: list[bytes], tail: bytes, first: int = 1, seq: int = 0) -> None:
        """The lines `complete` (numbered from `first`) and an unfinished `tail`; `seq`: the sequence number
        of the event line before them. After a raw prefix the header is already open, and the rest of a
        plaintext journal is parsed in one call."""
        lines = len(complete)
        if self._codec is not None and not self._codec.encrypted and self._read_plain(complete, first):
            complete = []
        for index, raw in enumerate(complete):
            number = first + index
            if not raw.strip():  # a blank line (an editor's): nothing to read, nothing lost
                self.good_bytes += len(raw) + 1
                continue
            if self._codec is None:
                self._open(raw, number, line_end=True)
                if not self.codec.encrypted and self._read_plain(complete[index + 1:], number + 1):
                    self.good_bytes += len(raw) + 1
                    break
            else:
                seq += 1
                records = self._codec.decode_records(raw, seq)
                if records is None:
                    if index == len(complete) - 1 and not tail.strip():
                        self.torn = "damaged"  # the last line is garbled: treat it like a torn one
                        self.last_seq = seq - 1
                        return
                    raise JournalError(f"{self.path}:{number}: damaged line (not a JSON event). The events "
                                       f"after it cannot be trusted; keep a copy of the file and remove or "
                                       f"repair line {number}.")
                self.records.extend((number, record) for record in records)
            self.good_bytes += len(raw) + 1
        self.last_seq = seq
        if tail.strip():
            self._read_tail(tail, first + lines, seq + 1)

    def _read_plain(self, lines: list[bytes], first: int) -> bool:
        """The event lines of a plaintext journal (numbered from `first`) parsed as one JSON array: one call of
        the parser instead of one per line, which is most of reading a long session. False, with nothing read,
        when a line is not one JSON object: they are then read one by one, which says which line is bad."""
        numbered = [(number, raw) for number, raw in enumerate(lines, start=first) if raw.strip()]
        try:
            records = json.loads((b"[" + b",".join(raw for _, raw in numbered) + b"]").decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return False
        if len(records) != len(numbered) or not all(isinstance(record, dict) for record in records):
            return False
        self.records.extend((number, record) for (number, _), record in zip(numbered, records, strict=True))
        self.good_bytes += sum(len(raw) + 1 for raw in lines)
        return True

    def _open(self, raw: bytes, number: int, line_end: bool) -> None:
        record = load_json(raw)
        if record is None:
            raise JournalError(bad_header(self.path, number, line_end))
        self._header, self._codec = self._open_codec(record, self.path)

    def _read_tail(self, tail: bytes, number: int, seq: int) -> None:
        if self._codec is None:  # a header without its line end, and nothing else
            self._open(tail, number, line_end=False)
            self.needs_newline = True
            return
        records = self._codec.decode_records(tail, seq)
        if records is not None:  # a whole line that only lacks its line end (edited by hand)
            self.records.extend((number, record) for record in records)
            self.needs_newline = True
            self.last_seq = seq
        else:
            self.torn = "cut off"

    @property
    def last(self) -> int:
        """The line number of the bad (or unfinished) last line."""
        complete = self.data.count(b"\n")
        return complete if self.torn == "damaged" else complete + 1

    def repair(self, repair: bool) -> tuple[str, ...]:
        """Cut a torn last line (or add a missing line end) after a backup; or, read-only, only say so."""
        if self.torn is None and not self.needs_newline:
            return ()
        path, last = self.path, self.last
        if not repair:
            what = ("has no line end" if self.needs_newline
                    else f"is {self.torn} and was ignored (the file was not changed)")
            return (f"{path}:{last}: the last line {what}.",)
        backup = keep_backup(path, self.data)
        if self.needs_newline:
            with open(path, "ab") as handle:
                handle.write(b"\n")
                handle.flush()
                os.fsync(handle.fileno())
            return (f"{path}:{last}: the last line had no line end; one was added "
                    f"(the original is kept as {backup.name}).",)
        os.truncate(path, self.good_bytes)
        reason = "was cut off (the program stopped while writing)" if self.torn == "cut off" else "was damaged"
        return (f"{path}:{last}: the last line {reason}; it was removed and the original kept as {backup.name}.",)


def keep_backup(path: Path, data: bytes) -> Path:
    """Keep `data` (the file as it was) next to it as `NAME.bakN`, private from the first byte."""
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
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        return backup
    raise JournalError(f"too many backups of {path} ({path.name}.bak1 … .bak999); move some away")


def open_for_append(path: Path) -> int:
    try:
        return os.open(path, os.O_WRONLY | os.O_APPEND)
    except OSError as exc:
        raise JournalError(f"cannot open {path} for writing: {exc.strerror}") from None


def write_all(fd: int, data: bytes) -> None:
    written = 0
    while written < len(data):
        written += os.write(fd, data[written:])


def bad_header(path: Path, number: int, line_end: bool = True) -> str:
    what = "is not a session header" if line_end else "is an incomplete session header"
    return (f"{path}:{number}: the first line {what}: this is not a readable locaben session file (or it is not "
            "UTF-8 text). The file was not changed; restore it from a backup copy, or move it out of the "
            "sessions directory.")


def create_with(path: Path, data: bytes, sync: bool = False) -> None:
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


def replace_derived(path: Path, data: bytes, sync: bool = False) -> None:
    """Put `data` at `path` whole, for a derived file (the summary index, an engine snapshot): a private
    temporary file (0600) beside it, put in place by os.replace, so a reader sees the old file or the new.
    No folder fsync: a derived file lost in a crash is only rebuilt. OSError when it cannot be written."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        _write_and_close(fd, data, sync)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _write_and_close(fd: int, data: bytes, sync: bool) -> None:
    try:
        write_all(fd, data)
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)

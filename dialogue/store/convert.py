"""`locaben store encrypt` and `locaben store rekey`: rewrite journals atomically, nothing lost.

Each file is rewritten as a whole into a private temporary file beside it, checked by reading it back,
fsync'ed and renamed over the original: a crash leaves the old file or the new one. Each session is
converted under its lock. Both commands can be run again after a crash: files already converted are
skipped (a journal's header names the key that wraps it).

- encrypt: the store's key file is written first (so sessions created meanwhile are encrypted), then each
  plaintext journal is repaired as a resume would (a torn last line cut after a backup), encrypted line
  by line under a new data key, and read back and compared record by record before it replaces the
  plaintext one. Plaintext backups (`ID.jsonl.bakN`) are sealed whole under the session's key, and
  leftover temporary files of an interrupted create (which duplicate a journal's start) are removed, and so
  is every engine snapshot (`ID.state`, a plaintext copy of the answers, dialogue.store.snapshot).
- rekey: only the header's wrapped data key changes (journals and encrypted backups); event lines are
  copied byte for byte. The store's key file is replaced last.

What this cannot do: the blocks that held the plaintext are freed, not overwritten (on an SSD they cannot
be reliably); full-disk encryption is the complement (docs/security.md).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dialogue.errors import JournalError
from dialogue.store.crypto import (
    AeadCodec,
    LineCodec,
    dump_json,
    encrypt_header,
    is_encrypted,
    load_json,
    open_codec,
    rewrap_header,
)
from dialogue.store.journal import SessionStore
from dialogue.store.keys import (
    PENDING_KEY_FILE,
    Keys,
    Wrapping,
    fsync_dir,
    read_store_wrapping,
    replace_file,
    write_store_wrapping,
)
from dialogue.store.legacy import upgrade_event
from dialogue.store.snapshot import SUFFIX as SNAPSHOT_SUFFIX
from dialogue.store.snapshot import session_files as snapshot_files


@dataclass(frozen=True, slots=True)
class Converted:
    """What happened to one session."""

    session_id: str
    changed: bool
    events: int = 0
    sealed: tuple[str, ...] = ()  # backups sealed (encrypt) or rewrapped (rekey)
    removed: tuple[str, ...] = ()  # leftover temporary files removed


def read_records(data: bytes, keys: Keys | None, where: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Header and event records of whole journal bytes, strictly: any unreadable line is an error.
    (The journal's own reader, with repair, is `SessionStore.read`.)"""
    lines = [line for line in data.split(b"\n") if line.strip()]
    header = load_json(lines[0]) if lines else None
    if header is None:
        raise JournalError(f"{where}:1: not a session header; the file was not changed")
    codec: LineCodec = open_codec(header, keys, where)
    records = []
    for seq, raw in enumerate(lines[1:], start=1):
        found = codec.decode_records(raw, seq)
        if found is None:
            raise JournalError(f"{where}: event line {seq} is damaged or cut off; the file was not changed")
        records += found
    return header, records


def encode_journal(header: dict[str, Any], records: list[dict[str, Any]], codec: LineCodec) -> bytes:
    return dump_json(header) + b"\n" + b"".join(codec.encode_line(r, seq) for seq, r in enumerate(records, 1))


# ---- store encrypt ----


def encrypt_store(store: SessionStore, keys: Keys, scheme: str = "keyring") -> list[Converted]:
    """Encrypt every plaintext session of `store` (and make the store encrypt new ones)."""
    store.ensure()
    wrapping = read_store_wrapping(store.root)
    if wrapping is None:
        wrapping, kek = keys.new_wrapping(scheme)
        write_store_wrapping(store.root, wrapping)
    else:
        kek = keys.kek(wrapping)
    done = [encrypt_session(store, sid, keys, wrapping, kek) for sid in store.session_ids()]
    for orphan in store.root.glob(f"*{SNAPSHOT_SUFFIX}"):  # a snapshot whose journal is gone: plaintext too
        with contextlib.suppress(OSError):
            orphan.unlink()
    return done


def encrypt_session(store: SessionStore, session_id: str, keys: Keys, wrapping: Wrapping, kek: bytes
                    ) -> Converted:
    path = store.path(session_id)
    with store.lock(session_id):
        if _first_record(path).get("crypto") is not None:
            return Converted(session_id, False)
        SessionStore(store.root, keys).read(session_id)  # the journal's own repair of a torn last line
        header, records = read_records(path.read_bytes(), None, str(path))
        # An encrypted journal holds events of the current format (journal.py: version 3 = format-2 events),
        # so the events of a format-1 journal are upgraded as they are sealed.
        records = [upgrade_event(r, _version(header)) for r in records]
        sealed_header, codec = encrypt_header(header, wrapping, kek)
        data = encode_journal(sealed_header, records, codec)
        if read_records(data, keys, str(path))[1] != records:  # never replace what we cannot read back
            raise JournalError(f"{path}: the encrypted copy did not read back the same; nothing was changed")
        replace_file(path, data)
        sealed = tuple(_seal_backup(b, sealed_header, codec) for b in _backups(path) if _seal_needed(b))
        return Converted(session_id, True, len(records), tuple(s for s in sealed if s),
                         _remove_create_leftovers(path) + _remove_snapshots(store, session_id))


def _seal_needed(backup: Path) -> bool:
    return not is_encrypted(_first_record(backup))


def _seal_backup(backup: Path, header: dict[str, Any], codec: AeadCodec) -> str:
    """Replace a plaintext backup by the session's header and one sealed line holding its bytes."""
    replace_file(backup, dump_json(header) + b"\n" + codec.seal(backup.read_bytes()))
    return backup.name


def open_sealed(path: Path, keys: Keys) -> bytes:
    """The original bytes of a backup sealed by `store encrypt`."""
    data = path.read_bytes()
    first, _, rest = data.partition(b"\n")
    header = load_json(first) or {}
    codec = open_codec(header, keys, str(path))
    if not isinstance(codec, AeadCodec):
        return data
    return codec.unseal(rest.strip())


def _remove_snapshots(store: SessionStore, session_id: str) -> tuple[str, ...]:
    """The engine's snapshot (`ID.state`, dialogue.store.snapshot) is a plaintext copy of the session's
    answers: an encrypted store keeps none."""
    removed = []
    for found in snapshot_files(store.root, session_id):
        with contextlib.suppress(FileNotFoundError):
            found.unlink()
            removed.append(found.name)
    return tuple(sorted(removed))


def _remove_create_leftovers(path: Path) -> tuple[str, ...]:
    """Temporary files of a create that was interrupted (`.ID.jsonl.XXXX.tmp`): plaintext copies of the
    journal's start, safe to remove under the session's lock."""
    removed = []
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
            removed.append(leftover.name)
    return tuple(sorted(removed))


# ---- store rekey ----


def rekey_store(store: SessionStore, old_keys: Keys, new_keys: Keys, scheme: str = "keyring"
                ) -> tuple[Wrapping, list[Converted]]:
    """Wrap every session's data key under a new KEK. `old_keys` opens the store as it is (a wrong key
    stops here, before anything is written); `new_keys.new_wrapping(scheme)` makes the new KEK (for a
    script: the old passphrase in LOCABEN_PASSPHRASE, the new one given to `new_keys` the same way).

    The new Wrapping is written to PENDING_KEY_FILE first: a rekey run again after a crash takes it up
    (sessions already under it are skipped) instead of making yet another key."""
    old = read_store_wrapping(store.root)
    if old is None:
        raise JournalError(f"{store.root} is not encrypted; use `locaben store encrypt` first")
    old_keys.kek(old, str(store.root))
    pending = read_store_wrapping(store.root, PENDING_KEY_FILE)
    if pending is not None:
        wrapping, kek = pending, new_keys.kek(pending, f"{store.root} (the new key of an unfinished rekey)")
    else:
        wrapping, kek = new_keys.new_wrapping(scheme)
        write_store_wrapping(store.root, wrapping, PENDING_KEY_FILE)
    done = [rekey_session(store, sid, old_keys, wrapping, kek) for sid in store.session_ids()]
    write_store_wrapping(store.root, wrapping)
    (store.root / PENDING_KEY_FILE).unlink()
    fsync_dir(store.root)
    return wrapping, done


def rekey_session(store: SessionStore, session_id: str, keys: Keys, wrapping: Wrapping, kek: bytes
                  ) -> Converted:
    path = store.path(session_id)
    with store.lock(session_id):
        changed = rewrap_file(path, keys, wrapping, kek)
        backups = tuple(b.name for b in _backups(path) if rewrap_file(b, keys, wrapping, kek))
        return Converted(session_id, changed, sealed=backups)


def rewrap_file(path: Path, keys: Keys, wrapping: Wrapping, kek: bytes) -> bool:
    """Rewrite the header of one encrypted file with its data key wrapped under `kek`; the rest of the
    file is copied byte for byte. False when there was nothing to do."""
    data = path.read_bytes()
    first, newline, rest = data.partition(b"\n")
    header = load_json(first)
    if header is None or not is_encrypted(header) or not newline:
        return False
    if header["crypto"].get("wrap", {}).get("kid") == wrapping.kid:
        return False  # already under the new key (a rekey run again after a crash)
    replace_file(path, dump_json(rewrap_header(header, keys, wrapping, kek, str(path))) + b"\n" + rest)
    return True


# ---- helpers ----


def _version(header: dict[str, Any]) -> int:
    version = header.get("version")
    return version if isinstance(version, int) and not isinstance(version, bool) else 1


def _first_record(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return load_json(handle.readline()) or {}
    except OSError as exc:
        raise JournalError(f"cannot read {path}: {exc.strerror}") from None


def _backups(path: Path) -> list[Path]:
    return sorted(p for p in path.parent.glob(f"{path.name}.bak*") if p.name[len(path.name) + 4:].isdigit())

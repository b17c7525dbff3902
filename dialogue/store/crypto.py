"""Journal lines encrypted at rest: a small codec the journal calls for each line.

An encrypted journal keeps the shape of a plaintext one — a header line, then lines of events — so fsync
per append, atomic create, torn-line repair and resume after `kill -9` work unchanged:

    {"format": "locaben-session", "version": 3, "session_id": …, "bank_id": …, …,
     "crypto": {"aead": "AES-256-GCM", "wrap": {<Wrapping>}, "key": "<wrapped data key>", "check": "…"}}
    {"enc":1,"n":"<nonce>","c":"<ciphertext+tag>"}
    …

The header stays readable (bank, dates: no customer data) and is authenticated by `check`, an AEAD tag
over its digest. Each event line is AES-256-GCM under the session's own data key, with associated data
binding it to the session id and its sequence number (header = 0, first event line = 1, blank lines not
counted): a line moved between sessions or positions, or a line removed from the middle, fails to
authenticate. A torn last line is not valid JSON, so the journal's repair cuts it as before; the next
append reuses its number. Removing whole lines from the *end* cannot be told from a session that simply
stopped there — the audit log's event counts are the cross-check (docs/security.md).

One sealed line holds the events of one write (`encode_lines`): an answer with the question that follows
it is one line, one AES-GCM seal and one base64 text, and a write that was all-or-nothing on disk stays so
when read (a cut anywhere in it drops all its events). Its plaintext is the event's JSON object, or a JSON
array of them. A plaintext journal keeps one line per event; lines written one per event (journals created
or converted whole, or written before this) read as before. What it saves is measured in docs/security.md.

The same data key seals two more things, each under associated data of its own: a plaintext backup that
`store encrypt` found (`seal`), and the engine snapshot of a long session (`seal_snapshot`,
dialogue.store.snapshot) — so none of the three can be taken for another.
"""

from __future__ import annotations

import binascii
import hashlib
import json
import secrets
from typing import Any, Protocol

from dialogue.errors import JournalError
from dialogue.store.keys import (
    NONCE,
    Keys,
    Wrapping,
    aesgcm,
    b64,
    invalid_tag,
    new_key,
    unb64,
    unwrap_key,
    wrap_key,
)

AEAD = "AES-256-GCM"
ENCRYPTED_VERSION = 3  # the file version of an encrypted journal: format-2 events, sealed (an older locaben
# refuses it as "newer than this locaben reads"); see dialogue/store/journal.py for the numbering
_PREFIX = b'{"enc":1,"n":"'
_MIDDLE = b'","c":"'
_N_START = len(_PREFIX)
_N_END = _N_START + 16  # base64 of a 12-byte nonce
_C_START = _N_END + len(_MIDDLE)
_SNAPSHOT = b"locaben-snapshot/1\x00"  # the associated data of a sealed snapshot: this, then the session id
# (journal lines: b"locaben-line/1\x00" + id + seq; sealed backups: id + b"\x00sealed"; a session id has no
# '/' and no NUL, so no two of these can be equal)


class TamperedLine(JournalError):
    """An encrypted line that does not authenticate: changed, moved, or from another session."""


class LineCodec(Protocol):
    """What the journal needs per line. `encode_lines` writes the records of one write as lines (each with
    its `\n`), the first bound to `seq`; `decode_records` returns a line's records, or None for a line that
    is not a whole JSON object (torn or garbled: the journal's repair decides), and raises for one that is
    whole but fails."""

    encrypted: bool

    def encode_lines(self, records: list[dict[str, Any]], seq: int) -> bytes: ...

    def decode_records(self, raw: bytes, seq: int) -> list[dict[str, Any]] | None: ...

    def encode_line(self, record: dict[str, Any], seq: int) -> bytes: ...

    def decode_line(self, raw: bytes, seq: int) -> dict[str, Any] | None: ...


def dump_json(record: dict[str, Any]) -> bytes:
    """One compact JSON text in UTF-8; text that is not valid Unicode (lone surrogates) as JSON escapes."""
    try:
        return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(record, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def load_json(raw: bytes) -> dict[str, Any] | None:
    try:
        record = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return record if isinstance(record, dict) else None


class PlainCodec:
    """Today's journal lines, unchanged: the codec of a journal whose header has no `crypto`."""

    encrypted = False

    def encode_line(self, record: dict[str, Any], seq: int) -> bytes:
        return dump_json(record) + b"\n"

    def decode_line(self, raw: bytes, seq: int) -> dict[str, Any] | None:
        return load_json(raw)

    def encode_lines(self, records: list[dict[str, Any]], seq: int) -> bytes:
        return b"".join(dump_json(record) + b"\n" for record in records)

    def decode_records(self, raw: bytes, seq: int) -> list[dict[str, Any]] | None:
        record = load_json(raw)
        return None if record is None else [record]


class AeadCodec:
    """Event lines under one session's data key (AES-256-GCM, a random 96-bit nonce per line)."""

    encrypted = True

    def __init__(self, data_key: bytes, session_id: str, where: str = "journal"):
        self._aead = aesgcm(data_key)
        self._session = session_id.encode("utf-8")
        self._prefix = b"locaben-line/1\x00" + self._session + b"\x00"
        self.where = where

    def _context(self, seq: int) -> bytes:
        return self._prefix + seq.to_bytes(8, "big")

    def encode_line(self, record: dict[str, Any], seq: int) -> bytes:
        return self._seal_line(dump_json(record), seq)

    def encode_lines(self, records: list[dict[str, Any]], seq: int) -> bytes:
        """The records of one write as one sealed line (nothing for none)."""
        if len(records) <= 1:
            return b"".join(self.encode_line(record, seq) for record in records)
        return self._seal_line(b"[" + b",".join(dump_json(record) for record in records) + b"]", seq)

    def _seal_line(self, plain: bytes, seq: int) -> bytes:
        nonce = secrets.token_bytes(NONCE)
        sealed = self._aead.encrypt(nonce, plain, self._context(seq))
        return _PREFIX + b64(nonce).encode() + _MIDDLE + b64(sealed).encode() + b'"}\n'

    def decode_line(self, raw: bytes, seq: int) -> dict[str, Any] | None:
        """A line holding one record (as `encode_line` writes it)."""
        records = self.decode_records(raw, seq)
        if records is not None and len(records) != 1:
            raise TamperedLine(f"{self.where}: event line {seq} holds {len(records)} events, not one.")
        return None if records is None else records[0]

    def decode_records(self, raw: bytes, seq: int) -> list[dict[str, Any]] | None:
        # The hot path of a resume (one call per event): a line exactly as encode_line writes it is split
        # by position, not parsed as JSON; anything else takes the slow path with its checks.
        if raw.startswith(_PREFIX) and raw.startswith(_MIDDLE, _N_END) and raw.endswith(b'"}'):
            nonce_b64, sealed_b64 = raw[_N_START:_N_END], raw[_C_START:-2]
        else:
            parts = self._outer(raw, seq)
            if parts is None:
                return None
            nonce_b64, sealed_b64 = parts
        try:
            plain = self._aead.decrypt(binascii.a2b_base64(nonce_b64), binascii.a2b_base64(sealed_b64),
                                       self._prefix + seq.to_bytes(8, "big"))
        except (invalid_tag(), ValueError):  # binascii.Error is a ValueError
            raise TamperedLine(self._diagnose(nonce_b64, sealed_b64, seq)) from None
        try:
            found = json.loads(plain.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            found = None
        records = [found] if isinstance(found, dict) else found
        if not isinstance(records, list) or not records or not all(isinstance(r, dict) for r in records):
            raise TamperedLine(f"{self.where}: event line {seq} decrypts to something that is not events.")
        return records

    def _outer(self, raw: bytes, seq: int) -> tuple[bytes, bytes] | None:
        """(nonce, ciphertext) in base64 of a line written otherwise (e.g. re-serialised by a tool), or None
        for a line that is not a whole JSON object (torn: the journal's repair decides)."""
        outer = load_json(raw)
        if outer is None:
            return None
        if outer.get("enc") != 1 or not isinstance(outer.get("n"), str) or not isinstance(outer.get("c"), str):
            raise TamperedLine(f"{self.where}: event line {seq} is not an encrypted line in an encrypted journal "
                               "(it was added by hand or by another program). The file was not changed; keep "
                               "a copy and remove that line.")
        return outer["n"].encode("ascii", "replace"), outer["c"].encode("ascii", "replace")

    def seal(self, data: bytes) -> bytes:
        """`data` (a whole plaintext backup) as one line, bound to this session (`store encrypt`)."""
        nonce = secrets.token_bytes(NONCE)
        sealed = self._aead.encrypt(nonce, data, self._session + b"\x00sealed")
        return b'{"sealed":1,"n":"' + b64(nonce).encode() + b'","c":"' + b64(sealed).encode() + b'"}\n'

    def unseal(self, line: bytes) -> bytes:
        outer = load_json(line) or {}
        try:
            return self._aead.decrypt(unb64(outer.get("n"), self.where), unb64(outer.get("c"), self.where),
                                      self._session + b"\x00sealed")
        except (invalid_tag(), ValueError):
            raise TamperedLine(f"{self.where}: the sealed backup does not authenticate.") from None

    def seal_snapshot(self, data: bytes) -> bytes:
        """`data` (an engine snapshot, dialogue.store.snapshot) sealed under this session's key: the nonce, then
        the ciphertext with its tag, as bytes (no base64: a snapshot is megabytes, read at every resume). Its
        associated data names what it is and the session, so it can never be taken for a journal line, a
        sealed backup or another session's snapshot, nor the reverse."""
        nonce = secrets.token_bytes(NONCE)
        return nonce + self._aead.encrypt(nonce, data, _SNAPSHOT + self._session)

    def unseal_snapshot(self, blob: bytes) -> bytes:
        """The bytes `seal_snapshot` sealed; TamperedLine when they do not authenticate (changed, another
        session's, or sealed under another data key: a journal encrypted again since)."""
        try:
            return self._aead.decrypt(blob[:NONCE], blob[NONCE:], _SNAPSHOT + self._session)
        except (invalid_tag(), ValueError):
            raise TamperedLine(f"{self.where}: the engine snapshot does not authenticate.") from None

    def _diagnose(self, nonce_b64: bytes, sealed_b64: bytes, seq: int) -> str:
        """Why event `seq` fails: written at another position (lines removed or moved), or not ours."""
        head = f"{self.where}: event line {seq} does not authenticate"
        tail = " The file was not changed; keep a copy and restore the session from a backup."
        try:
            nonce, sealed = binascii.a2b_base64(nonce_b64), binascii.a2b_base64(sealed_b64)
        except ValueError:
            return f"{head}: it is not valid base64 (it was changed).{tail}"
        for other in range(max(1, seq - 50), seq + 51):
            if other != seq and self._opens(nonce, sealed, other):
                what = "removed" if other > seq else "repeated or inserted"
                return (f"{head}: it was written as event line {other}, so lines before it were {what} or the "
                        f"lines were reordered.{tail}")
        return f"{head}: it was changed, or copied from another session.{tail}"

    def _opens(self, nonce: bytes, sealed: bytes, seq: int) -> bool:
        try:
            self._aead.decrypt(nonce, sealed, self._context(seq))
        except (invalid_tag(), ValueError):
            return False
        return True


# ---- the header ----


def header_digest(header: dict[str, Any]) -> bytes:
    """SHA-256 of the header without its `crypto` block (which a rekey rewrites)."""
    body = {k: v for k, v in header.items() if k != "crypto"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
                          .encode("ascii")).digest()


def _session_context(header: dict[str, Any]) -> bytes:
    return str(header.get("session_id", "")).encode("utf-8")


def encrypt_header(header: dict[str, Any], wrapping: Wrapping, kek: bytes) -> tuple[dict[str, Any], AeadCodec]:
    """A new session's header with its `crypto` block, and the codec for its lines.

    `header` is the plaintext header (Header.to_json()); a fresh data key is made, wrapped under `kek`."""
    data_key = new_key()
    sealed = {**header, "version": ENCRYPTED_VERSION}
    nonce = secrets.token_bytes(NONCE)
    check = aesgcm(data_key).encrypt(nonce, b"", b"locaben-header/1\x00" + header_digest(sealed))
    sealed["crypto"] = {"aead": AEAD, "wrap": wrapping.to_json(),
                        "key": wrap_key(kek, data_key, _session_context(sealed)), "check": b64(nonce + check)}
    return sealed, AeadCodec(data_key, str(header.get("session_id", "")))


def is_encrypted(header: dict[str, Any]) -> bool:
    return "crypto" in header


def header_wrapping(header: dict[str, Any], where: str) -> Wrapping:
    crypto = header.get("crypto")
    if not isinstance(crypto, dict) or crypto.get("aead") != AEAD:
        raise JournalError(f"{where}:1: unknown encryption {crypto!r:.60}; the file was not changed")
    return Wrapping.from_json(crypto.get("wrap"), f"{where}:1")


def data_key(header: dict[str, Any], keys: Keys, where: str) -> bytes:
    """Unwrap the session's data key and check the header was not changed; raises WrongKey /
    KeyUnavailable / TamperedLine before anything is written."""
    wrapping = header_wrapping(header, where)
    key = unwrap_key(keys.kek(wrapping, where), header["crypto"].get("key"), _session_context(header), where)
    blob = unb64(header["crypto"].get("check"), f"{where}:1: the header check")
    try:
        aesgcm(key).decrypt(blob[:NONCE], blob[NONCE:], b"locaben-header/1\x00" + header_digest(header))
    except (invalid_tag(), ValueError):
        raise TamperedLine(f"{where}:1: the session header was changed after it was written (its check "
                           "does not match). The file was not changed; restore it from a backup.") from None
    return key


def open_codec(header: dict[str, Any], keys: Keys | None, where: str) -> LineCodec:
    """The codec for a journal with this (already parsed) header: plain, or AEAD with its data key."""
    if not is_encrypted(header):
        return PlainCodec()
    if keys is None:
        raise JournalError(f"{where} is encrypted; it can be opened only with its key (see docs/security.md).")
    return AeadCodec(data_key(header, keys, where), str(header.get("session_id", "")), where)


def rewrap_header(header: dict[str, Any], keys: Keys, wrapping: Wrapping, kek: bytes, where: str
                  ) -> dict[str, Any]:
    """The same header with its data key wrapped under a new KEK (`store rekey`); lines are untouched."""
    key = data_key(header, keys, where)
    crypto = {**header["crypto"], "wrap": wrapping.to_json(), "key": wrap_key(kek, key, _session_context(header))}
    return {**header, "crypto": crypto}

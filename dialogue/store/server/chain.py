"""A session as a hash chain: the bytes the server stores for each event, and the hash linking them.

The header's hash starts the chain; each event's hash is sha256(previous hash ‖ event bytes). The server
computes the same in its insert trigger and refuses a row whose hash differs, so a client and the server agree
on a session's history exactly when they agree on its last hash — comparing (count, last hash) is how sync
tells "in step", "behind", "ahead" and "diverged" apart, with nothing stored on the side that could drift.

Event bytes are canonical JSON (sorted keys, no spaces, UTF-8): the same event read from any journal gives
the same bytes, whatever order its keys were written in. Text that is not valid Unicode (a lone surrogate
from a terminal in the wrong encoding) is written with ASCII escapes instead, as the journal does.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from dialogue.model import Event
from dialogue.store.journal import Header, Journal


def canonical(record: dict[str, Any]) -> bytes:
    try:
        return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(record, ensure_ascii=True, sort_keys=True, separators=(",", ":")).encode("ascii")


def header_hash(header_bytes: bytes) -> bytes:
    return hashlib.sha256(header_bytes).digest()


def link(previous: bytes, body: bytes) -> bytes:
    return hashlib.sha256(previous + body).digest()


@dataclass(frozen=True, slots=True)
class Chain:
    """A session's header and events as the server stores them, with every hash.

    `hashes[0]` is the header's hash; `hashes[n]` the hash after n events (so `hashes[-1]` is the head)."""

    session_id: str
    header: bytes
    bodies: tuple[bytes, ...]
    hashes: tuple[bytes, ...]

    @property
    def count(self) -> int:
        return len(self.bodies)

    @property
    def head(self) -> bytes:
        return self.hashes[-1]

    def hash_after(self, count: int) -> bytes:
        return self.hashes[count]

    def common_prefix(self, other_hashes: list[bytes]) -> int:
        """How many events this chain shares with another whose hashes after 1, 2, … events are given."""
        shared = 0
        for mine, theirs in zip(self.hashes[1:], other_hashes, strict=False):
            if mine != theirs:
                break
            shared += 1
        return shared


def chain_of(header: Header, events: tuple[Event, ...] | list[Event]) -> Chain:
    head_bytes = canonical(header.to_json())
    bodies = tuple(canonical(e.to_json()) for e in events)
    hashes = [header_hash(head_bytes)]
    for body in bodies:
        hashes.append(link(hashes[-1], body))
    return Chain(header.session_id, head_bytes, bodies, tuple(hashes))


def journal_chain(journal: Journal) -> Chain:
    return chain_of(journal.header, journal.events)


def event_of(body: str) -> Event:
    """An event as the server stores it, back into the journal's form."""
    return Event.from_json(json.loads(body))


def header_of(text: str, where: str) -> Header:
    return Header.from_json(json.loads(text), where)

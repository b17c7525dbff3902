"""The part of a journal a snapshot of the engine covers (dialogue.store.snapshot): what it is (`Covered`), and
how its lines become events when something finally reads them (model/event_log.py `RawEvents`): plaintext
lines in one JSON call, sealed lines each through the journal's codec — decrypted and authenticated at their
own sequence numbers, exactly as a full read would. A resume from a snapshot calls none of this.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from dialogue.model import Event
from dialogue.record import Record
from dialogue.record import record as frozen_record
from dialogue.store.crypto import LineCodec
from dialogue.store.legacy import upgrade_event


@frozen_record
class Covered(Record):
    """The journal prefix a snapshot of the engine covers (dialogue.store.snapshot): its byte length (the
    header and whole event lines, none blank), the events and the event lines in it (the same number in a
    plaintext journal; an encrypted one holds a sealed line per write), and the last event's time."""

    length: int
    events: int
    last_at: str
    lines: int


def decode_lines(data: bytes, version: int) -> list[Event]:
    """The events of plaintext journal lines that were read once already (a snapshot's covered prefix, whose
    bytes are checked against the snapshot's hash): parsed in one JSON call."""
    lines = [line for line in data.split(b"\n") if line.strip()]
    records = json.loads(b"[" + b",".join(lines) + b"]")
    return [Event.from_json(upgrade_event(r, version) if version < 2 else r) for r in records]


def decode_sealed(data: bytes, codec: LineCodec, first_seq: int) -> list[Event]:
    """The events of sealed journal lines (a snapshot's covered prefix, or one line of it), the first line
    bound to `first_seq`: each decrypted and authenticated, as a full read would."""
    events = []
    for seq, line in enumerate((line for line in data.split(b"\n") if line.strip()), first_seq):
        records = codec.decode_records(line, seq)
        if records is None:
            raise ValueError(f"event line {seq} of the covered prefix is not a sealed line")
        events += [Event.from_json(record) for record in records]
    return events


def decoder(codec: LineCodec, version: int) -> Callable[[bytes, int], list[Event]]:
    """How the covered prefix's lines become events (model/event_log.py `Decode`): plaintext in one JSON call,
    sealed lines each through the journal's codec, numbered on from the line they start at."""
    if codec.encrypted:
        return lambda data, first_seq: decode_sealed(data, codec, first_seq)
    return lambda data, _first_seq: decode_lines(data, version)


__all__ = ["Covered", "decode_lines", "decode_sealed", "decoder"]

"""A session's events in order, where the first ones may still be journal lines nobody has decoded yet.

A session resumed from a snapshot of its engine (dialogue.store.snapshot) starts from the state the events
built, not from the events: decoding 10,000 journal lines into `Event`s costs ~40 ms that the first prompt
does not need. `EventLog` keeps that covered prefix as the journal's bytes (`RawEvents`) and decodes it the
first time something reads the events themselves (the transcript's list, a compile, `/source` looking back
for the last answer); its length and the last event's time are known without decoding. Events added after
the prefix (the journal's later lines, the live session's own) are kept decoded.

The lines may be plaintext (one event each) or sealed (an encrypted journal: one AES-GCM line per write,
holding one event or several, each bound to its sequence number — the first event line is 1): the decoder
is given the sequence number of the first line it decodes, and `lines` says how many lines the prefix has.

An `EventLog` compares equal to a tuple or list of the same events, so code that held `tuple[Event, ...]`
reads it unchanged."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, overload

from dialogue.model.events import Event

Decode = Callable[[bytes, int], list[Event]]  # journal lines ('\n'-separated), the first one's sequence number → events


class RawEvents:
    """`count` events still as journal lines: `data[start:end]` (`span`; all of `data` without one), whole
    lines, none blank — `lines` of them (`count` for plaintext lines, one a line). The last was written at
    `last_at`; `decode` turns lines into events (the journal's own decoder: the store knows the format version
    and the key). Decoded once, when needed; the span is not even copied out of the journal's bytes before."""

    __slots__ = ("_data", "_decode", "_events", "_span", "count", "last_at", "lines")

    def __init__(self, data: bytes, count: int, last_at: str, decode: Decode, lines: int | None = None,
                 span: tuple[int, int] | None = None):
        self._data, self.count, self.last_at, self._decode = data, count, last_at, decode
        self.lines = count if lines is None else lines
        self._span = span if span is not None else (0, len(data))
        self._events: list[Event] | None = None

    @property
    def decoded(self) -> bool:
        return self._events is not None

    def events(self) -> list[Event]:
        if self._events is None:
            start, end = self._span
            events = self._decode(self._data[start:end], 1)
            if len(events) != self.count:
                raise ValueError(f"the journal's covered lines hold {len(events)} events, not {self.count}")
            self._events, self._data, self._span = events, b"", (0, 0)
        return self._events

    def one(self, index: int) -> Event:
        """Event `index` (0 ≤ index < count): the first and the last are decoded alone, from their own line
        (the first of the first line, the last of the last: a sealed line may hold several)."""
        if self._events is None and index in (0, self.count - 1):
            data, (start, end) = self._data, self._span
            if index == 0:
                stop = data.find(b"\n", start, end)
                return self._decode(data[start:stop if stop >= 0 else end], 1)[0]
            end -= data.endswith(b"\n", start, end)
            begin = data.rfind(b"\n", start, end) + 1 or start
            return self._decode(data[begin:end], self.lines)[-1]
        return self.events()[index]


class EventLog(Sequence[Event]):
    """The events of a session: an undecoded prefix (`raw`, possibly none), then decoded events."""

    __slots__ = ("_events", "_raw")

    def __init__(self, events: Iterable[Event] = (), raw: RawEvents | None = None):
        self._raw = raw if raw is not None and raw.count else None
        self._events: list[Event] = list(events)

    @property
    def undecoded(self) -> int:
        """How many events are still journal lines (0 once anything needed them all)."""
        return 0 if self._raw is None or self._raw.decoded else self._raw.count

    def append(self, event: Event) -> None:
        self._events.append(event)

    def copy(self) -> EventLog:
        """The events as they are now (appends to this log do not show in the copy; the prefix is shared,
        and decoded once for both)."""
        return EventLog(self._events, self._raw)

    def since(self, index: int) -> list[Event]:
        """The events from `index` on; the prefix is decoded only when `index` falls inside it."""
        covered = self._covered()
        if index >= covered:
            return self._events[index - covered:]
        return self._prefix()[index:] + self._events

    @property
    def last_at(self) -> str:
        """When the last event happened ("" before the first), without decoding anything."""
        if self._events:
            return self._events[-1].at
        return self._raw.last_at if self._raw is not None else ""

    def _covered(self) -> int:
        return self._raw.count if self._raw is not None else 0

    def _prefix(self) -> list[Event]:
        return self._raw.events() if self._raw is not None else []

    def __len__(self) -> int:
        return self._covered() + len(self._events)

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Event, ...]: ...

    def __getitem__(self, index: int | slice) -> Event | tuple[Event, ...]:
        covered = self._covered()
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if start >= covered and stop >= covered and step == 1:
                return tuple(self._events[start - covered:stop - covered])
            return tuple(self._prefix() + self._events)[index]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("event index out of range")
        if index >= covered:
            return self._events[index - covered]
        assert self._raw is not None
        return self._raw.one(index)

    def __iter__(self) -> Iterator[Event]:
        """The list's own iterator when nothing is undecoded: the live session's toolbar and probe policy read
        the events after every answer, and a generator costs several times as much per event."""
        if self._raw is None:
            return iter(self._events)
        return itertools.chain(self._raw.events(), self._events)

    def __reversed__(self) -> Iterator[Event]:
        """The latest first: the prefix is decoded only if the reader goes on into it."""
        if self._raw is None:
            return reversed(self._events)
        return itertools.chain(reversed(self._events), _lazily_reversed(self._raw))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EventLog | tuple | list):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"EventLog({tuple(self)!r})"

    def __add__(self, other: Any) -> tuple[Event, ...]:
        return (*self, *other)


def _lazily_reversed(raw: RawEvents) -> Iterator[Event]:
    yield from reversed(raw.events())


__all__ = ["Decode", "EventLog", "RawEvents"]

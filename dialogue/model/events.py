"""Journal events: what happened, when, and its data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Event:
    """One line of the journal: what happened, when, and its data (JSON-compatible)."""

    kind: str
    at: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "at": self.at, **self.data}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Event:
        data = {k: v for k, v in obj.items() if k not in ("kind", "at")}
        return cls(kind=str(obj["kind"]), at=str(obj["at"]), data=data)


EVENT_KINDS: tuple[str, ...] = (
    "started", "asked", "answered", "probed", "probe_answered", "followed_up", "probes_skipped", "skipped",
    "went_back", "jumped", "reached_end", "noted", "paused", "resumed", "reviewed", "review_closed",
    "finished", "reopened", "status_marked", "source_set", "flagged", "unflagged", "parked", "visit_started",
    "assigned", "submitted", "approved", "returned",  # team work, written by the team server (issue 16)
)

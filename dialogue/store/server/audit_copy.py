"""The audit log's copy on the team server: sent at each `locaben sync`, compared by `locaben audit --verify`.

A chain kept only on the laptop can be rebuilt, consistently, by anyone who can write it (docs/security.md).
Once entries are on the server they cannot be changed there (append-only rows, each link checked on
insert), so the laptop's log must keep starting with exactly the entries the server holds: an entry removed
or rewritten here after it was sent — even with every later hash recomputed — shows as a difference.
A log is named on the server by its first entry's hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dialogue.i18n import Message
from dialogue.store.audit import AuditLog, canonical
from dialogue.store.server import ServerError
from dialogue.store.server.remote import DatabaseError, Remote, describe


@dataclass(frozen=True, slots=True)
class Compared:
    """This computer's log against the server's copy: `on_server` entries there; `ok` when the log here
    starts with exactly those."""

    ok: bool
    on_server: int
    message: Message | None = None  # why not, worded by the command


def compare(entries: list[dict[str, Any]], server_hashes: list[str]) -> Compared:
    if len(server_hashes) > len(entries):
        return Compared(False, len(server_hashes), Message("server.audit_entries_removed",
                                                           {"server": len(server_hashes), "here": len(entries)}))
    for seq, (entry, sent) in enumerate(zip(entries, server_hashes, strict=False), start=1):
        if entry.get("hash") != sent:
            return Compared(False, len(server_hashes), Message("server.audit_entry_changed", {"seq": seq}))
    return Compared(True, len(server_hashes))


def compare_with_server(log: AuditLog, remote: Remote) -> Compared:
    entries = log.entries()
    if not entries:
        return Compared(True, 0)
    try:
        return compare(entries, remote.audit_hashes(str(entries[0].get("hash", ""))))
    except DatabaseError as exc:
        raise ServerError("server.audit_unreadable", detail=describe(exc)) from None


def send(log: AuditLog, remote: Remote) -> int:
    """Send the entries the server does not hold yet; how many were sent. A log that no longer matches what
    the server holds is not sent (ServerError says why): the difference is the finding."""
    entries = log.entries()
    compared = compare_with_server(log, remote)
    if not compared.ok and compared.message is not None:
        raise ServerError(compared.message.key, **compared.message.values)
    new = entries[compared.on_server:]
    try:
        remote.append_audit(str(entries[0]["hash"]) if entries else "", compared.on_server + 1,
                            [canonical(e).decode("utf-8") for e in new], [str(e["hash"]) for e in new])
    except DatabaseError as exc:
        raise ServerError("server.audit_refused", detail=describe(exc)) from None
    return len(new)

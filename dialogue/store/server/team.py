"""The team's work on a session: hand it over, submit it for review, approve or return it.

Each is an event in the session's own history (`assigned`, `submitted`, `approved`, `returned`), written on
the server first — whose access rules decide whether this staff member may write it — and then pulled into
the local journal, so a local journal only ever holds team events the server accepted. The local copy is
brought in step before and after, under the session's lock, so no interview can write in between.
"""

from __future__ import annotations

from typing import Any

from dialogue.store.journal import SessionStore
from dialogue.store.server import AccessDenied, ServerError
from dialogue.store.server.chain import canonical, link
from dialogue.store.server.remote import Head, Remote, UniqueViolation
from dialogue.store.server.sync import IN_STEP, PULLED, PUSHED, CompanyOf, Outcome, no_company, sync_locked

TEAM_KINDS: tuple[str, ...] = ("assigned", "submitted", "approved", "returned")
REVIEWABLE_STATES = ("submitted",)


def team_event(kind: str, at: str, by: dict[str, str], **data: Any) -> dict[str, Any]:
    """`{"kind": ..., "at": ..., "by": {...}, ...}` — the same shape as every journal event."""
    assert kind in TEAM_KINDS, kind
    return {"kind": kind, "at": at, "by": dict(by), **data}


def visible_head(remote: Remote, session_id: str) -> Head:
    head = remote.heads([session_id]).get(session_id)
    if head is None:
        raise AccessDenied(f"session {session_id} is not on the team server, or you may not see it "
                           "(run `locaben sync` first if it was written on this computer)")
    return head


def assign(store: SessionStore, remote: Remote, session_id: str, to: str, at: str, by: dict[str, str],
           company_of: CompanyOf = no_company) -> Outcome:
    if remote.staff(to) is None:
        raise ServerError(f"{to!r} is not active staff on the team server")
    head = visible_head(remote, session_id)
    if head.owner == to:
        raise ServerError(f"session {session_id} is already assigned to {to}")
    return record(store, remote, session_id, team_event("assigned", at, by, to=to, **{"from": head.owner}),
                  company_of)


def submit(store: SessionStore, remote: Remote, session_id: str, at: str, by: dict[str, str],
           company_of: CompanyOf = no_company) -> Outcome:
    if visible_head(remote, session_id).state == "submitted":
        raise ServerError(f"session {session_id} is already waiting for review")
    return record(store, remote, session_id, team_event("submitted", at, by), company_of)


def review(store: SessionStore, remote: Remote, session_id: str, approve: bool, comment: str, at: str,
           by: dict[str, str], company_of: CompanyOf = no_company) -> Outcome:
    me = remote.me()
    if not me.may_review:
        raise AccessDenied(f"{me.id} is an {me.role}: only a reviewer or an admin may approve or return a sheet")
    head = visible_head(remote, session_id)
    if head.state not in REVIEWABLE_STATES:
        raise ServerError(f"session {session_id} is not waiting for review (its state is {head.state}); "
                          "the interviewer submits it with `locaben submit`")
    kind = "approved" if approve else "returned"
    data = {"comment": comment} if comment or not approve else {}
    return record(store, remote, session_id, team_event(kind, at, by, **data), company_of)


def record(store: SessionStore, remote: Remote, session_id: str, event: dict[str, Any],
           company_of: CompanyOf = no_company) -> Outcome:
    """Append `event` on the server, with the local copy (if any) in step before and after."""
    if not store.exists(session_id):
        seq = _append_on_server(remote, session_id, event)
        return Outcome(session_id, "recorded", 1, detail=f"event {seq} on the server")
    with store.lock(session_id):  # SessionInUse: the interview is open; the user closes it first
        _in_step(store, remote, session_id, company_of, locked=True)
        seq = _append_on_server(remote, session_id, event)
        after = sync_locked(store, remote, session_id, company_of, False, writable=True)
    return Outcome(session_id, "recorded", 1, detail=f"event {seq} on the server; this computer: {after.action}")


def _in_step(store: SessionStore, remote: Remote, session_id: str, company_of: CompanyOf,
             locked: bool = False) -> None:
    if locked:
        outcome = sync_locked(store, remote, session_id, company_of, False, writable=True)
    else:
        with store.lock(session_id):
            outcome = sync_locked(store, remote, session_id, company_of, False, writable=True)
    if outcome.action not in (IN_STEP, PUSHED, PULLED):
        raise ServerError(f"session {session_id}: {outcome.detail or outcome.action}")


def _append_on_server(remote: Remote, session_id: str, event: dict[str, Any]) -> int:
    body = canonical(event)
    for _ in range(3):
        head = visible_head(remote, session_id)
        try:
            with remote.transaction():
                remote.append(session_id, head.count + 1, [body], [link(head.head, body)])
            return head.count + 1
        except UniqueViolation:
            continue  # someone appended meanwhile: follow their event instead
    raise ServerError(f"session {session_id} kept changing on the server; try again")

"""The team's work on a session: hand it over, submit it for review, approve or return it.

Each is an event in the session's own history (`assigned`, `submitted`, `approved`, `returned`), written on
the server first — whose access rules decide whether this staff member may write it — and then pulled into
the local journal, so a local journal only ever holds team events the server accepted. The local copy is
brought in step before and after, under the session's lock, so no interview can write in between.
"""

from __future__ import annotations

from typing import Any

from dialogue.i18n import Message
from dialogue.model import Actor, Event
from dialogue.model.events import Approved, Assigned, Payload, Returned, Submitted
from dialogue.store.journal import SessionStore
from dialogue.store.server import AccessDenied, ServerError
from dialogue.store.server.chain import canonical, link
from dialogue.store.server.remote import Head, Remote, UniqueViolation
from dialogue.store.server.sync import IN_STEP, PULLED, PUSHED, CompanyOf, Outcome, no_company, sync_locked

TEAM_KINDS: tuple[str, ...] = ("assigned", "submitted", "approved", "returned")
RECORDED = "recorded"
REVIEWABLE_STATES = ("submitted",)


def team_event(payload: Payload, at: str, by: Actor | None) -> dict[str, Any]:
    """A team event as the journal writes it: `{"kind": ..., "at": ..., "by": {...}, ...}`."""
    assert payload.kind.value in TEAM_KINDS, payload.kind
    return Event(at, payload, by).to_json()


def visible_head(remote: Remote, session_id: str) -> Head:
    head = remote.heads([session_id]).get(session_id)
    if head is None:
        raise AccessDenied("team.not_visible", id=session_id)
    return head


def assign(store: SessionStore, remote: Remote, session_id: str, to: str, at: str, by: Actor | None,
           company_of: CompanyOf = no_company) -> Outcome:
    if remote.staff(to) is None:
        raise ServerError("team.unknown_staff", staff=to)
    head = visible_head(remote, session_id)
    if head.owner == to:
        raise ServerError("team.already_assigned", id=session_id, staff=to)
    return record(store, remote, session_id, team_event(Assigned(to, head.owner), at, by), company_of)


def submit(store: SessionStore, remote: Remote, session_id: str, at: str, by: Actor | None,
           company_of: CompanyOf = no_company) -> Outcome:
    if visible_head(remote, session_id).state == "submitted":
        raise ServerError("team.already_submitted", id=session_id)
    return record(store, remote, session_id, team_event(Submitted(), at, by), company_of)


def review(store: SessionStore, remote: Remote, session_id: str, approve: bool, comment: str, at: str,
           by: Actor | None, company_of: CompanyOf = no_company) -> Outcome:
    me = remote.me()
    if not me.may_review:
        raise AccessDenied("team.not_reviewer", staff=me.id, role=Message(f"team.role.{me.role}"))
    head = visible_head(remote, session_id)
    if head.state not in REVIEWABLE_STATES:
        raise ServerError("team.not_waiting", id=session_id, state=Message(f"team.state.{head.state}"))
    verdict = Approved(comment) if approve else Returned(comment)
    return record(store, remote, session_id, team_event(verdict, at, by), company_of)


def record(store: SessionStore, remote: Remote, session_id: str, event: dict[str, Any],
           company_of: CompanyOf = no_company) -> Outcome:
    """Append `event` on the server, with the local copy (if any) in step before and after."""
    if not store.exists(session_id):
        seq = _append_on_server(remote, session_id, event)
        return Outcome(session_id, RECORDED, 1, Message("team.recorded", {"seq": seq}))
    with store.lock(session_id):  # SessionInUse: the interview is open; the user closes it first
        _in_step(store, remote, session_id, company_of, locked=True)
        seq = _append_on_server(remote, session_id, event)
        after = sync_locked(store, remote, session_id, company_of, False, writable=True)
    return Outcome(session_id, RECORDED, 1, Message("team.recorded_here", {
        "seq": seq, "action": Message(f"sync.action.{after.action}")}))


def _in_step(store: SessionStore, remote: Remote, session_id: str, company_of: CompanyOf,
             locked: bool = False) -> None:
    if locked:
        outcome = sync_locked(store, remote, session_id, company_of, False, writable=True)
    else:
        with store.lock(session_id):
            outcome = sync_locked(store, remote, session_id, company_of, False, writable=True)
    if outcome.action not in (IN_STEP, PUSHED, PULLED):
        raise ServerError("team.not_in_step", id=session_id,
                          reason=outcome.message or Message(f"sync.action.{outcome.action}"))


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
    raise ServerError("team.kept_changing", id=session_id)

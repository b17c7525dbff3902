"""Offline-first sync between the local journals and the team server.

Nothing is tracked on the side: for each session the local chain (count and hashes, computed from the
journal) is compared with the server's (count and last hash), which cannot drift from either copy:

- the same count and last hash: in step;
- the server's last hash is one of ours: push our later events (one transaction per session, so a kill or a
  lost connection leaves the server with all of a session's new events or none, and the next sync sends them);
- our last hash is one of the server's: pull its later events into the journal (one fsync'ed append; a cut
  append is repaired from the backup on the next read and pulled again);
- neither: the session was continued on two devices. The server keeps the version it has; ours is left as it
  is and reported, and `fork` keeps it as a new session linked to the original. Never a silent merge.

Pushing twice is harmless: the second time the counts and hashes already agree. Sessions owned by this user on
the server that are not on this computer (assigned to them) are written as new journals, atomically.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from dialogue.errors import JournalError, LocabenError, SessionInUse
from dialogue.i18n import Message
from dialogue.model import Event
from dialogue.model.events import Started
from dialogue.store.journal import Header, Journal, SessionStore, new_session_id
from dialogue.store.server import AccessDenied, ServerError
from dialogue.store.server.chain import Chain, chain_of, event_of, header_of, journal_chain, link
from dialogue.store.server.remote import DatabaseError, Head, Remote, UniqueViolation, describe, refusal_code

_NEEDS_PULL = "needs_pull"  # internal: the server is ahead, and the journal is not locked yet
CompanyOf = Callable[[str], str]  # session id → the company's name as the sheet shows it ('' if unknown)

IN_STEP, PUSHED, PULLED, FETCHED, DIVERGED, NOT_YOURS, IN_USE, FAILED, FORKED, DEMO = (
    "in_step", "pushed", "pulled", "fetched", "diverged", "not_yours", "in_use", "failed", "forked", "demo")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What sync did with one session; `message`: what else the user should know, worded by the command."""

    session_id: str
    action: str
    events: int = 0
    message: Message | None = None

    @property
    def detail(self) -> str:
        """The message in English (for logs and tests)."""
        return self.text("en")

    def text(self, lang: str) -> str:
        return self.message.text(lang) if self.message is not None else ""


def error_message(exc: BaseException) -> Message:
    """An error as a message: the catalogue's words for ours, the driver's or the server's text otherwise."""
    worded = getattr(exc, "message", None)
    if isinstance(worded, Message):
        return worded
    if isinstance(exc, DatabaseError):
        return Message("server.refused", {"detail": describe(exc)})
    return Message("server.error_text", {"text": str(exc)})


def no_company(session_id: str) -> str:
    return ""


def sync_all(store: SessionStore, remote: Remote, company_of: CompanyOf = no_company) -> Iterator[Outcome]:
    """Every local session, then every session assigned to this user that is not here yet.

    Yields as it goes; a lost connection raises ServerError after the sessions already done (they stay done)."""
    local = store.session_ids()
    heads = remote.heads(local)
    for session_id in local:
        yield sync_one(store, remote, session_id, company_of, heads.get(session_id))
    for session_id, head in sorted(remote.owned_heads().items()):
        if not store.exists(session_id):
            yield fetch(store, remote, session_id, head)


def sync_one(store: SessionStore, remote: Remote, session_id: str, company_of: CompanyOf = no_company,
             head: Head | None | bool = False) -> Outcome:
    """Bring one local session and the server's copy in step, as far as that is safe.

    Reading and pushing need no lock (the journal is append-only; a line being written is ignored until it is
    whole). Only pulling appends to the journal: then the session is locked, and when an interview has it
    open nothing is pulled into it now (its events were still sent)."""
    outcome = sync_locked(store, remote, session_id, company_of, head, writable=False)
    if outcome.action != _NEEDS_PULL:
        return outcome
    try:
        with store.lock(session_id):
            return sync_locked(store, remote, session_id, company_of, False, writable=True)
    except SessionInUse:
        return Outcome(session_id, IN_USE, message=Message("sync.in_use"))


def is_demo(journal: Journal) -> bool:
    """A `locaben demo` session: a model interview of a fictional company, written to show the tool. It is
    never sent to the team server (not by the automatic sync, not by `locaben sync`): it is nobody's work, and
    on the server it would count as a company interviewed. Role-play sessions are a trainee's own practice
    and are sent (the report leaves them out)."""
    first = journal.events[0].payload if journal.events else None
    return isinstance(first, Started) and first.training == "demo"


def sync_locked(store: SessionStore, remote: Remote, session_id: str, company_of: CompanyOf,
                head: Head | None | bool, writable: bool) -> Outcome:
    """One session's sync step. With `writable` the caller holds the session's lock (a torn last line is then
    repaired and the server's later events may be appended); without, nothing local is changed."""
    try:
        journal = store.read(session_id, repair=writable)
    except LocabenError as exc:
        return Outcome(session_id, FAILED, message=Message("sync.unreadable", {"error": error_message(exc)}))
    if is_demo(journal):
        return Outcome(session_id, DEMO, message=Message("sync.demo"))
    local = journal_chain(journal)
    for _ in range(3):  # a concurrent push from another device can move the server's head: look again
        if head is False:
            head = remote.heads([session_id]).get(session_id)
        try:
            return _step(store, remote, local, head, company_of, writable)
        except UniqueViolation:
            head = False
    return Outcome(session_id, FAILED, message=Message("sync.kept_changing"))


def _step(store: SessionStore, remote: Remote, local: Chain, head: Head | None | bool, company_of: CompanyOf,
          writable: bool) -> Outcome:
    session_id = local.session_id
    if head is None:
        return _create(remote, local, company_of)
    assert isinstance(head, Head)
    if head.count == local.count and head.head == local.head:
        return Outcome(session_id, IN_STEP)
    if head.count < local.count and local.hash_after(head.count) == head.head:
        return _push(remote, local, head.count, company_of)
    if head.count > local.count and _server_hash_after(remote, session_id, local.count, local) == local.head:
        if not writable:
            return Outcome(session_id, _NEEDS_PULL)
        return _pull(store, remote, local)
    return _diverged(remote, local, head)


def _server_hash_after(remote: Remote, session_id: str, count: int, local: Chain) -> bytes:
    if count == 0:
        return local.hashes[0] if remote.header(session_id).encode("utf-8") == local.header else b""
    hashes = remote.hashes(session_id, count)
    return hashes[count - 1] if len(hashes) >= count else b""


def _create(remote: Remote, local: Chain, company_of: CompanyOf) -> Outcome:
    header = header_of(local.header.decode("utf-8"), local.session_id)
    forked_from = header.extra.get("forked_from")
    forked_at = header.extra.get("forked_at")
    try:
        with remote.transaction():
            remote.create_session(local, _company(company_of, local.session_id),
                                  forked_from if isinstance(forked_from, str) else None,
                                  forked_at if isinstance(forked_at, int) else None)
            remote.append(local.session_id, 1, list(local.bodies), list(local.hashes[1:]))
    except UniqueViolation:
        if remote.heads([local.session_id]):
            raise  # another device of ours created it meanwhile: the caller looks again
        return Outcome(local.session_id, NOT_YOURS, message=Message("sync.not_yours"))
    except (AccessDenied, DatabaseError) as exc:
        return _refused(local, exc)
    return Outcome(local.session_id, PUSHED, local.count, Message("sync.new_on_server"))


def _push(remote: Remote, local: Chain, server_count: int, company_of: CompanyOf) -> Outcome:
    try:
        with remote.transaction():
            remote.append(local.session_id, server_count + 1, list(local.bodies[server_count:]),
                          list(local.hashes[server_count + 1:]))
            remote.set_company(local.session_id, _company(company_of, local.session_id))
    except AccessDenied as exc:
        return Outcome(local.session_id, NOT_YOURS, message=Message("sync.not_yours_now",
                                                                    {"reason": error_message(exc)}))
    except UniqueViolation:
        raise  # another device pushed this session meanwhile: the caller looks again
    except DatabaseError as exc:  # refused by the server's checks: report it and go on with the others
        if refusal_code(exc) == "LB002":
            return _diverged(remote, local, remote.heads([local.session_id]).get(local.session_id))
        return _refused(local, exc)
    return Outcome(local.session_id, PUSHED, local.count - server_count)


def _refused(local: Chain, exc: BaseException) -> Outcome:
    """A push the server refused. When it is because an event names another staff member as its author
    (LB005: only the author may send their events), the outcome says which event and whose it is, as the
    server's message gives them."""
    found = _NOT_AUTHOR.search(describe(exc)) if refusal_code(exc) == "LB005" else None
    if found:
        return Outcome(local.session_id, FAILED, message=Message("sync.not_author", {
            "seq": int(found["seq"]), "author": found["author"], "user": found["user"]}))
    return Outcome(local.session_id, FAILED, message=error_message(exc))


# The server's words for LB005 (schema.py, migration 3).
_NOT_AUTHOR = re.compile(r"event (?P<seq>\d+) of session \S+ was written by (?P<author>.+?); only they can send it "
                         r"\(you are (?P<user>.+)\)")


def _pull(store: SessionStore, remote: Remote, local: Chain) -> Outcome:
    """Append the server's later events to the journal (the caller holds the session's lock)."""
    rows = remote.events_after(local.session_id, local.count)
    events = _checked_events(local, rows)
    with store.append_to(local.session_id) as writer:
        writer.append(events)
    return Outcome(local.session_id, PULLED, len(events))


def _checked_events(local: Chain, rows: list[tuple[int, str, bytes]]) -> list[Event]:
    """The server's rows as events, after checking that each one continues the chain (a row changed on the
    server is refused here rather than written into the journal)."""
    previous = local.head
    events = []
    for seq, body, stored in rows:
        previous = link(previous, body.encode("utf-8"))
        if previous != stored:
            raise ServerError("sync.tampered", id=local.session_id, seq=seq)
        events.append(event_of(body))
    return events


def _diverged(remote: Remote, local: Chain, head: Head | None) -> Outcome:
    server_count = head.count if head else 0
    shared = local.common_prefix(remote.hashes(local.session_id, min(server_count, local.count)))
    return Outcome(local.session_id, DIVERGED, shared, Message("sync.diverged", {
        "server": server_count, "local": local.count, "shared": shared, "id": local.session_id}))


def _company(company_of: CompanyOf, session_id: str) -> str:
    try:
        return company_of(session_id) or ""
    except LocabenError:
        return ""


# ---- whole sessions from the server ----

def fetch(store: SessionStore, remote: Remote, session_id: str, head: Head | None = None) -> Outcome:
    """Write a session this user may see on the server as a new local journal (atomically: whole or absent)."""
    header, events = _server_copy(remote, session_id)
    try:
        store.create(header, events).close()
    except JournalError as exc:
        return Outcome(session_id, FAILED, message=error_message(exc))
    return Outcome(session_id, FETCHED, len(events))


def _server_copy(remote: Remote, session_id: str) -> tuple[Header, list[Event]]:
    header = header_of(remote.header(session_id), f"server:{session_id}")
    start = chain_of(header, [])
    return header, _checked_events(start, remote.events_after(session_id, 0))


# ---- forks ----

def fork(store: SessionStore, remote: Remote, session_id: str, now_compact: str,
         company_of: CompanyOf = no_company) -> tuple[Outcome, Outcome]:
    """Keep this computer's diverged history of `session_id` as a new session linked to it, then make the
    local `session_id` the server's version. Returns (the fork's push outcome, the original's outcome).

    Order matters for safety: the fork is written (fsync'ed) before the original is replaced, and a fork left
    by an interrupted earlier attempt is found and reused rather than made twice."""
    with store.lock(session_id):
        journal = store.read(session_id)
        local = journal_chain(journal)
        state = _step(store, remote, local, remote.heads([session_id]).get(session_id), company_of,
                      writable=True)
        if state.action != DIVERGED:
            return Outcome(session_id, state.action, state.events, Message("sync.not_diverged")), state
        fork_id = _existing_fork(store, journal) or _write_fork(store, journal, state.events, now_compact)
        header, events = _server_copy(remote, session_id)
        replace_journal(store, header, events)
    pushed = sync_one(store, remote, fork_id, company_of)
    return (Outcome(fork_id, FORKED, pushed.events, Message("sync.forked", {
                "id": session_id, "fork": fork_id, "action": Message(f"sync.action.{pushed.action}")})),
            Outcome(session_id, PULLED, len(events), Message("sync.now_server_version")))


def _existing_fork(store: SessionStore, journal: Journal) -> str | None:
    for other in store.session_ids():
        with contextlib.suppress(LocabenError):
            candidate = store.read(other, repair=False)
            if (candidate.header.extra.get("forked_from") == journal.header.session_id
                    and candidate.events == journal.events):
                return other
    return None


def _write_fork(store: SessionStore, journal: Journal, shared: int, now_compact: str) -> str:
    original = journal.header
    fork_id = new_session_id(now_compact)
    extra = {**original.extra, "forked_from": original.session_id, "forked_at": shared}
    header = Header(fork_id, original.bank_id, original.bank_version, original.bank_hash, original.bank_path,
                    original.created, extra=extra)
    store.create(header, journal.events).close()
    return fork_id


def replace_journal(store: SessionStore, header: Header, events: list[Event]) -> None:
    """Replace a session's journal whole: the old file or the new one, never a mix (the caller holds the
    lock). Used only to take the server's version after the local one was kept as a fork."""
    store.replace(header, events)


AUTO_SYNC_STATEMENT_SECONDS = 10  # the longest one statement of the automatic sync may take


def try_sync(store: SessionStore, session_id: str, url: str, user: str, company_of: CompanyOf = no_company,
             timeout: int = 3) -> Outcome:
    """Sync one session and never raise: for the automatic sync on pause/finish, which must not hold up or
    break the interview when the server is down (the next sync sends what is left). `timeout`: seconds to
    reach the server; no statement runs longer than AUTO_SYNC_STATEMENT_SECONDS."""
    try:
        if is_demo(store.read(session_id, repair=False)):  # decided here, without reaching for the server
            return Outcome(session_id, DEMO, message=Message("sync.demo"))
        with Remote.connect(url, user, timeout=timeout, statement_seconds=AUTO_SYNC_STATEMENT_SECONDS) as remote:
            return sync_one(store, remote, session_id, company_of)
    except (LocabenError, DatabaseError, OSError) as exc:
        return Outcome(session_id, FAILED, message=error_message(exc))

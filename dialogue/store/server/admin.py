"""Setting up the team server: the schema, branches, staff and their roles, and checking the hash chains.

Run as the database's administrator (the owner of the `locaben` schema, with CREATEROLE): staff members are
PostgreSQL login roles, members of `locaben_staff`, and rows in `staff` that give their branch and role.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import sql

from dialogue.i18n import Message
from dialogue.store.server import ServerError
from dialogue.store.server.chain import header_hash, link
from dialogue.store.server.remote import Remote
from dialogue.store.server.schema import STAFF_GROUP, apply_migrations

ROLES = ("interviewer", "reviewer", "admin")  # the rows of the server's `roles` table (schema.py)


def init(remote: Remote) -> list[int]:
    """Create or upgrade the schema; the migrations applied now (empty when it was up to date)."""
    return apply_migrations(remote.conn)


def add_branch(remote: Remote, branch_id: str, name: str) -> None:
    remote.conn.execute("INSERT INTO branches (id, name) VALUES (%s, %s) "
                        "ON CONFLICT (id) DO UPDATE SET name = excluded.name", (branch_id, name))


def add_staff(remote: Remote, staff_id: str, name: str, branch: str, role: str) -> bool:
    """Create or update a staff member and their login role; True when the login role was created now.

    A transfer (転勤) is the same call with the new branch: sessions stay with the branch they were made in
    until they are assigned. No password is set here: the administrator sets one with psql's `\\password`,
    or the server authenticates another way (certificates, Kerberos)."""
    if role not in ROLES:
        raise ServerError("admin.no_role", role=role, roles=", ".join(ROLES))
    with remote.transaction():
        if remote.conn.execute("SELECT 1 FROM branches WHERE id = %s", (branch,)).fetchone() is None:
            raise ServerError("admin.no_branch", branch=branch)
        exists = remote.conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (staff_id,)).fetchone()
        if not exists:
            remote.conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(staff_id)))
        remote.conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(STAFF_GROUP),
                                                             sql.Identifier(staff_id)))
        remote.conn.execute("INSERT INTO staff (id, name, branch_id, role, active) VALUES (%s, %s, %s, %s, true) "
                            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, branch_id = excluded.branch_id, "
                            "role = excluded.role, active = true", (staff_id, name, branch, role))
    return not exists


def deactivate_staff(remote: Remote, staff_id: str) -> None:
    """A staff member who left: they see nothing any more; their history stays."""
    remote.conn.execute("UPDATE staff SET active = false WHERE id = %s", (staff_id,))


@dataclass(frozen=True, slots=True)
class Tampered:
    session_id: str
    seq: int  # 0: the header
    problem: Message


def verify(remote: Remote) -> tuple[int, int, list[Tampered]]:
    """Recompute every visible session's hash chain from its stored bytes: (sessions, events, problems).

    The insert trigger checks each link when a row arrives; a row changed afterwards (by someone able to
    bypass the append-only triggers) no longer matches, and is reported with its session and number."""
    problems: list[Tampered] = []
    sessions = events = 0
    heads = remote.conn.execute("SELECT id, header, header_hash, event_count, head_hash FROM sessions "
                                "ORDER BY id").fetchall()
    for session_id, header, stored_header_hash, count, head in heads:
        sessions += 1
        previous = header_hash(header.encode("utf-8"))
        if previous != bytes(stored_header_hash):
            problems.append(Tampered(session_id, 0, Message("verify.header")))
            previous = bytes(stored_header_hash)
        expected_seq = 1
        with remote.conn.cursor() as cursor:
            cursor.execute("SELECT seq, body, hash FROM events WHERE session_id = %s ORDER BY seq", (session_id,))
            for seq, body, stored in cursor:
                events += 1
                if seq != expected_seq:
                    problems.append(Tampered(session_id, expected_seq, Message("verify.missing", {
                        "first": expected_seq, "last": seq - 1})))
                previous = link(previous, body.encode("utf-8"))
                if previous != bytes(stored):
                    problems.append(Tampered(session_id, seq, Message("verify.changed")))
                    previous = bytes(stored)  # report each changed row once, not every row after it
                expected_seq = seq + 1
        if expected_seq - 1 != count or (head is not None and bytes(head) != previous):
            problems.append(Tampered(session_id, count, Message("verify.summary")))
    problems.extend(not_sent_by_author(remote))
    return sessions, events, problems


# Rows whose author is not the staff member who sent them and that are not relayed unchanged from the session
# they were forked from: since migration 3 the server refuses them; older rows are listed here.
_NOT_SENT_BY_AUTHOR = """
SELECT e.session_id, e.seq, e.by_id, e.pushed_by FROM events e JOIN sessions s ON s.id = e.session_id
WHERE e.by_id IS DISTINCT FROM e.pushed_by
  AND NOT EXISTS (SELECT 1 FROM events o WHERE o.session_id = s.forked_from AND o.seq = e.seq AND o.body = e.body)
ORDER BY e.session_id, e.seq
"""


def not_sent_by_author(remote: Remote) -> list[Tampered]:
    rows = remote.conn.execute(_NOT_SENT_BY_AUTHOR).fetchall()
    return [Tampered(sid, seq, Message("verify.not_author", {"author": author, "pushed_by": sender}))
            for sid, seq, author, sender in rows]

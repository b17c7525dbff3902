"""The connection to the team server and the few operations the rest of locaben needs from it.

The only importer of psycopg. Every customer-related byte goes to the one URL configured (`server.url` or
`$LOCABEN_SERVER`) and nowhere else. The staff member is the PostgreSQL user: the URL's user if it names
one, else `user.id`; passwords are libpq's business (~/.pgpass, `PGPASSWORD`, or a client certificate) and
are never stored by locaben.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict

from dialogue.store.server import AccessDenied, ServerError
from dialogue.store.server.schema import MIGRATIONS, SCHEMA, schema_version

if TYPE_CHECKING:  # the chain needs the journal and the events: not loaded for the team's lists and report
    from dialogue.store.server.chain import Chain

CONNECT_TIMEOUT = 5  # seconds: an unreachable server is reported quickly, the interview never waits on it


@dataclass(frozen=True, slots=True)
class Head:
    """What the server holds of one session: how many events, the last hash, whose it is."""

    session_id: str
    count: int
    head: bytes
    owner: str
    state: str


@dataclass(frozen=True, slots=True)
class StaffMember:
    id: str
    name: str
    branch: str
    role: str
    may_review: bool


def describe(exc: BaseException) -> str:
    """A server error as one line a user can act on (libpq's message without its noise)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text.removeprefix("locaben: ")


class Remote:
    """One open connection to the team server, as one staff member."""

    def __init__(self, conn: Any):
        self.conn = conn

    @classmethod
    def connect(cls, url: str, user: str = "", timeout: int = CONNECT_TIMEOUT, statement_seconds: int = 0
                ) -> Remote:
        """Connect as `user` (unless the URL names one). `timeout`: seconds to reach the server;
        `statement_seconds` (0: no limit): the longest any one statement may run (the automatic sync)."""
        if not url:
            raise ServerError("server.not_configured")
        try:
            params = conninfo_to_dict(url)
        except psycopg.ProgrammingError as exc:
            raise ServerError("server.bad_url", detail=describe(exc)) from None
        options = f"-c search_path={SCHEMA},pg_catalog"
        if statement_seconds:
            options += f" -c statement_timeout={int(statement_seconds * 1000)}"
        extra: dict[str, Any] = {"connect_timeout": timeout, "application_name": "locaben", "options": options}
        if user and not params.get("user"):
            extra["user"] = user
        try:
            conn = psycopg.connect(url, autocommit=True, **extra)
        except psycopg.Error as exc:
            raise ServerError("server.unreachable", detail=describe(exc)) from None
        return cls(conn)

    def close(self) -> None:
        with contextlib.suppress(psycopg.Error):
            self.conn.close()

    def __enter__(self) -> Remote:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- who am I ----

    def user(self) -> str:
        return str(self._one("SELECT current_user")[0])

    def me(self) -> StaffMember:
        """This connection's staff member; a clear error when the server is not set up or does not know them."""
        if schema_version(self.conn) == 0:
            raise ServerError("server.not_set_up")
        row = self._one("SELECT s.id, s.name, s.branch_id, s.role, r.may_review FROM staff s JOIN roles r "
                        "ON r.id = s.role WHERE s.id = current_user AND s.active", allow_none=True)
        if row is None:
            raise AccessDenied("server.not_staff", user=self.user())
        return StaffMember(*row)

    def staff(self, staff_id: str) -> StaffMember | None:
        row = self._one("SELECT s.id, s.name, s.branch_id, s.role, r.may_review FROM staff s JOIN roles r "
                        "ON r.id = s.role WHERE s.id = %s AND s.active", (staff_id,), allow_none=True)
        return StaffMember(*row) if row else None

    def schema_is_current(self) -> bool:
        return schema_version(self.conn) >= max(m.version for m in MIGRATIONS)

    # ---- reading sessions ----

    def heads(self, session_ids: list[str] | None = None) -> dict[str, Head]:
        """The sessions this user may see: all of them, or those among `session_ids`."""
        query = "SELECT id, event_count, head_hash, owner_id, state FROM sessions"
        rows = (self._all(query + " WHERE id = ANY(%s)", (session_ids,)) if session_ids is not None
                else self._all(query))
        return {r[0]: Head(r[0], r[1], bytes(r[2]), r[3], r[4]) for r in rows}

    def owned_heads(self) -> dict[str, Head]:
        rows = self._all("SELECT id, event_count, head_hash, owner_id, state FROM sessions "
                         "WHERE owner_id = current_user")
        return {r[0]: Head(r[0], r[1], bytes(r[2]), r[3], r[4]) for r in rows}

    def hashes(self, session_id: str, upto: int) -> list[bytes]:
        rows = self._all("SELECT hash FROM events WHERE session_id = %s AND seq <= %s ORDER BY seq",
                         (session_id, upto))
        return [bytes(r[0]) for r in rows]

    def header(self, session_id: str) -> str:
        row = self._one("SELECT header FROM sessions WHERE id = %s", (session_id,), allow_none=True)
        if row is None:
            raise AccessDenied("server.not_visible", id=session_id)
        return str(row[0])

    def events_after(self, session_id: str, count: int) -> list[tuple[int, str, bytes]]:
        rows = self._all("SELECT seq, body, hash FROM events WHERE session_id = %s AND seq > %s ORDER BY seq",
                         (session_id, count))
        return [(r[0], r[1], bytes(r[2])) for r in rows]

    # ---- writing ----

    def create_session(self, chain: Chain, company: str, forked_from: str | None,
                       forked_at: int | None) -> None:
        self._run("INSERT INTO sessions (id, header, header_hash, company, forked_from, forked_at) "
                  "VALUES (%s, %s, %s, %s, %s, %s)",
                  (chain.session_id, chain.header.decode("utf-8"), chain.hashes[0], company, forked_from,
                   forked_at))

    def append(self, session_id: str, first_seq: int, bodies: list[bytes], hashes: list[bytes]) -> None:
        """Events `first_seq`, `first_seq + 1`, … in one statement (the server checks every link)."""
        if not bodies:
            return
        seqs = list(range(first_seq, first_seq + len(bodies)))
        self._run("INSERT INTO events (session_id, seq, body, hash) "
                  "SELECT %s, s, b, h FROM unnest(%s::integer[], %s::text[], %s::bytea[]) AS t(s, b, h)",
                  (session_id, seqs, [b.decode("utf-8") for b in bodies], hashes))

    def set_company(self, session_id: str, company: str) -> None:
        self._run("UPDATE sessions SET company = %s WHERE id = %s AND company IS DISTINCT FROM %s",
                  (company, session_id, company))

    # ---- the audit log's copy (dialogue/store/server/audit_copy.py) ----

    def audit_hashes(self, log_id: str) -> list[str]:
        """The hashes of the entries of log `log_id` this user may read, in order (entry 1 first)."""
        rows = self._all("SELECT hash FROM audit_entries WHERE log_id = %s ORDER BY seq", (log_id,))
        return [str(r[0]) for r in rows]

    def append_audit(self, log_id: str, first_seq: int, entries: list[str], hashes: list[str]) -> None:
        """Entries `first_seq`, `first_seq + 1`, … of one log in one statement (the server checks the links)."""
        if not entries:
            return
        seqs = list(range(first_seq, first_seq + len(entries)))
        self._run("INSERT INTO audit_entries (log_id, seq, entry, hash) "
                  "SELECT %s, s, e, h FROM unnest(%s::integer[], %s::text[], %s::text[]) AS t(s, e, h)",
                  (log_id, seqs, entries, hashes))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One all-or-nothing unit: a kill or lost connection inside it leaves the server as before."""
        try:
            with self.conn.transaction():
                yield
        except pg_errors.InsufficientPrivilege as exc:
            raise AccessDenied("server.refused", detail=describe(exc)) from None
        except psycopg.OperationalError as exc:
            raise ServerError("server.connection_lost", detail=describe(exc)) from None

    # ---- plumbing ----

    def _run(self, query: str, params: tuple[Any, ...] = ()) -> None:
        self.conn.execute(query, params)

    def _one(self, query: str, params: tuple[Any, ...] = (), allow_none: bool = False) -> Any:
        try:
            row = self.conn.execute(query, params).fetchone()
        except psycopg.OperationalError as exc:
            raise ServerError("server.connection_lost", detail=describe(exc)) from None
        if row is None and not allow_none:
            raise ServerError("server.no_answer", query=query)
        return row

    def _all(self, query: str, params: tuple[Any, ...] = ()) -> list[Any]:
        try:
            rows: list[Any] = self.conn.execute(query, params).fetchall()
            return rows
        except pg_errors.InsufficientPrivilege as exc:
            raise AccessDenied("server.refused", detail=describe(exc)) from None
        except psycopg.OperationalError as exc:
            raise ServerError("server.connection_lost", detail=describe(exc)) from None


# The server's refusals that sync turns into outcomes rather than failures.
UniqueViolation = pg_errors.UniqueViolation
DatabaseError = psycopg.Error
OperationalError = psycopg.OperationalError


def refusal_code(exc: BaseException) -> str:
    """The SQLSTATE of a server refusal ('LB001' no predecessor, 'LB002' different history, …) or ''."""
    return str(getattr(exc, "sqlstate", "") or "")

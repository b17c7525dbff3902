"""The team server's schema as numbered migrations, and the one function that applies them.

`apply_migrations` runs every migration the database has not seen yet, in order, in one transaction under an
advisory lock, and records each in `locaben_schema`; running it again changes nothing. A later version of
locaben adds a migration at the end of `MIGRATIONS` (never edits an applied one).

What the schema enforces, whatever client connects:
- `events` is append-only: no UPDATE/DELETE/TRUNCATE privilege for staff, and a trigger refusing them for
  everyone else too; each row's `hash` is sha256(previous hash ‖ body), checked on insert, so a session is a
  hash chain starting from its header's hash (`locaben server verify` recomputes it).
- what a staff member may read and write is decided by row-level security on `sessions` and `events`, from
  the `staff` and `roles` tables: own sessions for everyone, the branch's for a reviewer, all for an admin;
  only roles that may review can append `approved` or `returned`.
- the summary columns of `sessions` (owner, branch, state, head) are kept by a trigger from the events, and
  staff can change none of them directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    sql: str


SCHEMA = "locaben"  # every table and function lives here; clients put it on their search_path
STAFF_GROUP = "locaben_staff"  # the NOLOGIN role every staff member's login role is a member of

_V1 = r"""
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'locaben_staff') THEN
        CREATE ROLE locaben_staff NOLOGIN;
    END IF;
END $$;

CREATE TABLE roles (
    id text PRIMARY KEY,
    scope text NOT NULL CHECK (scope IN ('own', 'branch', 'all')),
    may_review boolean NOT NULL,
    description text NOT NULL
);
INSERT INTO roles VALUES
    ('interviewer', 'own', false, 'interviews companies; sees the sessions assigned to them'),
    ('reviewer', 'branch', true, 'approves or returns sheets; sees every session of their branch'),
    ('admin', 'all', true, 'sees and reviews every session of the bank');

CREATE TABLE branches (
    id text PRIMARY KEY CHECK (id <> ''),
    name text NOT NULL DEFAULT ''
);

CREATE TABLE staff (
    id text PRIMARY KEY CHECK (id <> ''),  -- also the staff member's PostgreSQL login role
    name text NOT NULL DEFAULT '',
    branch_id text NOT NULL REFERENCES branches (id),
    role text NOT NULL REFERENCES roles (id),
    active boolean NOT NULL DEFAULT true
);

-- Which interview state an event kind leaves a session in (kinds not listed leave it as it was).
CREATE TABLE event_states (
    kind text PRIMARY KEY,
    state text NOT NULL
);
INSERT INTO event_states VALUES
    ('started', 'in_progress'), ('resumed', 'in_progress'), ('reopened', 'in_progress'),
    ('visit_started', 'in_progress'), ('paused', 'paused'), ('finished', 'finished'),
    ('submitted', 'submitted'), ('approved', 'approved'), ('returned', 'returned');

-- The small helpers are plain SQL without a fixed search_path, so the planner can inline them (a function
-- with `SET search_path` is called row by row at a cost); they name every table with its schema instead.
-- (Staff have no CREATE right on any schema, so they cannot shadow an operator or function either.)
CREATE FUNCTION locaben_scope() RETURNS text LANGUAGE sql STABLE AS $f$
    SELECT r.scope FROM locaben.staff s JOIN locaben.roles r ON r.id = s.role WHERE s.id = current_user AND s.active
$f$;
CREATE FUNCTION locaben_my_branch() RETURNS text LANGUAGE sql STABLE AS $f$
    SELECT branch_id FROM locaben.staff WHERE id = current_user AND active
$f$;
CREATE FUNCTION locaben_may_review() RETURNS boolean LANGUAGE sql STABLE AS $f$
    SELECT coalesce((SELECT r.may_review FROM locaben.staff s JOIN locaben.roles r ON r.id = s.role
                     WHERE s.id = current_user AND s.active), false)
$f$;
-- Whether the current user may append an event of this kind to this session: they must see it (the
-- sessions_read policy decides: the lookup runs with the caller's rights), and only roles that may review
-- write approved/returned. plpgsql keeps its plans, which makes this cheap per row.
CREATE FUNCTION locaben_may_append(sid text, event_kind text) RETURNS boolean LANGUAGE plpgsql STABLE
SET search_path = locaben, pg_catalog AS $f$
BEGIN
    IF event_kind IN ('approved', 'returned') AND NOT locaben_may_review() THEN
        RETURN false;
    END IF;
    RETURN EXISTS (SELECT 1 FROM sessions WHERE id = sid);
END $f$;
-- An event's or header's time: NULL unless it reads as an ISO 8601 timestamp (the row is kept either way).
CREATE FUNCTION locaben_time(value text) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $f$
    SELECT CASE WHEN value ~ '^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?$'
                THEN value::timestamptz END
$f$;
-- The body as JSON for reading its kind, time and author. Text that is not valid Unicode (a lone surrogate
-- escape, which PostgreSQL's JSON types refuse) is replaced for this reading only; the stored body is unchanged.
CREATE FUNCTION locaben_json(body text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $f$
    SELECT CASE WHEN body ~ '\\u[dD][89a-fA-F]'
                THEN regexp_replace(body, '\\u[dD][89a-fA-F][0-9a-fA-F]{2}', '\\ufffd', 'g')::jsonb
                ELSE body::jsonb END
$f$;
-- How companies are counted once: the name without spaces, NFKC-normalised, case-folded.
CREATE FUNCTION locaben_company_key(company text, session_id text) RETURNS text LANGUAGE sql IMMUTABLE AS $f$
    SELECT CASE WHEN btrim(company) = '' THEN '#' || session_id
                ELSE lower(regexp_replace(normalize(company, NFKC), '\s', '', 'g')) END
$f$;

CREATE TABLE sessions (
    id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$'),
    header text NOT NULL,
    header_hash bytea NOT NULL,
    owner_id text NOT NULL DEFAULT current_user REFERENCES staff (id),
    branch_id text NOT NULL DEFAULT locaben_my_branch() REFERENCES branches (id),
    created_by text NOT NULL DEFAULT current_user,
    company text NOT NULL DEFAULT '',
    state text NOT NULL DEFAULT 'new',
    event_count integer NOT NULL DEFAULT 0,
    head_hash bytea,
    created_at timestamptz,
    last_at timestamptz,
    received_at timestamptz NOT NULL DEFAULT now(),
    forked_from text,
    forked_at integer
);
CREATE INDEX sessions_branch_state ON sessions (branch_id, state);
CREATE INDEX sessions_owner ON sessions (owner_id);
CREATE INDEX sessions_state ON sessions (state);
CREATE INDEX sessions_last_at ON sessions (last_at DESC NULLS LAST);

CREATE TABLE events (
    session_id text NOT NULL REFERENCES sessions (id),
    seq integer NOT NULL CHECK (seq >= 1),
    body text NOT NULL,
    hash bytea NOT NULL,
    kind text NOT NULL DEFAULT '',
    at timestamptz,
    by_id text,
    assignee text REFERENCES staff (id),
    pushed_by text NOT NULL DEFAULT current_user,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, seq)
);
CREATE INDEX events_kind_at ON events (kind, at);

-- A new session: the header's hash is the chain's start; who and when come from the server, not the client.
CREATE FUNCTION locaben_session_insert() RETURNS trigger LANGUAGE plpgsql
SET search_path = locaben, pg_catalog AS $f$
BEGIN
    IF NEW.header_hash IS DISTINCT FROM sha256(convert_to(NEW.header, 'UTF8')) THEN
        RAISE EXCEPTION 'locaben: the header of session % does not match its hash', NEW.id USING ERRCODE = 'LB002';
    END IF;
    NEW.head_hash := NEW.header_hash;
    NEW.event_count := 0;
    NEW.state := 'new';
    NEW.created_at := locaben_time(locaben_json(NEW.header) ->> 'created');
    NEW.received_at := now();
    RETURN NEW;
END $f$;
CREATE TRIGGER sessions_insert BEFORE INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION locaben_session_insert();

CREATE FUNCTION locaben_session_update() RETURNS trigger LANGUAGE plpgsql
SET search_path = locaben, pg_catalog AS $f$
BEGIN
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.header IS DISTINCT FROM OLD.header
       OR NEW.header_hash IS DISTINCT FROM OLD.header_hash THEN
        RAISE EXCEPTION 'locaben: a session''s id and header never change' USING ERRCODE = 'LB003';
    END IF;
    RETURN NEW;
END $f$;
CREATE TRIGGER sessions_update BEFORE UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION locaben_session_update();

-- A new event: it must follow the session's last one (hash over the previous hash and the body), and its
-- kind, time, author and assignee are read from the body by the server itself. It runs as the schema owner
-- (one index lookup for the previous hash, not the access rules again); `session_user` is the staff member
-- who connected. Whether they may write this event is the events_append policy's decision, made after it.
CREATE FUNCTION locaben_event_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = locaben, pg_catalog AS $f$
DECLARE
    previous bytea;
    j jsonb;
BEGIN
    IF NEW.seq = 1 THEN
        SELECT header_hash INTO previous FROM sessions WHERE id = NEW.session_id;
    ELSE
        SELECT hash INTO previous FROM events WHERE session_id = NEW.session_id AND seq = NEW.seq - 1;
    END IF;
    IF previous IS NULL THEN
        RAISE EXCEPTION 'locaben: session % has no event % on the server (or is not yours) to follow',
            NEW.session_id, NEW.seq - 1 USING ERRCODE = 'LB001';
    END IF;
    IF NEW.hash IS DISTINCT FROM sha256(previous || convert_to(NEW.body, 'UTF8')) THEN
        RAISE EXCEPTION 'locaben: event % of session % does not continue the server''s history',
            NEW.seq, NEW.session_id USING ERRCODE = 'LB002';
    END IF;
    j := locaben_json(NEW.body);
    NEW.kind := coalesce(j ->> 'kind', '');
    NEW.at := locaben_time(j ->> 'at');
    NEW.by_id := coalesce((SELECT id FROM staff WHERE id = (j -> 'by' ->> 'id')), session_user);
    NEW.assignee := CASE WHEN NEW.kind = 'assigned' THEN j ->> 'to' END;
    IF NEW.kind = 'assigned' AND NEW.assignee IS NULL THEN
        RAISE EXCEPTION 'locaben: an assigned event names no staff member (to)' USING ERRCODE = 'LB004';
    END IF;
    NEW.pushed_by := session_user;
    NEW.received_at := now();
    RETURN NEW;
END $f$;
CREATE TRIGGER events_insert BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION locaben_event_insert();

-- After each insert statement: the sessions' summary from the new events (run as the schema owner).
CREATE FUNCTION locaben_events_summary() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = locaben, pg_catalog AS $f$
BEGIN
    UPDATE sessions s SET
        event_count = a.last_seq,
        head_hash = a.head,
        last_at = greatest(s.last_at, a.last_at),
        state = coalesce(a.state, s.state),
        owner_id = coalesce(a.assignee, s.owner_id),
        branch_id = coalesce((SELECT branch_id FROM staff WHERE id = a.assignee), s.branch_id)
    FROM (
        SELECT n.session_id, max(n.seq) AS last_seq, (array_agg(n.hash ORDER BY n.seq DESC))[1] AS head,
               max(n.at) AS last_at,
               (array_agg(es.state ORDER BY n.seq DESC) FILTER (WHERE es.state IS NOT NULL))[1] AS state,
               (array_agg(n.assignee ORDER BY n.seq DESC) FILTER (WHERE n.assignee IS NOT NULL))[1] AS assignee
        FROM added n LEFT JOIN event_states es ON es.kind = n.kind
        GROUP BY n.session_id
    ) a
    WHERE s.id = a.session_id AND a.last_seq > s.event_count;
    RETURN NULL;
END $f$;
CREATE TRIGGER events_summary AFTER INSERT ON events REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION locaben_events_summary();

CREATE FUNCTION locaben_append_only() RETURNS trigger LANGUAGE plpgsql
SET search_path = locaben, pg_catalog AS $f$
BEGIN
    RAISE EXCEPTION 'locaben: events are append-only (% refused)', TG_OP USING ERRCODE = 'LB003';
END $f$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION locaben_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION locaben_append_only();
CREATE TRIGGER sessions_no_delete BEFORE DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION locaben_append_only();
CREATE TRIGGER sessions_no_truncate BEFORE TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION locaben_append_only();

-- Who sees what: row-level security, from the staff and roles tables.
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
CREATE POLICY sessions_read ON sessions FOR SELECT TO locaben_staff USING (
    (SELECT locaben_scope()) IS NOT NULL AND (
        owner_id = current_user
        OR (SELECT locaben_scope()) = 'all'
        OR ((SELECT locaben_scope()) = 'branch' AND branch_id = (SELECT locaben_my_branch()))));
CREATE POLICY sessions_create ON sessions FOR INSERT TO locaben_staff WITH CHECK (
    owner_id = current_user AND created_by = current_user AND branch_id = (SELECT locaben_my_branch()));
CREATE POLICY sessions_label ON sessions FOR UPDATE TO locaben_staff USING (
    (SELECT locaben_scope()) IS NOT NULL AND (
        owner_id = current_user
        OR (SELECT locaben_scope()) = 'all'
        OR ((SELECT locaben_scope()) = 'branch' AND branch_id = (SELECT locaben_my_branch()))));
CREATE POLICY events_read ON events FOR SELECT TO locaben_staff USING (  -- (a hashed set of the visible ids)
    session_id IN (SELECT id FROM sessions));
CREATE POLICY events_append ON events FOR INSERT TO locaben_staff WITH CHECK (
    pushed_by = current_user AND locaben_may_append(session_id, kind));

GRANT USAGE ON SCHEMA locaben TO locaben_staff;
REVOKE ALL ON roles, branches, staff, event_states, sessions, events FROM PUBLIC;
GRANT SELECT ON roles, branches, staff, event_states TO locaben_staff;
GRANT SELECT ON sessions, events TO locaben_staff;
GRANT INSERT (id, header, header_hash, company, forked_from, forked_at) ON sessions TO locaben_staff;
GRANT UPDATE (company) ON sessions TO locaben_staff;
GRANT INSERT (session_id, seq, body, hash) ON events TO locaben_staff;
"""

# The laptops' audit logs (dialogue/store/audit.py), copied at each sync: what a staff member did with
# customer data stays on record where they cannot change it. One log is named by the hash of its first entry;
# each row is one entry as the laptop wrote it. The server checks the sequence and the links (each entry's
# `prev` is the hash of the entry before it) and keeps the rows append-only; entry hashes are checked by the
# client (`locaben audit --verify`), which compares its log with this copy. Staff add and read their own
# rows; an administrator reads every row.
_V2 = r"""
CREATE TABLE audit_entries (
    log_id text NOT NULL CHECK (log_id ~ '^[0-9a-f]{64}$'),
    seq integer NOT NULL CHECK (seq >= 1),
    entry text NOT NULL,
    hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    staff_id text NOT NULL DEFAULT current_user,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (log_id, seq)
);

CREATE FUNCTION locaben_audit_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = locaben, pg_catalog AS $f$
DECLARE
    j jsonb;
    previous text;
BEGIN
    j := NEW.entry::jsonb;
    IF (j ->> 'seq')::integer IS DISTINCT FROM NEW.seq OR j ->> 'hash' IS DISTINCT FROM NEW.hash THEN
        RAISE EXCEPTION 'locaben: audit entry % does not carry its own number and hash', NEW.seq
            USING ERRCODE = 'LB005';
    END IF;
    IF NEW.seq = 1 THEN
        previous := repeat('0', 64);
        IF NEW.log_id IS DISTINCT FROM NEW.hash THEN
            RAISE EXCEPTION 'locaben: an audit log is named by its first entry''s hash' USING ERRCODE = 'LB005';
        END IF;
    ELSE
        SELECT hash INTO previous FROM audit_entries WHERE log_id = NEW.log_id AND seq = NEW.seq - 1;
    END IF;
    IF previous IS NULL OR j ->> 'prev' IS DISTINCT FROM previous THEN
        RAISE EXCEPTION 'locaben: audit entry % of log % does not follow the server''s copy', NEW.seq, NEW.log_id
            USING ERRCODE = 'LB002';
    END IF;
    NEW.staff_id := session_user;
    NEW.received_at := now();
    RETURN NEW;
END $f$;
CREATE TRIGGER audit_entries_insert BEFORE INSERT ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION locaben_audit_insert();
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION locaben_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION locaben_append_only();

ALTER TABLE audit_entries ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_read ON audit_entries FOR SELECT TO locaben_staff USING (
    staff_id = current_user OR (SELECT locaben_scope()) = 'all');
CREATE POLICY audit_append ON audit_entries FOR INSERT TO locaben_staff WITH CHECK (
    staff_id = current_user AND (SELECT locaben_scope()) IS NOT NULL);
REVOKE ALL ON audit_entries FROM PUBLIC;
GRANT SELECT ON audit_entries TO locaben_staff;
GRANT INSERT (log_id, seq, entry, hash) ON audit_entries TO locaben_staff;
"""

# Migration 3: the server vouches for each event's author. An event whose `by.id` names a staff member other
# than the one sending it is refused (LB005), unless it is relayed unchanged: the same event at the same place
# of the session this one was forked from, already on the server. `by.id` that names nobody on the staff (the
# OS user name of a laptop used before its `user.id` was set) is kept as written and credited to the sender,
# as before. Rows received before this migration are listed by `locaben server verify` when their author is not
# their sender (`pushed_by`) and they are not relayed.
_V3 = r"""
CREATE OR REPLACE FUNCTION locaben_relayed(sid text, event_seq integer, event_body text) RETURNS boolean
LANGUAGE sql STABLE AS $f$
    SELECT EXISTS (SELECT 1 FROM locaben.sessions s JOIN locaben.events o
                   ON o.session_id = s.forked_from AND o.seq = event_seq
                   WHERE s.id = sid AND o.body = event_body)
$f$;

CREATE OR REPLACE FUNCTION locaben_event_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = locaben, pg_catalog AS $f$
DECLARE
    previous bytea;
    j jsonb;
    claimed text;
    author text;
BEGIN
    IF NEW.seq = 1 THEN
        SELECT header_hash INTO previous FROM sessions WHERE id = NEW.session_id;
    ELSE
        SELECT hash INTO previous FROM events WHERE session_id = NEW.session_id AND seq = NEW.seq - 1;
    END IF;
    IF previous IS NULL THEN
        RAISE EXCEPTION 'locaben: session % has no event % on the server (or is not yours) to follow',
            NEW.session_id, NEW.seq - 1 USING ERRCODE = 'LB001';
    END IF;
    IF NEW.hash IS DISTINCT FROM sha256(previous || convert_to(NEW.body, 'UTF8')) THEN
        RAISE EXCEPTION 'locaben: event % of session % does not continue the server''s history',
            NEW.seq, NEW.session_id USING ERRCODE = 'LB002';
    END IF;
    j := locaben_json(NEW.body);
    NEW.kind := coalesce(j ->> 'kind', '');
    NEW.at := locaben_time(j ->> 'at');
    claimed := CASE WHEN jsonb_typeof(j -> 'by') = 'object' THEN j -> 'by' ->> 'id' END;
    SELECT id INTO author FROM staff WHERE id = claimed;
    IF author IS NOT NULL AND author <> session_user
       AND NOT locaben_relayed(NEW.session_id, NEW.seq, NEW.body) THEN
        RAISE EXCEPTION 'locaben: event % of session % was written by %; only they can send it (you are %)',
            NEW.seq, NEW.session_id, author, session_user USING ERRCODE = 'LB005';
    END IF;
    NEW.by_id := coalesce(author, session_user);
    NEW.assignee := CASE WHEN NEW.kind = 'assigned' THEN j ->> 'to' END;
    IF NEW.kind = 'assigned' AND NEW.assignee IS NULL THEN
        RAISE EXCEPTION 'locaben: an assigned event names no staff member (to)' USING ERRCODE = 'LB004';
    END IF;
    NEW.pushed_by := session_user;
    NEW.received_at := now();
    RETURN NEW;
END $f$;
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "roles, branches, staff; sessions and their append-only hash-chained events; access rules",
              _V1),
    Migration(2, "the laptops' audit logs, append-only, each staff member's own rows", _V2),
    Migration(3, "an event is sent by its author, or relayed unchanged from the session it was forked from",
              _V3),
)


def apply_migrations(conn: Any, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[int]:
    """Bring the database up to the newest version; return the versions applied now (empty: up to date).

    Everything lives in the schema `locaben`. One transaction: a failure (or a kill) leaves the database as it
    was. The advisory lock makes two `server init` at once take turns instead of both creating the tables."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('locaben-schema'))")
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        conn.execute(f"SET LOCAL search_path = {SCHEMA}, pg_catalog")
        conn.execute("CREATE TABLE IF NOT EXISTS locaben_schema (version integer PRIMARY KEY, "
                     "description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
        done = {row[0] for row in conn.execute("SELECT version FROM locaben_schema")}
        applied = []
        for migration in sorted(migrations, key=lambda m: m.version):
            if migration.version in done:
                continue
            conn.execute(migration.sql)
            conn.execute("INSERT INTO locaben_schema (version, description) VALUES (%s, %s)",
                         (migration.version, migration.description))
            applied.append(migration.version)
        conn.execute(f"GRANT SELECT ON locaben_schema TO {STAFF_GROUP}")
    return applied


def schema_version(conn: Any) -> int:
    """The newest applied migration, 0 for a database `server init` has not run on."""
    row = conn.execute(f"SELECT to_regclass('{SCHEMA}.locaben_schema') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return 0
    return int(conn.execute(f"SELECT coalesce(max(version), 0) FROM {SCHEMA}.locaben_schema").fetchone()[0])

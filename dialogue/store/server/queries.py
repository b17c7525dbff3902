"""The team's views of the server: the sessions list and the activity report (選択ベンチマーク5).

Both read through the server's row-level security, so each staff member gets exactly what their role lets
them see: their own sessions, their branch's (reviewer), or the whole bank's (admin).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dialogue.store.server.remote import Remote

TEAM_COLUMNS = ("id", "company", "owner", "owner_name", "branch", "state", "events", "started", "last_activity",
                "forked_from", "training")


def team_sessions(remote: Remote, branch: str | None = None, staff: str | None = None,
                  state: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """The sessions this user may see, newest activity first, filtered by branch, owner and state.

    The newest `limit` sessions are chosen first and only they are joined with the staff's names and have
    their times formatted: as admin over 10,000 sessions the table's 101 rows take ~50 ms instead of ~150 ms
    (measured on a loaded 2-core machine), all 10,000 ~275 ms instead of ~350 ms."""
    rows = remote.conn.execute(
        "SELECT s.id, s.company, s.owner_id, coalesce(st.name, ''), s.branch_id, s.state, s.event_count, "
        f"{_ISO.format('s.created_at')}, {_ISO.format('s.last_at')}, s.forked_from, {_TRAINING} "
        "FROM (SELECT id, company, owner_id, branch_id, state, event_count, created_at, last_at, forked_from "
        "      FROM sessions "
        "      WHERE (%(branch)s::text IS NULL OR branch_id = %(branch)s) "
        "      AND (%(staff)s::text IS NULL OR owner_id = %(staff)s) "
        "      AND (%(state)s::text IS NULL OR state = %(state)s) "
        "      ORDER BY last_at DESC NULLS LAST, id LIMIT %(limit)s) s "
        "LEFT JOIN staff st ON st.id = s.owner_id "
        "ORDER BY s.last_at DESC NULLS LAST, s.id",
        {"branch": branch, "staff": staff, "state": state, "limit": limit}).fetchall()
    return [dict(zip(TEAM_COLUMNS, r, strict=True)) for r in rows]


# What kind of training a session is ('roleplay', 'demo'; '' for a real customer's): its `started` event's
# `training`, the same test the report uses to leave training out. Read for the listed rows only.
_TRAINING = ("coalesce((SELECT locaben_json(t.body) ->> 'training' FROM events t WHERE t.session_id = s.id "
             "AND t.seq = 1 AND t.kind = 'started'), '')")

# A timestamp as ISO 8601 text in UTC, made by the server (10,000 rows converted in Python cost ~0.2 s).
_ISO = "coalesce(to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || '+00:00', '')"


@dataclass(frozen=True, slots=True)
class ReportRow:
    """Companies interviewed and sheets approved in the period, for one staff member, one branch (staff
    empty) or the whole bank (both empty). Companies are counted once per row however many sessions."""

    branch: str
    branch_name: str
    staff: str
    staff_name: str
    interviewed: int
    approved: int


# Interviewed: a company for which the staff member recorded an answer in the period (who: the event's `by`
# as the server vouched for it, else the staff member who sent it). Approved: a company whose sheet was
# approved in the period, counted for the staff member who submitted it (else the session's owner). Branch:
# the staff member's branch. Training sessions (role-play with a fictional company, a demo: `training` in the
# session's `started` event) are nobody's customer and are left out.
_REPORT = """
WITH real_sessions AS (
    SELECT s.id, s.company, s.owner_id FROM sessions s
    WHERE NOT EXISTS (SELECT 1 FROM events t WHERE t.session_id = s.id AND t.seq = 1 AND t.kind = 'started'
                      AND coalesce(locaben_json(t.body) ->> 'training', '') <> '')
), activity AS (
    SELECT e.by_id AS staff_id, locaben_company_key(s.company, s.id) AS company, 'interviewed' AS what
    FROM events e JOIN real_sessions s ON s.id = e.session_id
    WHERE e.kind = 'answered' AND e.at >= %(start)s AND e.at < %(end)s
  UNION ALL
    SELECT coalesce(sub.by_id, s.owner_id), locaben_company_key(s.company, s.id), 'approved'
    FROM events e JOIN real_sessions s ON s.id = e.session_id
    LEFT JOIN LATERAL (SELECT x.by_id FROM events x WHERE x.session_id = e.session_id
                       AND x.kind = 'submitted' AND x.seq < e.seq ORDER BY x.seq DESC LIMIT 1) sub ON true
    WHERE e.kind = 'approved' AND e.at >= %(start)s AND e.at < %(end)s
)
SELECT st.branch_id, coalesce(b.name, ''), a.staff_id, coalesce(st.name, ''),
       count(DISTINCT a.company) FILTER (WHERE a.what = 'interviewed'),
       count(DISTINCT a.company) FILTER (WHERE a.what = 'approved')
FROM activity a LEFT JOIN staff st ON st.id = a.staff_id LEFT JOIN branches b ON b.id = st.branch_id
GROUP BY GROUPING SETS ((st.branch_id, b.name, a.staff_id, st.name), (st.branch_id, b.name), ())
ORDER BY GROUPING(st.branch_id, b.name), st.branch_id, GROUPING(a.staff_id, st.name), a.staff_id
"""


def report(remote: Remote, start: datetime, end: datetime) -> list[ReportRow]:
    """Per staff member, then per branch, then the bank's total (the last row), for start ≤ at < end."""
    rows = remote.conn.execute(_REPORT, {"start": start, "end": end}).fetchall()
    return [ReportRow(r[0] or "", r[1], r[2] or "", r[3], r[4], r[5]) for r in rows]

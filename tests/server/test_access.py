"""Who may see and change what is enforced by the server itself (roles and row-level security), whatever
the client does: these tests talk SQL straight to the server as each staff member."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogue.model import Actor
from dialogue.model.events import Assigned
from dialogue.store.server import AccessDenied, admin, sync, team
from dialogue.store.server.chain import canonical, link
from tests.server.conftest import Server
from tests.server.devices import Device

pytestmark = pytest.mark.server
BY = Actor("suzuki", "鈴木 次郎", "d1")


@pytest.fixture
def sessions(server: Server, tmp_path: Path) -> dict[str, str]:
    """One session by tanaka (本店) and one by suzuki (港支店), both on the server."""
    made = {}
    for staff in ("tanaka", "suzuki"):
        device = Device(tmp_path / staff)
        made[staff] = device.interview(f"{staff}の取引先株式会社")
        with server.remote(staff) as remote:
            device.sync(remote)
    return made


def visible(server: Server, user: str) -> set[str]:
    with server.remote(user) as remote:
        return set(remote.heads())


def test_an_interviewer_cannot_read_another_branchs_session(server: Server, sessions: dict[str, str],
                                                            tmp_path: Path) -> None:
    with server.remote("suzuki") as remote:
        assert remote.conn.execute("SELECT count(*) FROM sessions WHERE id = %s",
                                   (sessions["tanaka"],)).fetchone()[0] == 0
        assert remote.conn.execute("SELECT count(*) FROM events WHERE session_id = %s",
                                   (sessions["tanaka"],)).fetchone()[0] == 0
        with pytest.raises(AccessDenied):
            remote.header(sessions["tanaka"])
        outsider = Device(tmp_path / "suzuki-2")
        with pytest.raises(AccessDenied):
            sync.fetch(outsider.store, remote, sessions["tanaka"])
    assert outsider.store.session_ids() == []  # nothing of it reached suzuki's computer


def test_each_role_sees_what_it_should(server: Server, sessions: dict[str, str]) -> None:
    assert visible(server, "tanaka") == {sessions["tanaka"]}  # own
    assert visible(server, "yamada") == set()  # same branch, but an interviewer sees only their own
    assert visible(server, "suzuki") == {sessions["suzuki"]}
    assert visible(server, "sato") == {sessions["tanaka"]}  # reviewer of 本店: the branch's, not 港支店's
    assert visible(server, "kimura") == {sessions["tanaka"], sessions["suzuki"]}  # admin: all


def test_writing_into_a_session_one_may_not_see_is_refused(server: Server, sessions: dict[str, str]) -> None:
    target = sessions["tanaka"]
    with server.remote() as owner_view:
        head = owner_view.heads([target])[target]
    body = canonical({"kind": "noted", "at": "2026-11-24T09:00:00.000+09:00", "by": BY.to_json(), "text": "侵入"})
    with server.remote("suzuki") as remote, pytest.raises(AccessDenied), remote.transaction():
        remote.append(target, head.count + 1, [body], [link(head.head, body)])
    with server.remote() as owner_view:
        assert owner_view.heads([target])[target].count == head.count


def test_an_interviewer_cannot_approve_even_by_writing_sql(server: Server, sessions: dict[str, str]) -> None:
    own = sessions["tanaka"]
    with server.remote("tanaka") as remote:
        head = remote.heads([own])[own]
        body = canonical({"kind": "approved", "at": "2026-11-24T09:00:00.000+09:00",
                          "by": {"id": "tanaka", "name": "田中", "device": "x"}})
        with pytest.raises(AccessDenied), remote.transaction():
            remote.append(own, head.count + 1, [body], [link(head.head, body)])
        assert remote.heads([own])[own].state == "paused"


def test_events_are_append_only_for_staff_and_for_the_owner_of_the_tables(server: Server,
                                                                         sessions: dict[str, str]) -> None:
    import psycopg

    own = sessions["tanaka"]
    with server.remote("tanaka") as remote:
        for statement in ("UPDATE events SET body = '{}' WHERE session_id = %s",
                          "DELETE FROM events WHERE session_id = %s",
                          "UPDATE sessions SET owner_id = 'suzuki' WHERE id = %s",
                          "DELETE FROM sessions WHERE id = %s"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                remote.conn.execute(statement, (own,))
    with server.remote() as dba:  # even the schema's owner: the triggers refuse
        for statement in ("UPDATE locaben.events SET body = '{}' WHERE session_id = %s",
                          "DELETE FROM locaben.events WHERE session_id = %s",
                          "DELETE FROM locaben.sessions WHERE id = %s"):
            with pytest.raises(psycopg.DatabaseError, match="append-only") as refused:
                dba.conn.execute(statement, (own,))
            assert refused.value.sqlstate == "LB003"
        _, _, problems = admin.verify(dba)
        assert problems == []


def test_a_row_changed_on_the_server_is_detected(server: Server, sessions: dict[str, str],
                                                 tmp_path: Path) -> None:
    own = sessions["tanaka"]
    with server.remote() as dba:  # someone with full control bypasses the triggers and edits an answer
        dba.conn.execute("ALTER TABLE locaben.events DISABLE TRIGGER events_append_only")
        dba.conn.execute("UPDATE locaben.events SET body = replace(body, '24', '240') "
                         "WHERE session_id = %s AND kind = 'answered' AND body LIKE '%%\"24\"%%'", (own,))
        dba.conn.execute("ALTER TABLE locaben.events ENABLE TRIGGER events_append_only")
        sessions_checked, events, problems = admin.verify(dba)
    assert sessions_checked == 2 and events > 0
    assert [(p.session_id, "does not match its hash" in p.problem.text("en")) for p in problems] == [(own, True)]
    newcomer = Device(tmp_path / "tanaka-tablet")
    with server.remote("tanaka") as remote, pytest.raises(Exception, match="does not match its hash"):
        sync.fetch(newcomer.store, remote, own)  # a changed row is never written into a journal
    assert newcomer.store.session_ids() == []


def test_the_server_derives_kind_and_assignee_from_the_event_itself(server: Server,
                                                                   sessions: dict[str, str]) -> None:
    """The body is the truth: an assignment takes the session to the staff member it names."""
    own = sessions["tanaka"]
    with server.remote("tanaka") as remote:
        head = remote.heads([own])[own]
        body = canonical(team.team_event(Assigned("suzuki"), "2026-11-24T09:00:00.000+09:00",
                                         Actor("tanaka", "田中", "x")))
        with remote.transaction():
            remote.append(own, head.count + 1, [body], [link(head.head, body)])
        assert own not in remote.heads()  # handed over to another branch: tanaka no longer sees it
    assert own in visible(server, "suzuki")
    with server.remote() as dba:
        row = dba.conn.execute("SELECT owner_id, branch_id FROM locaben.sessions WHERE id = %s", (own,)).fetchone()
    assert row == ("suzuki", "minato")

"""Offline-first sync against a real PostgreSQL server: idempotent pushes, pulls, and diverged histories."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogue.store.server import sync
from dialogue.store.server.chain import journal_chain
from tests.server.conftest import Server
from tests.server.devices import Device, later

pytestmark = pytest.mark.server


def actions(outcomes: list[sync.Outcome]) -> dict[str, str]:
    return {o.session_id: o.action for o in outcomes}


def server_events(server: Server, session_id: str) -> list[dict]:
    import json

    with server.remote() as remote:
        rows = remote.conn.execute("SELECT body FROM locaben.events WHERE session_id = %s ORDER BY seq",
                                   (session_id,)).fetchall()
    return [json.loads(r[0]) for r in rows]


def test_a_session_written_with_no_server_later_syncs_whole(tmp_path: Path, server: Server) -> None:
    laptop = Device(tmp_path / "laptop")
    first, second = laptop.interview(), laptop.interview("有限会社あおば食品", notes=40)
    before = laptop.file_bytes()
    with server.remote("tanaka") as remote:
        outcomes = laptop.sync(remote)
    assert actions(outcomes) == {first: sync.PUSHED, second: sync.PUSHED}
    assert server_events(server, first) == laptop.events(first)
    assert server_events(server, second) == laptop.events(second)
    assert len(server_events(server, second)) > 40
    assert laptop.file_bytes() == before  # pushing never touches the local journals
    with server.remote() as remote:
        row = remote.conn.execute("SELECT owner_id, branch_id, company, state, event_count, head_hash "
                                  "FROM locaben.sessions WHERE id = %s", (second,)).fetchone()
    local = journal_chain(laptop.store.read(second))
    assert row[:5] == ("tanaka", "honten", "有限会社あおば食品", "paused", local.count)
    assert bytes(row[5]) == local.head


def test_two_clients_sync_the_same_session_and_pushing_twice_is_harmless(tmp_path: Path, server: Server) -> None:
    laptop, tablet = Device(tmp_path / "laptop"), Device(tmp_path / "tablet", later(1))
    sid = laptop.interview()
    with server.remote("tanaka") as remote:
        assert actions(laptop.sync(remote)) == {sid: sync.PUSHED}
        assert actions(laptop.sync(remote)) == {sid: sync.IN_STEP}  # the same events again: nothing happens
        assert actions(tablet.sync(remote)) == {sid: sync.FETCHED}  # the owner's other device gets it whole
    assert tablet.events(sid) == laptop.events(sid)
    tablet.continue_(sid, "タブレットで追記")
    with server.remote("tanaka") as remote:
        assert actions(tablet.sync(remote)) == {sid: sync.PUSHED}
        assert actions(laptop.sync(remote)) == {sid: sync.PULLED}
        assert actions(tablet.sync(remote)) == {sid: sync.IN_STEP}
        assert actions(laptop.sync(remote)) == {sid: sync.IN_STEP}
    assert laptop.events(sid) == tablet.events(sid) == server_events(server, sid)
    assert "タブレットで追記" in [e.get("text") for e in laptop.events(sid)]
    laptop.continue_(sid, "ノートPCで再開できる")  # the pulled journal resumes like any other


def test_a_diverged_history_is_refused_and_can_be_kept_as_a_fork(tmp_path: Path, server: Server) -> None:
    laptop, tablet = Device(tmp_path / "laptop"), Device(tmp_path / "tablet", later(1))
    sid = laptop.interview()
    with server.remote("tanaka") as remote:
        laptop.sync(remote)
        tablet.sync(remote)
    shared = len(laptop.events(sid))
    laptop.continue_(sid, "ノートPCでの続き")
    tablet.continue_(sid, "タブレットでの続き")
    mine = laptop.events(sid)
    with server.remote("tanaka") as remote:
        assert actions(tablet.sync(remote)) == {sid: sync.PUSHED}  # the first to arrive is kept
        [refused] = laptop.sync(remote)
    assert refused.action == sync.DIVERGED
    assert refused.events == shared
    assert f"differ after event {shared}" in refused.detail and f"locaben sync --fork {sid}" in refused.detail
    assert laptop.events(sid) == mine  # nothing merged, nothing lost
    assert "ノートPCでの続き" not in [e.get("text") for e in server_events(server, sid)]

    with server.remote("tanaka") as remote:
        forked, original = sync.fork(laptop.store, remote, sid, "20261124-090000", laptop.company)
        assert forked.action == sync.FORKED
        fork_id = forked.session_id
        assert actions(laptop.sync(remote)) == {sid: sync.IN_STEP, fork_id: sync.IN_STEP}
    assert laptop.events(fork_id) == mine  # the laptop's version, whole, under a new id
    assert laptop.store.read(fork_id).header.extra["forked_from"] == sid
    assert laptop.events(sid) == tablet.events(sid) == server_events(server, sid)  # the original: the server's
    assert server_events(server, fork_id) == mine
    with server.remote() as remote:
        link = remote.conn.execute("SELECT forked_from, forked_at FROM locaben.sessions WHERE id = %s",
                                   (fork_id,)).fetchone()
    assert link == (sid, shared)


def test_the_automatic_sync_never_raises_and_sends_what_is_left_later(tmp_path: Path, server: Server) -> None:
    import time

    laptop = Device(tmp_path / "laptop")
    sid = laptop.interview()
    down = server.url("tanaka").replace("host=", "host=/nonexistent")
    started = time.monotonic()
    outcome = sync.try_sync(laptop.store, sid, down, "tanaka", laptop.company, timeout=2)
    assert outcome.action == sync.FAILED and "cannot reach the team server" in outcome.detail
    assert time.monotonic() - started < 5
    assert sync.try_sync(laptop.store, sid, server.url("tanaka"), "tanaka", laptop.company).action == sync.PUSHED
    assert server_events(server, sid) == laptop.events(sid)


def test_an_open_interview_is_still_sent_but_nothing_is_written_into_it(tmp_path: Path, server: Server,
                                                                        session_holder) -> None:  # type: ignore[no-untyped-def]
    laptop, tablet = Device(tmp_path / "laptop"), Device(tmp_path / "tablet", later(1))
    shared, other = laptop.interview(), laptop.interview("有限会社あおば食品")
    with server.remote("tanaka") as remote:
        laptop.sync(remote)
        tablet.sync(remote)
    tablet.continue_(shared, "タブレットで追記")
    laptop.continue_(other, "面談中のメモ")
    holders = [session_holder(laptop.store.root, sid) for sid in (shared, other)]  # an open interview's locks
    try:
        with server.remote("tanaka") as remote:
            tablet.sync(remote)
            during = laptop.sync(remote)
        assert actions(during) == {shared: sync.IN_USE, other: sync.PUSHED}
        assert "will be fetched" in next(o.detail for o in during if o.session_id == shared)
        assert "タブレットで追記" not in [e.get("text") for e in laptop.events(shared)]
    finally:
        for holder in holders:
            holder.kill()
            holder.wait()
    with server.remote("tanaka") as remote:  # the interview closed (its process is gone): the lock is free
        assert actions(laptop.sync(remote)) == {shared: sync.PULLED, other: sync.IN_STEP}
    assert laptop.events(shared) == tablet.events(shared)
    assert "面談中のメモ" in [e.get("text") for e in server_events(server, other)]

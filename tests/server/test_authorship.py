"""Who wrote an event is vouched for by the server: an event whose `by.id` names another staff member than
the one sending it is refused (LB005), unless it is relayed unchanged from the session it was forked from;
each row records who sent it (`pushed_by`), and `server verify` lists older rows sent by someone else."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from dialogue.model import Actor
from dialogue.model.events import Assigned
from dialogue.store.live import SessionManager
from dialogue.store.server import admin, sync, team
from dialogue.store.server.chain import canonical, link
from dialogue.store.server.schema import MIGRATIONS, apply_migrations
from tests.helpers import ticking_clock
from tests.server.conftest import STAFF, Server
from tests.server.devices import START, Device, later
from tests.server.helpers import Officer

pytestmark = pytest.mark.server
TANAKA = Actor("tanaka", "田中 一郎", "tanaka-pc")
YAMADA = Actor("yamada", "山田 花子", "yamada-pc")


def signed_device(root: Path, actor: Actor, when=START) -> Device:  # type: ignore[no-untyped-def]
    """A laptop whose events are signed by `actor`, as the CLI signs them from `user.id`."""
    device = Device(root)
    device.manager = SessionManager(device.store, ticking_clock(when), actor=actor)
    return device


def rows(server: Server, session_id: str) -> list[tuple[int, str, str, str | None]]:
    with server.remote() as dba:
        return dba.conn.execute("SELECT seq, by_id, pushed_by, body::jsonb -> 'by' ->> 'id' FROM locaben.events "
                                "WHERE session_id = %s ORDER BY seq", (session_id,)).fetchall()


def test_events_signed_by_another_staff_member_are_refused_and_nothing_is_stored(server: Server,
                                                                                 tmp_path: Path) -> None:
    laptop = signed_device(tmp_path / "shared-pc", Actor("suzuki", "鈴木 次郎", "shared-pc"))
    sid = laptop.interview()  # written as suzuki …
    with server.remote("tanaka") as remote:  # … sent with tanaka's password
        [outcome] = laptop.sync(remote)
        assert outcome.action == sync.FAILED
        assert "event 1 was written by suzuki" in outcome.text("en") and "(you are tanaka)" in outcome.text("en")
        assert "suzuki さんの記録です" in outcome.text("ja")
        assert remote.heads() == {}
    with server.remote() as dba:
        assert dba.conn.execute("SELECT count(*) FROM locaben.sessions").fetchone()[0] == 0
    with server.remote("suzuki") as remote:  # the author sends them: accepted, credited to them
        assert [o.action for o in laptop.sync(remote)] == [sync.PUSHED]
    assert {(by, sender, claimed) for _, by, sender, claimed in rows(server, sid)} == {("suzuki", "suzuki", "suzuki")}


def test_one_forged_event_in_a_push_refuses_the_whole_push(server: Server, tmp_path: Path) -> None:
    laptop = signed_device(tmp_path / "tanaka", TANAKA)
    sid = laptop.interview()
    with server.remote("tanaka") as remote:
        laptop.sync(remote)
        head = remote.heads([sid])[sid]
        own = canonical({"kind": "noted", "at": "2026-11-24T09:00:00.000+09:00", "by": TANAKA.to_json(),
                         "text": "本人のメモ"})
        forged = canonical({"kind": "noted", "at": "2026-11-24T09:01:00.000+09:00",
                            "by": {"id": "sato", "name": "佐藤 課長"}, "text": "課長確認済み"})
        second = link(head.head, own)
        with pytest.raises(psycopg.DatabaseError, match="written by sato; only they can send it") as refused, \
                remote.transaction():
            remote.append(sid, head.count + 1, [own, forged], [second, link(second, forged)])
        assert refused.value.sqlstate == "LB005"
        assert remote.heads([sid])[sid].count == head.count  # neither of the two was kept


def test_an_id_that_is_nobody_on_the_staff_is_kept_and_credited_to_the_sender(server: Server,
                                                                              tmp_path: Path) -> None:
    """A laptop used before `user.id` was set signs with the OS user name: those sessions still sync whole."""
    laptop = signed_device(tmp_path / "old", Actor("t-tanaka", "田中", "old-pc"))
    sid = laptop.interview()
    with server.remote("tanaka") as remote:
        assert [o.action for o in laptop.sync(remote)] == [sync.PUSHED]
    assert {(by, sender, claimed) for _, by, sender, claimed in rows(server, sid)} == {
        ("tanaka", "tanaka", "t-tanaka")}
    with server.remote() as dba:
        assert admin.verify(dba)[2] == []


def test_a_handed_over_session_forked_relays_the_earlier_authors_events_unchanged(server: Server,
                                                                                   tmp_path: Path) -> None:
    tanaka = signed_device(tmp_path / "tanaka", TANAKA)
    sid = tanaka.interview()
    with server.remote("tanaka") as remote:
        tanaka.sync(remote)
        team.record(tanaka.store, remote, sid, team.team_event(Assigned("yamada", "tanaka"),
                                                               "2026-11-23T12:00:00.000+09:00", TANAKA))
    laptop, tablet = (signed_device(tmp_path / f"yamada-{n}", YAMADA, later(2 + n)) for n in (0, 1))
    with server.remote("yamada") as remote:
        assert [o.action for o in laptop.sync(remote)] == [sync.FETCHED]
        assert [o.action for o in tablet.sync(remote)] == [sync.FETCHED]
    shared = len(laptop.events(sid))
    tablet.continue_(sid, "タブレットで追記")
    laptop.continue_(sid, "ノートPCで追記")
    with server.remote("yamada") as remote:
        assert [o.action for o in tablet.sync(remote)] == [sync.PUSHED]
        assert [o.action for o in laptop.sync(remote)] == [sync.DIVERGED]
        fork, original = sync.fork(laptop.store, remote, sid, "20261123-150000")
    assert fork.action == sync.FORKED and fork.text("en").endswith("(sent)"), fork.text("en")
    fork_rows = rows(server, fork.session_id)
    relayed = [r for r in fork_rows if r[0] <= shared]
    assert {by for _, by, _, _ in relayed} == {"tanaka"}  # still credited to the one who wrote them …
    assert {sender for _, _, sender, _ in fork_rows} == {"yamada"}  # … sent by yamada
    assert {by for seq, by, _, _ in fork_rows if seq > shared} == {"yamada"}  # the visit after the handover
    with server.remote() as dba:
        assert admin.verify(dba)[2] == []


def test_a_relayed_event_that_was_changed_is_refused(server: Server, tmp_path: Path) -> None:
    """Relaying is copying: an event of the original session with its text changed is a forgery."""
    tanaka = signed_device(tmp_path / "tanaka", TANAKA)
    sid = tanaka.interview()
    with server.remote("tanaka") as remote:
        tanaka.sync(remote)
        head_hash = remote.heads([sid])[sid].head
    events = [json.loads(canonical(e)) for e in tanaka.events(sid)]
    header = tanaka.store.read(sid).header
    from dataclasses import replace

    from dialogue.model import Event
    from dialogue.store.server.chain import chain_of

    fork_header = replace(header, session_id="20261124-090000-fork",
                          extra={**header.extra, "forked_from": sid, "forked_at": len(events)})
    last_note = max(n for n, e in enumerate(events) if e["kind"] == "noted")
    changed = [{**e, "text": e["text"] + "（改ざん）"} if n == last_note else e for n, e in enumerate(events)]
    for body_events, ok in ((events, True), (changed, False)):
        fork_id = fork_header.session_id + ("-ok" if ok else "-bad")
        chain = chain_of(replace(fork_header, session_id=fork_id), [Event.from_json(e) for e in body_events])
        with server.remote("yamada") as remote:  # yamada may create a session (their own) relaying tanaka's
            try:
                with remote.transaction():
                    remote.create_session(chain, "", sid, len(events))
                    remote.append(fork_id, 1, list(chain.bodies), list(chain.hashes[1:]))
                refused = None
            except psycopg.DatabaseError as exc:
                refused = exc.sqlstate
        assert refused == (None if ok else "LB005"), (ok, refused)
    assert head_hash  # the original is untouched


def test_team_events_are_signed_by_the_staff_member_connected(server: Server, tmp_path: Path) -> None:
    """`user.id` naming someone else (a shared computer) does not make `submit` write in their name."""
    tanaka = Officer(server, "tanaka", tmp_path)
    sid, _, _ = tanaka.interview("株式会社みどり精工", "24", "/pause")
    tanaka.environ["LOCABEN_USER"] = "yamada"  # the setting says yamada; the server knows this is tanaka
    code, out, err = tanaka.run("submit", sid)
    assert code == 0, (out, err)
    submitted = [e for e in tanaka.device.events(sid) if e["kind"] == "submitted"]
    assert [e["by"]["id"] for e in submitted] == ["tanaka"]
    assert submitted[0]["by"]["name"] == "田中 一郎"


def test_verify_lists_rows_sent_by_someone_else_before_the_check(server: Server, tmp_path: Path) -> None:
    """A server made before migration 3 took such events; after the upgrade `server verify` names them."""
    name = f"{server.database}_old"
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = server.url().replace(f"/{server.database}?", f"/{name}?")
    from dialogue.store.server.remote import Remote

    try:
        with Remote.connect(url) as dba:
            before_the_check = [m for m in MIGRATIONS if m.version < 3]
            apply_migrations(dba.conn, before_the_check)
            admin.add_branch(dba, "honten", "本店")
            for staff_id, staff_name, _, role in STAFF:
                admin.add_staff(dba, staff_id, staff_name, "honten", role)
        laptop = signed_device(tmp_path / "shared-pc", Actor("yamada", "山田 花子", "shared-pc"))
        sid = laptop.interview()
        with Remote.connect(url.replace("locaben_admin@", "tanaka@")) as remote:
            assert [o.action for o in laptop.sync(remote)] == [sync.PUSHED]  # the old server took them
        with Remote.connect(url) as dba:
            assert admin.init(dba) == [m.version for m in MIGRATIONS if m.version >= 3]
            _, events, problems = admin.verify(dba)
        assert len(problems) == events > 0
        assert {(p.session_id, p.problem.text("en")) for p in problems} == {
            (sid, "the event names yamada as its author but was sent by tanaka "
                  "(received before the server checked authors)")}
    finally:
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_fork_with_a_forged_event_after_the_relayed_ones_names_the_forged_one(server: Server,
                                                                                  tmp_path: Path) -> None:
    from dataclasses import replace

    from dialogue.model import Event
    from dialogue.model.events import Noted

    tanaka = signed_device(tmp_path / "tanaka", TANAKA)
    sid = tanaka.interview()
    with server.remote("tanaka") as remote:
        tanaka.sync(remote)
    journal = tanaka.store.read(sid)
    forged = Event("2026-11-24T09:00:00.000+09:00", Noted(None, "課長確認済み"), Actor("sato", "佐藤 課長"))
    yamada = signed_device(tmp_path / "yamada", YAMADA)
    header = replace(journal.header, session_id="20261124-090000-fork",
                     extra={**journal.header.extra, "forked_from": sid, "forked_at": len(journal.events)})
    yamada.store.create(header, [*journal.events, forged]).close()  # tanaka's events, relayed, then sato's
    with server.remote("yamada") as remote:
        [outcome] = yamada.sync(remote)
    assert outcome.action == sync.FAILED
    assert outcome.text("en").startswith(f"event {len(journal.events) + 1} was written by sato: "), outcome.text("en")
    assert "(you are yamada)" in outcome.text("en")
    with server.remote() as dba:
        assert dba.conn.execute("SELECT count(*) FROM locaben.sessions WHERE id = %s",
                                (header.session_id,)).fetchone()[0] == 0

"""Training sessions and the team server: a `locaben demo` session (a model interview of a fictional company)
is never sent — not after the demo, not by `locaben sync` — and the report (選択ベンチマーク5) never counts a
role-play's fictional company, which is sent as the trainee's practice."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from dialogue.model.events import Started
from dialogue.store.server import sync
from tests.helpers import MINI_BANK
from tests.server.conftest import Server
from tests.server.helpers import Officer

pytestmark = pytest.mark.server


def server_sessions(server: Server) -> list[str]:
    with server.remote() as dba:
        return [r[0] for r in dba.conn.execute("SELECT id FROM locaben.sessions ORDER BY id")]


def test_a_demo_session_is_never_sent_to_the_team_server(server: Server, tmp_path: Path) -> None:
    tanaka = Officer(server, "tanaka", tmp_path)
    real = tanaka.device.interview("株式会社みどり精工")
    code, out, err = tanaka.run("demo", "-o", str(tmp_path / "out"), "--lang", "ja")
    assert code == 0, err
    [demo] = set(tanaka.device.store.session_ids()) - {real}
    assert "チームサーバー" not in out + err  # no automatic sync after a demo: nothing to say about it
    assert server_sessions(server) == []
    code, out, err = tanaka.run("sync")
    assert code == 0, err
    assert out.splitlines()[-1] == "同期: デモ（送りません） 1 件、送信 1 件", out
    assert demo not in out  # counted, not listed one by one
    assert server_sessions(server) == [real]
    code, out, err = tanaka.run("sync", "--session", demo, "--lang", "en")  # asked for by name: said why
    assert code == 0 and "never sent to the team server" in out, (out, err)
    assert server_sessions(server) == [real]
    code, out, _ = tanaka.run("resume", demo, "--plain", stdin="/pause\n")  # a resumed demo is not sent either
    assert server_sessions(server) == [real], out


def test_the_automatic_sync_of_a_demo_session_does_not_reach_for_the_server(tmp_path: Path,
                                                                             server: Server) -> None:
    tanaka = Officer(server, "tanaka", tmp_path)
    assert tanaka.run("demo", "-o", str(tmp_path / "out"))[0] == 0
    [demo] = tanaka.device.store.session_ids()
    nowhere = "postgresql://tanaka@/locaben?host=/nonexistent-socket-dir&connect_timeout=3"
    started = time.perf_counter()
    outcome = sync.try_sync(tanaka.device.store, demo, nowhere, "tanaka")
    assert (outcome.action, outcome.text("en")) == (sync.DEMO, "a demo session (a fictional company) stays on "
                                                               "this computer and is never sent to the team server")
    assert time.perf_counter() - started < 0.5


def test_the_report_leaves_out_role_play_sessions_and_the_listing_shows_them_apart(server: Server, tmp_path: Path) -> None:
    from dialogue.banks.reader import load_bank

    tanaka, kimura = Officer(server, "tanaka", tmp_path), Officer(server, "kimura", tmp_path)
    tanaka.device.interview("株式会社みどり精工")
    with tanaka.device.manager.create(load_bank(MINI_BANK), Started(lang="ja", training="roleplay",
                                                                    persona="kozuchi_seiko")) as live:
        live.answer("小槌精工株式会社")  # the persona's fictional company
        live.answer("30")
        live.pause()
        practice = live.session_id
    assert tanaka.ok("sync").splitlines()[-1] == "同期: 送信 2 件"
    assert practice in server_sessions(server)  # the trainee's practice is on the server …
    rows = json.loads(kimura.ok("report", "--from", "2026-11-01", "--to", "2026-11-30", "--json"))["rows"]
    counts = {(r["branch"], r["staff"]): r["interviewed"] for r in rows}
    assert counts == {("honten", "tanaka"): 1, ("honten", ""): 1, ("", ""): 1}  # … and not counted
    listed = {r["id"]: r["training"] for r in json.loads(kimura.ok("sessions", "--team", "--json"))}
    assert listed[practice] == "roleplay" and set(listed.values()) == {"roleplay", ""}
    table = kimura.ok("sessions", "--team")  # the practice is listed apart from the customers, under a title
    assert table.index("みどり精工") < table.index("研修・デモのセッション") < table.index("小槌精工"), table

"""A sync cut short — the client killed, or the server stopped mid-push — loses nothing, and the next sync
completes. The client is the real `locaben sync` in its own process; the server is real PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dialogue.store.server import admin, sync
from dialogue.store.server.chain import journal_chain
from tests.helpers import CODE
from tests.server.conftest import Server
from tests.server.devices import Device

pytestmark = pytest.mark.server
SESSIONS = 80  # about 4,200 events: long enough a sync to be cut in the middle (asserted below)


def start_sync(server: Server, laptop: Device, config: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "LOCABEN_SERVER": server.url("tanaka"), "LOCABEN_USER": "tanaka",
           "LOCABEN_CONFIG_DIR": str(config), "PYTHONPATH": str(CODE)}
    return subprocess.Popen([sys.executable, "-m", "dialogue", "sync", "--sessions-dir", str(laptop.store.root)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def sessions_on_server(server: Server) -> int:
    with server.remote() as remote:
        return int(remote.conn.execute("SELECT count(*) FROM locaben.sessions").fetchone()[0])


def wait_until_some_arrived(server: Server, client: subprocess.Popen[str], at_least: int = 5) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and client.poll() is None:
        arrived = sessions_on_server(server)
        if arrived >= at_least:
            return arrived
        time.sleep(0.02)
    raise AssertionError(f"the sync ended (or stalled) before it could be interrupted: {client.poll()}")


def assert_server_holds_whole_sessions_only(server: Server, laptop: Device) -> int:
    """Every session on the server has all of its events or none (one transaction per session)."""
    with server.remote() as remote:
        rows = remote.conn.execute("SELECT id, event_count, head_hash FROM locaben.sessions").fetchall()
        checked, events, problems = admin.verify(remote)
    assert problems == []
    for session_id, count, head in rows:
        local = journal_chain(laptop.store.read(session_id))
        assert (count, bytes(head)) == (local.count, local.head), session_id
    return len(rows)


def assert_everything_arrives(server: Server, laptop: Device, ids: list[str]) -> None:
    with server.remote("tanaka") as remote:
        outcomes = laptop.sync(remote)
        assert {o.action for o in outcomes} <= {sync.PUSHED, sync.IN_STEP}
        assert {o.action for o in laptop.sync(remote)} == {sync.IN_STEP}
    assert assert_server_holds_whole_sessions_only(server, laptop) == len(ids)


@pytest.fixture
def laptop(tmp_path: Path) -> tuple[Device, list[str]]:
    device = Device(tmp_path / "laptop")
    return device, device.many(SESSIONS)


def test_killing_the_client_mid_sync_loses_nothing_and_the_next_sync_completes(
        server: Server, laptop: tuple[Device, list[str]], tmp_path: Path) -> None:
    device, ids = laptop
    before = device.file_bytes()
    client = start_sync(server, device, tmp_path / "config")
    wait_until_some_arrived(server, client)
    client.send_signal(signal.SIGKILL)
    client.wait(timeout=30)
    arrived = assert_server_holds_whole_sessions_only(server, device)
    assert 0 < arrived < SESSIONS  # really cut in the middle
    assert device.file_bytes() == before  # the journals are untouched
    assert_everything_arrives(server, device, ids)


def test_stopping_the_server_mid_push_loses_nothing_and_the_next_sync_completes(
        server: Server, laptop: tuple[Device, list[str]], tmp_path: Path) -> None:
    device, ids = laptop
    before = device.file_bytes()
    client = start_sync(server, device, tmp_path / "config")
    wait_until_some_arrived(server, client)
    server.cluster.stop("fast")  # disconnects the client mid-transaction, then shuts down
    try:
        _, err = client.communicate(timeout=60)
        assert client.returncode == 7, err
        assert "チームサーバーとの接続が切れました" in err and "Traceback" not in err
        assert device.file_bytes() == before
        with pytest.raises(Exception, match="cannot reach the team server"):
            server.remote("tanaka")  # while it is down: a clear message, nothing sent
    finally:
        server.cluster.start()
    arrived = assert_server_holds_whole_sessions_only(server, device)
    assert 0 < arrived < SESSIONS
    assert_everything_arrives(server, device, ids)

"""The audit log goes to the team server too, through the real `locaben` commands against a real
PostgreSQL server: `sync` sends the new entries (assignments and reviews are audited where they are made),
the server keeps them append-only and each staff member's own, and a log rebuilt on the laptop after it was
sent — which its own chain cannot reveal — is caught by `audit --verify` and by the next `sync`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dialogue.store.audit import GENESIS, canonical, entry_hash
from tests.helpers import MINI_BANK, run_cli
from tests.server.conftest import Server

pytestmark = pytest.mark.server


class Laptop:
    """One staff member's computer, `locaben …` typed there, with the team server configured."""

    def __init__(self, server: Server, staff: str, root: Path):
        self.sessions = root / staff / "sessions"
        self.environ = {"COLUMNS": "200", "LOCABEN_SERVER": server.url(staff), "LOCABEN_USER": staff,
                        "LOCABEN_CONFIG_DIR": str(root / staff / "config")}

    def run(self, *args: str, stdin: str = "") -> tuple[int, str, str]:
        return run_cli([*args, "--sessions-dir", str(self.sessions)], stdin, self.environ)

    def ok(self, *args: str, stdin: str = "") -> str:
        code, out, err = self.run(*args, stdin=stdin)
        assert code == 0, (args, out, err)
        return out

    def interview(self) -> str:
        before = set(self.sessions.glob("*.jsonl"))
        self.ok("interview", "--plain", "--lang", "ja", "--bank", str(MINI_BANK),
                stdin="株式会社みどり精工\n24\n/pause\n")
        (new,) = set(self.sessions.glob("*.jsonl")) - before
        return new.stem

    def log_lines(self) -> list[bytes]:
        return (self.sessions / "audit.log").read_bytes().splitlines()


def server_rows(server: Server, user: str | None = None) -> list[tuple[str, int, str, str]]:
    with (server.remote(user) if user else server.remote()) as remote:
        rows = remote.conn.execute("SELECT log_id, seq, entry, staff_id FROM locaben.audit_entries "
                                   "ORDER BY log_id, seq").fetchall()
    return [tuple(r) for r in rows]


def test_sync_sends_the_audit_log_once_with_assignments_and_reviews(server: Server, tmp_path: Path) -> None:
    tanaka, sato = Laptop(server, "tanaka", tmp_path), Laptop(server, "sato", tmp_path)
    sid = tanaka.interview()
    tanaka.ok("compile", sid, "-o", str(tmp_path / "out"))
    out = tanaka.ok("sync")
    assert "監査ログ: 3 件を送りました" in out  # open, the export to the server (the interview's automatic sync), compile
    tanaka.ok("submit", sid)
    sato.ok("review", sid, "--approve")
    out = tanaka.ok("sync")
    assert "監査ログ: 1 件を送りました" in out  # the submission
    assert "監査ログ" not in tanaka.ok("sync")  # nothing new: nothing sent twice
    sato.ok("sync")
    rows = server_rows(server)
    tanaka_rows = [r for r in rows if r[3] == "tanaka"]
    assert [r[2].encode() for r in tanaka_rows] == tanaka.log_lines()
    actions = [json.loads(r[2])["action"] for r in tanaka_rows]
    assert actions == ["open", "export", "compile", "review"]
    assert json.loads(tanaka_rows[3][2])["detail"] == {"outcome": "submitted"}
    assert [json.loads(r[2])["detail"] for r in rows if r[3] == "sato"] == [{"outcome": "approved"}]
    for row in rows:
        assert "みどり精工" not in row[2]  # who, when, what, which files: never the content


def test_a_log_rebuilt_on_the_laptop_after_it_was_sent_is_caught(server: Server, tmp_path: Path) -> None:
    tanaka = Laptop(server, "tanaka", tmp_path)
    sid = tanaka.interview()
    tanaka.ok("compile", sid, "-o", str(tmp_path / "out"))
    tanaka.ok("sync")
    assert "一致しています" in tanaka.ok("audit", "--verify", "--lang", "ja")
    # the compile entry removed and the whole chain recomputed, head record included: locally consistent
    entries = [json.loads(line) for line in tanaka.log_lines()]
    del entries[1]
    prev = GENESIS
    for seq, entry in enumerate(entries, start=1):
        entry.update(seq=seq, prev=prev)
        entry.pop("hash")
        entry["hash"] = prev = entry_hash(entry)
    (tanaka.sessions / "audit.log").write_bytes(b"".join(canonical(e) + b"\n" for e in entries))
    (tanaka.sessions / "audit.log.head").write_bytes(canonical({"seq": len(entries), "hash": prev}))
    code, out, err = tanaka.run("audit", "--verify", "--lang", "ja")
    assert code == 1 and "改ざんされていません" in out  # the chain alone cannot tell…
    assert "チームサーバーの控えと一致しません" in err  # …the server's copy can
    code, _, err = tanaka.run("sync")
    assert code == 1 and "監査ログを送れませんでした" in err and "送信後にこの端末で記録が削除されています" in err
    assert len([r for r in server_rows(server) if r[3] == "tanaka"]) == 3  # the server's copy is as it was


def test_staff_cannot_change_the_copy_and_see_only_their_own(server: Server, tmp_path: Path) -> None:
    import psycopg

    tanaka = Laptop(server, "tanaka", tmp_path)
    tanaka.interview()
    tanaka.ok("sync")
    with server.remote("tanaka") as remote:
        for statement in ("UPDATE locaben.audit_entries SET entry = '{}'", "DELETE FROM locaben.audit_entries"):
            with pytest.raises(psycopg.Error):
                remote.conn.execute(statement)
        with pytest.raises(psycopg.Error):  # a forged entry that does not follow the chain
            remote.conn.execute("INSERT INTO locaben.audit_entries (log_id, seq, entry, hash) VALUES (%s, 9, %s, %s)",
                                (server_rows(server)[0][0], json.dumps({"seq": 9, "hash": "0" * 64, "prev": "x"}),
                                 "0" * 64))
    with server.remote() as remote, pytest.raises(psycopg.Error):  # not even the superuser: the triggers
        remote.conn.execute("DELETE FROM locaben.audit_entries")
    assert server_rows(server, "yamada") == [] and len(server_rows(server, "kimura")) == len(server_rows(server))

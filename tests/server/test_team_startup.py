"""`locaben sessions --team` as its own process loads what it needs — psycopg, and rich for the table — and
not the interview: no engine, no events or journal, no hash chain (they cost ~160 ms of CPU a start on the
2-core machine); and the list it prints is the newest sessions first, `--limit` of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.server.conftest import Server
from tests.server.devices import Device, later

pytestmark = pytest.mark.server

PROBE = """
import io, json, sys
from dialogue.cli.main import Env, main
out = io.StringIO()
code = main(sys.argv[1:], Env(stdout=out))
print(json.dumps({"code": code, "out": out.getvalue(), "loaded": sorted(m for m in sys.modules if m.startswith((
    "dialogue.engine", "dialogue.model.", "dialogue.store.journal", "dialogue.store.server.chain",
    "dialogue.store.live", "dialogue.oslock", "transitions", "yaml", "prompt_toolkit", "jinja2", "rich")))}))
"""
NOT_NEEDED = ("dialogue.engine", "dialogue.model.events", "dialogue.model.bank", "dialogue.model.transcript",
              "dialogue.store.journal", "dialogue.store.server.chain", "dialogue.store.live", "dialogue.oslock",
              "transitions", "yaml", "prompt_toolkit", "jinja2")


def fresh_process(server: Server, tmp_path: Path, *args: str) -> dict[str, object]:
    env = {**os.environ, "LOCABEN_SERVER": server.url("kimura"), "LOCABEN_USER": "kimura",
           "LOCABEN_CONFIG_DIR": str(tmp_path / "config"), "NO_COLOR": "1", "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, encoding="utf-8",
                          env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def test_the_team_list_loads_neither_the_engine_nor_the_journal(server: Server, tmp_path: Path) -> None:
    made = []
    for n, hours in enumerate((1, 3, 2)):  # sessions whose last activity is at 11:00, 13:00, 12:00
        device = Device(tmp_path / f"laptop{n}", later(hours))
        made.append(device.interview(f"株式会社テスト{n}"))
        with server.remote("tanaka") as remote:
            device.sync(remote)
    listed = fresh_process(server, tmp_path, "sessions", "--team", "--json")
    assert listed["code"] == 0
    assert [r["id"] for r in json.loads(str(listed["out"]))] == [made[1], made[2], made[0]]  # newest first
    assert not set(NOT_NEEDED) & set(listed["loaded"]), listed["loaded"]  # type: ignore[arg-type]
    assert "rich" not in listed["loaded"]  # type: ignore[operator]  # JSON needs no console
    table = fresh_process(server, tmp_path, "sessions", "--team", "--limit", "2", "--lang", "ja")
    assert table["code"] == 0 and "rich.table" in table["loaded"]  # type: ignore[operator]
    assert not set(NOT_NEEDED) & set(table["loaded"]), table["loaded"]  # type: ignore[arg-type]
    out = str(table["out"])
    assert made[1] in out and made[2] in out and made[0] not in out, out
    assert out.index(made[1]) < out.index(made[2])
    assert "田中 一郎 (tanaka)" in out and "株式会社テスト1" in out

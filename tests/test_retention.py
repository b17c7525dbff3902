"""Deletion and purge remove every file they list, and nothing else (real journals, real compiled files)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dialogue.errors import LocabenError, SessionInUse, SessionNotFound
from dialogue.model import Event
from dialogue.sheet.files import MANIFEST as SHEET_MANIFEST
from dialogue.sheet.files import write_outputs
from dialogue.sheet.outputs import render_files
from dialogue.store.audit import Actor, AuditLog
from dialogue.store.journal import Header, SessionStore
from dialogue.store.retention import MANIFEST, belongs, delete, parse_age, plan_delete, purge, read_manifest
from tests.helpers import JST, ROOT, mini_bank, run_interview, ticking_clock

A, B, C = "20261123-100000-ab12", "20261123-100000-ab12-x", "20261124-090000-cd34"


def make_session(store: SessionStore, sid: str, out: Path) -> None:
    engine, transcript = run_interview(mini_bank(), session_id=sid)
    header = Header(sid, "mini", "1", "h", "/b.yaml", "2026-11-23T10:00:00.000+09:00")
    store.create(header, [Event.from_json(e.to_json()) for e in engine.events]).close()
    write_outputs(out, render_files(transcript, ["md", "json", "transcript"], "ja"))


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    store, out, usb = tmp_path / "sessions", tmp_path / "out", tmp_path / "usb"
    s = SessionStore(store)
    for sid in (A, B, C):
        make_session(s, sid, out)
    write_outputs(usb, {f"{A}-sheet.json": b"{}"})  # compiled a second time, elsewhere
    (store / f"{A}.jsonl.bak1").write_bytes(b"old copy")
    (store / f".{A}.jsonl.x1y2.tmp").write_bytes(b"interrupted create")
    (store / f"{B}.jsonl.bak1").write_bytes(b"B's backup")
    (out / f"{A}-mine.md").write_text("staff's own notes, never compiled by locaben", encoding="utf-8")
    (out / "README.txt").write_text("not ours", encoding="utf-8")
    return {"root": tmp_path, "store": store, "out": out, "usb": usb}


def tree(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def audit_of(world: dict[str, Path]) -> AuditLog:
    return AuditLog(world["root"] / "audit" / "audit.log", ticking_clock(), Actor("admin"))


def test_delete_removes_every_listed_file_and_nothing_else(world: dict[str, Path]) -> None:
    store, out, usb = SessionStore(world["store"]), world["out"], world["usb"]
    audit = audit_of(world)
    audit.record("compile", A, [usb / f"{A}-sheet.json"], formats=["json"])
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (world["store"] / f"{A}.lock").write_text(dead.stdout.strip(), encoding="utf-8")  # left by a crash
    before = tree(world["root"])

    plan = delete(store, A, [out], audit)

    assert sorted(p.name for p in plan.files) == sorted([
        f"{A}.jsonl", f"{A}.jsonl.bak1", f".{A}.jsonl.x1y2.tmp", f"{A}.lock",
        f"{A}-sheet.md", f"{A}-sheet.json", f"{A}-transcript.md", f"{A}-sheet.json"])
    after = tree(world["root"])
    assert not [p for p in plan.files if p.exists()]
    changed = {p for p in before if p in after and before[p] != after[p]}
    assert changed == {out / MANIFEST, usb / MANIFEST, audit.path, audit.head_path}
    assert {p.resolve() for p in before} - {p.resolve() for p in after} == {p.resolve() for p in plan.files}
    assert (out / f"{A}-mine.md").exists() and (out / "README.txt").exists()  # not in the manifest: not ours
    assert all(not belongs(name, A) for name in read_manifest(out / MANIFEST))
    assert sum(belongs(name, B) for name in read_manifest(out / MANIFEST)) == 3  # B keeps its entries
    assert SessionStore(world["store"]).read(B).events and SessionStore(world["store"]).read(C).events


def test_the_deletion_is_audited_with_its_files_and_no_content(world: dict[str, Path]) -> None:
    audit = audit_of(world)
    plan = delete(SessionStore(world["store"]), A, [world["out"]], audit)
    entry = audit.entries()[-1]
    assert (entry["action"], entry["session"], entry["detail"]) == ("delete", A, {"reason": "request"})
    assert entry["files"] == [str(p.resolve()) for p in plan.files]
    assert "みどり" not in audit.path.read_text(encoding="utf-8") and audit.verify().ok


def test_a_session_open_in_another_window_is_not_deleted(world: dict[str, Path]) -> None:
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from dialogue.store.journal import SessionStore\n"
        f"with SessionStore(Path(sys.argv[1])).lock('{A}'):\n    print('held', flush=True); time.sleep(30)"),
        str(world["store"])], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        before = tree(world["root"])
        with pytest.raises(SessionInUse):
            delete(SessionStore(world["store"]), A, [world["out"]])
        assert tree(world["root"]) == before
    finally:
        holder.kill()
        holder.wait()


def test_deleting_an_unknown_session_says_so(world: dict[str, Path]) -> None:
    with pytest.raises(SessionNotFound):
        plan_delete(world["store"], "20200101-000000-ffff", [world["out"]])


def test_purge_is_a_dry_run_by_default_and_then_removes_what_it_listed(world: dict[str, Path]) -> None:
    store = SessionStore(world["store"])
    now = datetime.now(JST)
    old = (now - timedelta(days=6 * 366)).timestamp()
    for sid in (A, C):
        os.utime(store.path(sid), (old, old))
    os.utime(store.path(B), (time.time(), time.time()))
    before = tree(world["root"])

    plans = purge(store, parse_age("5y"), now, lambda sid: [world["out"]])
    assert [p.session_id for p in plans] == [A, C] and tree(world["root"]) == before

    plans = purge(store, parse_age("5y"), now, lambda sid: [world["out"]], audit_of(world), dry_run=False)
    listed = {p for plan in plans for p in plan.files}
    after = tree(world["root"])
    assert not [p for p in listed if p.exists()]
    gone = {p.resolve() for p in before} - {p.resolve() for p in after}
    assert gone == {p.resolve() for p in listed}
    assert store.session_ids() == [B]


def test_ages_are_read_as_people_write_them() -> None:
    assert parse_age("5y") == timedelta(days=5 * 365.2425)
    assert parse_age("18m").days == 547 and parse_age("90d") == timedelta(days=90)
    with pytest.raises(LocabenError, match="not an age"):
        parse_age("five years")


def test_compiled_file_names_are_the_ones_deletion_recognises(world: dict[str, Path]) -> None:
    _, transcript = run_interview(mini_bank(), session_id=B)
    names = render_files(transcript, ["md", "html", "xlsx", "json", "transcript"], "ja")
    assert all(belongs(n, B) and not belongs(n, A) for n in names)
    assert MANIFEST == SHEET_MANIFEST

"""The audit log: a hash chain that notices a deleted, changed, forged or cut-off entry."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dialogue.store.audit import ACTIONS, Actor, AuditLog, entry_hash
from tests.helpers import ROOT, ticking_clock

ALICE = Actor("s.tanaka", "田中", "LAPTOP-07")


def log_with(tmp_path: Path, n: int = 6) -> AuditLog:
    log = AuditLog(tmp_path / "audit.log", ticking_clock(), ALICE)
    for i in range(n):
        log.record("compile", f"20261123-1000{i:02d}-ab12", [tmp_path / "out" / f"s{i}-sheet.md"],
                   formats=["md"], events=40 + i)
    return log


def lines(log: AuditLog) -> list[bytes]:
    return log.path.read_bytes().split(b"\n")[:-1]


def write_lines(log: AuditLog, rows: list[bytes]) -> None:
    log.path.write_bytes(b"".join(r + b"\n" for r in rows))


def test_an_untouched_log_verifies_and_lists_who_did_what(tmp_path: Path) -> None:
    log = log_with(tmp_path)
    verdict = log.verify()
    assert (verdict.ok, verdict.entries, verdict.warnings) == (True, 6, ())
    first = log.entries()[0]
    assert first["by"] == {"id": "s.tanaka", "name": "田中", "device": "LAPTOP-07"}
    assert (first["action"], first["session"], first["seq"]) == ("compile", "20261123-100000-ab12", 1)
    assert first["files"] == [str((tmp_path / "out" / "s0-sheet.md").resolve())]
    assert first["at"] == "2026-11-23T10:00:00.000+09:00"


def test_entries_recorded_together_chain_like_entries_recorded_one_by_one(tmp_path: Path) -> None:
    log = log_with(tmp_path, 2)
    recorded = log.record_many([("compile", f"s{i}", [tmp_path / f"s{i}-sheet.md"], {"formats": ["md"], "events": i})
                                for i in range(3)])
    assert log.record_many([]) == []
    log.record("export", "s0", [tmp_path / "s0.json"])
    verdict = log.verify()
    assert (verdict.ok, verdict.entries) == (True, 6)
    assert [e["seq"] for e in log.entries()] == [1, 2, 3, 4, 5, 6]
    assert recorded == log.entries()[2:5]
    with pytest.raises(ValueError):  # an answer cannot be smuggled in through a batch either
        log.record_many([("compile", "s9", [], {"note": "社長は通院中"})])
    assert log.verify().entries == 6


def test_a_deleted_line_is_reported_at_its_place(tmp_path: Path) -> None:
    log = log_with(tmp_path)
    rows = lines(log)
    del rows[2]
    write_lines(log, rows)
    verdict = log.verify()
    assert (verdict.ok, verdict.line, verdict.problem, verdict.entries) == (False, 3, "missing", 2)
    assert "entry 3 is missing" in verdict.message


def test_a_changed_line_is_reported(tmp_path: Path) -> None:
    log = log_with(tmp_path)
    rows = lines(log)
    rows[3] = rows[3].replace(b'"compile"', b'"resume"')
    write_lines(log, rows)
    verdict = log.verify()
    assert (verdict.ok, verdict.line, verdict.problem) == (False, 4, "changed")


def test_a_changed_line_with_its_hash_recomputed_breaks_the_next_link(tmp_path: Path) -> None:
    log = log_with(tmp_path)
    rows = lines(log)
    entry = json.loads(rows[3])
    entry["session"] = "someone-else"
    entry["hash"] = entry_hash(entry)
    rows[3] = json.dumps(entry, ensure_ascii=False).encode()
    write_lines(log, rows)
    verdict = log.verify()
    assert (verdict.ok, verdict.line, verdict.problem) == (False, 5, "broken_link")


def test_a_forged_line_appended_without_the_chain_is_reported(tmp_path: Path) -> None:
    log = log_with(tmp_path)
    forged = {"seq": 7, "at": "2026-11-24T09:00:00.000+09:00", "by": ALICE.to_json(), "action": "delete",
              "session": "x", "files": [], "detail": {}, "prev": "f" * 64}
    forged["hash"] = entry_hash(forged)
    write_lines(log, [*lines(log), json.dumps(forged).encode()])
    verdict = log.verify()
    assert (verdict.ok, verdict.line, verdict.problem) == (False, 7, "broken_link")


def test_entries_removed_from_the_end_are_caught_by_the_head_record(tmp_path: Path) -> None:
    log = log_with(tmp_path)
    write_lines(log, lines(log)[:4])
    verdict = log.verify()
    assert (verdict.ok, verdict.problem, verdict.entries, verdict.line) == (False, "truncated", 4, 5)
    assert "ends at entry 4, but entry 6 was written: 2 entries were removed" in verdict.message


def test_a_removed_head_record_is_reported(tmp_path: Path) -> None:
    log = log_with(tmp_path)
    log.head_path.unlink()
    assert log.verify().problem == "head_missing"


def test_a_torn_last_entry_is_a_warning_and_the_next_append_records_its_repair(tmp_path: Path) -> None:
    log = log_with(tmp_path)
    with open(log.path, "ab") as handle:
        handle.write(b'{"seq":7,"at":"2026-11-2')  # the program stopped while writing entry 7
    verdict = log.verify()
    assert verdict.ok and verdict.entries == 6 and "incomplete" in verdict.warnings[0]

    log.record("resume", "20261123-100000-ab12", visit=2)

    verdict = log.verify()
    assert (verdict.ok, verdict.entries, verdict.warnings) == (True, 8, ())
    repair = log.entries()[6]
    assert repair["action"] == "repair" and repair["detail"] == {"torn_bytes": 24, "kept_as": "audit.log.torn1"}
    assert (tmp_path / "audit.log.torn1").read_bytes() == b'{"seq":7,"at":"2026-11-2'


def test_a_torn_tail_hiding_a_removed_entry_is_still_truncation(tmp_path: Path) -> None:
    log = log_with(tmp_path)
    rows = lines(log)
    log.path.write_bytes(b"".join(r + b"\n" for r in rows[:4]) + rows[4][:30])
    assert log.verify().problem == "truncated"


def test_answer_text_cannot_be_put_in_the_log(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.log", ticking_clock(), ALICE)
    with pytest.raises(ValueError, match="carry only"):
        log.record("write_up", "s1", text="創業以来の精密加工の技術…")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="short single line"):
        log.record("review", "s1", field="社長の持病について" * 20)
    with pytest.raises(ValueError, match="unknown audited action"):
        log.record("read_answers", "s1")
    assert not log.path.exists()


def test_every_action_of_the_issue_is_audited() -> None:
    issue = {"open", "resume", "compile", "export", "write_up", "assign", "review", "delete"}
    assert issue <= set(ACTIONS)


def test_the_output_folders_of_a_session_come_from_its_compile_entries(tmp_path: Path) -> None:
    log = log_with(tmp_path, 2)
    log.record("export", "20261123-100000-ab12", [tmp_path / "usb" / "x-sheet.xlsx"], formats=["xlsx"])
    assert log.output_dirs("20261123-100000-ab12") == {(tmp_path / "out").resolve(), (tmp_path / "usb").resolve()}


APPENDER = """
import sys
from pathlib import Path
from datetime import datetime, timezone
from dialogue.store.audit import Actor, AuditLog
log = AuditLog(Path(sys.argv[1]), lambda: datetime.now(timezone.utc), Actor(sys.argv[2]))
for i in range(60):
    log.record("resume", f"s-{sys.argv[2]}-{i}", visit=i)
"""


def test_two_processes_appending_at_once_keep_one_unbroken_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    procs = [subprocess.Popen([sys.executable, "-c", APPENDER, str(path), who], cwd=ROOT) for who in ("a", "b")]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    verdict = AuditLog(path, ticking_clock(), ALICE).verify()
    assert (verdict.ok, verdict.entries) == (True, 120)

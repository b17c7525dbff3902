"""Sessions written by the first version (journal format 1, bank 1.0.0) keep resuming and compiling.

The fixtures in tests/fixtures/journals_v1/ were written by locaben 0.1.0 (commit dbab748) with fictional
companies: a guided interview over two visits (back, jump, status codes, a flag, parked text, a source, a
review), the demo, and an English meeting-mode interview. Their header names a bank path on the machine that
wrote them, which is gone: the built-in bank of the same id is used, through the migration when it changed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dialogue.banks.reader import load_bank
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
from tests.helpers import FIXTURES, run_cli, ticking_clock

OLD = FIXTURES / "journals_v1"
JOURNALS = sorted(p.name for p in OLD.glob("*.jsonl"))
OLD_BANK = OLD / "locaben_standard-1.0.0.yaml"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    root = tmp_path / "s"
    root.mkdir()
    for name in JOURNALS:
        data = (OLD / name).read_bytes()
        session_id = json.loads(data.splitlines()[0])["session_id"]
        (root / f"{session_id}.jsonl").write_bytes(data)
    return root


def ids(store: Path) -> list[str]:
    return SessionStore(store).session_ids()


def test_the_fixtures_really_are_format_1() -> None:
    assert len(JOURNALS) == 3
    for name in JOURNALS:
        header = json.loads((OLD / name).read_text(encoding="utf-8").splitlines()[0])
        assert header["version"] == 1 and header["bank_version"] == "1.0.0"
    text = (OLD / "guided-two-visits.jsonl").read_text(encoding="utf-8")
    assert '"kind":"jumped"' in text and '"to":' in text  # format 1 named the question `to` in jumps


@pytest.mark.parametrize("bank", ["the bank it was written on", "the built-in bank of today"])
def test_every_old_session_replays_with_its_answers(store: Path, bank: str) -> None:
    manager = SessionManager(SessionStore(store), ticking_clock())
    given = load_bank(OLD_BANK) if bank == "the bank it was written on" else None
    for session_id in ids(store):
        transcript, _ = manager.transcript_and_warnings(session_id, given)
        raw = (store / f"{session_id}.jsonl").read_text(encoding="utf-8")
        last: dict[str, str | None] = {}  # a later answer (or status code) to a question replaces the earlier
        for record in (json.loads(line) for line in raw.splitlines()[1:]):
            if record["kind"] in ("answered", "status_marked"):
                last[record["question"]] = record.get("raw") if record["kind"] == "answered" else None
        kept = [a.raw for a in (*transcript.answers.values(), *transcript.hidden.values(),
                                *transcript.previous_answers)]
        for question, text in last.items():  # still there, under its question or as a previous answer
            assert text is None or text in kept, question


def test_the_guided_session_keeps_its_status_codes_flag_parked_text_source_and_visits(store: Path) -> None:
    manager = SessionManager(SessionStore(store), ticking_clock())
    session_id = next(s for s in ids(store) if "7e38" in s)
    t = manager.transcript(session_id, load_bank(OLD_BANK))
    assert t.state == "finished" and t.visit == 2
    assert {a.status for a in t.answers.values() if a.is_status} == {"declined", "unknown"}
    assert list(t.flags.values()) == ["次回に人数を確認"]
    assert [p.text for p in t.parked] == ["納期の短さが評判"]
    assert [(s.kind, s.detail) for s in t.sources.values()] == [("document", "登記簿")]
    assert [e.kind.value for e in t.events].count("jumped") == 1 and t.events[-1].kind == "finished"


def test_old_sessions_compile_in_every_format(store: Path, tmp_path: Path) -> None:
    code, out, err = run_cli(["compile", "--all", "-o", str(tmp_path / "out"), "--sessions-dir", str(store)])
    assert code == 0, err
    assert "3 / 3" in out
    written = sorted(p.name for p in (tmp_path / "out").glob("*-sheet.json"))
    assert len(written) == 3
    for path in (tmp_path / "out").glob("*-transcript.md"):
        text = path.read_text(encoding="utf-8")
        first_time = text.split("| 1 |")[1].split("|")[0].strip()
        assert ("| 日時 |" in text or "| Time |" in text) and "T" not in first_time and len(first_time) == 19


def test_an_old_session_resumes_and_the_old_lines_stay_as_they_were(store: Path, tmp_path: Path) -> None:
    session_id = next(s for s in ids(store) if "c54b" in s)
    path = store / f"{session_id}.jsonl"
    before = path.read_bytes()
    code, out, err = run_cli(["resume", session_id, "--plain", "--sessions-dir", str(store)], stdin="/pause\n")
    assert code == 0, err
    after = path.read_bytes()
    assert after.startswith(before)  # appended to, never rewritten
    new = [json.loads(line) for line in after[len(before):].splitlines()]
    assert [r["kind"] for r in new][-1] == "paused"
    transcript = SessionManager(SessionStore(store), ticking_clock()).transcript(session_id)
    assert transcript.state == "paused"


def test_the_demo_fixture_keeps_every_follow_up(store: Path) -> None:
    session_id = next(s for s in ids(store) if "d001" in s)
    raw = (store / f"{session_id}.jsonl").read_text(encoding="utf-8")
    followed = raw.count('"kind":"followed_up"')
    t = SessionManager(SessionStore(store), ticking_clock()).transcript(session_id, load_bank(OLD_BANK))
    assert len(t.probe_answers) == followed == 47


def test_a_copy_of_the_fixture_is_never_changed_by_reading(store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(store, copy)
    run_cli(["sessions", "--json", "--sessions-dir", str(copy)])
    for name in (p.name for p in store.glob("*.jsonl")):
        assert (copy / name).read_bytes() == (store / name).read_bytes()

"""`locaben sessions` reads unchanged sessions from the store's summary index (dialogue.store.summary): the
listing is always what reading every journal gives, whatever happened to a journal, a bank or the index."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dialogue.store import retention, summary
from dialogue.store.journal import SessionStore
from tests.helpers import CODE, MINI_BANK, plain_interview, run_cli


def listing(store: Path) -> list[dict[str, object]]:
    code, out, err = run_cli(["sessions", "--json", "--sessions-dir", str(store)])
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def from_scratch(store: Path, tmp_path: Path) -> list[dict[str, object]]:
    """The listing of a copy of the store that has no index: every journal read and replayed."""
    copy = tmp_path / "copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(store, copy)
    (copy / summary.INDEX_NAME).unlink(missing_ok=True)
    rows = listing(copy)
    shutil.rmtree(copy)
    return rows


def index(store: Path) -> dict[str, object]:
    return json.loads((store / summary.INDEX_NAME).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    store = tmp_path / "s"
    bank = tmp_path / "bank.yaml"
    shutil.copy(MINI_BANK, bank)  # a bank file of the test's own, so it can be changed
    plain_interview(store, ["株式会社みどり精工", "24", "/pause"], bank)
    plain_interview(store, ["有限会社さくら食品", "/pause"], bank)
    return store


def test_the_index_is_private_and_the_listing_the_same_with_or_without_it(store: Path, tmp_path: Path) -> None:
    first = listing(store)
    path = store / summary.INDEX_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(index(store)["sessions"]) == [r["id"] for r in first]  # type: ignore[call-overload]
    assert listing(store) == first == from_scratch(store, tmp_path)
    assert {r["company"] for r in first} == {"株式会社みどり精工", "有限会社さくら食品"}
    assert not list(store.glob("*.tmp"))  # the temporary file became the index


def test_an_unchanged_session_is_not_read_again(store: Path) -> None:
    """The index is really used: a row in it (with the journal unchanged) is what is listed."""
    listing(store)
    data = index(store)
    entry = next(iter(data["sessions"].values()))  # type: ignore[attr-defined]
    entry["row"]["company"] = "索引から読んだ会社"
    (store / summary.INDEX_NAME).write_text(json.dumps(data), encoding="utf-8")
    assert "索引から読んだ会社" in {r["company"] for r in listing(store)}


def test_an_answer_appended_by_another_process_is_listed(store: Path, tmp_path: Path) -> None:
    before = {r["id"]: r for r in listing(store)}
    sid = next(sid for sid, r in before.items() if r["company"] == "有限会社さくら食品")
    env = dict(os.environ, PYTHONPATH=str(CODE), NO_COLOR="1")
    done = subprocess.run([sys.executable, "-m", "dialogue", "resume", sid, "--plain", "--lang", "ja",
                           "--sessions-dir", str(store)], input="31\n/pause\n", text=True, capture_output=True,
                          env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    after = {r["id"]: r for r in listing(store)}
    assert after[sid]["progress"] != before[sid]["progress"]
    assert list(after.values()) == from_scratch(store, tmp_path)


def _mark_as_seen(store: Path, only: str | None = None) -> None:
    """Put a marker in the rows of the index (all, or session `only`'s): a listing that shows it used a row
    it should have rebuilt."""
    data = index(store)
    for sid, entry in data["sessions"].items():  # type: ignore[attr-defined]
        if only in (None, sid):
            entry["row"]["company"] = "古い行"
    (store / summary.INDEX_NAME).write_text(json.dumps(data), encoding="utf-8")


def test_a_truncated_journal_is_read_again(store: Path, tmp_path: Path) -> None:
    listing(store)
    journal = next(p for p in store.glob("*.jsonl") if "みどり" in p.read_text(encoding="utf-8"))
    _mark_as_seen(store, journal.stem)
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[:-3]))  # as if the last answers had never been written
    rows = listing(store)
    row = next(r for r in rows if r["id"] == journal.stem)
    assert row["company"] == "株式会社みどり精工"
    assert rows == from_scratch(store, tmp_path)


def test_a_journal_replaced_by_another_file_is_read_again(store: Path, tmp_path: Path) -> None:
    """Another file of the same size and modification time put in its place (a copy brought back from
    elsewhere) is read again: it is another file (inode)."""
    listing(store)
    journal = next(p for p in store.glob("*.jsonl") if "みどり" in p.read_text(encoding="utf-8"))
    replacement = store / "incoming.tmp"
    replacement.write_text(journal.read_text(encoding="utf-8").replace("みどり精工", "みどり精密"), encoding="utf-8")
    assert replacement.stat().st_size == journal.stat().st_size
    stamp = journal.stat()
    os.utime(replacement, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # the same modification time too
    os.replace(replacement, journal)
    rows = listing(store)
    assert next(r for r in rows if r["id"] == journal.stem)["company"] == "株式会社みどり精密"
    assert rows == from_scratch(store, tmp_path)


def test_a_changed_bank_makes_its_sessions_read_again(store: Path, tmp_path: Path) -> None:
    listing(store)
    _mark_as_seen(store)
    bank = tmp_path / "bank.yaml"
    bank.write_text(bank.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    rows = listing(store)
    assert "古い行" not in {r["company"] for r in rows}
    assert rows == from_scratch(store, tmp_path)


@pytest.mark.parametrize("damage", [b"", b"\x00\xff garbage", b"{\"format\": \"locaben-summary\"",
                                    b"[1, 2, 3]", b"{\"format\": \"locaben-summary\", \"version\": 1, "
                                    b"\"locaben\": \"0.1.0\", \"sessions\": {\"x\": 5}}"])
def test_a_damaged_index_is_ignored_and_rewritten(store: Path, tmp_path: Path, damage: bytes) -> None:
    first = listing(store)
    (store / summary.INDEX_NAME).write_bytes(damage)
    assert listing(store) == first == from_scratch(store, tmp_path)
    assert sorted(index(store)["sessions"]) == [r["id"] for r in first]  # type: ignore[call-overload]


def test_damaged_entries_are_rebuilt_one_by_one(store: Path, tmp_path: Path) -> None:
    first = listing(store)
    data = index(store)
    for entry, broken in zip(data["sessions"].values(), ({"journal": "x", "banks": [], "row": {}},  # type: ignore[attr-defined]
                                                        {"journal": None, "banks": "x"}), strict=True):
        entry.clear()
        entry.update(broken)
    (store / summary.INDEX_NAME).write_text(json.dumps(data), encoding="utf-8")
    assert listing(store) == first


def test_a_deleted_index_changes_nothing_but_speed(store: Path) -> None:
    first = listing(store)
    (store / summary.INDEX_NAME).unlink()
    assert listing(store) == first
    assert (store / summary.INDEX_NAME).is_file()


def test_an_unreadable_session_is_listed_with_its_problem_and_not_cached(store: Path) -> None:
    (store / "20261123-000000-bad0.jsonl").write_text("これはセッションではない\n", encoding="utf-8")
    rows = listing(store)
    assert next(r for r in rows if r["id"] == "20261123-000000-bad0")["state"] == "unreadable"
    assert "20261123-000000-bad0" not in index(store)["sessions"]  # type: ignore[operator]


def test_the_table_from_the_index_is_the_table_from_the_journals(store: Path, tmp_path: Path) -> None:
    args = ["sessions", "--lang", "ja", "--sessions-dir", str(store)]
    first = run_cli(args)
    assert "株式会社みどり精工" in first[1] and "有限会社さくら食品" in first[1]
    assert run_cli(args)[1] == first[1]


def test_deleting_a_session_drops_the_index(store: Path) -> None:
    """The index holds the company name: a deleted session must not stay in it."""
    rows = listing(store)
    sid = next(r["id"] for r in rows if r["company"] == "有限会社さくら食品")
    retention.delete(SessionStore(store), str(sid))
    path = store / summary.INDEX_NAME
    assert not path.exists() or "さくら" not in path.read_text(encoding="utf-8")
    assert [r["id"] for r in listing(store)] == [r["id"] for r in rows if r["id"] != sid]


def test_a_store_that_may_not_keep_an_index_keeps_none(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = listing(store)
    assert (store / summary.INDEX_NAME).exists()
    monkeypatch.setattr(summary, "summary_allowed", lambda s: False)  # as an encrypted store will say
    assert listing(store) == first
    assert not (store / summary.INDEX_NAME).exists()  # the one left from before is removed


def test_two_listings_writing_at_once_leave_a_whole_index(store: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(CODE))
    command = [sys.executable, "-m", "dialogue", "sessions", "--json", "--sessions-dir", str(store)]
    for _ in range(3):
        (store / summary.INDEX_NAME).unlink(missing_ok=True)
        children = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) for _ in range(4)]
        outputs = [child.communicate(timeout=120)[0] for child in children]
        assert len({o for o in outputs}) == 1
        assert sorted(index(store)["sessions"]) == sorted(r["id"] for r in json.loads(outputs[0]))  # type: ignore[call-overload]
    assert SessionStore(store).session_ids() == sorted(r["id"] for r in json.loads(outputs[0]))


def test_an_encrypted_store_keeps_no_index_beside_its_journals(tmp_path: Path) -> None:
    from tests.protect_support import ENV, encrypted_store

    store = tmp_path / "s"
    encrypted_store(store)
    environ = {"NO_COLOR": "1", "LOCABEN_CONFIG_DIR": str(tmp_path / "cfg"), **ENV}
    code, _, err = run_cli(["interview", "--plain", "--lang", "ja", "--bank", str(MINI_BANK), "--sessions-dir",
                            str(store)], "株式会社さくら精機\n/pause\n", environ)
    assert code == 0, err
    code, out, err = run_cli(["sessions", "--json", "--sessions-dir", str(store)], environ=environ)
    assert code == 0 and "さくら" in out, err
    assert not (store / summary.INDEX_NAME).exists()
    assert all(b"\xe3\x81\x95\xe3\x81\x8f\xe3\x82\x89" not in p.read_bytes() for p in store.iterdir() if p.is_file())

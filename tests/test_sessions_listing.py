"""`locaben sessions` as the interviewer reads it (issue 12, items 15 and 22): on a 100-column terminal each
session id stays on one line so it can be copied, the state is in the UI language, role-play and demo
sessions are kept apart from real customers, and a session that cannot be read says why in the table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import plain_interview, run_cli

ID = re.compile(r"\d{8}-\d{6}-[0-9a-f]{4}")


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")


def listing(store: Path, lang: str = "ja") -> str:
    code, out, err = run_cli(["sessions", "--sessions-dir", str(store), "--lang", lang])
    assert code == 0 and "Traceback" not in err, err
    return out


def test_each_id_is_whole_on_one_line_and_the_state_is_in_japanese(tmp_path: Path, wide: None) -> None:
    store = tmp_path / "s"
    ids = [plain_interview(store, [name, "/pause"]).stem for name in ("株式会社みどり精工", "有限会社さくら食品")]
    out = listing(store)
    for session_id in ids:
        row = next(line for line in out.splitlines() if session_id in line)  # not folded over two rows
        assert "中断中" in row and "paused" not in row, row
    assert "状態" in out and "paused" not in out


def test_demo_sessions_are_listed_apart_from_real_customers(tmp_path: Path, wide: None) -> None:
    store = tmp_path / "s"
    customer = plain_interview(store, ["株式会社みどり精工", "/pause"]).stem
    code, _, err = run_cli(["demo", "-o", str(tmp_path / "out"), "--sessions-dir", str(store), "--lang", "ja"])
    assert code == 0, err
    out = listing(store)
    demo = next(i for i in ID.findall(out) if i != customer)
    assert "研修・デモのセッション" in out
    before, after = out.split("研修・デモのセッション", 1)
    assert customer in before and customer not in after  # the customer in the first table …
    assert demo in after and demo not in before  # … the demo under its own title, after it
    assert "株式会社小槌精工" in after


def test_a_store_of_practice_only_shows_no_empty_customer_table_and_names_the_store_last(tmp_path: Path,
                                                                                         wide: None) -> None:
    store = tmp_path / "s"
    code, _, err = run_cli(["demo", "-o", str(tmp_path / "out"), "--sessions-dir", str(store), "--lang", "ja"])
    assert code == 0, err
    lines = listing(store).strip().splitlines()
    assert lines[0].strip() == "研修・デモのセッション", lines  # the practice table first, no empty one above
    assert lines[-1].startswith("保存先: ") and str(store) in lines[-1], lines


def test_an_unreadable_session_says_why_in_the_table(tmp_path: Path, wide: None) -> None:
    store = tmp_path / "s"
    journal = plain_interview(store, ["株式会社みどり精工", "/pause"])
    text = journal.read_text(encoding="utf-8")
    journal.write_text(text.replace('"value":"株式会社みどり精工"', '"value":["a",{"b":1}]', 1), encoding="utf-8")
    out = "".join(listing(store).split())  # the reason is folded over lines of its column: compare without spaces
    assert "読めません" in out
    assert "mustbetext" in out and "company_name" in out, out

"""A journal edited by hand is either read or refused at its line, with what is wrong — never a traceback,
and a batch goes on with the other sessions (issue 12, items 9 and 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import MINI_BANK, plain_interview, run_cli


def edit(journal: Path, old: str, new: str) -> int:
    """Replace `old` by `new` in the journal; the line number of the change."""
    text = journal.read_text(encoding="utf-8")
    assert old in text, old
    journal.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


WRONG_TYPES = [
    ('"value":"株式会社みどり精工"', '"value":["a",{"b":1}]', "the answer to 'company_name' (text question) must be text"),
    ('"prefill":{}', '"prefill":"zz"', "'prefill' of a started event must be an object"),
    ('"kind":"asked"', '"kind":"asked_twice"', "unknown event kind 'asked_twice'"),
    ('"raw":"24"', '"raw":24', "'raw' of an answered event must be text"),
]


@pytest.mark.parametrize(("old", "new", "why"), WRONG_TYPES)
def test_wrong_types_are_refused_at_their_line_by_every_command(tmp_path: Path, old: str, new: str,
                                                                  why: str) -> None:
    store = tmp_path / "s"
    journal = plain_interview(store, ["株式会社みどり精工", "24", "/pause"])
    sid = journal.stem
    line = edit(journal, old, new)
    before = journal.read_bytes()
    for args in (["resume", sid, "--plain"], ["compile", sid, "-o", str(tmp_path / "out")]):
        code, _, err = run_cli([*args, "--sessions-dir", str(store)], "/pause\n")
        assert code == 4 and why in err and f"{journal}:{line}:" in err and "Traceback" not in err, (args, err)
    code, out, _ = run_cli(["sessions", "--json", "--sessions-dir", str(store)])
    row = json.loads(out)[0]
    assert code == 0 and row["state"] == "unreadable" and why in row["problem"]
    assert journal.read_bytes() == before  # nothing was changed


def test_compile_all_goes_on_past_a_damaged_session(tmp_path: Path) -> None:
    store = tmp_path / "s"
    broken = plain_interview(store, ["株式会社みどり精工", "/pause"])
    edit(broken, '"value":"株式会社みどり精工"', '"value":{"x":1}')
    plain_interview(store, ["有限会社さくら食品", "/pause"])
    code, out, err = run_cli(["compile", "--all", "-o", str(tmp_path / "out"), "--sessions-dir", str(store)])
    assert code == 1 and "1 / 2 件" in out and broken.stem in err and "Traceback" not in err
    assert len(list((tmp_path / "out").glob("*-sheet.json"))) == 1


def test_a_lone_surrogate_does_not_break_sessions_json(tmp_path: Path) -> None:
    store = tmp_path / "s"
    plain_interview(store, ["株式会社みどり\udcff精工", "/pause"])
    code, out, err = run_cli(["sessions", "--json", "--sessions-dir", str(store)])
    assert code == 0, err
    assert "\\udcff" in out or "\ufffd" in out  # escaped or replaced, but valid JSON
    json.loads(out)


def test_a_utf8_bom_added_by_an_editor_is_read(tmp_path: Path) -> None:
    store = tmp_path / "s"
    journal = plain_interview(store, ["株式会社みどり精工", "/pause"])
    journal.write_bytes(b"\xef\xbb\xbf" + journal.read_bytes())
    code, out, err = run_cli(["sessions", "--json", "--sessions-dir", str(store)])
    assert code == 0 and json.loads(out)[0]["company"] == "株式会社みどり精工", err


def test_a_renamed_choice_id_is_warned_about(tmp_path: Path) -> None:
    store = tmp_path / "s"
    bank = tmp_path / "bank.yaml"
    bank.write_text(MINI_BANK.read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = run_cli(["interview", "--plain", "--bank", str(bank), "--sessions-dir", str(store)],
                       "株式会社みどり精工\n24\n昭和53年に父が創業し、2001年に医療機器の部品へ転換しました。\n1\n/pause\n")
    assert code == 0, err
    sid = next(store.glob("*.jsonl")).stem
    text = bank.read_text(encoding="utf-8")
    bank.write_text(text.replace("{id: in_place,", "{id: decided,", 1), encoding="utf-8")
    choice = "in_place"
    code, _, err = run_cli(["compile", sid, "-o", str(tmp_path / "out"), "--sessions-dir", str(store), "--bank",
                        str(bank)])
    assert code == 0 and f"= '{choice}'" in err and "no longer one of" in err, err


def test_a_session_read_with_another_bank_is_told(tmp_path: Path) -> None:
    store = tmp_path / "s"
    plain_interview(store, ["株式会社みどり精工", "/pause"])
    sid = next(store.glob("*.jsonl")).stem
    code, _, err = run_cli(["compile", sid, "-o", str(tmp_path / "out"), "--sessions-dir", str(store), "--bank",
                        "locaben_standard"])
    assert code == 0 and "started on the bank 'mini'" in err and "'locaben_standard'" in err, err

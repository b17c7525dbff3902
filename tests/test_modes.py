"""The interview in the room, driven through plain input: meeting mode, review and edit, flags carried
into the second visit, status codes, sources, the parking lot and prefill."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

from dialogue.model.events import ParkedText, SourceSet, StatusMarked
from dialogue.store.journal import SessionStore
from tests.helpers import MINI_BANK, run_cli, ticking_clock


def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "s")


def start(tmp_path: Path, lines: list[str], *extra: str, bank: Path = MINI_BANK) -> tuple[int, str, str]:
    return run_cli(["interview", "--plain", "--lang", "ja", "--bank", str(bank), "--sessions-dir",
                str(tmp_path / "s"), *extra], "\n".join(lines) + "\n")


def only_id(tmp_path: Path) -> str:
    (sid,) = store(tmp_path).session_ids()
    return sid


def answers(tmp_path: Path, sid: str) -> dict[str, str]:
    events = store(tmp_path).read(sid).events
    return {e.payload.question: e.payload.raw for e in events if e.kind == "answered"}


def test_meeting_mode_jumps_between_five_fields_out_of_order(tmp_path: Path) -> None:
    code, out, _ = start(tmp_path, [
        "/jump 後継者", "2",
        "/jump business.history", "父が1978年に創業", "2001年に医療機器へ転換",
        "/jump 業務フロー", "調達|地元の鋼材商|品質の安定",
        "/jump company.name", "株式会社みどり精工",
        "/jump employees", "24",
        "/outline", "/pause"], "--mode", "meeting")
    assert code == 0
    sid = only_id(tmp_path)
    got = answers(tmp_path, sid)
    assert got["history_story"] == "父が1978年に創業\n2001年に医療機器へ転換"  # appended, not replaced
    assert got["successor_status"] == "2" and got["flow_steps"].startswith("調達")
    assert got["company_name"] == "株式会社みどり精工" and got["employees"] == "24"
    kinds = [e.kind for e in store(tmp_path).read(sid).events]
    assert "probed" not in kinds  # meeting mode never probes
    outline = out[out.index("項目一覧"):]
    assert re.search(r"●\s+企業及び事業沿革", outline) and re.search(r"○\s+顧客提供価値", outline)


def test_review_then_edit_keeps_the_original_in_the_transcript(tmp_path: Path) -> None:
    start(tmp_path, ["株式会社みどり精工", "24", "/review", "", "/edit company.name", "株式会社みどり精工HD",
                     "/pause"])
    sid = only_id(tmp_path)
    events = store(tmp_path).read(sid).events
    names = [e.payload.raw for e in events if e.kind == "answered" and e.payload.question == "company_name"]
    assert names == ["株式会社みどり精工", "株式会社みどり精工HD"]
    assert "reviewed" in [e.kind for e in events]


def test_a_flag_is_carried_into_the_second_visit(tmp_path: Path) -> None:
    start(tmp_path, ["株式会社みどり精工", "24", "/back", "/flag 人数は正社員のみか要確認", "/next", "/skip", "/pause"])
    sid = only_id(tmp_path)
    later = ticking_clock(start=ticking_clock()() + timedelta(days=7))
    from io import StringIO

    from dialogue.cli.main import Env, main

    out = StringIO()
    code = main(["resume", sid, "--plain", "--lang", "ja", "--sessions-dir", str(tmp_path / "s")],
                Env(stdin=StringIO("26\n/pause\n"), stdout=out, stderr=StringIO(), clock=later,
                    environ={"NO_COLOR": "1"}))
    assert code == 0
    text = out.getvalue()
    assert "2 回目の訪問です" in text
    assert text.index("【次回確認】") < text.index("創業からの歩み")  # the flagged question comes first
    events = store(tmp_path).read(sid).events
    assert [e.payload.raw for e in events if e.kind == "answered"][-1] == "26"
    answered = max(i for i, e in enumerate(events) if e.kind == "answered")  # answering the flagged question …
    assert (events[answered + 1].kind, events[answered + 1].question) == ("unflagged", "employees")  # … unflags it


def test_status_source_and_park_commands(tmp_path: Path) -> None:
    code, out, _ = start(tmp_path, [
        "/park 沿革 昭和53年に父が創業した町工場",
        "株式会社みどり精工", "/source doc 登記簿",
        "/declined",
        "", "/pause"])  # history_story: the parked text is offered and accepted (plain input: typed again)
    assert "「企業及び事業沿革」に控えました" in out
    assert "出所: 資料で確認（登記簿）" in out
    assert "「回答を控えたい」として記録しました" in out
    assert "先に伺った内容があります。Enter でそのまま記録" in out
    sid = only_id(tmp_path)
    kinds = {e.kind: e.payload for e in store(tmp_path).read(sid).events}
    assert kinds["status_marked"] == StatusMarked("employees", "declined")
    assert kinds["source_set"] == SourceSet("company_name", "document", "登記簿")
    assert kinds["parked"] == ParkedText("business.history", "昭和53年に父が創業した町工場")


def test_interview_from_an_earlier_session_offers_its_answers(tmp_path: Path) -> None:
    start(tmp_path, ["株式会社みどり精工", "24", "/finish"])
    first = only_id(tmp_path)
    code, out, _ = start(tmp_path, ["/pause"], "--from", first)
    assert code == 0 and "前回の回答があります。変わりがなければ Enter" in out
    sessions = json.loads(run_cli(["sessions", "--json", "--sessions-dir", str(tmp_path / "s")])[1])
    assert len(sessions) == 2


def test_unknown_park_field_and_ambiguous_jump_are_explained(tmp_path: Path) -> None:
    _, out, _ = start(tmp_path, ["/park 存在しない項目 テキスト", "/jump の", "/pause"])
    assert "シートの項目が見つかりません" in out
    assert "候補が複数あります" in out


def test_write_your_own_follow_up_while_probing(tmp_path: Path) -> None:
    code, out, _ = start(tmp_path, ["株式会社みどり精工", "24", "町工場です",
                                    "/own 一番古いお客様とはいつからのお付き合いですか？", "1985年からの自動車部品メーカー",
                                    "/skip", "/pause"])
    assert "自分の深掘り: 一番古いお客様" in out
    notes = [e.payload.text for e in store(tmp_path).read(only_id(tmp_path)).events if e.kind == "noted"]
    assert notes == ["深掘り（自分で）: 一番古いお客様とはいつからのお付き合いですか？ → 1985年からの自動車部品メーカー"]

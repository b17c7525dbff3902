"""Write-ups (清書) are journal events: on any box of the filed sheet (supporter's views and header fields too),
durable before they are acknowledged, every version kept with who wrote it, and a write-up interrupted at any
point continues where it stopped — also after the process is killed."""

from __future__ import annotations

import io
import json
import os
import signal
from pathlib import Path

import pexpect
import pytest

from dialogue.cli.main import Env, main
from dialogue.engine import Engine
from dialogue.errors import CommandError, Refusal
from dialogue.model import Actor, Event
from dialogue.model.events import Started, WrittenUp
from dialogue.model.writing import WALK_ORDER
from dialogue.sheet.filing import session_filing
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
from tests.conftest import command_under_test
from tests.filing_support import finished_interview, live_session
from tests.helpers import iso_clock, run_interview, standard_bank, ticking_clock

AOBA = Actor("aoba", "青葉 健太", "laptop-1")
KUROKI = Actor("kuroki", "黒木 課長")


# ---- the engine: which boxes ----


@pytest.mark.parametrize("box", ["business.strengths", "summary.issues.supporter", "header.interviewee_name",
                                 "header.employees_part_time", "business_flow.steps"])
def test_any_box_of_the_filed_sheet_takes_a_write_up(box: str) -> None:
    engine = Engine(standard_bank(), iso_clock())
    engine.start(Started())
    engine.write_up(box, "清書の本文。")
    assert engine.transcript().writeups[box].text == "清書の本文。"


def test_a_box_that_does_not_exist_is_refused_with_its_name() -> None:
    engine = Engine(standard_bank(), iso_clock())
    engine.start(Started())
    with pytest.raises(CommandError) as caught:
        engine.write_up("business.strenghts", "x")
    assert caught.value.refusal is Refusal.UNKNOWN_FIELD and caught.value.detail == "business.strenghts"
    assert engine.transcript().writeups == {}


def test_the_same_text_twice_is_one_version_and_an_empty_one_takes_the_box_back_to_mikinyu() -> None:
    engine, _ = run_interview(standard_bank(), finish=False)
    engine.write_up("business.strengths", "精密加工に強みがある。")
    engine.write_up("business.strengths", "  精密加工に強みがある。\n")
    assert len(engine.transcript().writeup_history["business.strengths"]) == 1
    engine.write_up("business.strengths", "")
    transcript = engine.transcript()
    assert [w.text for w in transcript.writeup_history["business.strengths"]] == ["精密加工に強みがある。", ""]
    assert "business.strengths" in dict(session_filing(transcript).missing)
    engine.write_up("business.weaknesses", "")  # nothing to take back: no event
    assert "business.weaknesses" not in engine.transcript().writeup_history


def test_a_finished_interview_can_still_be_written_up() -> None:
    engine, _ = run_interview(standard_bank())
    assert engine.state == "finished"
    engine.write_up("summary.issues", "人手不足と後継者の不在。")
    assert engine.state == "finished" and engine.transcript().writeups["summary.issues"].text


# ---- the journal: durable, every version, who wrote it ----


def test_write_ups_round_trip_through_the_journal_with_their_history_and_writers(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s")
    with live_session(tmp_path) as live:
        session_id = live.session_id
        live.write_up("business.strengths", "精度が高い。", AOBA)
        live.write_up("business.strengths", "1000分の5ミリの公差に対応する精密加工が強みである。", KUROKI)
        live.write_up("header.interviewee_name", "小槌 正夫", AOBA)
        acknowledged = live.transcript().writeup_history
    lines = (tmp_path / "s" / f"{session_id}.jsonl").read_text(encoding="utf-8").splitlines()
    written = [json.loads(line) for line in lines if '"written_up"' in line]
    assert [(w["field"], w["by"]["name"]) for w in written] == [
        ("business.strengths", "青葉 健太"), ("business.strengths", "黒木 課長"), ("header.interviewee_name", "青葉 健太")]
    replayed = SessionManager(store, ticking_clock()).transcript(session_id)
    assert replayed.writeup_history == acknowledged
    history = replayed.writeup_history["business.strengths"]
    assert [v.by for v in history] == [AOBA, KUROKI] and history[0].at < history[1].at
    assert replayed.writeups["business.strengths"].text.startswith("1000分の5ミリ")


def test_a_written_up_event_is_typed_json() -> None:
    event = Event("2026-11-23T10:00:00.000+09:00", WrittenUp("summary.actions.supporter", "①承継の意向確認"), AOBA)
    again = Event.from_json(json.loads(json.dumps(event.to_json(), ensure_ascii=False)))
    assert again == event and again.payload.field == "summary.actions.supporter" and again.by == AOBA


# ---- resuming a write-up ----


def run(args: list[str], stdin: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, Env(stdin=io.StringIO(stdin), stdout=out, stderr=err, clock=ticking_clock(),
                          environ={"NO_COLOR": "1", **(env or {})}))
    return code, out.getvalue(), err.getvalue()


def test_locaben_write_resumes_at_the_first_box_not_written(tmp_path: Path) -> None:
    session_id = finished_interview(tmp_path)
    args = ["write", session_id, "--plain", "--sessions-dir", str(tmp_path / "s"), "--lang", "ja"]
    env = {"LOCABEN_CONFIG_DIR": str(tmp_path / "cfg"), "LOCABEN_USER": "aoba"}
    # the first sitting: the author's box is offered the login name (Enter keeps it); 面談相手; the input ends
    code, out, _ = run(args, "\n小槌 正夫\n代表取締役\n", env)
    assert code == 0
    first = SessionManager(SessionStore(tmp_path / "s"), ticking_clock()).transcript(session_id)
    assert {b: w.text for b, w in first.writeups.items()} == {
        "header.author": "aoba", "header.interviewee_name": "小槌 正夫", "header.interviewee_title": "代表取締役"}
    assert {(w.by.id, w.by.name) for w in first.writeups.values() if w.by} == {("aoba", "aoba")}
    assert all(w.by is not None for w in first.writeups.values())
    # the second sitting starts at the first box still 未記入: the business flow (the header is filled)
    code, out, _ = run(args, "/done\n", env)
    assert code == 0
    panels = [line for line in out.splitlines() if "清書 " in line and "/" in line and "（" in line]
    assert "業務フロー（製品製造・サービス提供の流れ）" in panels[0] and "business_flow.steps" in panels[0]
    assert f"清書 {WALK_ORDER.index('business_flow.steps') + 1}/{len(WALK_ORDER)}" in panels[0]
    flat = "".join(out.split())  # the console folds long lines
    assert "清書済み3欄" in flat and f"compile{session_id}" in flat and "--filing" in flat


def test_a_write_up_killed_mid_way_keeps_every_box_entered_and_continues_there(tmp_path: Path) -> None:
    """A real `locaben write` in a pseudo-terminal: two boxes entered, the process killed with SIGKILL while
    the third is being typed; the next `locaben write` starts at the third box, the two entered are on disk."""
    session_id = finished_interview(tmp_path)
    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", NO_COLOR="1", LOCABEN_CONFIG_DIR=str(tmp_path / "cfg"),
               LOCABEN_USER="aoba", LOCABEN_CACHE_DIR=str(tmp_path / "cache"), TERM="xterm")
    command = command_under_test()
    args = [*command[1:], "write", session_id, "--sessions-dir", str(tmp_path / "s"), "--lang", "ja",
            "--box", "business.strengths"]
    child = pexpect.spawn(command[0], args, env=env, encoding="utf-8", timeout=20, dimensions=(40, 100))
    try:
        child.expect("技術力・販売力の強み")
        child.send("1000分の5ミリの公差に対応する精密加工と、難削材の加工条件が強みである。\r")
        child.expect("清書を保存しました")
        child.expect("助言は参考です")  # key facts of the answers are left out: advice, the box is saved
        child.send("\r")  # an empty Enter: on to the next box
        child.expect("技術力・販売力の弱み")
        child.send("見積りを社長1人が担い、月2〜3件の受注を断っている。\r")
        child.expect("清書を保存しました")
        child.expect("助言は参考です")
        child.send("\r")
        child.expect("ITに関する投資")
        child.send("生産管理は紙と")  # typed, not sent
        child.kill(signal.SIGKILL)
    finally:
        child.close(force=True)
    transcript = SessionManager(SessionStore(tmp_path / "s"), ticking_clock()).transcript(session_id)
    assert set(transcript.writeups) == {"business.strengths", "business.weaknesses"}
    code, out, _ = run(["write", session_id, "--plain", "--sessions-dir", str(tmp_path / "s"), "--lang", "ja"],
                       "/done\n", {"LOCABEN_CONFIG_DIR": str(tmp_path / "cfg")})
    assert code == 0 and "清書済み2欄" in "".join(out.split())

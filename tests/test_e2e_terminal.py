"""The real `locaben` command in a pseudo-terminal: what a person at the keyboard would experience.

The command comes from tests/conftest.py (`command_under_test`): `python -m dialogue` of this interpreter, or
whatever LOCABEN_COMMAND names — CI points it at the `locaben` of a wheel installed in a fresh venv."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pexpect
import pytest

from dialogue.store.journal import SessionStore
from tests.conftest import command_under_test

pytestmark = pytest.mark.e2e
LOCABEN = command_under_test()


def spawn(args: list[str], cwd: Path, lang: str = "ja") -> pexpect.spawn:
    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm-256color", LANG="C.UTF-8",
               COLUMNS="100", LINES="30", NO_COLOR="1")
    child = pexpect.spawn(LOCABEN[0], LOCABEN[1:] + args + ["--lang", lang], cwd=str(cwd), env=env,
                          encoding="utf-8", timeout=15, dimensions=(30, 100))
    return child


def answer(child: pexpect.spawn, text: str, expect_next: str) -> None:
    """Type an answer and wait until the next question is on screen (the answer is acknowledged)."""
    child.send(text + "\r")
    child.expect(expect_next)


def wait_for_prompt(child: pexpect.spawn) -> None:
    """Wait until prompt-toolkit has drawn the input line (it shows the cursor last): control keys sent
    earlier would reach the terminal while it is still in line mode, where Ctrl-D is not a key."""
    child.expect_exact("\x1b[?25h")
    child.expect(pexpect.TIMEOUT, timeout=0.3)


def only_session(sessions: Path) -> str:
    ids = SessionStore(sessions).session_ids()
    assert len(ids) == 1
    return ids[0]


def answers_on_disk(sessions: Path, session_id: str) -> dict[str, str]:
    journal = SessionStore(sessions).read(session_id)
    return {e.payload.question: e.payload.raw for e in journal.events if e.kind == "answered"}


def test_answers_survive_sigkill_and_resume_continues_where_it_stopped(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    child = spawn(["interview", "--sessions-dir", str(sessions)], tmp_path)
    child.expect("正式な商号")
    answer(child, "株式会社みどり精工", "代表者様のお名前")
    answer(child, "代表取締役 緑川 誠（二代目）", "本社の所在地")
    answer(child, "長野県上田市。本社工場のほかに佐久市に第二工場があります。取引先に近いためです。", "どのような事業")
    # shares and the customers (「〜向け」 alone says what kind of customer, not who: the probe would ask)
    answer(child, "金属部品の精密切削加工。半導体製造装置向けが6割、医療機器向けが3割で、お客様は県内の装置メーカーです。",
           "従業員の方は")
    child.kill(signal.SIGKILL)
    child.close()
    session_id = only_session(sessions)
    saved = answers_on_disk(sessions, session_id)
    assert saved["company_name"] == "株式会社みどり精工"
    assert saved["industry"].startswith("金属部品の精密切削加工")
    assert len(saved) == 4

    child = spawn(["resume", session_id, "--sessions-dir", str(sessions)], tmp_path)
    child.expect("再開します")
    child.expect("従業員の方は")  # exactly where it stopped
    answer(child, "２４", "設立")
    child.send("/pause\r")
    child.expect(" resume " + session_id)  # the command as it was invoked (here: python -m dialogue)
    child.expect(pexpect.EOF)
    assert answers_on_disk(sessions, session_id)["employees"] == "２４"
    assert len(answers_on_disk(sessions, session_id)) == 5


def test_ctrl_c_saves_and_says_how_to_resume(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    child = spawn(["interview", "--sessions-dir", str(sessions)], tmp_path)
    child.expect("正式な商号")
    answer(child, "有限会社さくら食品", "代表者様のお名前")
    wait_for_prompt(child)
    child.sendintr()
    child.expect("保存しました。再開するには: .* resume ")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    session_id = only_session(sessions)
    journal = SessionStore(sessions).read(session_id)
    assert journal.events[-1].kind == "paused"
    assert answers_on_disk(sessions, session_id) == {"company_name": "有限会社さくら食品"}
    assert not (sessions / f"{session_id}.lock").exists()


def test_ctrl_d_saves_too_and_english_works(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    child = spawn(["interview", "--sessions-dir", str(sessions)], tmp_path, lang="en")
    child.expect("official registered name")
    wait_for_prompt(child)
    child.sendcontrol("d")
    child.expect("Saved. To resume: .* resume ")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_slash_commands_in_the_terminal(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    child = spawn(["interview", "--sessions-dir", str(sessions)], tmp_path)
    child.expect("正式な商号")
    child.send("/jump strengths\r")
    child.expect("強み・弱み")
    child.send("/note 社長は技術の話になると熱が入る\r")
    child.expect("メモを記録しました")
    child.send("/back\r")
    child.expect("正式な商号")
    child.send("/help\r")
    child.expect("/jump 移動先")
    child.expect("q で戻る")  # taller than 30 rows: in the pager
    child.send("q")
    child.expect("正式な商号")  # back at the question
    child.send("/finish\r")
    child.expect("清書を始める")  # the write-up step is offered first, and says how to skip it
    child.send("/skip\r")
    child.expect(" compile ")
    child.expect(pexpect.EOF)
    session_id = only_session(sessions)
    kinds = [e.kind for e in SessionStore(sessions).read(session_id).events]
    assert kinds[-1] == "finished" and "jumped" in kinds and "noted" in kinds and "went_back" in kinds


def test_not_a_terminal_explains_plain_mode_instead_of_hanging(tmp_path: Path) -> None:
    import subprocess

    result = subprocess.run(LOCABEN + ["interview", "--sessions-dir", str(tmp_path), "--lang", "en"],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=20)
    assert result.returncode == 2
    assert "--plain" in result.stderr


def test_sessions_lists_the_interview(tmp_path: Path) -> None:
    import subprocess

    sessions = tmp_path / "sessions"
    subprocess.run(LOCABEN + ["interview", "--plain", "--sessions-dir", str(sessions)],
                   input="株式会社みどり精工\n/pause\n", capture_output=True, text=True, timeout=20, check=True)
    result = subprocess.run(LOCABEN + ["sessions", "--json", "--sessions-dir", str(sessions)],
                            capture_output=True, text=True, timeout=20, check=True)
    rows = json.loads(result.stdout)
    assert rows[0]["company"] == "株式会社みどり精工" and rows[0]["state"] == "paused"


def test_status_source_and_parked_answer_reach_the_compiled_sheet(tmp_path: Path) -> None:
    import subprocess

    sessions = tmp_path / "sessions"
    child = spawn(["interview", "--sessions-dir", str(sessions)], tmp_path)
    child.expect("正式な商号")
    child.send("/park 強み 難削材の加工を他社に断られた案件でも引き受ける\r")
    child.expect("控えました")
    answer(child, "株式会社みどり精工", "代表者様のお名前")
    child.send("/source doc 登記簿\r")
    child.expect("出所: 資料で確認")
    child.send("/declined\r")
    child.expect("回答を控えたい")
    child.expect("本社の所在地")
    child.send("/pause\r")
    child.expect(pexpect.EOF)
    session_id = only_session(sessions)
    out = tmp_path / "out"
    subprocess.run(LOCABEN + ["compile", session_id, "--format", "md,json", "-o", str(out),
                              "--sessions-dir", str(sessions)], check=True, capture_output=True, timeout=30)
    sheet = (out / f"{session_id}-sheet.md").read_text(encoding="utf-8")
    assert "株式会社みどり精工 ［資料: 登記簿］" in sheet
    assert "【回答を控えたい】" in sheet
    assert "難削材の加工を他社に断られた案件でも引き受ける" in sheet  # parked, listed to confirm
    data = json.loads((out / f"{session_id}-sheet.json").read_text(encoding="utf-8"))
    assert data["fields"]["company.representative"]["status"] == "declined"


def test_guided_interview_offers_probes_for_a_thin_answer(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    child = spawn(["interview", "--sessions-dir", str(sessions)], tmp_path)
    child.expect("正式な商号")
    answer(child, "株式会社みどり精工", "代表者様のお名前")
    answer(child, "緑川 誠", "本社の所在地")
    answer(child, "長野県上田市。本社工場のほか、佐久市に第二工場があります。取引先に近いためです。", "どのような事業")
    answer(child, "精密加工", "深掘りの質問")  # thin: the first probe comes up
    child.expect("売上の柱")
    answer(child, "精密部品が売上の6割、治具が3割です", "深掘りの質問")  # a figure; the customers still missing
    child.send("/skip\r")
    child.expect("従業員の方は")
    child.send("/pause\r")
    child.expect(pexpect.EOF)
    events = SessionStore(sessions).read(only_session(sessions)).events
    assert [e.kind for e in events].count("probed") == 2
    assert any(e.kind == "probe_answered" and "6割" in e.payload.text for e in events)


def test_meeting_mode_jumps_between_five_fields_out_of_order(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    child = spawn(["interview", "--mode", "meeting", "--sessions-dir", str(sessions)], tmp_path)
    child.expect("商号")
    for target, note in (("顧客提供価値", "図面の段階から相談できる"), ("company.employees", "24"),
                         ("強み", "公差±2μmの加工"), ("沿革", "1978年創業、2001年に医療機器へ"),
                         ("company.name", "株式会社みどり精工")):
        child.send(f"/jump {target}\r")
        child.expect("▶")
        child.send(note + "\r")
        child.expect("✔")
    child.send("/pause\r")
    child.expect(pexpect.EOF)
    saved = answers_on_disk(sessions, only_session(sessions))
    assert saved["company_name"] == "株式会社みどり精工" and saved["employees"] == "24"
    assert "1978年創業、2001年に医療機器へ" in saved.values() and "公差±2μmの加工" in saved.values()
    assert "図面の段階から相談できる" in saved.values()


def test_edit_in_review_keeps_the_original_in_the_transcript(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    child = spawn(["interview", "--sessions-dir", str(sessions)], tmp_path)
    child.expect("正式な商号")
    answer(child, "株式会社みどり精工", "代表者様のお名前")
    child.send("/review\r")
    child.expect("シートの下書き")
    child.expect("q で戻る")  # in the pager
    child.send("q")
    child.expect("Enter で質問に戻ります")
    child.send("/edit company.name\r")
    child.expect("正式な商号")
    child.expect("これまでの回答: 株式会社みどり精工")
    wait_for_prompt(child)
    child.sendcontrol("u")  # clear the offered answer, type the corrected one
    answer(child, "株式会社みどり精工ホールディングス", "代表者様のお名前")
    child.send("/pause\r")
    child.expect(pexpect.EOF)
    events = SessionStore(sessions).read(only_session(sessions)).events
    names = [e.payload.raw for e in events if e.kind == "answered" and e.payload.question == "company_name"]
    assert names == ["株式会社みどり精工", "株式会社みどり精工ホールディングス"]


def test_a_flag_is_carried_into_the_second_visit(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    child = spawn(["interview", "--sessions-dir", str(sessions)], tmp_path)
    child.expect("正式な商号")
    answer(child, "株式会社みどり精工", "代表者様のお名前")
    child.send("/flag 役職の正式名称を名刺で確認\r")
    child.expect("次回確認に印を付けました")
    answer(child, "緑川 誠", "本社の所在地")
    child.send("/pause\r")
    child.expect(pexpect.EOF)
    session_id = only_session(sessions)
    child = spawn(["resume", session_id, "--new-visit", "--sessions-dir", str(sessions)], tmp_path)
    child.expect("2 回目の訪問です")
    child.expect("代表者様のお名前")  # the flagged question comes first
    child.expect("【次回確認】")
    wait_for_prompt(child)
    child.sendcontrol("u")
    answer(child, "代表取締役社長 緑川 誠", "本社の所在地")
    child.send("/pause\r")
    child.expect(pexpect.EOF)
    kinds = [e.kind for e in SessionStore(sessions).read(session_id).events]
    assert "visit_started" in kinds and kinds.index("unflagged") > kinds.index("visit_started")


def test_japanese_input_works_under_the_c_locale(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm-256color", LANG="C", LC_ALL="C", NO_COLOR="1")
    child = pexpect.spawn(LOCABEN[0], LOCABEN[1:] + ["interview", "--lang", "ja", "--sessions-dir", str(sessions)],
                          cwd=str(tmp_path), env=env, encoding="utf-8", timeout=15, dimensions=(30, 100))
    child.expect("正式な商号")
    answer(child, "株式会社みどり精工", "代表者様のお名前")
    child.send("/pause\r")
    child.expect(pexpect.EOF)
    assert answers_on_disk(sessions, only_session(sessions)) == {"company_name": "株式会社みどり精工"}

"""The `locaben` command driven in-process with plain input: what a user sees and what lands on disk."""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

from dialogue.cli.main import Env, main
from tests.helpers import MINI_BANK, cli_interview, run_cli, session_id


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_interview_then_compile_markdown(tmp_path: Path) -> None:
    code, out, _ = cli_interview(tmp_path, ["株式会社みどり精工", "24", "短い", "/skip", "2", "/pause"])
    assert code == 0
    assert "locaben resume" in out
    sid = session_id(tmp_path)
    code, out, err = run_cli(["compile", sid, "--format", "md,transcript", "-o", str(tmp_path / "out"),
                          "--sessions-dir", str(tmp_path / "s")])
    assert code == 0, err
    sheet = (tmp_path / "out" / f"{sid}-sheet.md").read_text(encoding="utf-8")
    assert "# ローカルベンチマーク 非財務ヒアリングシート — 株式会社みどり精工" in sheet
    assert "（未聴取）" in sheet  # fields not yet asked are marked, not left blank
    assert "## 次回確認事項" in sheet and "今後どうされるご予定ですか" in sheet  # open required question
    transcript = (tmp_path / "out" / f"{sid}-transcript.md").read_text(encoding="utf-8")
    assert "深掘り終了" in transcript and "株式会社みどり精工" in transcript
    assert stat.S_IMODE(os.stat(tmp_path / "out" / f"{sid}-sheet.md").st_mode) == 0o600


def test_compile_never_overwrites_a_hand_edited_file(tmp_path: Path) -> None:
    cli_interview(tmp_path, ["株式会社みどり精工", "/pause"])
    sid = session_id(tmp_path)
    args = ["compile", sid, "--format", "md", "-o", str(tmp_path / "out"), "--sessions-dir", str(tmp_path / "s")]
    assert run_cli(args)[0] == 0
    sheet = tmp_path / "out" / f"{sid}-sheet.md"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\n手で追記したメモ\n", encoding="utf-8")
    code, _, err = run_cli(args)
    assert code != 0 and "--force" in err
    assert "手で追記したメモ" in sheet.read_text(encoding="utf-8")
    assert run_cli(args + ["--force"])[0] == 0
    assert "手で追記したメモ" not in sheet.read_text(encoding="utf-8")


def test_resume_continues_with_the_next_open_question(tmp_path: Path) -> None:
    cli_interview(tmp_path, ["株式会社みどり精工", "/pause"])
    sid = session_id(tmp_path)
    code, out, _ = run_cli(["resume", sid, "--plain", "--lang", "ja", "--sessions-dir", str(tmp_path / "s")],
                       "30\n/pause\n")
    assert code == 0
    assert "セッション " + sid + " を再開します" in out
    assert "従業員は何名ですか" in out
    code, out, _ = run_cli(["sessions", "--json", "--sessions-dir", str(tmp_path / "s")])
    row = json.loads(out)[0]
    assert (row["company"], row["progress"], row["state"]) == ("株式会社みどり精工", "2/6", "paused")


def test_invalid_answer_is_explained_and_asked_again(tmp_path: Path) -> None:
    code, out, _ = cli_interview(tmp_path, ["株式会社みどり精工", "たくさん", "24", "/pause"])
    assert "数字として読めません" in out
    code, out, _ = run_cli(["sessions", "--json", "--sessions-dir", str(tmp_path / "s")])
    assert json.loads(out)[0]["progress"] == "2/6"


def test_unknown_and_illegal_commands_are_explained(tmp_path: Path) -> None:
    _, out, _ = cli_interview(tmp_path, ["/frobnicate", "/back", "/jump", "/jump nowhere", "/pause"])
    assert "不明なコマンド: /frobnicate" in out
    assert "これより前の質問はありません" in out
    assert "/jump には引数が必要です" in out
    assert "移動先が見つかりません: nowhere" in out


def test_english_ui(tmp_path: Path) -> None:
    code, out, _ = run_cli(["interview", "--plain", "--lang", "en", "--bank", str(MINI_BANK),
                        "--sessions-dir", str(tmp_path / "s")], "/help\n/pause\n")
    assert "What is the company's name?" in out and "go back to the previous question" in out


def test_standard_bank_is_the_default(tmp_path: Path) -> None:
    code, out, _ = run_cli(["interview", "--plain", "--lang", "ja", "--sessions-dir", str(tmp_path / "s")],
                       "/pause\n")
    assert code == 0 and "正式な商号" in out


def test_missing_session_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run_cli(["resume", "20990101-000000-dead", "--plain", "--sessions-dir", str(tmp_path)])
    assert code == 4 and "no session" in err


def test_session_in_use_is_refused(tmp_path: Path, session_holder) -> None:  # type: ignore[no-untyped-def]
    cli_interview(tmp_path, ["株式会社みどり精工", "/pause"])
    sid = session_id(tmp_path)
    other = session_holder(tmp_path / "s", sid)  # a second window has the session open
    code, _, err = run_cli(["resume", sid, "--plain", "--sessions-dir", str(tmp_path / "s")], "/pause\n")
    assert code == 5 and f"in use by PID {other.pid}" in err
    before = (tmp_path / "s" / f"{sid}.jsonl").read_bytes()
    other.kill()  # that window dies without cleaning up: the session opens again at once
    other.wait(timeout=10)
    code, out, _ = run_cli(["resume", sid, "--plain", "--sessions-dir", str(tmp_path / "s")], "/pause\n")
    assert code == 0 and "locaben resume" in out
    assert (tmp_path / "s" / f"{sid}.jsonl").read_bytes().startswith(before)


def test_help_lists_every_command() -> None:
    code, out, _ = run_cli([])
    assert code == 2
    for command in ("interview", "resume", "sessions", "compile", "bank"):
        assert command in out


def test_sessions_dir_from_environment(tmp_path: Path) -> None:
    run_cli(["interview", "--plain", "--bank", str(MINI_BANK)], "x\n/pause\n",
        environ={"LOCABEN_SESSIONS_DIR": str(tmp_path / "env-store")})
    assert len(list((tmp_path / "env-store").glob("*.jsonl"))) == 1


def test_help_speaks_the_chosen_language() -> None:
    import contextlib

    cases = ((["--help"], {"LOCABEN_LANG": "ja"}, "新しいヒアリングを開始"),
             (["--help"], {"LOCABEN_LANG": "ja"}, "使い方: locaben"),
             (["--help"], {"LANG": "en_US.UTF-8"}, "usage: locaben"),
             (["--help"], {"LANG": "en_US.UTF-8"}, "start a new interview"),
             (["interview", "--help", "--lang", "en"], {}, "one question at a time"),
             (["interview", "--help"], {}, "1問ずつ"))
    for argv, environ, expected in cases:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer), contextlib.suppress(SystemExit):
            main(argv, Env(stdout=buffer, environ=environ))
        assert expected in buffer.getvalue(), argv


def test_sessions_show_information_richness(tmp_path: Path) -> None:
    cli_interview(tmp_path, ["株式会社みどり精工", "24", "創業からの歩みを詳しく伺いました。1978年創業です。", "/pause"])
    code, out, _ = run_cli(["sessions", "--json", "--sessions-dir", str(tmp_path / "s")])
    row = json.loads(out)[0]
    assert row["chars"] > 20 and row["fields_filled"] == 3 and row["fields_total"] == 31
    assert {r["section"] for r in row["richness"]} == {"basics", "history", "flow"}
    code, out, _ = run_cli(["sessions", "--sessions-dir", str(tmp_path / "s")])
    assert "文字数" in out and "3/31" in out


def test_compile_all_writes_every_session(tmp_path: Path) -> None:
    for name in ("株式会社みどり精工", "有限会社さくら食品"):
        cli_interview(tmp_path, [name, "/pause"])
    code, out, err = run_cli(["compile", "--all", "--format", "md", "-o", str(tmp_path / "out"),
                          "--sessions-dir", str(tmp_path / "s")])
    assert code == 0, err
    assert "2 / 2 件のセッションを" in out
    sheets = sorted((tmp_path / "out").glob("*-sheet.md"))
    assert len(sheets) == 2
    companies = {s.read_text(encoding="utf-8").splitlines()[0].split("— ")[-1] for s in sheets}
    assert companies == {"株式会社みどり精工", "有限会社さくら食品"}


def test_compile_writes_an_english_sessions_sheet_in_english_without_lang(tmp_path: Path) -> None:
    """Issue 12, item 22: the sheet is in the session's language unless --lang asks for another."""
    code, _, err = run_cli(["interview", "--plain", "--lang", "en", "--sessions-dir", str(tmp_path / "s")],
                       "Midori Seiko Co., Ltd.\n/pause\n")
    assert code == 0, err
    sid = session_id(tmp_path)
    code, _, err = run_cli(["compile", sid, "--format", "md", "-o", str(tmp_path / "out"), "--sessions-dir",
                        str(tmp_path / "s")])
    assert code == 0, err
    sheet = (tmp_path / "out" / f"{sid}-sheet.md").read_text(encoding="utf-8")
    assert sheet.startswith("# Local Benchmark") and "ローカルベンチマーク" not in sheet, sheet[:300]
    code, _, err = run_cli(["compile", sid, "--format", "md", "--lang", "ja", "-o", str(tmp_path / "ja"),
                        "--sessions-dir", str(tmp_path / "s")])
    assert code == 0 and (tmp_path / "ja" / f"{sid}-sheet.md").read_text(encoding="utf-8").startswith(
        "# ローカルベンチマーク"), err


def test_the_section_7_recap_shows_what_the_probes_drew_out(tmp_path: Path) -> None:
    """Issue 12, item 20: ここまでに伺った内容 lists the probe answers under their main answer."""
    code, out, err = run_cli(["interview", "--plain", "--lang", "ja", "--sessions-dir", str(tmp_path / "s")],
                         "/jump strengths_sales\n精度です。\n紹介が8割です。\n/jump current_state_owner\n/pause\n",
                         environ={"COLUMNS": "100"})
    assert code == 0, err
    recap = out[out.index("ここまでに伺った内容"):out.index("今の御社の状況")]
    assert "精度です。" in recap and "↳ 紹介が8割です。" in recap, recap


def test_a_sentence_for_a_list_question_is_explained_then_kept_when_confirmed(tmp_path: Path) -> None:
    """Issue 12, item 21: a free-text sentence given where records are asked is not silently made one record
    with empty fields: the expected shape is said, nothing is recorded, and Enter again keeps it."""
    sentence = "受注してから図面を確認し、材料を仕入れて加工し、検査して納品します。"
    code, out, err = run_cli(["interview", "--plain", "--lang", "ja", "--sessions-dir", str(tmp_path / "s")],
                         f"/jump flow_steps\n{sentence}\n/pause\n")
    assert code == 0, err
    said = "".join(out.split())  # the message is folded at the console's width
    assert "業務名|業務内容|差別化ポイント" in said and "もう一度Enter" in said, out[-800:]
    journal = next((tmp_path / "s").glob("*.jsonl")).read_text(encoding="utf-8")
    assert '"answered"' not in journal  # nothing was recorded
    code, out, err = run_cli(["resume", session_id(tmp_path), "--plain", "--lang", "ja", "--sessions-dir",
                          str(tmp_path / "s")], f"{sentence}\n\n/pause\n")
    assert code == 0, err
    answered = [json.loads(line) for line in next((tmp_path / "s").glob("*.jsonl")).read_text(
        encoding="utf-8").splitlines()[1:] if '"answered"' in line]
    assert [a["raw"] for a in answered] == [sentence]

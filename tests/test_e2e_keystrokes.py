"""Nothing a keystroke or a pasted text can corrupt (issue 12, items 1–4), through the real terminal path: the
`locaben` command in a pseudo-terminal, typed and pasted into, with Japanese text.

1. A slash command typed while an answer is offered (after /back, /jump, /edit, --from, parked text) runs as
   a command and never becomes or changes the answer; /own's answer line holds only what was typed.
2. Markup in any text is printed literally, everywhere: no crash, no lost `[eco]`, no live link.
3. Escape sequences, U+202E and zero-width characters are shown neutralised; the journal keeps them.
4. Ctrl-C keeps the line being typed and offers it again on resume.

These tests drive the command named by LOCABEN_COMMAND (tests/conftest.py), so they can be run against an
older checkout to see them fail there."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pexpect
import pytest

from dialogue.store.journal import SessionStore
from tests.conftest import command_under_test

pytestmark = pytest.mark.e2e
LOCABEN = command_under_test()
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"  # bracketed paste, as a terminal sends a pasted text


def spawn(args: list[str], cwd: Path, log: list[str] | None = None) -> pexpect.spawn:
    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm-256color", LANG="C.UTF-8", COLUMNS="100",
               LINES="30", NO_COLOR="1")
    child = pexpect.spawn(LOCABEN[0], LOCABEN[1:] + args + ["--lang", "ja"], cwd=str(cwd), env=env,
                          encoding="utf-8", timeout=15, dimensions=(30, 100))
    if log is not None:
        child.logfile_read = _Collect(log)
    return child


class _Collect:
    """Everything the program wrote to the terminal, raw."""

    def __init__(self, into: list[str]):
        self.into = into

    def write(self, data: str) -> None:
        self.into.append(data)

    def flush(self) -> None:
        pass


def wait_for_prompt(child: pexpect.spawn) -> None:
    child.expect_exact("\x1b[?25h")  # prompt-toolkit shows the cursor last: the input line is ready
    child.expect(pexpect.TIMEOUT, timeout=0.3)


def events(sessions: Path, session_id: str | None = None) -> list:  # type: ignore[type-arg]
    store = SessionStore(sessions)
    return list(store.read(session_id or store.session_ids()[-1]).events)


def answered(sessions: Path, session_id: str | None = None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for e in events(sessions, session_id):
        if e.kind == "answered":
            found.setdefault(e.payload.question, []).append(e.payload.raw)
    return found


def plain_interview(sessions: Path, lines: list[str]) -> str:
    subprocess.run(LOCABEN + ["interview", "--plain", "--lang", "ja", "--sessions-dir", str(sessions)],
                   input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=30, check=True)
    return SessionStore(sessions).session_ids()[-1]


# ---- 1. commands typed while an answer is offered ----

def test_commands_after_back_jump_and_edit_run_as_commands(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    child = spawn(["interview", "--sessions-dir", str(sessions)], tmp_path)
    child.expect("正式な商号")
    child.send("株式会社みどり精工\r")
    child.expect("代表者様のお名前")
    child.send("/back\r")  # the answer so far is offered for the company name
    child.expect("これまでの回答: 株式会社みどり精工")
    wait_for_prompt(child)
    child.send("/next\r")
    child.expect("代表者様のお名前")
    child.send("/jump company.name\r")
    child.expect("これまでの回答: 株式会社みどり精工")
    wait_for_prompt(child)
    child.send("/flag 登記簿で確認\r")
    child.expect("次回確認に印を付けました")
    child.send("/edit 商号\r")
    child.expect("これまでの回答: 株式会社みどり精工")
    wait_for_prompt(child)
    child.send("/source doc 登記簿\r")
    child.expect("出所: 資料で確認（登記簿）")
    child.send("/pause\r")
    child.expect(pexpect.EOF)
    kinds = [e.kind for e in events(sessions)]
    assert answered(sessions) == {"company_name": ["株式会社みどり精工"]}
    assert "flagged" in kinds and "source_set" in kinds


def test_a_command_after_parked_text_or_an_earlier_interviews_answer_runs(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    earlier = plain_interview(sessions, ["株式会社みどり精工", "/pause"])
    child = spawn(["interview", "--from", earlier, "--sessions-dir", str(sessions)], tmp_path)
    child.expect("前回の回答があります")
    wait_for_prompt(child)
    child.send("/next\r")  # leave the company name as it is: the earlier answer stays an offer
    child.expect("代表者様のお名前")
    child.send("/park 強み 難削材の加工を他社に断られた案件でも引き受ける\r")
    child.expect("控えました")
    child.send("/jump strengths_sales\r")
    child.expect("先に伺った内容があります")
    wait_for_prompt(child)
    child.send("/note 社長は「技術」の話になると熱が入る\r")
    child.expect("メモを記録しました")
    child.send("/skip\r")
    child.expect("技術やノウハウ")
    child.send("/pause\r")
    child.expect(pexpect.EOF)
    new = SessionStore(sessions).session_ids()
    session_id = next(i for i in new if i != earlier)
    assert answered(sessions, session_id) == {}
    notes = [e.payload.text for e in events(sessions, session_id) if e.kind == "noted"]
    assert notes == ["社長は「技術」の話になると熱が入る"]


def test_the_own_probe_answer_holds_only_what_was_typed(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    child = spawn(["interview", "--sessions-dir", str(sessions)], tmp_path)
    child.expect("正式な商号")
    child.send("株式会社みどり精工\r")
    child.expect("代表者様のお名前")
    child.send("/back\r")
    child.expect("これまでの回答: 株式会社みどり精工")
    child.send("/own 登記上の商号と同じですか？\r")
    child.expect("社長の答えを入力してください")
    wait_for_prompt(child)
    child.send("はい、同じです\r")
    child.expect("メモを記録しました")
    child.send("/pause\r")
    child.expect(pexpect.EOF)
    notes = [e.payload.text for e in events(sessions) if e.kind == "noted"]
    assert notes == ["深掘り（自分で）: 登記上の商号と同じですか？ → はい、同じです"]
    assert answered(sessions) == {"company_name": ["株式会社みどり精工"]}


# ---- 2. markup is text ----

MARKUP = {"company_name": "[/]", "representative": "[eco]デザイン 代表 緑川", "location": "[link=file:///etc/passwd]x[/link]"}


def test_markup_in_answers_is_printed_literally_in_the_review_after_a_resume_and_in_sessions(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    written: list[str] = []
    child = spawn(["interview", "--sessions-dir", str(sessions)], tmp_path, written)
    child.expect("正式な商号")
    for text, following in zip(MARKUP.values(), ("代表者様のお名前", "本社の所在地", "深掘りの質問"), strict=True):
        child.send(text + "\r")
        child.expect(following)
    child.send("/pause\r")
    child.expect(pexpect.EOF)
    session_id = SessionStore(sessions).session_ids()[0]
    child = spawn(["resume", session_id, "--sessions-dir", str(sessions)], tmp_path, written)
    child.expect("再開します")
    wait_for_prompt(child)
    child.send("/review\r")
    child.expect("シートの下書き")
    for text in MARKUP.values():
        child.expect_exact(text.split()[0])
    child.send("q")  # the review is longer than 30 rows: it is in the pager
    child.expect("Enter で質問に戻ります")
    child.send("/pause\r")
    child.expect(pexpect.EOF)
    assert "\x1b]8;" not in "".join(written)  # no hyperlink was made
    listing = subprocess.run(LOCABEN + ["sessions", "--sessions-dir", str(sessions), "--lang", "ja"],
                             capture_output=True, text=True, timeout=30, env=dict(os.environ, COLUMNS="100"))
    assert listing.returncode == 0 and "[/]" in listing.stdout, listing.stderr
    assert answered(sessions) == {k: [v] for k, v in MARKUP.items()}


# ---- 3. escape sequences, bidi and zero-width characters ----

HOSTILE = ("株式会社\x1b]0;pwned\x07みどり\x1b[2J精工\x1b]52;c;SGVsbG8=\x07"
           "\x1b]8;;http://evil.example/\x07link\x1b]8;;\x07 \u202eRTL\u202c zero\u200bwidth")
RAW = ("\x1b]0;pwned", "\x1b]52;", "\x1b]8;;http", "\u202e", "\u200b")


def test_a_pasted_answer_with_escape_sequences_is_shown_neutralised_and_kept_in_the_journal(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    written: list[str] = []
    child = spawn(["interview", "--sessions-dir", str(sessions)], tmp_path, written)
    child.expect("正式な商号")
    wait_for_prompt(child)
    child.send(PASTE_START + HOSTILE + PASTE_END)
    child.send("\r")
    child.expect("代表者様のお名前")
    start = len("".join(written))
    child.send("/back\r")
    child.expect("これまでの回答")
    child.expect("␛]0;pwned␇")
    child.expect_exact("\\u202e")
    child.send("/pause\r")
    child.expect(pexpect.EOF)
    shown = "".join(written)[start:]
    assert not [raw for raw in RAW if raw in shown], shown
    assert answered(sessions)["company_name"] == [HOSTILE]  # the journal keeps what was pasted


def hostile_bank(tmp_path: Path) -> Path:
    """The mini bank with escapes in its first question (a double-quoted YAML string: `\\e`, `\\a`, `\\u202e`)."""
    from tests.helpers import MINI_BANK

    text = MINI_BANK.read_text(encoding="utf-8")
    assert "{ja: 会社名を教えてください。," in text
    path = tmp_path / "hostile.yaml"
    path.write_text(text.replace("{ja: 会社名を教えてください。,", '{ja: "会社名を\\e]0;bank\\a教えて\\u202eください。",'),
                    encoding="utf-8")
    return path


def test_escapes_in_a_bank_are_warned_about_and_shown_neutralised(tmp_path: Path) -> None:
    bank = hostile_bank(tmp_path)
    checked = subprocess.run(LOCABEN + ["bank", "validate", str(bank)], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0 and "W101" in checked.stderr + checked.stdout
    assert f"{bank}:" in checked.stderr + checked.stdout  # with its position
    written: list[str] = []
    child = spawn(["interview", "--bank", str(bank), "--sessions-dir", str(tmp_path / "s")], tmp_path, written)
    child.expect("␛]0;bank␇")
    wait_for_prompt(child)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    assert "\x1b]0;bank" not in "".join(written) and "\u202e" not in "".join(written)


def test_escapes_in_a_persona_are_warned_about_and_shown_neutralised(tmp_path: Path) -> None:
    from dialogue.training.persona import persona_path

    said = "代表取締役の小槌正夫です。父から継いだ二代目で、社長になって25年あまりになります。"
    text = persona_path("kozuchi_seiko").read_text(encoding="utf-8")
    assert f"ja: {said}" in text
    path = tmp_path / "kozuchi_seiko.yaml"  # a persona file is named after its id
    hostile = said.replace("代表取締役の", "代表取締役の\\e]52;c;SGVsbG8=\\a")
    path.write_text(text.replace(f"ja: {said}", f'ja: "{hostile}"', 1),
                    encoding="utf-8")
    checked = subprocess.run(LOCABEN + ["bank", "validate-persona", str(path)], capture_output=True, text=True,
                             timeout=30)
    assert "W101" in checked.stderr + checked.stdout and f"{path}:" in checked.stderr + checked.stdout
    result = subprocess.run(LOCABEN + ["roleplay", "--persona", str(path), "--plain", "--lang", "ja",
                                       "--sessions-dir", str(tmp_path / "s")],
                            input="/ask representative\n", capture_output=True, text=True, timeout=60)
    assert "代表取締役の␛]52;c;SGVsbG8=␇小槌正夫です。" in result.stdout, result.stdout[-2000:]
    assert "\x1b]52;" not in result.stdout


# ---- 4. Ctrl-C keeps the line being typed ----

def test_ctrl_c_keeps_the_line_being_typed_and_offers_it_on_resume(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    child = spawn(["interview", "--sessions-dir", str(sessions)], tmp_path)
    child.expect("正式な商号")
    child.send("株式会社みどり精工\r")
    child.expect("代表者様のお名前")
    wait_for_prompt(child)
    child.send("代表取締役 緑川 誠（二代目）")
    child.expect(pexpect.TIMEOUT, timeout=0.3)
    child.sendintr()
    child.expect("入力中だった内容も保存しました")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    session_id = SessionStore(sessions).session_ids()[0]
    child = spawn(["resume", session_id, "--sessions-dir", str(sessions)], tmp_path)
    child.expect("代表者様のお名前")
    child.expect("中断したときに入力中だった内容があります")
    child.expect_exact("Enter: 代表取締役 緑川 誠（二代目）")  # the placeholder on the input line
    wait_for_prompt(child)
    child.send("\r")
    child.expect("本社の所在地")
    child.send("/pause\r")
    child.expect(pexpect.EOF)
    assert answered(sessions)["representative"] == ["代表取締役 緑川 誠（二代目）"]


# ---- 14. a 10 MB pasted answer ----

BIG = ("金属部品の精密切削加工。" * 900_000)[:10 * 1024 * 1024]


def test_a_10_mb_answer_keeps_sessions_and_review_fast(tmp_path: Path) -> None:
    import time

    sessions = tmp_path / "s"
    subprocess.run(LOCABEN + ["interview", "--plain", "--lang", "ja", "--sessions-dir", str(sessions)],
                   input=f"株式会社みどり精工\n代表取締役 緑川 誠\n{BIG}\n/pause\n", capture_output=True, text=True,
                   timeout=300, check=True)
    session_id = SessionStore(sessions).session_ids()[0]
    started = time.monotonic()
    listing = subprocess.run(LOCABEN + ["sessions", "--sessions-dir", str(sessions), "--lang", "ja"],
                             capture_output=True, text=True, timeout=120, env=dict(os.environ, COLUMNS="100"))
    listed = time.monotonic() - started
    assert listing.returncode == 0 and session_id in listing.stdout and listed < 10, (listed, listing.stderr)
    child = spawn(["resume", session_id, "--sessions-dir", str(sessions)], tmp_path)
    child.expect("再開します", timeout=60)
    wait_for_prompt(child)
    started = time.monotonic()
    child.send("/review\r")
    child.expect_exact("10,485,760", timeout=60)  # shown cut, with the full length: …（全 10,485,760 文字）
    reviewed = time.monotonic() - started
    child.send("q")
    child.expect("Enter で質問に戻ります")
    child.send("/pause\r")
    child.expect(pexpect.EOF, timeout=60)
    assert reviewed < 10, reviewed
    print(f"10 MB answer: sessions {listed:.2f} s, /review {reviewed:.2f} s")  # shown with pytest -s


# ---- 18, 19, 22: meeting mode's parked text, the second visit, finding fields ----

def test_meeting_mode_takes_parked_text_in_when_its_field_comes_up(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    child = spawn(["interview", "--mode", "meeting", "--sessions-dir", str(sessions)], tmp_path)
    child.expect("商号")
    child.send("/park 弱み 人手不足で納期が延びることがある\r")
    child.expect("控えました")
    child.send("/jump 弱み\r")
    child.expect("先に控えた内容があります")
    wait_for_prompt(child)
    child.send("\r")  # Enter on an empty line takes it in
    child.expect("✔ 人手不足で納期が延びることがある")
    child.send("/pause\r")
    child.expect(pexpect.EOF)
    session_id = SessionStore(sessions).session_ids()[0]
    out = tmp_path / "out"
    subprocess.run(LOCABEN + ["compile", session_id, "--format", "json", "-o", str(out), "--sessions-dir",
                              str(sessions)], check=True, capture_output=True, timeout=60)
    import json

    sheet = json.loads((out / f"{session_id}-sheet.json").read_text(encoding="utf-8"))
    weaknesses = sheet["fields"]["business.weaknesses"]
    assert weaknesses["status"] == "filled" and "人手不足で納期が延びることがある" in json.dumps(weaknesses, ensure_ascii=False)


def test_a_new_visit_comes_back_to_unknown_and_declined_answers_and_shows_the_flag_note(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    session_id = plain_interview(sessions, ["株式会社みどり精工", "/flag 役職の正式名称を名刺で確認", "緑川 誠",
                                            "/declined", "/skip", "/unknown", "/pause"])
    child = spawn(["resume", session_id, "--new-visit", "--sessions-dir", str(sessions)], tmp_path)
    child.expect("2 回目の訪問です")
    child.expect("代表者様のお名前")
    child.expect_exact("【次回確認】 役職の正式名称を名刺で確認")
    for following in ("どのような事業", "本社の所在地", "従業員の方は"):  # skipped, 回答を控えたい, わからない
        wait_for_prompt(child)
        child.send("/next\r")
        child.expect(following)
    child.send("/pause\r")
    child.expect(pexpect.EOF)


def test_jump_by_a_common_name_and_edit_lists_labels(tmp_path: Path) -> None:
    child = spawn(["interview", "--sessions-dir", str(tmp_path / "s")], tmp_path)
    child.expect("正式な商号")
    child.send("/jump 銀行\r")
    child.expect("何行くらいとお取引")
    child.send("/edit 従業\r")
    child.expect_exact("従業員数（company.employees）")  # labels, with the id to type
    child.expect_exact("（environment.employees）")
    child.send("/pause\r")
    child.expect(pexpect.EOF)

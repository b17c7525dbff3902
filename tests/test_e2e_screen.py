"""The screen in the room (issue 19), in a real terminal of 80×24 and 120×40 (tmux): the question (or the
probe with its main question) whole on screen with the input line and the toolbar, whatever the guidance;
no line starting with 。、」ー…; the toolbar not cut; the question again after /note; the manners reminder
once per section in meeting mode; long views in the pager, `q` returns."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from dialogue.store.journal import SessionStore
from tests.conftest import command_under_test
from tests.helpers import standard_bank
from tests.tmux_screen import Terminal, bad_line_starts, shows_whole

pytestmark = pytest.mark.e2e
SIZES = [(80, 24), (120, 40)]
BANK = standard_bank()


def text(question_id: str) -> str:
    return BANK.question(question_id).text.get("ja")


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    started: list[Terminal] = []
    yield started
    for terminal in started:
        terminal.close()


def start(terminals: list[Terminal], args: list[str], tmp_path: Path, size: tuple[int, int]) -> Terminal:
    terminal = Terminal([*args, "--lang", "ja", "--sessions-dir", str(tmp_path / "s")], tmp_path, *size)
    terminals.append(terminal)
    return terminal


def check(screen: list[str], *texts: str) -> None:
    """What every screen must satisfy: these texts whole, no bad line start, a toolbar that fits."""
    for wanted in texts:
        assert shows_whole(screen, wanted), f"{wanted!r} not whole on screen:\n" + "\n".join(screen)
    assert not bad_line_starts(screen), "\n".join(screen)
    toolbar = screen[-1]
    assert toolbar.rstrip().endswith("/help"), toolbar  # the last item is there: nothing cut


@pytest.mark.parametrize("size", SIZES)
def test_the_first_question_is_whole_with_its_manners_reminder(terminals: list[Terminal], tmp_path: Path,
                                                                size: tuple[int, int]) -> None:
    terminal = start(terminals, ["interview"], tmp_path, size)
    screen = terminal.wait_for("正式な商号")
    check(screen, text("company_name"), "■ 導入・会社概要")
    prompt = max(i for i, line in enumerate(screen) if line.startswith(">"))
    # the input line right above the toolbar once the screen is full: no blank rows are reserved under it
    # (on a screen not yet full, nothing has scrolled away and the toolbar sits at the bottom)
    assert prompt == len(screen) - 2 or (screen[0].startswith("新しいセッション") and not any(screen[prompt + 1:-1]))
    if size == (120, 40):  # a tall terminal shows the hints until F2 hides them
        assert shows_whole(screen, BANK.question("company_name").purpose.get("ja"))
    else:
        assert any("F2 で表示" in line for line in screen)


@pytest.mark.parametrize("size", SIZES)
def test_a_probe_is_shown_under_its_main_question_and_note_brings_it_back(terminals: list[Terminal], tmp_path: Path,
                                                                           size: tuple[int, int]) -> None:
    terminal = start(terminals, ["interview"], tmp_path, size)
    terminal.wait_for("正式な商号")
    terminal.type("/jump industry")
    terminal.wait_for("どのような事業")
    terminal.type("精密加工")
    screen = terminal.wait_for("深掘りの質問")
    probe = next(line for line in screen if "↳" in line)
    check(screen, text("industry"))
    terminal.type("/note 社長は「半導体」の話になると熱が入る")
    screen = terminal.wait_for("メモを記録しました")
    after = screen[next(i for i, line in enumerate(screen) if "メモを記録しました" in line):]
    check(after, text("industry"), probe.strip(" │↳"))


@pytest.mark.parametrize("size", SIZES)
def test_the_second_visit_starts_with_the_flagged_question_and_its_note(terminals: list[Terminal], tmp_path: Path,
                                                                         size: tuple[int, int]) -> None:
    sessions = tmp_path / "s"
    subprocess.run([*command_under_test(), "interview", "--plain", "--lang", "ja", "--sessions-dir", str(sessions)],
                   input="株式会社みどり精工\n/flag 役職の正式名称を名刺で確認\n緑川 誠\n/unknown\n/pause\n",
                   capture_output=True, text=True, timeout=30, check=True)
    session_id = SessionStore(sessions).session_ids()[0]
    terminal = start(terminals, ["resume", session_id, "--new-visit"], tmp_path, size)
    screen = terminal.wait_for("2 回目の訪問です")
    check(screen, text("representative"), "【次回確認】 役職の正式名称を名刺で確認")
    terminal.type("/next")
    screen = terminal.wait_for("本社の所在地")  # わからない was answered here: a later visit comes back to it
    check(screen, text("location"))


@pytest.mark.parametrize("size", SIZES)
def test_meeting_mode_shows_the_field_and_the_manners_reminder_once(terminals: list[Terminal], tmp_path: Path,
                                                                     size: tuple[int, int]) -> None:
    terminal = start(terminals, ["interview", "--mode", "meeting"], tmp_path, size)
    terminal.wait_for("商号")
    terminal.type("/jump 強み")
    screen = terminal.wait_for("■ 強み・弱み")
    check(screen, text("strengths_sales"))
    terminal.type("試作から量産まで一貫対応。公差±2μmの加工ができる職人が5名")
    terminal.wait_for("✔ 試作から量産まで")
    terminal.type("/jump company.name")
    terminal.wait_for(text("company_name")[-12:])
    terminal.type("/jump 強み")
    screen = terminal.wait_for("✔ 試作から量産まで")
    check(screen, text("strengths_sales"))
    assert terminal.history().count("ヒアリングの心得: ") == 2  # 導入 and 強み・弱み, each once in this visit


def test_review_opens_in_the_pager_and_q_returns_to_the_question(terminals: list[Terminal], tmp_path: Path) -> None:
    terminal = start(terminals, ["interview"], tmp_path, (80, 24))
    terminal.wait_for("正式な商号")
    terminal.type("株式会社みどり精工")
    terminal.wait_for("代表者様のお名前")
    terminal.type("/review")
    pager = terminal.wait_for("q で戻る", prompt=False)
    assert any("シートの下書き" in line for line in pager)
    first = re.search(r"(\d+)–(\d+) 行 / 全 (\d+) 行", pager[-1])
    assert first is not None and first[1] == "1" and int(first[3]) > 24
    terminal.keys("G")
    end = terminal.wait_for(f"{int(first[3])} 行 / 全 {first[3]} 行", prompt=False)
    assert "記入状況" in "".join(end) or end[-1]
    terminal.keys("q")
    screen = terminal.wait_for("Enter で質問に戻ります")
    terminal.type("")
    screen = terminal.wait_for(text("representative"))
    check(screen, text("representative"))

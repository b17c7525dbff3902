"""The screen in the room (issue 19), through prompt-toolkit's input layer on consoles of 80×24 and 120×40:
the question whole above the input line whatever the guidance, hints folded on a short screen (F2, and the
choice kept), the question again after every command or message, the probe with its main question on
resume, a toolbar that fits, the manners reminder once per section and visit, long views in the pager."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.cells import cell_len

from dialogue.engine import Engine
from dialogue.model.events import Started
from dialogue.store.journal import SessionStore
from dialogue.ui import screens
from dialogue.ui.layout import PROMPT_ROWS, fitted
from dialogue.ui.wrap import NO_LINE_START
from tests.helpers import FIXTURES, MINI_BANK, iso_clock, standard_bank
from tests.screen_driver import drive, flat, sized_console

BANK = standard_bank()
SIZES = [(80, 24), (120, 40)]


def q(question_id: str) -> str:
    return BANK.question(question_id).text.get("ja")


def assert_screen(frame_text: str, *wanted: str) -> None:
    for text in wanted:
        assert text.replace(" ", "") in flat(frame_text), f"{text!r} not whole on screen:\n{frame_text}"
    starts = [line for line in frame_text.splitlines() if line.strip(" │╭╮╰╯─") and
              line.strip(" │╭╮╰╯─")[0] in NO_LINE_START]
    assert not starts, frame_text


@pytest.mark.parametrize("size", SIZES)
def test_the_first_question_fits_with_the_input_line_and_a_toolbar_that_is_not_cut(tmp_path: Path,
                                                                                     size: tuple[int, int]) -> None:
    driven = drive(tmp_path, ["/pause\r"], size)
    first = driven.frames[0]
    assert_screen(first.text, q("company_name"), "■ 導入・会社概要")
    assert cell_len(first.toolbar) < size[0] and first.toolbar.rstrip().endswith("/help")
    assert "F2" in first.toolbar


@pytest.mark.parametrize("size", SIZES)
def test_every_command_and_message_is_followed_by_the_current_question(tmp_path: Path, size: tuple[int, int]) -> None:
    commands = ["/note 社長は「半導体」の話になると熱が入る\r", "/own 登記上の商号ですか？\r", "はい\r",
                "/source doc 登記簿\r", "/flag 名刺で確認\r", "/unflag\r", "/nosuch\r", "/note\r", "/jump どこにもない\r",
                "/help\r", "/outline\r", "/park 強み 難削材も引き受ける\r", "/back\r", "/next\r", "/hint\r"]
    current = ["representative"] * 12 + ["company_name", "representative", "representative"]
    driven = drive(tmp_path, ["株式会社みどり精工\r", *commands, "/pause\r"], size)
    for typed, question, frame in zip(commands, current, driven.frames[2:], strict=True):
        last = frame.text.rsplit("> ", 1)[-1]  # what came after the command was typed
        assert q(question).replace(" ", "") in flat(last), (typed, frame.text)


def test_resuming_in_the_middle_of_probing_shows_the_probe_under_its_main_question(tmp_path: Path) -> None:
    first = drive(tmp_path, ["/jump industry\r", "精密加工\r", "/pause\r"])
    assert "深掘りの質問" in first.frames[-1].text
    resumed = drive(tmp_path, ["/note 試作が多い\r", "/pause\r"], session_id=first.session_id)
    opening = resumed.frames[0].text
    assert_screen(opening, q("industry"))
    probe = next(line for line in opening.splitlines() if "↳" in line)
    after_note = resumed.frames[1].text.rsplit("> ", 1)[-1]
    assert_screen(after_note, q("industry"), probe.strip(" │↳"))


def test_hints_are_folded_on_a_short_screen_and_f2_shows_them_and_is_remembered(tmp_path: Path) -> None:
    purpose = BANK.question("company_name").purpose.get("ja")
    driven = drive(tmp_path, ["\x1bOQ", "/pause\r"], (80, 24))  # F2
    assert purpose[:20] not in flat(driven.frames[0].text) and "F2で表示" in flat(driven.frames[0].text)
    assert "ヒント表示: オン" in driven.frames[1].text and purpose[:20] in flat(driven.frames[1].text)
    kinds = [e.kind for e in SessionStore(tmp_path / "s").read(driven.session_id).events]
    assert "hints_set" in kinds
    resumed = drive(tmp_path, ["/pause\r"], (80, 24), session_id=driven.session_id)
    assert purpose[:20] in flat(resumed.frames[0].text)  # the choice is kept in the session
    tall = drive(tmp_path / "tall", ["/pause\r"], (120, 40))
    assert purpose.replace(" ", "") in flat(tall.frames[0].text)  # a tall screen shows them until F2


def test_a_question_stays_whole_whatever_the_length_of_the_guidance(tmp_path: Path) -> None:
    engine = Engine(BANK, iso_clock(), "s")
    step = engine.start(Started())
    long_guidance = "本題の前に、目的・時間・情報の扱いを伝えて了承をいただきます。" * 40
    question = step.question
    assert question is not None
    from dataclasses import replace

    from dialogue.model import Text

    step = replace(step, question=replace(question, guidance=Text.of(ja=long_guidance), purpose=Text.of(ja=long_guidance)))
    out = io.StringIO()
    console = sized_console(out, 80, 24)
    parts = screens.section_parts(BANK, step, "ja", True, None)
    console.print(fitted(console, screens.question_screen(BANK, step, "ja", True, parts), 24 - PROMPT_ROWS))
    shown = out.getvalue().splitlines()
    assert len(shown) <= 24 - PROMPT_ROWS
    assert_screen(out.getvalue(), q("company_name"), "■ 導入・会社概要")
    assert any(line.rstrip(" │").endswith("…") for line in shown)  # what was cut says so


def test_meeting_mode_reminds_of_manners_once_per_section_and_visit(tmp_path: Path) -> None:
    driven = drive(tmp_path, ["/jump 強み\r", "試作から量産まで一貫\r", "/jump company.name\r", "/jump 強み\r", "/pause\r"],
                   mode="meeting")
    assert driven.out.count("ヒアリングの心得: ") == 2  # 導入 once, 強み・弱み once, though jumped into twice
    assert_screen(driven.frames[-1].text, q("strengths_sales"))


def test_the_toolbar_fits_and_at_the_end_shows_no_section(tmp_path: Path) -> None:
    driven = drive(tmp_path, ["株式会社みどり精工\r", "24\r", "/skip\r", "/skip\r", "/skip\r", "/skip\r", "/pause\r"],
                   (80, 24), bank=MINI_BANK)
    for frame in driven.frames:
        assert cell_len(frame.toolbar) < 80 and frame.toolbar.rstrip().endswith("/help"), frame.toolbar
    end = driven.frames[-1]
    assert "すべての質問が終わりました" in end.text
    assert "セクション" not in end.toolbar and "0/" not in end.toolbar.split("·")[0], end.toolbar
    assert "セクション 1/" in driven.frames[0].toolbar


def test_review_and_outline_open_in_the_pager_and_q_returns(tmp_path: Path) -> None:
    driven = drive(tmp_path, ["株式会社みどり精工\r", "/review\r", "\r", "/outline\r", "/pause\r"], (80, 24),
                   pager_keys="Gq")
    assert "シートの下書き" not in driven.out  # it was in the pager, not printed into the scrollback
    assert len(driven.paged) == 2 and "シートの下書き" in driven.paged[0] and "項目一覧" in driven.paged[1]
    assert "Enter で質問に戻ります" in driven.out
    assert_screen(driven.frames[-1].text.rsplit("> ", 1)[-1], q("representative"))


def test_long_views_are_printed_when_they_fit_a_tall_screen(tmp_path: Path) -> None:
    driven = drive(tmp_path, ["/help\r", "/pause\r"], (120, 60))
    assert "/jump 移動先" in driven.out and "Esc → Enter" in driven.out


@pytest.mark.parametrize("size", SIZES)
def test_a_second_visit_starts_with_the_flagged_question_its_note_then_unknown_and_declined(
        tmp_path: Path, size: tuple[int, int]) -> None:
    first = drive(tmp_path, ["株式会社みどり精工\r", "/flag 役職の正式名称を名刺で確認\r", "緑川 誠\r", "/declined\r",
                             "/skip\r", "/unknown\r", "/pause\r"], size)
    later = drive(tmp_path, ["/next\r", "/next\r", "/next\r", "/pause\r"], size, session_id=first.session_id,
                  new_visit=True)
    assert "2 回目の訪問です" in later.frames[0].text
    assert_screen(later.frames[0].text, q("representative"), "【次回確認】 役職の正式名称を名刺で確認")
    shown = [next((qid for qid in ("location", "industry", "employees") if q(qid)[:15] in flat(f.text.rsplit("> ", 1)[-1])),
                  "") for f in later.frames[1:4]]
    assert shown[:3] == ["industry", "location", "employees"]  # skipped, then 回答を控えたい, then わからない


def test_meeting_mode_offers_parked_text_and_enter_takes_it_in(tmp_path: Path) -> None:
    driven = drive(tmp_path, ["/park 弱み 人手不足で納期が延びることがある\r", "/jump 弱み\r", "\r", "\r", "/pause\r"],
                   mode="meeting")
    offer = driven.frames[2]
    assert "先に控えた内容があります:人手不足で納期が延びることがある" in flat(offer.text), offer.text
    assert offer.placeholder and "人手不足" in str(offer.placeholder)
    events = SessionStore(tmp_path / "s").read(driven.session_id).events
    answered = {e.payload.question: e.payload.raw for e in events if e.kind == "answered"}
    assert answered["weaknesses"] == "人手不足で納期が延びることがある"
    from dialogue.sheet import build_sheet
    from dialogue.store.live import SessionManager

    sheet = build_sheet(SessionManager(SessionStore(tmp_path / "s"), iso_clock()).transcript(driven.session_id), "ja")
    view = sheet.field("business.weaknesses")
    assert view.status == "filled" and "人手不足で納期が延びることがある" in view.entries[0].display


@pytest.mark.parametrize(("typed", "expected"), [("/jump 銀行", "何行くらいとお取引"), ("/jump 社長", "代表者様のお名前"),
                                                 ("/jump 事業承継", "後継者の方は")])
def test_jump_finds_a_field_by_its_common_name(tmp_path: Path, typed: str, expected: str) -> None:
    driven = drive(tmp_path, [typed + "\r", "/pause\r"])
    assert expected in flat(driven.frames[1].text)


def test_edit_with_a_few_letters_lists_the_labels(tmp_path: Path) -> None:
    driven = drive(tmp_path, ["/edit 従業\r", "/pause\r"])
    listing = flat(driven.frames[1].text)
    assert "従業員数（company.employees）" in listing and "従業員定着率" in listing


def test_a_hostile_bank_is_shown_neutralised_on_every_screen(tmp_path: Path) -> None:
    text = (FIXTURES / "mini_bank.yaml").read_text(encoding="utf-8")
    bank = tmp_path / "bank.yaml"
    bank.write_text(text.replace("{ja: 会社名を教えてください。,", '{ja: "会社名を[/]\\e[2J\\u202e教えてください。",'),
                    encoding="utf-8")
    driven = drive(tmp_path, ["/note [link=file:///etc/passwd]x[/link]\r", "/pause\r"], bank=bank)
    assert "\x1b" not in driven.out and "\u202e" not in driven.out
    assert "会社名を[/]␛[2J\\u202e教えてください。" in flat(driven.out)

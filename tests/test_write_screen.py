"""The write-up screens through the real input path: prompt-toolkit pipe input (Japanese, a line break with
Esc then Enter, Ctrl-C with a half-typed entry), the advice shown as advice (the entry is saved whatever it
says), the desk's commands, and the interview's write-up steps — offered at the end of a section without taking
a line of input, and before `/finish` with how to skip it."""

from __future__ import annotations

import io
from pathlib import Path

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from dialogue.banks.reader import load_bank
from dialogue.model import Actor
from dialogue.model.events import Started
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
from dialogue.ui.terminal import PlainInput, TerminalInput, make_completer, typed_now
from dialogue.ui.writeup_desk import DESK_NAMES, WriteUpDesk
from dialogue.ui.writeup_interview import WritingInterview
from tests.helpers import MINI_BANK, standard_bank, ticking_clock
from tests.screen_driver import PipeDriven

ESC_ENTER = "\x1b\r"
CTRL_C = "\x03"
AOBA = Actor("aoba", "青葉 健太")


def manager(tmp_path: Path) -> SessionManager:
    return SessionManager(SessionStore(tmp_path / "s"), ticking_clock())


def flat(text: str) -> str:
    return "".join(text.split())  # the console folds long lines


def answered(live, answers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    step = live.step()
    while step.state == "asking" and step.question is not None and step.question.id in answers:
        step = live.answer(answers[step.question.id])
        if step.state == "probing":
            step = live.skip()


# ---- the desk, through prompt-toolkit ----


def test_the_desk_saves_japanese_multi_line_entries_and_shows_advice_without_blocking(tmp_path: Path) -> None:
    out = io.StringIO()
    with manager(tmp_path).create(standard_bank(), Started(lang="ja")) as live, create_pipe_input() as pipe:
        live.jump("strengths_tech")
        live.answer("精度です。上位3社で売上の7割です。2015年に二代目として継ぎました。")
        desk = WriteUpDesk(live, Console(file=out, width=80, no_color=True), "ja", source=None, writer=AOBA)  # type: ignore[arg-type]
        terminal = TerminalInput(make_completer(lambda: DESK_NAMES, lambda q: [], {}), desk.toolbar, input=pipe,
                                 output=DummyOutput())
        desk.source = PipeDriven(terminal, pipe, [
            "二代目として継いだ。" + ESC_ENTER + "上位3社で7割を占めます。\r",  # short, 2015年 left out, polite
            "\r",  # an empty Enter: keep it, next box
            "/history\r", "/back\r", "\r", "/done\r"])
        assert desk.walk(["business.strengths", "business.weaknesses"]) is True
        versions = live.transcript().writeup_history["business.strengths"]
    shown = flat(out.getvalue())
    assert [v.text for v in versions] == ["二代目として継いだ。\n上位3社で7割を占めます。"]  # one version: kept as is
    assert versions[0].by == AOBA
    assert "清書を保存しました（23字）" in shown  # the line break does not count
    assert "短めです:23字（目安30〜130字）" in shown
    assert "回答にあって清書にない要点:2015年" in shown  # 3社 and 7割 are in the entry
    assert "です・ます調の文があります（シートはである調）:上位3社で7割を占めます。" in shown
    assert "清書2/2:技術力・販売力の弱み" in shown and "「技術力・販売力の弱み」の履歴" not in shown
    assert "この欄の清書はまだありません" in shown  # /history on the second box, then /back to the first


def test_the_toolbar_counts_the_entry_and_names_the_facts_it_lacks_while_it_is_typed(tmp_path: Path) -> None:
    """Before Enter, as prompt-toolkit draws the toolbar at each key: the typed text's length and how many of
    the answers' key facts it does not hold yet (2015年 and 二代目); Enter is sent only once such a frame was
    drawn."""
    out, frames, sent = io.StringIO(), [], []
    with manager(tmp_path).create(standard_bank(), Started(lang="ja")) as live, create_pipe_input() as pipe:
        live.jump("strengths_tech")
        live.answer("精度です。上位3社で売上の7割です。2015年に二代目として継ぎました。")
        desk = WriteUpDesk(live, Console(file=out, width=80, no_color=True), "ja", source=None, writer=AOBA)  # type: ignore[arg-type]

        def toolbar() -> str:
            shown = desk.toolbar()
            frames.append((typed_now(), shown))
            if typed_now() and not sent:
                sent.append(pipe.send_text("\r"))  # Enter, after a frame with the typed text was drawn
            return shown

        terminal = TerminalInput(make_completer(lambda: DESK_NAMES, lambda q: [], {}), toolbar, input=pipe,
                                 output=DummyOutput())
        desk.source = PipeDriven(terminal, pipe, ["上位3社で7割を占める", "/done\r"])
        assert desk.walk(["business.strengths"]) is True
        saved = live.transcript().writeups["business.strengths"].text
    typing = [shown for typed, shown in frames if typed == "上位3社で7割を占める"]
    assert typing and "入力中 11字" in typing[0] and "まだ入っていない回答の事実 2件" in typing[0], frames
    assert any("（0字）" in shown for typed, shown in frames if not typed), frames  # nothing typed: the saved entry's
    assert saved == "上位3社で7割を占める"
    assert "回答にあって清書にない要点:2015年、二代目" in flat(out.getvalue())  # the same two, after Enter


def test_the_panel_shows_the_official_label_what_to_write_the_answers_and_the_key_facts(tmp_path: Path) -> None:
    out = io.StringIO()
    with manager(tmp_path).create(standard_bank(), Started(lang="ja")) as live:
        live.jump("customer_trend")
        live.answer("10年以上のお付き合いのお客さんばかりです。")
        step = live.step()
        if step.state == "probing":
            live.answer("上位3社で売上の7割です。一番大きい東浜精機さんだけで4割あります。")
        live.note("主要顧客の推移は決算書でも確認する")
        desk = WriteUpDesk(live, Console(file=out, width=100, no_color=True), "ja", PlainInput(io.StringIO("")))
        desk.show_sources = True
        desk._order = ["environment.customers"]
        desk.show(0)
    shown = flat(out.getvalue())
    assert "顧客リピート率・新規開拓率主な取引先企業の推移顧客からのフィードバックの有無" in shown
    assert "リピート率・新規開拓、主な取引先の推移と集中度、顧客からの評価。" in shown  # what it should contain
    assert "目安30〜90字" in shown
    assert "回答10年以上のお付き合い" in shown and "メモ主要顧客の推移は決算書でも確認する" in shown
    assert "要点:10年、3社、7割、東浜精機、4割" in shown
    assert "まだ清書がありません" in shown


def test_ctrl_c_while_typing_saves_the_entry_and_stops(tmp_path: Path) -> None:
    out = io.StringIO()
    with manager(tmp_path).create(standard_bank(), Started(lang="ja")) as live, create_pipe_input() as pipe:
        desk = WriteUpDesk(live, Console(file=out, width=80, no_color=True), "ja", source=None)  # type: ignore[arg-type]
        terminal = TerminalInput(make_completer(lambda: DESK_NAMES, lambda q: [], {}), desk.toolbar, input=pipe,
                                 output=DummyOutput())
        desk.source = PipeDriven(terminal, pipe, ["現状維持志向で、既存の得意先を重視する" + CTRL_C])
        try:
            desk.walk(["management.motivation"])
            raise AssertionError("Ctrl-C must stop the walk")
        except KeyboardInterrupt:
            pass
        assert live.transcript().writeups["management.motivation"].text == "現状維持志向で、既存の得意先を重視する"
    assert "書きかけの清書を保存しました" in out.getvalue()


def test_commands_of_the_desk_list_clear_and_go_to_a_box(tmp_path: Path) -> None:
    out = io.StringIO()
    lines = "\n".join(["/box 弱み", "営業・見積りを社長1人が担い、月2〜3件の受注を断っている。", "/back", "/list",
                       "/clear", "/history", "/nosuch", "/done"]) + "\n"
    with manager(tmp_path).create(standard_bank(), Started(lang="ja")) as live:
        desk = WriteUpDesk(live, Console(file=out, width=100, no_color=True), "ja", PlainInput(io.StringIO(lines)))
        desk.walk(["business.strengths", "business.history"])  # /box puts 弱み after the box it was typed on
        history = live.transcript().writeup_history["business.weaknesses"]
    shown = flat(out.getvalue())
    assert [v.text for v in history] == ["営業・見積りを社長1人が担い、月2〜3件の受注を断っている。", ""]
    assert "清書3/3:企業及び事業沿革" in shown  # saved with nothing to advise: on to the next box
    assert "2●技術力・販売力の弱み" in shown and "1○技術力・販売力の強み" in shown
    assert "清書を消しました" in shown and "第2版" in shown and "（消去）" in shown
    assert "清書の画面にないコマンドです:/nosuch" in shown


# ---- in the interview ----


def interview(tmp_path: Path, lines: list[str], bank: Path = MINI_BANK) -> tuple[str, str]:
    out = io.StringIO()
    with manager(tmp_path).create(load_bank(bank), Started(lang="ja")) as live:
        shell = WritingInterview(live, Console(file=out, width=100, no_color=True), "ja", clock=ticking_clock(),
                                 writer=AOBA, write_command=f"locaben write {live.session_id}")
        shell.run(PlainInput(io.StringIO("\n".join(lines) + "\n")))
        return out.getvalue(), live.session_id


def test_the_end_of_a_section_offers_the_write_up_without_taking_a_line(tmp_path: Path) -> None:
    out, sid = interview(tmp_path, ["株式会社みどり精工", "24", "短い", "/skip", "/pause"])
    shown = flat(out)
    assert "「基本情報」の清書:未記入の欄が" in shown and "/writeで清書を始める" in shown
    assert "そのまま回答を続ければ後回し" in shown and f"locabenwrite{sid}" in shown
    events = SessionStore(tmp_path / "s").read(sid).events
    assert [e.payload.raw for e in events if e.kind == "answered"] == ["株式会社みどり精工", "24", "短い"]


def test_write_right_after_the_offer_opens_that_sections_boxes(tmp_path: Path) -> None:
    out, sid = interview(tmp_path, ["株式会社みどり精工", "24", "/write", "", "小槌 正夫", "代表取締役", "/done",
                                    "/pause"])
    writeups = SessionManager(SessionStore(tmp_path / "s"), ticking_clock()).transcript(sid).writeups
    assert writeups["header.author"].text == "青葉 健太"  # offered from who writes; Enter would keep it
    assert writeups["header.interviewee_name"].text == "小槌 正夫"
    assert writeups["header.interviewee_title"].text == "代表取締役"
    assert all(w.by == AOBA for w in writeups.values())
    assert "ヒアリングに戻ります" in out


def test_finish_offers_the_write_up_first_and_says_how_to_skip_it(tmp_path: Path) -> None:
    out, sid = interview(tmp_path, ["株式会社みどり精工", "/finish", "/skip"])
    assert "空のままEnterで清書を始める" in flat(out) and "/skipでそのまま完了" in flat(out)
    assert "清書は後回しにしました" in out
    assert SessionManager(SessionStore(tmp_path / "s"), ticking_clock()).transcript(sid).state == "finished"
    out, sid2 = interview(tmp_path / "b", ["株式会社みどり精工", "/finish", "", "/box 強み", "精密加工に強みがある。",
                                           "/done"])
    transcript = SessionManager(SessionStore(tmp_path / "b" / "s"), ticking_clock()).transcript(sid2)
    assert transcript.writeups["business.strengths"].text == "精密加工に強みがある。"
    assert transcript.state == "finished"


def test_finish_at_the_end_of_piped_input_finishes_as_before(tmp_path: Path) -> None:
    _, sid = interview(tmp_path, ["株式会社みどり精工", "/finish"])
    assert SessionManager(SessionStore(tmp_path / "s"), ticking_clock()).transcript(sid).state == "finished"


def test_write_ups_in_the_interview_carry_the_users_identity(tmp_path: Path) -> None:
    from dialogue.cli.main import Env, main

    out, err = io.StringIO(), io.StringIO()
    config = tmp_path / "cfg"
    lines = "株式会社みどり精工\n/write 強み\n精密加工に強みがあり、難削材も受ける。\n\n/pause\n"
    code = main(["interview", "--plain", "--lang", "ja", "--bank", str(MINI_BANK), "--sessions-dir", str(tmp_path / "s")],
                Env(stdin=io.StringIO(lines), stdout=out, stderr=err, clock=ticking_clock(),
                    environ={"NO_COLOR": "1", "LOCABEN_CONFIG_DIR": str(config), "LOCABEN_USER": "aoba"}))
    assert code == 0, err.getvalue()
    sid = SessionStore(tmp_path / "s").session_ids()[0]
    events = SessionStore(tmp_path / "s").read(sid).events
    written = [e for e in events if e.kind == "written_up"]
    assert [e.payload.field for e in written] == ["business.strengths"]
    # every event, the write-up included, names the same user and device (issue 16)
    assert len({e.by for e in events}) == 1 and written[0].by is not None
    assert (written[0].by.id, written[0].by.name) == ("aoba", "aoba") and written[0].by.device

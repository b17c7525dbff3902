"""The real prompt-toolkit input layer, driven through a pipe with a dummy output: key bindings, multi-line
answers, F2, Ctrl-C, and completion — no terminal needed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from dialogue.banks.reader import load_bank
from dialogue.engine.navigation import all_targets, find_targets
from dialogue.model.events import Started
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
from dialogue.ui.commands import NAMES, TARGET_COMMANDS
from dialogue.ui.interview import Interview
from dialogue.ui.terminal import TerminalInput, make_completer
from tests.helpers import MINI_BANK, STANDARD_BANK, ticking_clock
from tests.screen_driver import PipeDriven

F2 = "\x1bOQ"
ESC_ENTER = "\x1b\r"


def drive(tmp_path: Path, keys: list[str], bank: Path = MINI_BANK, mode: str = "guided") -> tuple[int, str, str]:
    manager = SessionManager(SessionStore(tmp_path / "s"), ticking_clock())
    out = io.StringIO()
    with manager.create(load_bank(bank), Started(mode=mode)) as live, create_pipe_input() as pipe:
        interview = Interview(live, Console(file=out, width=80, no_color=True), "ja", clock=ticking_clock())
        lang_targets = lambda q: [(t.id, t.kind, t.label) for t in (find_targets(live.engine.bank, q, "ja")  # noqa: E731
                                                                    if q else all_targets(live.engine.bank, "ja"))]
        terminal = TerminalInput(make_completer(lambda: NAMES, lang_targets, TARGET_COMMANDS), interview.toolbar,
                                 input=pipe, output=DummyOutput())
        code = interview.run(PipeDriven(terminal, pipe, keys))
        session_id = live.session_id
    return code, out.getvalue(), session_id


def answers(tmp_path: Path, session_id: str) -> dict[str, str]:
    events = SessionStore(tmp_path / "s").read(session_id).events
    return {e.payload.question: e.payload.raw for e in events if e.kind == "answered"}


def test_guided_interview_with_a_multiline_answer_probes_and_f2(tmp_path: Path) -> None:
    code, out, sid = drive(tmp_path, [
        "株式会社みどり精工\r",
        F2,  # hints off
        "24\r",
        "町工場" + ESC_ENTER + "です\r",  # thin, two lines: a probe follows
        "医療機器向けに転換したのが転機で、売上は10年で2倍になりました\r",  # answers the probe
        "/pause\r",
    ])
    assert code == 0
    assert "ヒント表示: オフ" in out
    assert "深掘りの質問（1/2）" in out and "具体的には？" in out
    got = answers(tmp_path, sid)
    assert got["history_story"] == "町工場\nです"
    events = SessionStore(tmp_path / "s").read(sid).events
    assert [e.payload.text for e in events if e.kind == "probe_answered"][0].startswith("医療機器向け")


def test_ctrl_c_at_the_prompt_saves_and_exits_130(tmp_path: Path) -> None:
    code, out, sid = drive(tmp_path, ["株式会社みどり精工\r", "\x03"])
    assert code == 130 and "locaben resume " + sid in out
    assert SessionStore(tmp_path / "s").read(sid).events[-1].kind == "paused"


def test_meeting_mode_through_the_prompt_jumps_and_appends(tmp_path: Path) -> None:
    code, out, sid = drive(tmp_path, [
        "/jump 強み\r", "試作から量産まで一貫\r", "公差±2μm\r",
        "/jump 後継者\r", "4\r",
        "/jump company.name\r", "株式会社みどり精工\r",
        "/jump 顧客提供価値\r", "図面段階から相談できる\r",
        "/jump company.employees\r", "24\r",
        "/pause\r"], bank=STANDARD_BANK, mode="meeting")
    got = answers(tmp_path, sid)
    strengths = [v for k, v in got.items() if k.startswith("strength")]
    assert any(v == "試作から量産まで一貫\n公差±2μm" for v in strengths), got
    assert got["company_name"] == "株式会社みどり精工" and got["employees"] == "24"
    assert "▶" in out and "深掘りの質問" not in out


@pytest.mark.parametrize(("typed", "expected"), [
    ("/ju", "jump"), ("/pa", "park"), ("/jump 強み", "business.strengths"),
    ("/jump strength", "business.strengths"), ("/park 沿革", "business.history"),
])
def test_completion_of_commands_and_targets(typed: str, expected: str) -> None:
    bank = load_bank(STANDARD_BANK)

    def targets(q: str) -> list[tuple[str, str, str]]:
        return [(t.id, t.kind, t.label) for t in (find_targets(bank, q, "ja") if q else all_targets(bank, "ja"))]

    completer = make_completer(lambda: NAMES, targets, TARGET_COMMANDS)
    found = [c.text for c in completer.get_completions(Document(typed), CompleteEvent())]
    assert expected in found


def test_a_prompt_without_an_offer_shows_no_placeholder_left_from_the_one_before(tmp_path: Path) -> None:
    """After /back and Enter kept 「代表取締役 | 緑川 一郎」, the next question's prompt offered nothing, yet
    prompt-toolkit drew the old 「Enter: 代表取締役 …」 (it keeps a placeholder given as None) — a keep that
    Enter did not do. What the terminal is sent for each prompt is read back."""
    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.output.vt100 import Vt100_Output

    screen = io.StringIO()
    output = Vt100_Output(screen, lambda: Size(rows=24, columns=100), term="xterm")
    with create_pipe_input() as pipe:
        terminal = TerminalInput(make_completer(lambda: NAMES, lambda q: [], {}), lambda: "", input=pipe,
                                 output=output)
        pipe.send_text("\r")
        assert terminal.read("代表取締役 | 緑川 一郎", "Enter: 代表取締役 | 緑川 一郎") == "代表取締役 | 緑川 一郎"
        assert "代表取締役" in screen.getvalue()  # the offer was drawn
        drawn = len(screen.getvalue())
        pipe.send_text("精密部品の切削加工\r")
        assert terminal.read() == "精密部品の切削加工"
    assert "代表取締役" not in screen.getvalue()[drawn:]

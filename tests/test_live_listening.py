"""While the owner's answer is typed, the toolbar says which of the question's listen-for points (the bank's
`listen_for` elements) the typed text does not hold yet — what an expert would ask next unless the owner says
it now — through prompt-toolkit's real input path: each line is typed, a frame is drawn with it, then Enter."""

from __future__ import annotations

from pathlib import Path

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from dialogue.model.events import Started
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
from dialogue.ui.terminal import TerminalInput, make_completer, typed_now
from dialogue.ui.toolbar import StatusLine
from tests.helpers import standard_bank, ticking_clock


def frames_while_typing(tmp_path: Path, lang: str, question: str, lines: list[str], mode: str = "guided",
                        answer: str = "") -> dict[str, str]:
    """Each of `lines` typed at the prompt of `question` (or, after `answer`, of the probe it draws): the
    toolbar drawn while it stood typed, by line."""
    seen: dict[str, str] = {}
    manager = SessionManager(SessionStore(tmp_path / "s"), ticking_clock())
    with manager.create(standard_bank(), Started(lang=lang, mode=mode)) as live, create_pipe_input() as pipe:
        live.jump(question)
        if answer:
            assert live.answer(answer).probe_element == "figure"  # the probe asks for a figure
        status = StatusLine(live, lang)

        def toolbar() -> str:
            shown, typed = status.text(200), typed_now()
            if typed and typed not in seen:
                seen[typed] = shown
                pipe.send_text("\r")  # Enter, once a frame with the typed line was drawn
            return shown

        terminal = TerminalInput(make_completer(lambda: [], lambda q: [], {}), toolbar, input=pipe,
                                 output=DummyOutput())
        for line in lines:
            pipe.send_text(line)
            assert terminal.read() == line
    return seen


def test_the_toolbar_names_the_points_the_typed_answer_does_not_hold_yet(tmp_path: Path) -> None:
    seen = frames_while_typing(tmp_path, "ja", "history_story", [
        "1985年に父が創業しました",  # a time and a person: no figure, no change yet
        "1985年に父が創業し、東浜精機さんの仕事で従業員は12人に増えました",  # all four
        "特にないですね",  # a non-answer: nothing to check
        "/note 二代目",  # a command
    ])
    assert "まだ出ていない: 数字・変化" in seen["1985年に父が創業しました"]
    assert "聞き取るポイント ✓" in seen["1985年に父が創業し、東浜精機さんの仕事で従業員は12人に増えました"]
    for line in ("特にないですね", "/note 二代目"):
        assert "まだ出ていない" not in seen[line] and "✓" not in seen[line], seen[line]


def test_in_english_and_not_in_meeting_mode(tmp_path: Path) -> None:
    seen = frames_while_typing(tmp_path / "en", "en", "history_story", ["It was founded in 1985 by my father"])
    assert "not said yet: figure, change" in seen["It was founded in 1985 by my father"]
    seen = frames_while_typing(tmp_path / "meeting", "ja", "history_story", ["1985年に父が創業しました"],
                               mode="meeting")  # meeting notes: no probing, so no prompt to probe either
    assert "まだ出ていない" not in seen["1985年に父が創業しました"]


def test_while_a_probe_is_answered_the_toolbar_checks_the_element_it_asks_for(tmp_path: Path) -> None:
    seen = frames_while_typing(tmp_path, "ja", "history_story", ["取引先が増えました", "従業員は12人です"],
                               answer="1985年に父が創業し、東浜精機さんの仕事で仕事が増えました")
    assert "まだ出ていない: 数字" in seen["取引先が増えました"]
    assert "聞き取るポイント ✓" in seen["従業員は12人です"]

"""Role-play on screen, through prompt-toolkit's input: the toolbar counts every note at the very next prompt;
the score report opens in the pager on a short screen, is saved next to the session (0600) and its path is
printed whole."""

from __future__ import annotations

import io
import os
from pathlib import Path

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from dialogue.model.events import Started
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
from dialogue.training.persona import load_persona, persona_path
from dialogue.training.roleplay import RolePlay, completer
from dialogue.ui.terminal import TerminalInput
from tests.helpers import standard_bank, ticking_clock
from tests.screen_driver import sized_console


def play(tmp_path: Path, keys: list[str]) -> tuple[list[str], list[str], str, str]:
    bank = standard_bank()
    persona = load_persona(persona_path("kozuchi_seiko"), bank)
    manager = SessionManager(SessionStore(tmp_path / "s"), ticking_clock())
    out, toolbars, paged = io.StringIO(), [], []
    meta = Started(mode="meeting", lang="ja", training="roleplay", persona=persona.id)
    with manager.create(bank, meta) as live, create_pipe_input() as pipe:
        roleplay = RolePlay(live, persona, sized_console(out, 80, 24), "ja")
        terminal = TerminalInput(completer(bank, "ja"), roleplay.toolbar, input=pipe, output=DummyOutput())

        class Keys:
            def page(self, text: str, lang: str) -> None:
                paged.append(text)
                pipe.send_text("q")
                terminal.page(text, lang)

            def read(self, offered: str = "", placeholder: str = "") -> str:
                toolbars.append(roleplay.toolbar())  # what the toolbar shows at this prompt
                if not keys:
                    raise EOFError
                pipe.send_text(keys.pop(0))
                return terminal.read(offered, placeholder)

        roleplay.run(Keys())
        session_id = live.session_id
    return toolbars, paged, out.getvalue(), session_id


def test_the_toolbar_counts_each_note_at_the_next_prompt(tmp_path: Path) -> None:
    toolbars, _, _, _ = play(tmp_path, ["/ask industry\r", "精密切削加工\r", "/probe 1\r", "半導体向けが5割強\r",
                                        "/ask employees\r", "24人\r"])
    counts = [(t.split("記録 ")[1].split(" ")[0], t.split("深掘り ")[1].split(" ")[0]) for t in toolbars]
    assert counts == [("0", "0"), ("0", "0"), ("1", "0"), ("1", "0"), ("1", "1"), ("1", "1"), ("2", "1")]


def test_the_score_report_is_paged_saved_beside_the_session_and_its_path_printed(tmp_path: Path) -> None:
    _, paged, out, session_id = play(tmp_path, ["/ask industry\r", "精密切削加工\r"])
    assert len(paged) == 1 and "採点 — 株式会社小槌精工" in paged[0]  # taller than 24 rows: in the pager
    saved = tmp_path / "s" / f"{session_id}-score.txt"
    assert saved.is_file() and oct(os.stat(saved).st_mode & 0o777) == "0o600"
    report = saved.read_text(encoding="utf-8")
    assert "採点 — 株式会社小槌精工" in report and "\x1b" not in report
    assert f"採点レポートを保存しました: {saved}" in out  # one line, never wrapped: to copy

"""Random text — markup, escape sequences, control and bidi characters, lone surrogates, huge pastes — given
as answers, notes, parked, flagged, draft and written-up text through the typed session API, then shown
(question screen, reminder, review, outline, recap), shown again after a resume, and listed and compiled
through the CLI in-process into every format and the filed sheet for both audiences: zero exceptions, every
command succeeds, and nothing that could drive a terminal reaches the screen (issue 12)."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from dialogue.cli.env import Env
from dialogue.cli.main import main
from dialogue.errors import AnswerError, CommandError
from dialogue.model.events import Started
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
from dialogue.ui.interview import Interview
from dialogue.ui.text import make_console
from tests.helpers import standard_bank, ticking_clock

BANK = standard_bank()
NASTY = ["[/]", "[bold]x[/bold]", "[link=file:///etc/passwd]x[/link]", "[eco]デザイン", "\x1b]0;title\x07",
         "\x1b[2J", "\x1b]52;c;SGVsbG8=\x07", "\x1b]8;;http://evil.example/\x07x\x1b]8;;\x07", "\u202e", "\u200b",
         "\ud800", "\udfff", "\x00", "\x7f", "\u2028", "\ufeff", "{answer}", "%s", "`", "<script>", "=SUM(A1)",
         "。」ー", "\r\n", "\t"]
PIECES = st.one_of(st.sampled_from(NASTY), st.text(max_size=30),
                   st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=20))
TEXTS = st.one_of(st.lists(PIECES, min_size=1, max_size=8).map("".join),
                  st.sampled_from(NASTY).map(lambda s: ("金属部品の精密加工" + s) * 3_500))  # > 32,767: Excel's cell


def cli(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    env = Env(stdin=io.StringIO(""), stdout=out, stderr=err, clock=ticking_clock(), environ={"NO_COLOR": "1"})
    return main(args, env), out.getvalue(), err.getvalue()


def refuse(constant: str) -> None:
    raise ValueError(f"bare {constant} is not JSON")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(TEXTS, TEXTS)
def test_any_text_goes_through_answer_review_sessions_and_every_format(company: str, answer: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sessions = Path(tmp) / "s"
        manager = SessionManager(SessionStore(sessions), ticking_clock())
        screen = io.StringIO()
        with manager.create(BANK, Started()) as live:
            interview = Interview(live, make_console(screen, no_color=True, width=80), "ja", clock=ticking_clock())
            for command in (lambda: live.answer(company), lambda: live.answer(answer), lambda: live.note(answer),
                            lambda: live.park("business.strengths", answer), lambda: live.flag(answer),
                            lambda: live.write_up("business.strengths", answer), lambda: live.draft(answer)):
                with contextlib.suppress(AnswerError, CommandError):  # refused with a message: a blank note …
                    command()
            for line in ("/review", "", "/outline", "/jump strengths_sales", "/jump current_state_owner", "/back"):
                interview.handle(line)
            session_id = live.session_id
        with manager.resume(session_id) as live:  # the same text read back from the journal
            interview = Interview(live, make_console(screen, no_color=True, width=80), "ja", clock=ticking_clock())
            for line in ("/review", "", "/outline", "/jump strengths_sales", "/back"):
                interview.handle(line)
        assert "\x1b" not in screen.getvalue() and "\u202e" not in screen.getvalue()
        code, out, err = cli(["sessions", "--sessions-dir", str(sessions), "--lang", "ja"])
        assert code == 0, err
        code, out, err = cli(["sessions", "--json", "--sessions-dir", str(sessions)])
        assert code == 0 and session_id in out, err
        code, out, err = cli(["compile", session_id, "--format", "md,html,xlsx,json,transcript", "-o",
                              str(Path(tmp) / "out"), "--sessions-dir", str(sessions)])
        assert code == 0, err
        out_dir = Path(tmp) / "out"
        assert sorted(p.name.removeprefix(session_id) for p in out_dir.glob(f"{session_id}-*")) == [
            "-sheet.html", "-sheet.json", "-sheet.md", "-sheet.xlsx", "-transcript.md"]
        json.loads((out_dir / f"{session_id}-sheet.json").read_text(encoding="utf-8"), parse_constant=refuse)
        load_workbook(out_dir / f"{session_id}-sheet.xlsx")  # a workbook that opens
        for audience in ("bank", "owner"):
            code, out, err = cli(["compile", session_id, "--filing", "--audience", audience, "-o",
                                  str(Path(tmp) / audience), "--sessions-dir", str(sessions)])
            assert code == 0, err
            assert {p.suffix for p in (Path(tmp) / audience).glob(f"{session_id}-*")} >= {".html", ".xlsx"}
            load_workbook(next((Path(tmp) / audience).glob("*.xlsx")))

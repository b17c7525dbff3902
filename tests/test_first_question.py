"""The first question is on screen before prompt-toolkit is imported, and what is typed meanwhile is kept.

`locaben interview` in a pseudo-terminal, started through a wrapper whose audit hook prints a mark the moment
prompt-toolkit is imported: the question must come before the mark, and an answer typed as soon as the
question shows (before the input line exists) must be the answer saved."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest

from dialogue.store.journal import SessionStore
from tests.helpers import CODE

pytestmark = pytest.mark.e2e
MARK = "<<prompt_toolkit imported>>"
WRAPPER = f"""
import sys
def hook(event, args):
    if event == "import" and args[0] == "prompt_toolkit":
        sys.__stdout__.write("\\n{MARK}\\n")
        sys.__stdout__.flush()
sys.addaudithook(hook)
from dialogue.cli.main import main
sys.exit(main())
"""


def test_question_before_prompt_toolkit_and_typed_ahead_answer_kept(tmp_path: Path) -> None:
    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm-256color", LANG="C.UTF-8", NO_COLOR="1",
               PYTHONPATH=str(CODE))  # the code under test (CI's wheel stage: the installed one), never the checkout
    sessions = tmp_path / "sessions"
    child = pexpect.spawn(sys.executable, ["-c", WRAPPER, "interview", "--lang", "ja", "--sessions-dir",
                                           str(sessions)], cwd=str(tmp_path), env=env, encoding="utf-8",
                          timeout=20, dimensions=(30, 100))
    child.delaybeforesend = None
    child.expect_exact("正式な商号")
    child.send("株式会社みどり精工\r")  # typed at once: the input line is not there yet
    child.expect_exact(MARK)  # … and prompt-toolkit came after the question
    child.expect_exact("代表者様のお名前")  # the typed answer was taken: the next question
    child.send("/pause\r")
    child.expect(pexpect.EOF)
    session_id = SessionStore(sessions).session_ids()[0]
    events = SessionStore(sessions).read(session_id).events
    assert [e.payload.raw for e in events if e.kind == "answered"] == ["株式会社みどり精工"]

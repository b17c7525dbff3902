"""What `locaben interview` and `locaben resume` do at start (issue 18): their own parser alone, the same
answers as the whole parser's; none of the other commands' modules, nor what only some stores need."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import CODE, parsed, plain_interview

ARGVS = [
    ["interview"],
    ["interview", "--bank", "b.yaml", "--from", "S0", "--mode", "meeting", "--budget", "90", "--lang", "en"],
    ["interview", "--plain", "--no-hints", "--sessions-dir", "s"],
    ["interview", "--mode", "chat"],  # an error
    ["interview", "--budget", "soon"],  # an error
    ["resume", "S1"],
    ["resume", "S1", "--new-visit", "--bank", "b.yaml", "--plain"],
    ["resume", "S1", "--same-visit", "--lang", "ja", "--sessions-dir", "s"],
    ["resume", "S1", "--new-visit", "--same-visit"],  # an error
    ["resume"],  # an error
    ["resume", "S1", "--frobnicate"],  # an error
]

PROBE = """
import io, json, sys
from dialogue.cli.main import Env, main
out = io.StringIO()
env = Env(stdin=io.StringIO("/pause\\n"), stdout=out, stderr=io.StringIO())
code = main([*sys.argv[1:], "--plain", "--lang", "ja"], env)
print(json.dumps({"code": code, "out": out.getvalue(),
                  "loaded": sorted(m for m in sys.modules if m.startswith("dialogue.cli.")
                                   or m in ("tomllib", "socket", "subprocess", "yaml", "jinja2"))}))
"""




@pytest.mark.parametrize("argv", ARGVS)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_interview_parser_answers_as_the_whole_parser(argv: list[str], lang: str) -> None:
    assert parsed(argv, argv[0], lang) == parsed(argv, None, lang)


def fresh(args: list[str], cache: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "PYTHONPATH": str(CODE), "NO_COLOR": "1", "LOCABEN_CACHE_DIR": str(cache)},
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.splitlines()[-1]))


def test_an_interview_and_a_resume_load_only_what_they_use(tmp_path: Path) -> None:
    """No other command's module, no policy reader (there is no policy file), no socket or subprocess, and
    (the bank from the cache) neither yaml nor jinja2."""
    store, cache = tmp_path / "s", tmp_path / "cache"
    assert fresh(["interview", "--sessions-dir", str(tmp_path / "first")], cache)["code"] == 0  # fills the cache
    new = fresh(["interview", "--sessions-dir", str(store)], cache)
    assert new["code"] == 0
    journal = next(store.glob("*.jsonl"))
    resumed = fresh(["resume", journal.stem, "--sessions-dir", str(store)], cache)
    assert resumed["code"] == 0 and journal.stem in str(resumed["out"])
    for run in (new, resumed):
        assert run["loaded"] == ["dialogue.cli.compile_filing", "dialogue.cli.compiling", "dialogue.cli.env",
                                 "dialogue.cli.fasthelp", "dialogue.cli.help", "dialogue.cli.interview",
                                 "dialogue.cli.main", "dialogue.cli.protect", "dialogue.cli.team",
                                 "dialogue.cli.team_admin", "dialogue.cli.team_views"], run["loaded"]


def test_a_session_written_before_is_resumed_with_the_same_answers(tmp_path: Path) -> None:
    store = tmp_path / "s"
    journal = plain_interview(store, ["株式会社みどり精工", "/pause"])
    before = journal.read_bytes()
    resumed = fresh(["resume", journal.stem, "--sessions-dir", str(store)], tmp_path / "cache")
    assert resumed["code"] == 0
    after = journal.read_bytes()
    assert after.startswith(before)  # the resume only appended
    assert "株式会社みどり精工" in after.decode("utf-8")


def test_a_returned_sheet_is_still_told_on_resume_and_nothing_else_is() -> None:
    """The notice's formatting (from the sheet's module) is loaded only for a returned session."""
    from dialogue.cli.team import returned_notice
    from dialogue.model.events import Actor, Approved, Event, Returned

    returned = Event("2026-11-30T10:00:00+09:00", Returned("強みの根拠（数字）を追記してください"), Actor("sato", "佐藤"))
    notice = returned_notice(returned, "ja")
    assert notice is not None and "強みの根拠（数字）を追記してください" in notice and "佐藤" in notice
    assert returned_notice(Event("2026-11-30T11:00:00+09:00", Approved()), "ja") is None
    assert returned_notice(None, "en") is None

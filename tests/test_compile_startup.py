"""`locaben compile ID` starts with what a compile needs (issue 18): the compile command's parser alone (the
same answers and errors as the whole parser's), and none of the other commands' modules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import CODE, parsed, plain_interview

ARGVS = [
    ["compile", "S1"],
    ["compile", "S1", "--format", "md,xlsx", "-o", "out", "--force", "--lang", "en"],
    ["compile", "--all", "--sessions-dir", "s", "--bank", "b.yaml"],
    ["compile", "S1", "--filing", "--audience", "owner"],
    ["compile", "S1", "--audience", "nobody"],  # an error
    ["compile", "S1", "S2"],  # an error
    ["compile", "--frobnicate"],  # an error
]

# Compiles a session in a fresh process and prints which of the package's command modules were imported.
PROBE = """
import json, sys
from dialogue.cli.main import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "cli": sorted(m for m in sys.modules if m.startswith("dialogue.cli."))}))
"""




@pytest.mark.parametrize("argv", ARGVS)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_compile_parser_answers_as_the_whole_parser(argv: list[str], lang: str) -> None:
    assert parsed(argv, "compile", lang) == parsed(argv, None, lang)


def test_a_compile_imports_no_other_command(tmp_path: Path) -> None:
    journal = plain_interview(tmp_path / "s", ["株式会社みどり精工", "/pause"])
    done = subprocess.run([sys.executable, "-c", PROBE, "compile", journal.stem, "--sessions-dir", str(tmp_path / "s"),
                           "-o", str(tmp_path / "out")], capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "PYTHONPATH": str(CODE), "NO_COLOR": "1"}, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["code"] == 0
    others = {"dialogue.cli.interview", "dialogue.cli.sessions", "dialogue.cli.training", "dialogue.cli.write",
              "dialogue.cli.bank_tools"}  # (dialogue.cli.team is: the store's reader is named by its identity)
    assert not others & set(result["cli"]), result["cli"]
    assert (tmp_path / "out" / f"{journal.stem}-sheet.xlsx").exists()

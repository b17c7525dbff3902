"""Compiling writes customer data only into the output folder (issue 12, item 12): nothing in $TMPDIR or
anywhere else, even when the process is killed in the middle of saving the workbook."""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dialogue.sheet.outputs import render_files
from tests.helpers import CODE, cli_interview, run_cli, run_interview, session_id, standard_bank

# Runs `locaben ARGS…` with an audit hook that records every path opened for writing, created, renamed
# or linked, and prints them as the last line.
AUDITED_CLI = """
import json, os, sys
WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
written = []
def hook(event, args):
    if event == "open" and not isinstance(args[0], int) and isinstance(args[2], int) and args[2] & WRITE:
        written.append(os.fsdecode(args[0]))
    elif event in ("os.rename", "os.replace", "os.link", "os.symlink"):
        written.append(os.fsdecode(args[1]))
    elif event == "os.mkdir":
        written.append(os.fsdecode(args[0]))
sys.addaudithook(hook)
from dialogue.cli.main import main
code = main(sys.argv[1:])
print("WRITTEN " + json.dumps(written))
sys.exit(code)
"""

# Runs `locaben ARGS…` and kills itself (SIGKILL) when XlsxWriter (which writes the workbook; it would put
# each worksheet's XML in a temporary file unless told to work in memory) has written worksheet number N.
KILLED_IN_XLSX_SAVE = """
import os, signal, sys
from xlsxwriter.worksheet import Worksheet
n = int(sys.argv.pop(1))
calls = []
original = Worksheet._assemble_xml_file
def assemble(self):
    original(self)
    calls.append(1)
    if len(calls) == n:
        os.kill(os.getpid(), signal.SIGKILL)
Worksheet._assemble_xml_file = assemble
from dialogue.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def child_env(tmpdir: Path) -> dict[str, str]:
    tmpdir.mkdir(mode=0o700, exist_ok=True)
    return dict(os.environ, TMPDIR=str(tmpdir), TEMP=str(tmpdir), TMP=str(tmpdir), NO_COLOR="1",
                PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(CODE))


def recorded_session(tmp_path: Path) -> str:
    code, _, err = cli_interview(tmp_path, ["株式会社みどり精工", "24", "創業は1978年、父が精密切削で始めました。" * 20,
                                        "/pause"])
    assert code == 0, err
    return session_id(tmp_path)


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def data_free_probe(path: Path, tmpdir: Path) -> bool:
    """The writes outside the folders that carry no data: Python's `tempfile` checks on first use that
    $TMPDIR is writable (a file with a random 8-letter name, removed at once), and filelock (used before
    dialogue/oslock.py) checked at import whether hard links work (`probe-source` linked as `probe-link`)."""
    if path.parent == tmpdir:
        return re.fullmatch(r"[a-z0-9_]{8}|tmp[a-z0-9_]{8}", path.name) is not None
    return path.parent.parent == tmpdir and path.name in ("probe-source", "probe-link")


def test_compile_writes_nothing_outside_the_store_and_the_output_folder(tmp_path: Path) -> None:
    sid = recorded_session(tmp_path)
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-c", AUDITED_CLI, "compile", sid, "-o", str(out),
                             "--sessions-dir", str(tmp_path / "s")], capture_output=True, text=True, timeout=120,
                            env=child_env(tmp_path / "tmp"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = json.loads(result.stdout.rsplit("WRITTEN ", 1)[1])
    assert any(Path(p).name.endswith("sheet.xlsx") for p in written)  # the hook saw the compile's writes
    allowed = (out.resolve(), (tmp_path / "s").resolve())
    outside = [p for p in written if not any(Path(p).resolve().is_relative_to(a) for a in allowed)]
    assert [p for p in outside if not data_free_probe(Path(p), tmp_path / "tmp")] == [], outside
    assert files_under(tmp_path / "tmp") == []


@pytest.mark.parametrize("worksheet", [1, 2, 3, 4])
def test_a_compile_killed_while_saving_the_workbook_leaves_nothing_in_tmpdir(tmp_path: Path, worksheet: int) -> None:
    sid = recorded_session(tmp_path)
    out, tmpdir = tmp_path / "out", tmp_path / "tmp"
    result = subprocess.run([sys.executable, "-c", KILLED_IN_XLSX_SAVE, str(worksheet), "compile", sid, "-o", str(out),
                             "--sessions-dir", str(tmp_path / "s")], capture_output=True, text=True, timeout=120,
                            env=child_env(tmpdir), cwd=tmp_path)
    assert result.returncode == -signal.SIGKILL, result.stderr  # it was killed, in the save
    assert files_under(tmpdir) == []  # no worksheet XML with the customer's answers
    for path in files_under(out) if out.exists() else []:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    code, _, err = run_cli(["compile", sid, "-o", str(out), "--sessions-dir", str(tmp_path / "s")])
    assert code == 0, err  # and the next compile works


def test_the_workbook_is_the_same_bytes_whenever_it_is_compiled() -> None:
    """No wall-clock time in the file (openpyxl's temporary files used to stamp each worksheet's zip entry)."""
    transcript = run_interview(standard_bank())[1]
    first = render_files(transcript, ["xlsx"], "ja")
    time.sleep(2.1)  # zip times have a two-second resolution
    assert render_files(transcript, ["xlsx"], "ja") == first


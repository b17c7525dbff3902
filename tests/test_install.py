"""What a new user does with an installed `locaben`, from a folder of their own: demo, an interview, the list
of sessions, the compiled sheet, the version, the built-in banks.

The command is the one of tests/conftest.py (`locaben_command`): in CI's wheel stage the `locaben` of a wheel
installed (not editable) into a fresh venv, run from a temporary folder outside the checkout."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

import dialogue
from tests.helpers import ROOT

pytestmark = pytest.mark.e2e
INSTALLED = bool(os.environ.get("LOCABEN_COMMAND"))  # the command under test is an install, not this checkout


def runner(command: list[str], cwd: Path, env: dict[str, str]):  # type: ignore[no-untyped-def]
    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        result = subprocess.run([*command, *args], cwd=cwd, env=env, input=stdin, capture_output=True,
                                text=True, encoding="utf-8", timeout=60)
        assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-2000:])
        return result
    return run


def user_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LOCABEN_SESSIONS_DIR", "XDG_DATA_HOME")}
    return {**env, "NO_COLOR": "1", "LANG": "C.UTF-8", "COLUMNS": "200", "HOME": str(tmp_path / "home"), **extra}


def test_demo_interview_sessions_compile_from_a_folder_of_ones_own(tmp_path: Path, locaben_command) -> None:  # type: ignore[no-untyped-def]
    work = tmp_path / "desktop"
    work.mkdir()
    store = tmp_path / "store"
    run = runner(locaben_command, work, user_env(tmp_path, LOCABEN_SESSIONS_DIR=str(store)))

    assert run("--version").stdout.splitlines()[0] == f"locaben {dialogue.__version__}"

    demo = run("demo", "-o", "demo-out", "--lang", "ja")
    demo_files = sorted(p.name for p in (work / "demo-out").iterdir() if not p.name.startswith("."))
    suffixes = ["sheet.html", "sheet.json", "sheet.md", "sheet.xlsx", "transcript.md"]
    filed = ["filing.html", "filing.xlsx", "followup.html", "interview-record.html"]  # the demo files the sheet too
    assert [name.split("-", 3)[-1] for name in demo_files] == filed + suffixes, demo_files
    assert "株式会社小槌精工" in (work / "demo-out" / demo_files[6]).read_text(encoding="utf-8")
    assert "シートを書き出しました" in demo.stdout

    before = set(store.glob("*.jsonl"))  # the demo's session
    answers = ["株式会社みどり精工", "代表取締役 緑川 誠（二代目）",
               "長野県上田市。本社工場のほかに佐久市に第二工場があります。", "/pause"]
    interview = run("interview", "--plain", "--lang", "ja", stdin="\n".join(answers) + "\n")
    (journal,) = set(store.glob("*.jsonl")) - before
    session_id = journal.stem
    hint = next(line for line in interview.stdout.splitlines() if "再開するには: " in line).split("再開するには: ")[1]
    assert hint.split()[-1] == session_id  # the command as it was invoked: it works when pasted as printed
    pasted = subprocess.run(f"{hint} --plain --lang ja", shell=True, input="/pause\n", capture_output=True,
                            text=True, cwd=work, env=user_env(tmp_path, LOCABEN_SESSIONS_DIR=str(store)), timeout=60)
    assert pasted.returncode == 0 and f"{session_id} を再開します" in pasted.stdout, pasted.stderr

    rows = {row["id"]: row for row in json.loads(run("sessions", "--json").stdout)}
    assert rows[session_id]["company"] == "株式会社みどり精工" and rows[session_id]["state"] == "paused"
    table = run("sessions", "--lang", "ja").stdout
    assert session_id in table and "株式会社みどり精工" in table

    printed = run("compile", session_id, "-o", "out").stdout.split()
    expected = [work / "out" / f"{session_id}-{suffix}" for suffix in suffixes]
    assert sorted(Path(p) if Path(p).is_absolute() else work / p for p in printed) == expected
    sheet = json.loads((work / "out" / f"{session_id}-sheet.json").read_text(encoding="utf-8"))
    assert sheet["fields"]["company.name"]["status"] == "filled"
    assert "株式会社みどり精工" in (work / "out" / f"{session_id}-sheet.md").read_text(encoding="utf-8")
    assert (work / "out" / f"{session_id}-sheet.xlsx").read_bytes().startswith(b"PK")
    assert not (work / "sessions").exists()  # nothing was put in the user's own folder but what was asked


def test_the_built_in_banks_come_with_the_install(tmp_path: Path, locaben_command) -> None:  # type: ignore[no-untyped-def]
    run = runner(locaben_command, tmp_path, user_env(tmp_path))
    listing = json.loads(run("bank", "list", "--json", "--lang", "en").stdout)
    paths = [Path(row["path"]) for kind in listing.values() for row in kind]
    assert {"locaben_standard", "first_visit"} <= {row["id"] for row in listing["banks"]}
    assert len(listing["personas"]) >= 3 and all(p.is_file() for p in paths)
    if INSTALLED:  # read from the installed package, not from this checkout
        assert not any(p.is_relative_to(ROOT) for p in paths), paths
    run("bank", "validate", *(str(p) for p in paths if p.parent.name != "personas"))


def test_sessions_are_found_from_any_folder(tmp_path: Path, locaben_command) -> None:  # type: ignore[no-untyped-def]
    """Started in one folder, listed and compiled from others: the per-user data folder is the store."""
    first, second = tmp_path / "monday", tmp_path / "tuesday"
    first.mkdir()
    second.mkdir()
    env = user_env(tmp_path)
    runner(locaben_command, first, env)("interview", "--plain", "--lang", "ja", stdin="株式会社みどり精工\n/pause\n")
    rows = json.loads(runner(locaben_command, second, env)("sessions", "--json").stdout)
    assert [row["company"] for row in rows] == ["株式会社みどり精工"]
    store = tmp_path / "home" / ".local" / "share" / "locaben" / "sessions"
    assert [p.stem for p in store.glob("*.jsonl")] == [rows[0]["id"]]
    assert not (first / "sessions").exists()

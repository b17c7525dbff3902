"""Privacy: a customer's answers are readable by the interviewer only, never enter git, and nothing typed
into an answer or a bank is executed or treated as a template."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from dialogue.model.events import Started
from dialogue.sheet.outputs import FORMATS, render_files
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
from tests.helpers import MINI_BANK, ROOT, mini_bank, run_cli, texts_of, ticking_clock

TEMPLATE_ANSWER = "{{ 7*7 }}円・{% for i in range(3) %}繰{% endfor %}・{# c #}・${HOME}・$(id)・%(x)s・{0}"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask a user could have: every file would be world-writable by default."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_session_files_directory_backups_and_outputs_are_private(tmp_path: Path, open_umask: None) -> None:
    sessions = tmp_path / "new" / "sessions"  # parents are created too
    code, _, _ = run_cli(["interview", "--plain", "--lang", "ja", "--bank", str(MINI_BANK),
                      "--sessions-dir", str(sessions)], "株式会社みどり精工\n24\n/pause\n")
    assert code == 0
    assert mode(sessions) == 0o700
    (path,) = sessions.glob("*.jsonl")
    assert mode(path) == 0o600
    # a repaired file keeps a private backup
    with open(path, "ab") as handle:
        handle.write(b'{"kind":"no')
    assert run_cli(["resume", path.stem, "--plain", "--lang", "ja", "--sessions-dir", str(sessions)], "/pause\n")[0] == 0
    (backup,) = sessions.glob("*.bak*")
    assert mode(backup) == 0o600 and mode(path) == 0o600
    # compiled outputs, the manifest and the output directory
    out = tmp_path / "out"
    code, printed, _ = run_cli(["compile", path.stem, "-o", str(out), "--sessions-dir", str(sessions)])
    assert code == 0 and printed
    assert mode(out) == 0o700
    files = list(out.iterdir())
    assert len(files) >= len(FORMATS)
    assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    # nothing else was left in the sessions directory (temporary files, session locks) but the audit log
    # (its entries, its head record and the lock appends take turns on), private like the rest
    assert sorted(p.name.replace(path.stem, "ID") for p in sessions.iterdir()) == [
        "ID.jsonl", "ID.jsonl.bak1", "audit.log", "audit.log.head", "audit.log.lock"]
    assert {p.name: mode(p) for p in sessions.iterdir()} == {p.name: 0o600 for p in sessions.iterdir()}


def test_a_directory_that_exists_already_is_made_private(tmp_path: Path, open_umask: None) -> None:
    sessions = tmp_path / "sessions"
    sessions.mkdir(mode=0o777)
    os.chmod(sessions, 0o777)
    SessionStore(sessions).ensure()
    assert mode(sessions) == 0o700


def test_the_lock_file_is_not_readable_by_others(tmp_path: Path, open_umask: None) -> None:
    manager = SessionManager(SessionStore(tmp_path / "sessions"), ticking_clock())
    with manager.create(mini_bank(), Started(lang="ja")) as live:
        lock = manager.store.path(live.session_id).with_suffix(".lock")
        assert lock.exists() and mode(lock) & 0o077 == 0
        assert mode(manager.store.path(live.session_id)) == 0o600
        session_id = live.session_id
    with manager.resume(session_id):
        assert mode(lock) & 0o077 == 0
    assert not lock.exists()


def test_sessions_stay_out_of_git() -> None:
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")

    def ignored(relative: str) -> bool:
        result = subprocess.run([git, "check-ignore", "--no-index", "-q", relative], cwd=ROOT,
                                capture_output=True, text=True, timeout=10)
        assert result.returncode in (0, 1), result.stderr
        return result.returncode == 0

    assert ignored("sessions/x.jsonl")
    assert ignored("sessions/20261123-105500-ab12.jsonl.bak1")
    assert ignored("sessions/20261123-105500-ab12.lock")
    assert ignored("out/20261123-105500-ab12-sheet.xlsx")
    assert not ignored("sessions/README.md")


# ---- nothing typed is executed or used as a template ----

def test_template_syntax_in_an_answer_appears_literally_in_every_format(tmp_path: Path) -> None:
    manager = SessionManager(SessionStore(tmp_path / "sessions"), ticking_clock())
    with manager.create(mini_bank(), Started(lang="ja")) as live:
        live.answer(TEMPLATE_ANSWER)
        live.answer("24")
        live.note(TEMPLATE_ANSWER)
        live.answer(TEMPLATE_ANSWER + "。創業からの歩みを詳しく伺いました。")
        session_id = live.session_id
    files = render_files(manager.transcript(session_id), list(FORMATS), "ja")
    assert len(files) == len(FORMATS)
    for name, data in files.items():
        text = texts_of(name, data)
        assert TEMPLATE_ANSWER in text, name
        assert "繰繰繰" not in text and "円・49" not in text, name


def test_template_syntax_and_formulas_in_a_bank_are_shown_not_run(tmp_path: Path) -> None:
    text = MINI_BANK.read_text(encoding="utf-8")
    bank_path = tmp_path / "bank.yaml"
    question = "{{ 7*7 }} {% for i in range(3) %}繰{% endfor %} =1+1 会社名を教えてください。"
    bank_path.write_text(text.replace("ja: 会社名を教えてください。", f'ja: "{question}"'), encoding="utf-8")
    sessions = tmp_path / "sessions"
    code, out, _ = run_cli(["interview", "--plain", "--lang", "ja", "--bank", str(bank_path),
                        "--sessions-dir", str(sessions)], "=HYPERLINK(\"http://example.invalid\",\"x\")\n/pause\n")
    assert code == 0 and question.split(" 会社名")[0] in out  # shown as written on screen
    session_id = next(sessions.glob("*.jsonl")).stem
    code, _, _ = run_cli(["compile", session_id, "-o", str(tmp_path / "out"), "--sessions-dir", str(sessions)])
    assert code == 0
    for path in (tmp_path / "out").iterdir():
        if path.name.startswith("."):
            continue
        if path.suffix == ".xlsx":
            import openpyxl

            workbook = openpyxl.load_workbook(path)
            cells = [c for ws in workbook for row in ws.iter_rows() for c in row
                     if isinstance(c.value, str) and c.value.startswith("=")]
            assert cells and all(c.data_type == "s" for c in cells)  # text, never a formula
        if path.suffix in (".md", ".html", ".json") and "transcript" in path.name:
            assert question in texts_of(path.name, path.read_bytes()), path.name
        assert "繰繰繰" not in texts_of(path.name, path.read_bytes()), path.name


def test_journal_lines_are_data_not_code(tmp_path: Path) -> None:
    """A hand-edited journal with odd JSON keys is only data: nothing is imported, evaluated or called."""
    manager = SessionManager(SessionStore(tmp_path / "sessions"), ticking_clock())
    with manager.create(mini_bank(), Started(lang="ja")) as live:
        session_id = live.session_id
    path = manager.store.path(session_id)
    evil = {"kind": "noted", "at": "2026-11-23T10:00:00", "question": None,
            "text": "__import__('os').system('touch pwned')", "__class__": "os.system", "py/object": "os.system"}
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(evil) + "\n")
    transcript = manager.transcript(session_id)
    render_files(transcript, list(FORMATS), "ja")
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()
    assert transcript.notes[-1].text == evil["text"]

"""A full disk in the middle of an interview: reported at once, nothing half-written, nothing acknowledged
lost, and the interview goes on once there is space again."""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
from pathlib import Path

import pytest

from dialogue.store.journal import SessionStore
from tests.conftest import command_under_test
from tests.helpers import CODE, MINI_BANK
from tests.test_cli import run


def answered(sessions: Path) -> list[str]:
    store = SessionStore(sessions)
    (sid,) = store.session_ids()
    return [e.payload.raw for e in store.read(sid).events if e.kind == "answered"]


def test_a_failed_save_is_reported_and_the_interview_continues(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import dialogue.store.journal as journal

    real_write = os.write
    state = {"appends": 0}

    def write(fd: int, data: bytes) -> int:
        if b'"kind":"answered"' in data:
            state["appends"] += 1
            if state["appends"] == 2:  # the second answer meets a full disk
                raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(journal.os, "write", write)
    code, out, err = run(["interview", "--plain", "--lang", "ja", "--bank", str(MINI_BANK),
                          "--sessions-dir", str(tmp_path / "s")],
                         "株式会社みどり精工\n24\n24\n/pause\n")  # typed again after the failure
    assert code == 0, err
    assert "保存できませんでした。この入力は記録されていません" in out
    assert "No space left on device" in out
    assert answered(tmp_path / "s") == ["株式会社みどり精工", "24"]  # once, and nothing half-written


@pytest.mark.e2e
def test_a_real_file_size_limit_is_survived_and_resume_continues(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    # First create the session without limits so the journal exists, then run with a file-size limit
    # just above its current size: the next answers cannot be written.
    run(["interview", "--plain", "--lang", "ja", "--bank", str(MINI_BANK), "--sessions-dir", str(sessions)],
        "株式会社みどり精工\n/pause\n")
    (path,) = sessions.glob("*.jsonl")
    limit = path.stat().st_size + 600  # room for "24" and its events (each says who wrote it), not for the long answer

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=str(CODE))  # the code under test, never the checkout's
    result = subprocess.run([*command_under_test(), "resume", path.stem, "--plain", "--lang", "ja", "--same-visit",
                             "--sessions-dir", str(sessions)], input="24\n" + "長い回答です。" * 40 + "\n/pause\n",
                            capture_output=True, text=True, timeout=30, preexec_fn=limit_file_size, env=env,
                            cwd=tmp_path)
    assert "Traceback" not in result.stderr + result.stdout
    assert "保存できませんでした" in result.stdout
    journal = SessionStore(sessions).read(path.stem)  # still whole and readable
    assert journal.warnings == ()
    assert path.stat().st_size <= limit
    before = answered(sessions)
    code, out, err = run(["resume", path.stem, "--plain", "--lang", "ja", "--sessions-dir", str(sessions)],
                         "創業からの歩みを伺いました。1978年に父が創業。\n/pause\n")  # space is back
    assert code == 0, err
    assert answered(sessions)[: len(before)] == before and len(answered(sessions)) == len(before) + 1

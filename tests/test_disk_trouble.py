"""A full disk in the middle of an interview: reported at once, nothing half-written, nothing acknowledged
lost, and the interview goes on once there is space again — in a plaintext and in an encrypted store."""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
from pathlib import Path

import pytest

from tests.conftest import command_under_test
from tests.helpers import CODE, MINI_BANK, run_cli
from tests.protect_support import KINDS, environ_of_kind, store_of_kind


def answered(sessions: Path, kind: str = "plain") -> list[str]:
    store = store_of_kind(sessions, kind)
    (sid,) = store.session_ids()
    return [e.payload.raw for e in store.read(sid).events if e.kind == "answered"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_failed_save_is_reported_and_the_interview_continues(tmp_path: Path, monkeypatch, kind) -> None:  # type: ignore[no-untyped-def]
    import dialogue.store.journal as journal

    real_write = os.write
    state = {"appends": 0}

    def write(fd: int, data: bytes) -> int:
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".jsonl"):  # an append to the journal
            state["appends"] += 1
            if state["appends"] == 2:  # the second answer meets a full disk
                raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    store_of_kind(tmp_path / "s", kind)
    monkeypatch.setattr(journal.os, "write", write)
    code, out, err = run_cli(["interview", "--plain", "--lang", "ja", "--bank", str(MINI_BANK),
                          "--sessions-dir", str(tmp_path / "s")],
                         "株式会社みどり精工\n24\n24\n/pause\n", environ_of_kind(kind))  # typed again after the failure
    assert code == 0, err
    assert "保存できませんでした。この入力は記録されていません" in out
    assert "No space left on device" in out
    assert answered(tmp_path / "s", kind) == ["株式会社みどり精工", "24"]  # once, and nothing half-written


@pytest.mark.e2e
@pytest.mark.parametrize("kind", KINDS)
def test_a_real_file_size_limit_is_survived_and_resume_continues(tmp_path: Path, kind: str) -> None:
    sessions = tmp_path / "s"
    store_of_kind(sessions, kind)
    # First create the session without limits so the journal exists, then run with a file-size limit
    # just above its current size: the next answers cannot be written.
    run_cli(["interview", "--plain", "--lang", "ja", "--bank", str(MINI_BANK), "--sessions-dir", str(sessions)],
        "株式会社みどり精工\n/pause\n", environ_of_kind(kind))
    (path,) = sessions.glob("*.jsonl")
    limit = path.stat().st_size + (600 if kind == "plain" else 1000)  # room for "24" and its events (each says
    # who wrote it; sealed lines are longer), not for the long answer

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=str(CODE), **environ_of_kind(kind))  # the code under test
    result = subprocess.run([*command_under_test(), "resume", path.stem, "--plain", "--lang", "ja", "--same-visit",
                             "--sessions-dir", str(sessions)], input="24\n" + "長い回答です。" * 40 + "\n/pause\n",
                            capture_output=True, text=True, timeout=30, preexec_fn=limit_file_size, env=env,
                            cwd=tmp_path)
    assert "Traceback" not in result.stderr + result.stdout
    assert "保存できませんでした" in result.stdout
    journal = store_of_kind(sessions, kind).read(path.stem)  # still whole and readable
    assert journal.warnings == ()
    assert path.stat().st_size <= limit
    before = answered(sessions, kind)
    code, out, err = run_cli(["resume", path.stem, "--plain", "--lang", "ja", "--sessions-dir", str(sessions)],
                         "創業からの歩みを伺いました。1978年に父が創業。\n/pause\n", environ_of_kind(kind))  # space is back
    assert code == 0, err
    after = answered(sessions, kind)
    assert after[: len(before)] == before and len(after) == len(before) + 1

"""A compile is all-or-nothing (issue 12, item 7): killed at any step, out of disk space, or racing another
compile into the same folder, the output folder holds the files of one compile or of the other — never a
mix — and the next compile neither refuses ("changed since locaben wrote them") nor leaves temporaries."""

from __future__ import annotations

import hashlib
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dialogue.cli.compiling import compiled_files
from dialogue.sheet.files import MANIFEST, write_outputs
from dialogue.sheet.outputs import FORMATS
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
from tests.conftest import command_under_test
from tests.helpers import CODE, MINI_BANK, run_cli, ticking_clock

FORMAT_NAMES = ("sheet.md", "sheet.html", "sheet.xlsx", "sheet.json", "transcript.md")

# Writes the files in a JSON file into a folder, and kills itself (SIGKILL) at its N-th file-system step
# (os.open, fsync, replace, unlink); N = 0 runs to the end and prints how many steps there were.
KILLED_AT_STEP = """
import json, os, signal, sys
from pathlib import Path
from dialogue.sheet.files import write_outputs
out, data, kill_at = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
files = {name: text.encode() for name, text in json.loads(data.read_text(encoding="utf-8")).items()}
steps = [0]
def counted(function):
    def step(*args, **kwargs):
        steps[0] += 1
        if steps[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return function(*args, **kwargs)
    return step
for name in ("open", "fsync", "replace", "unlink"):
    setattr(os, name, counted(getattr(os, name)))
write_outputs(out, files)
print("STEPS", steps[0])
"""

# Renders a session's files, waits until the file `go` exists, then writes them: two of these start their
# writes within a millisecond of each other.
WRITE_AT_SIGNAL = """
import sys, time
from pathlib import Path
from dialogue.sheet.files import write_outputs
from dialogue.sheet.outputs import FORMATS, render_files
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
sessions, session_id, out, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
manager = SessionManager(SessionStore(sessions), lambda: None)
files = render_files(manager.transcript(session_id), list(FORMATS), "ja")
go.with_name(go.name + "." + session_id).touch()  # ready
while not go.exists():
    time.sleep(0.0005)
write_outputs(out, files)
"""


def env() -> dict[str, str]:
    return dict(os.environ, NO_COLOR="1", PYTHONPATH=str(CODE), PYTHONDONTWRITEBYTECODE="1")


def version(n: int) -> dict[str, bytes]:
    """The files of compile number `n`: every one different from every other compile's."""
    return {f"s-{name}": f"compile {n}: {name}\n".encode() * (50 + 7 * n) for name in FORMAT_NAMES}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def assert_whole(out: Path, names: list[str], versions: list[dict[str, bytes]]) -> None:
    """The named files all come from one of `versions`, the manifest agrees with every file on disk, and
    nothing else (no temporary, no pending record) is left in the folder."""
    contents = {name: (out / name).read_bytes() for name in names}
    assert any(all(contents[n] == v[n] for n in names) for v in versions), "a mix of two compiles"
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert listing(out) == sorted([*manifest, MANIFEST]), listing(out)
    for name, recorded in manifest.items():
        assert digest((out / name).read_bytes()) == recorded, name


def listing(out: Path) -> list[str]:
    """The folder's files, less the lock file the folder lock keeps there."""
    return sorted(p.name for p in out.iterdir() if not p.name.endswith(".lock"))


def steps_of_one_compile(tmp_path: Path, data: Path) -> int:
    probe = tmp_path / "probe"
    write_outputs(probe, version(1))
    result = subprocess.run([sys.executable, "-c", KILLED_AT_STEP, str(probe), str(data), "0"], env=env(),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return int(result.stdout.split("STEPS")[1])


def test_a_compile_killed_at_any_step_leaves_one_whole_compile_and_the_next_does_not_refuse(tmp_path: Path) -> None:
    old, new = version(1), version(2)
    data = tmp_path / "new.json"
    data.write_text(json.dumps({k: v.decode() for k, v in new.items()}), encoding="utf-8")
    steps = steps_of_one_compile(tmp_path, data)
    assert steps >= 2 * len(new)  # every file is staged and renamed in
    for kill_at in range(1, steps + 1):
        out = tmp_path / f"out{kill_at}"
        write_outputs(out, old)
        result = subprocess.run([sys.executable, "-c", KILLED_AT_STEP, str(out), str(data), str(kill_at)],
                                env=env(), capture_output=True, text=True, timeout=60)
        assert result.returncode == -signal.SIGKILL, (kill_at, result.stderr)
        # The next compile writes only the JSON: the other files stay as the killed compile left them.
        latest = {"s-sheet.json": b'{"compile": 3}\n'}
        write_outputs(out, latest)  # never refuses
        others = [n for n in old if n != "s-sheet.json"]
        assert_whole(out, others, [old, new])
        assert (out / "s-sheet.json").read_bytes() == latest["s-sheet.json"]


def test_temporaries_of_earlier_versions_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(out, version(1))
    (out / ".s-sheet.md.k2j_x9q1.tmp").write_bytes(b"half of a killed compile")  # mkstemp's names
    (out / f".{MANIFEST}.0a1b2c3d.locaben-new").write_bytes(b"{")
    (out / "notes.tmp").write_bytes(b"the user's own file")
    write_outputs(out, version(2))
    assert listing(out) == sorted([*version(2), MANIFEST, "notes.tmp"])


def interview(sessions: Path, lines: list[str]) -> str:
    before = set(sessions.glob("*.jsonl")) if sessions.exists() else set()
    code, _, err = run_cli(["interview", "--plain", "--lang", "ja", "--bank", str(MINI_BANK), "--sessions-dir",
                        str(sessions)], "\n".join(lines) + "\n")
    assert code == 0, err
    (path,) = set(sessions.glob("*.jsonl")) - before
    return path.stem


def add_answer(sessions: Path, session_id: str, text: str) -> None:
    code, _, err = run_cli(["resume", session_id, "--plain", "--lang", "ja", "--same-visit", "--sessions-dir",
                        str(sessions)], f"{text}\n/pause\n")
    assert code == 0, err


@pytest.mark.e2e
def test_two_compiles_into_one_folder_at_once_keep_both_and_the_manifest_whole(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    first = interview(sessions, ["株式会社みどり精工", "24", "/pause"])
    second = interview(sessions, ["有限会社あおば製菓", "12", "/pause"])
    for attempt in range(8):
        out, go = tmp_path / f"out{attempt}", tmp_path / f"go{attempt}"
        children = [subprocess.Popen([sys.executable, "-c", WRITE_AT_SIGNAL, str(sessions), sid, str(out), str(go)],
                                     env=env(), stderr=subprocess.PIPE, text=True) for sid in (first, second)]
        deadline = time.monotonic() + 60
        while len(list(tmp_path.glob(f"go{attempt}.*"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)  # until both have rendered and wait for the signal
        go.touch()
        for child in children:
            assert child.wait(timeout=60) == 0, child.stderr.read() if child.stderr else ""
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        assert sorted(manifest) == sorted(f"{sid}-{n}" for sid in (first, second) for n in FORMAT_NAMES), attempt
        for name, recorded in manifest.items():
            assert digest((out / name).read_bytes()) == recorded, (attempt, name)
    for sid in (first, second):
        code, _, err = run_cli(["compile", sid, "-o", str(out), "--sessions-dir", str(sessions)])
        assert code == 0, err  # neither refuses as hand-edited


@pytest.mark.e2e
def test_compiles_killed_at_random_moments_never_make_the_next_refuse(tmp_path: Path) -> None:
    sessions, out = tmp_path / "s", tmp_path / "out"
    sid = interview(sessions, ["株式会社みどり精工", "24", "/pause"])
    assert run_cli(["compile", sid, "-o", str(out), "--sessions-dir", str(sessions)])[0] == 0
    names = [f"{sid}-{n}" for n in FORMAT_NAMES if n != "sheet.json"]
    rng = random.Random(12)
    for round_ in range(8):
        before = {n: (out / n).read_bytes() for n in names}
        add_answer(sessions, sid, f"創業からの歩み、その{round_}。" * 5)
        manager = SessionManager(SessionStore(sessions), ticking_clock())
        after = compiled_files(manager, sid, None, list(FORMATS), None)[0]  # what the killed compile writes
        child = subprocess.Popen([*command_under_test(), "compile", sid, "-o", str(out),
                                  "--sessions-dir", str(sessions)], env=env(), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 1.2))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        code, _, err = run_cli(["compile", sid, "--format", "json", "-o", str(out), "--sessions-dir", str(sessions)])
        assert code == 0, (round_, err)  # never refuses
        assert_whole(out, names, [before, after])
        assert run_cli(["compile", sid, "-o", str(out), "--sessions-dir", str(sessions)])[0] == 0


def file_size_limit(limit: int):  # type: ignore[no-untyped-def]
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.e2e
def test_a_full_disk_leaves_the_old_outputs_and_a_clear_message(tmp_path: Path) -> None:
    sessions, out = tmp_path / "s", tmp_path / "out"
    sid = interview(sessions, ["株式会社みどり精工", "24", "/pause"])
    assert run_cli(["compile", sid, "-o", str(out), "--sessions-dir", str(sessions)])[0] == 0
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    add_answer(sessions, sid, "創業は1978年、父が精密切削で始めました。" * 30)
    sizes = sorted({len(data) for data in old.values() if data})
    refused_outputs = 0
    for limit in [s - 1 for s in sizes] + [1]:  # each file in turn is the first that does not fit
        result = subprocess.run([*command_under_test(), "compile", sid, "-o", str(out),
                                 "--sessions-dir", str(sessions)], capture_output=True, text=True, timeout=60,
                                env=env(), preexec_fn=file_size_limit(limit))
        if result.returncode == 0:
            continue  # every new file fit under this limit
        assert "Traceback" not in result.stderr + result.stdout, limit
        # the compile is audited before anything is written: a limit below the audit log's size stops it there
        audit_full = "audit log" in result.stderr and "not carried out" in result.stderr
        assert audit_full or (str(out) in result.stderr and "unchanged" in result.stderr), result.stderr
        refused_outputs += not audit_full
        assert {p.name: p.read_bytes() for p in out.iterdir()} == old, limit  # nothing changed, no leftovers
    assert refused_outputs >= 2  # the outputs' own all-or-nothing was tested, not only the audit log's refusal
    code, _, err = run_cli(["compile", sid, "-o", str(out), "--sessions-dir", str(sessions)])
    assert code == 0, err  # space is back: the next compile neither refuses nor fails
    assert (out / f"{sid}-sheet.md").read_bytes() != old[f"{sid}-sheet.md"]

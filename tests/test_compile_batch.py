"""`locaben compile --all` on a process pool, committed in parts (dialogue.cli.compile_batch, issue 18): the
same files as compiling each session alone, the manifest written once per part (not once a session), a
hand-edited output refused for its session only, and a batch killed at any moment leaving whole compiles that
the next batch completes without refusing."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dialogue.banks.cache import load_bank
from dialogue.sheet.files import MANIFEST, PENDING
from dialogue.sheet.outputs import FORMATS, file_names, render_files
from dialogue.store.journal import Header, SessionStore
from tests.helpers import CODE, MINI_BANK, run_cli, run_interview

COMPANIES = ("株式会社みどり精工", "有限会社さくら食品", "合同会社あおば運輸", "株式会社ひかり電子", "株式会社こだま製菓")

# `locaben compile --all` with parts of 2 sessions, counting the manifest's writes (each is an os.replace).
COUNTED = """
import os, sys
import dialogue.cli.compile_batch as batch
from dialogue.cli.main import main
batch.PART_MIN = int(sys.argv[1])
replaced = os.replace
writes = [0]
heads = [0]
def counted(source, target, *args, **kwargs):
    writes[0] += str(target).endswith(".locaben-manifest.json")
    heads[0] += str(target).endswith("audit.log.head")
    return replaced(source, target, *args, **kwargs)
os.replace = counted
code = main(sys.argv[2:])
print("MANIFEST-WRITES", writes[0])
print("AUDIT-HEAD-WRITES", heads[0])
sys.exit(code)
"""


def make_store(root: Path, count: int) -> list[str]:
    """`count` whole interviews of the mini bank, each of another company."""
    bank = load_bank(MINI_BANK)
    store = SessionStore(root)
    ids = []
    for i in range(count):
        session_id = f"20261123-1000{i:02d}-{i:04x}"
        engine, _ = run_interview(bank, {"company_name": COMPANIES[i % len(COMPANIES)]}, session_id=session_id)
        header = Header(session_id, bank.id, bank.version, bank.source_hash, str(MINI_BANK.resolve()),
                        "2026-11-23T10:00:00.000+09:00", extra={"question_ids": [q.id for q in bank.questions()]})
        store.create(header, list(engine.events)).close()
        ids.append(session_id)
    return ids


def env() -> dict[str, str]:
    return dict(os.environ, NO_COLOR="1", PYTHONPATH=str(CODE))


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def assert_consistent(out: Path) -> dict[str, str]:
    """No temporaries or plan left; every file is what the manifest says locaben wrote."""
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    leftovers = [p.name for p in out.iterdir() if p.name.endswith((".locaben-new", ".tmp")) or p.name == PENDING]
    assert not leftovers
    for path in out.iterdir():
        if not path.name.startswith("."):
            assert manifest.get(path.name) == digest(path.read_bytes()), path.name
    return dict(manifest)


def test_the_batch_writes_what_each_session_compiled_alone_writes(tmp_path: Path) -> None:
    ids = make_store(tmp_path / "s", 5)
    code, out, err = run_cli(["compile", "--all", "-o", str(tmp_path / "all"), "--sessions-dir", str(tmp_path / "s")])
    assert code == 0, err
    assert "5 / 5 件のセッションを" in out
    for session_id in ids:
        code, _, err = run_cli(["compile", session_id, "-o", str(tmp_path / "one"), "--sessions-dir",
                                str(tmp_path / "s")])
        assert code == 0, err
    together, alone = assert_consistent(tmp_path / "all"), assert_consistent(tmp_path / "one")
    assert together == alone and len(together) == 5 * len(FORMATS)
    for name in together:
        assert (tmp_path / "all" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()
    sheets = [(tmp_path / "all" / f"{i}-sheet.md").read_text(encoding="utf-8") for i in ids]
    assert [s.splitlines()[0].split("— ")[-1] for s in sheets] == [COMPANIES[i] for i in range(5)]


def test_file_names_are_known_before_rendering(tmp_path: Path) -> None:
    _, transcript = run_interview(load_bank(MINI_BANK), session_id="s1")
    assert list(render_files(transcript, list(FORMATS), "ja")) == file_names("s1", list(FORMATS))


def test_the_manifest_is_written_once_per_part_not_once_per_session(tmp_path: Path) -> None:
    make_store(tmp_path / "s", 5)
    args = ["compile", "--all", "--format", "md", "-o", str(tmp_path / "out"), "--sessions-dir", str(tmp_path / "s")]
    done = subprocess.run([sys.executable, "-c", COUNTED, "100", *args], env=env(), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "MANIFEST-WRITES 1" in done.stdout  # five sessions, one part: one manifest
    done = subprocess.run([sys.executable, "-c", COUNTED, "2", *args, "--force"], env=env(), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "MANIFEST-WRITES 3" in done.stdout  # parts of 2, 2 and 1
    assert len(assert_consistent(tmp_path / "out")) == 5


def test_each_session_is_audited_before_its_part_is_written_one_durable_write_a_part(tmp_path: Path) -> None:
    from dialogue.store.audit import AuditLog

    ids = make_store(tmp_path / "s", 5)
    args = ["compile", "--all", "-o", str(tmp_path / "out"), "--sessions-dir", str(tmp_path / "s")]
    done = subprocess.run([sys.executable, "-c", COUNTED, "2", *args], env=env(), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "AUDIT-HEAD-WRITES 3" in done.stdout  # parts of 2, 2 and 1: the log written once a part
    log = AuditLog(tmp_path / "s" / "audit.log", lambda: None, None)  # type: ignore[arg-type]  # read only
    assert log.verify().ok
    compiles = [e for e in log.entries() if e["action"] == "compile"]
    assert [e["session"] for e in compiles] == ids  # one entry a session, in order, chained
    out = (tmp_path / "out").resolve()
    for entry in compiles:
        assert entry["files"] == [str(out / name) for name in file_names(entry["session"], list(FORMATS))]
        assert entry["detail"] == {"formats": list(FORMATS), "events": entry["detail"]["events"]}
        assert entry["detail"]["events"] > 0


def test_a_hand_edited_output_is_refused_for_its_session_and_the_rest_are_written(tmp_path: Path) -> None:
    ids = make_store(tmp_path / "s", 3)
    args = ["compile", "--all", "--format", "md,json", "-o", str(tmp_path / "out"), "--sessions-dir",
            str(tmp_path / "s")]
    assert run_cli(args)[0] == 0
    edited = tmp_path / "out" / f"{ids[1]}-sheet.md"
    edited.write_text("手で直した要約\n", encoding="utf-8")
    code, out, err = run_cli(args)
    assert code == 1
    assert ids[1] in err and "--force" in err
    assert "2 / 3 件のセッションを" in out
    assert edited.read_text(encoding="utf-8") == "手で直した要約\n"
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".locaben-new")]
    assert run_cli([*args, "--force"])[0] == 0
    assert assert_consistent(tmp_path / "out")[edited.name] == digest(edited.read_bytes())


@pytest.mark.slow
def test_a_batch_killed_at_any_moment_leaves_whole_compiles_and_the_next_completes(tmp_path: Path) -> None:
    make_store(tmp_path / "s", 8)
    args = ["compile", "--all", "--format", "md,xlsx", "-o", str(tmp_path / "out"), "--sessions-dir",
            str(tmp_path / "s")]
    started = time.monotonic()
    whole = subprocess.run([sys.executable, "-c", COUNTED, "2", *args], env=env(), capture_output=True, timeout=300)
    assert whole.returncode == 0, whole.stderr
    seconds = time.monotonic() - started
    for fraction in (0.35, 0.55, 0.75, 0.9):
        for path in (tmp_path / "out").iterdir():
            path.unlink()
        batch = subprocess.Popen([sys.executable, "-c", COUNTED, "2", *args], env=env(), start_new_session=True,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(seconds * fraction)
        os.killpg(batch.pid, signal.SIGKILL)  # the parent and its workers at once
        batch.wait(timeout=30)
        code, _, err = run_cli(args)  # never refuses, finishes what was decided, removes the rest
        assert code == 0, (fraction, err)
        assert len(assert_consistent(tmp_path / "out")) == 8 * 2



def test_an_encrypted_store_compiles_in_a_batch_audited_and_marked(tmp_path: Path) -> None:
    from tests.protect_support import ENV, encrypted_store

    store = tmp_path / "s"
    encrypted_store(store)
    environ = {"NO_COLOR": "1", "LOCABEN_CONFIG_DIR": str(tmp_path / "cfg"), **ENV}
    for company in ("株式会社さくら精機", "有限会社あおば製菓"):
        code, _, err = run_cli(["interview", "--plain", "--lang", "ja", "--bank", str(MINI_BANK), "--sessions-dir",
                                str(store)], f"{company}\n/pause\n", environ)
        assert code == 0, err
    out = tmp_path / "all"
    code, _, err = run_cli(["compile", "--all", "--format", "md", "-o", str(out), "--sessions-dir", str(store)],
                           environ=environ)
    assert code == 0, err
    sheets = sorted(p.read_text(encoding="utf-8") for p in out.glob("*-sheet.md"))
    assert len(sheets) == 2 and all("取扱注意" in s for s in sheets)
    assert any("さくら精機" in s for s in sheets) and any("あおば製菓" in s for s in sheets)
    audit = [json.loads(line) for line in (store / "audit.log").read_text(encoding="utf-8").splitlines()]
    assert sorted(e["session"] for e in audit if e["action"] == "compile") == sorted(
        p.name.removesuffix("-sheet.md") for p in out.glob("*-sheet.md"))

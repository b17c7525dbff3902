"""A session fetched from another laptop names that laptop's bank file in its header. On this laptop the
path may not exist, or may hold another file: the session still resumes and compiles on the bank it was
started with (the built-in bank of the same id), with no warning about a changed bank."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dialogue.banks.builtin import standard_bank_path
from dialogue.banks.reader import load_bank
from tests.helpers import MINI_BANK
from tests.server.conftest import Server
from tests.server.helpers import Officer

pytestmark = pytest.mark.server

ANOTHER_LAPTOP = r"C:\Users\tanaka\AppData\Local\Programs\locaben\dialogue\question_banks\locaben_standard.yaml"


def another_version_of_the_standard_bank(folder: Path) -> Path:
    """A file with the standard bank's id and other contents (an edited copy, or an older release)."""

    copy = folder / "locaben_standard.yaml"
    text = standard_bank_path().read_text(encoding="utf-8")
    copy.write_text(text.replace("version:", "# edited on this laptop\nversion:", 1), encoding="utf-8")
    return copy


def set_bank_path(journal: Path, bank_path: str) -> None:
    """The journal as the other laptop wrote it: its header names the bank file by that laptop's path."""
    lines = journal.read_text(encoding="utf-8").splitlines(keepends=True)
    header = json.loads(lines[0])
    header["bank_path"] = bank_path
    lines[0] = json.dumps(header, ensure_ascii=False) + "\n"
    journal.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize("case", ["missing here", "another bank here", "another version here"])
def test_a_pulled_session_resumes_and_compiles_on_its_own_bank(server: Server, tmp_path: Path, case: str) -> None:
    laptop = Officer(server, "tanaka", tmp_path / "laptop")
    tablet = Officer(server, "tanaka", tmp_path / "tablet")
    server_url = laptop.environ.pop("LOCABEN_SERVER")  # an interview in the field, offline
    code, _, err = laptop.run("interview", "--plain", "--lang", "ja", stdin="株式会社みどり精工\n/pause\n")
    assert code == 0, err
    laptop.environ["LOCABEN_SERVER"] = server_url
    [sid] = laptop.device.store.session_ids()
    path = {"missing here": ANOTHER_LAPTOP, "another bank here": str(MINI_BANK),
            "another version here": str(another_version_of_the_standard_bank(tmp_path))}[case]
    set_bank_path(laptop.device.store.path(sid), path)  # before it was ever sent: the server gets this header
    laptop.ok("sync")

    assert "受け取り 1 件" in tablet.ok("sync")
    assert json.loads(tablet.device.store.path(sid).read_text(encoding="utf-8").splitlines()[0])["bank_path"] == path
    code, out, err = tablet.run("resume", sid, "--plain", "--same-visit", stdin="/note 港の倉庫も見学\n/pause\n")
    assert code == 0 and err == "", err  # no warning about a changed bank: it is the same bank
    assert "locaben resume" in out
    code, _, err = tablet.run("compile", sid, "--format", "md", "-o", str(tmp_path / "out"))
    assert code == 0 and err == "", err
    sheet = (tmp_path / "out" / f"{sid}-sheet.md").read_text(encoding="utf-8")
    version = load_bank(standard_bank_path()).version.replace(".", "\\.")
    assert "株式会社みどり精工" in sheet and rf"| locaben\_standard {version} |" in sheet  # the bank it began on
    laptop.ok("sync")  # the tablet's note, sent when it paused, comes back to the laptop
    assert "港の倉庫も見学" in [e.get("text") for e in laptop.device.events(sid)]


def test_a_bank_that_exists_nowhere_here_is_asked_for(server: Server, tmp_path: Path) -> None:
    """A bank of the bank's own (not built in) at a path this laptop does not have: say so, change nothing."""
    laptop = Officer(server, "tanaka", tmp_path / "laptop")
    tablet = Officer(server, "tanaka", tmp_path / "tablet")
    own = tmp_path / "banks" / "mini.yaml"
    own.parent.mkdir()
    shutil.copy(MINI_BANK, own)
    code, _, err = laptop.run("interview", "--plain", "--lang", "ja", "--bank", str(own), stdin="株式会社みどり精工\n/pause\n")
    assert code == 0, err
    laptop.ok("sync")
    own.unlink()  # not on the tablet
    tablet.ok("sync")
    [sid] = tablet.device.store.session_ids()
    before = tablet.device.store.path(sid).read_bytes()
    code, _, err = tablet.run("resume", sid, "--plain", stdin="/pause\n")
    assert code == 4 and "--bank FILE" in err
    assert tablet.device.store.path(sid).read_bytes() == before
    code, _, err = tablet.run("resume", sid, "--plain", "--bank", str(MINI_BANK), stdin="/pause\n")
    assert code == 0, err

"""`locaben compile ID` renders the workbook in a forked child on the second core (dialogue.sheet.aside):
the files must be the same bytes as a compile in one process, and a child that fails, dies or cannot be
made must change nothing but speed — the parent renders the workbook itself and leaves no child behind."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from dialogue.sheet import aside, outputs
from dialogue.sheet.outputs import FORMATS, render_files
from tests.helpers import plain_interview, run_cli, run_interview, standard_bank

pytestmark = pytest.mark.skipif(not aside.can_fork(), reason="the workbook is rendered aside on Linux with 2+ cores")


@pytest.fixture(scope="module")
def transcript():  # type: ignore[no-untyped-def]
    return run_interview(standard_bank(), session_id="aside-1")[1]


def _no_child_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _workbook_by_pid(monkeypatch: pytest.MonkeyPatch, fail_in_child: str = "") -> int:
    """Replace the workbook renderer by one that writes the PID of the process that ran it (and fails in
    a child as asked: "raise" or "kill"); the test's own PID."""
    parent = os.getpid()

    def render(sheet, transcript, lang):  # type: ignore[no-untyped-def]
        if os.getpid() != parent and fail_in_child == "raise":
            raise RuntimeError("the child's renderer failed")
        if os.getpid() != parent and fail_in_child == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        return "sheet.xlsx", str(os.getpid()).encode()

    monkeypatch.setitem(outputs.RENDERERS, "xlsx", render)
    return parent


def test_the_files_are_the_same_bytes_with_the_workbook_rendered_aside(transcript) -> None:  # type: ignore[no-untyped-def]
    together = render_files(transcript, list(FORMATS), "ja")
    apart = render_files(transcript, list(FORMATS), "ja", aside=True)
    assert list(apart) == list(together)  # the same files, in the order of the formats asked for
    assert apart == together
    assert _no_child_left()


def test_the_workbook_is_rendered_by_another_process(transcript, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    parent = _workbook_by_pid(monkeypatch)
    files = render_files(transcript, list(FORMATS), "ja", aside=True)
    child = int(files["aside-1-sheet.xlsx"])
    assert child != parent
    assert _no_child_left()
    # alone, or without asking for it, the workbook is rendered in this process
    assert int(render_files(transcript, ["xlsx"], "ja", aside=True)["aside-1-sheet.xlsx"]) == parent
    assert int(render_files(transcript, list(FORMATS), "ja")["aside-1-sheet.xlsx"]) == parent


@pytest.mark.parametrize("failure", ["raise", "kill"])
def test_a_child_that_fails_or_dies_leaves_the_parent_to_render_it(transcript, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                                   failure: str) -> None:
    parent = _workbook_by_pid(monkeypatch, failure)
    files = render_files(transcript, list(FORMATS), "ja", aside=True)
    assert int(files["aside-1-sheet.xlsx"]) == parent
    assert set(files) == {f"aside-1-{outputs.SUFFIXES[f]}" for f in FORMATS}
    assert _no_child_left()


def test_no_fork_means_one_process(transcript, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    parent = _workbook_by_pid(monkeypatch)

    def refuse() -> int:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    assert int(render_files(transcript, list(FORMATS), "ja", aside=True)["aside-1-sheet.xlsx"]) == parent


def test_an_error_in_another_format_reaps_the_child(transcript, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    def broken(sheet, transcript, lang):  # type: ignore[no-untyped-def]
        raise ValueError("broken renderer")

    monkeypatch.setitem(outputs.RENDERERS, "md", broken)
    with pytest.raises(ValueError, match="broken renderer"):
        render_files(transcript, list(FORMATS), "ja", aside=True)
    assert _no_child_left()


def test_compile_writes_the_same_folder_as_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the command: the same five files, byte for byte, as with the child switched off."""
    journal = plain_interview(tmp_path / "s", ["株式会社みどり精工", "金属部品の精密加工です"] + [""] * 40)
    compile_into = ["compile", journal.stem, "--sessions-dir", str(tmp_path / "s"), "-o"]
    code, _, err = run_cli([*compile_into, str(tmp_path / "aside")])
    assert code == 0, err
    monkeypatch.setattr(aside, "can_fork", lambda: False)
    code, _, err = run_cli([*compile_into, str(tmp_path / "one")])
    assert code == 0, err
    made = sorted(p.name for p in (tmp_path / "aside").iterdir() if not p.name.startswith("."))
    assert made == sorted(p.name for p in (tmp_path / "one").iterdir() if not p.name.startswith("."))
    assert len(made) == len(FORMATS)
    for name in made:
        assert (tmp_path / "aside" / name).read_bytes() == (tmp_path / "one" / name).read_bytes(), name
    assert _no_child_left()

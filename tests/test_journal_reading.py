"""A plaintext journal is read in one pass of the JSON parser (issue 18: most of resuming a long session);
a journal that pass cannot read is read line by line, so a bad line is still named as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogue.store.journal import SessionStore
from tests.helpers import plain_interview, run_cli

ANSWERS = ["株式会社みどり精工", "24", "/note 社長は「二代目」です", "/pause"]


def lines_of(journal: Path) -> list[bytes]:
    return journal.read_bytes().split(b"\n")


@pytest.mark.parametrize("joined", [b",", b"", b" "])
def test_two_events_on_one_line_are_refused_at_that_line(tmp_path: Path, joined: bytes) -> None:
    """Joined with a comma the two would parse as two elements of the one array: they are not accepted."""
    store = tmp_path / "s"
    journal = plain_interview(store, ANSWERS)
    lines = lines_of(journal)
    lines[2:4] = [lines[2] + joined + lines[3]]
    journal.write_bytes(b"\n".join(lines))
    before = journal.read_bytes()
    code, _, err = run_cli(["resume", journal.stem, "--plain", "--sessions-dir", str(store)], "/pause\n")
    assert code == 4 and f"{journal}:3: damaged line" in err and "Traceback" not in err, err
    assert journal.read_bytes() == before


@pytest.mark.parametrize("bad", [b"5", b'"answered"', b"[]", b"null"])
def test_a_line_that_is_json_but_not_an_event_is_named(tmp_path: Path, bad: bytes) -> None:
    store = tmp_path / "s"
    journal = plain_interview(store, ANSWERS)
    lines = lines_of(journal)
    lines.insert(3, bad)
    journal.write_bytes(b"\n".join(lines))
    code, _, err = run_cli(["resume", journal.stem, "--plain", "--sessions-dir", str(store)], "/pause\n")
    assert code == 4 and f"{journal}:4:" in err and "Traceback" not in err, err


def test_windows_line_ends_and_blank_lines_read_as_the_original(tmp_path: Path) -> None:
    store = tmp_path / "s"
    journal = plain_interview(store, ANSWERS)
    original = SessionStore(store).read(journal.stem, repair=False)
    lines = lines_of(journal)
    edited = [line + b"\r" if line else line for line in lines]
    edited.insert(4, b"   ")
    journal.write_bytes(b"\n".join(edited))
    again = SessionStore(store).read(journal.stem, repair=False)
    assert again.events == original.events and again.header == original.header
    assert again.lines[-1] == original.lines[-1] + 1  # the blank line counted: line numbers stay the file's
    code, out, err = run_cli(["resume", journal.stem, "--plain", "--sessions-dir", str(store)], "/pause\n")
    assert code == 0, err

"""Damaged session files, as a user meets them through `locaben`: a clear message naming the file (and the
line), a way out, exit codes instead of tracebacks, and never a rewrite of the file without a backup.

Every test runs on a plaintext and on an encrypted store (`ws`), except those about the bytes of a plaintext
line (`plain_ws`): an encrypted line edited by hand is refused by its authentication (test_journal_encrypted)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from dialogue.cli.main import Env, main
from dialogue.store.journal import READS_UP_TO, SessionStore
from tests.helpers import MINI_BANK, ticking_clock
from tests.protect_support import KINDS, environ_of_kind, store_of_kind


def run(args: list[str], stdin: str = "", environ: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    env = Env(stdin=io.StringIO(stdin), stdout=out, stderr=err, clock=ticking_clock(),
              environ={"NO_COLOR": "1", **(environ or {})})
    code = main(args, env)  # any exception other than SystemExit fails the test: users never see tracebacks
    assert isinstance(code, int)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue(), err.getvalue()


class Workspace:
    """A sessions directory with one paused interview on a private copy of the mini bank."""

    def __init__(self, root: Path, kind: str = "plain"):
        self.root = root
        self.kind = kind
        self.sessions = root / "sessions"
        store_of_kind(self.sessions, kind)
        self.bank = root / "bank.yaml"
        shutil.copy(MINI_BANK, self.bank)
        code, _, _ = self.run(["interview", "--plain", "--lang", "ja", "--bank", str(self.bank),
                               "--sessions-dir", str(self.sessions)], "株式会社みどり精工\n24\n/pause\n")
        assert code == 0
        self.session_id = next(self.sessions.glob("*.jsonl")).stem
        self.path = self.sessions / f"{self.session_id}.jsonl"
        self.original = self.path.read_bytes()

    def run(self, args: list[str], stdin: str = "") -> tuple[int, str, str]:
        return run(args, stdin, environ_of_kind(self.kind))

    def store(self) -> SessionStore:
        return store_of_kind(self.sessions, self.kind)

    def answers(self) -> list[str]:
        return [e.payload.raw for e in self.store().read(self.session_id).events if e.kind == "answered"]

    def resume(self, stdin: str = "/pause\n", *extra: str) -> tuple[int, str, str]:
        return self.run(["resume", self.session_id, "--plain", "--lang", "ja", "--sessions-dir", str(self.sessions),
                         *extra], stdin)

    def compile(self, *extra: str) -> tuple[int, str, str]:
        return self.run(["compile", self.session_id, "--format", "md", "-o", str(self.root / "out"),
                         "--sessions-dir", str(self.sessions), *extra])

    def listing(self) -> list[dict[str, str]]:
        code, out, _ = self.run(["sessions", "--json", "--sessions-dir", str(self.sessions)])
        assert code == 0
        return json.loads(out)

    def backups(self) -> list[bytes]:
        return [p.read_bytes() for p in sorted(self.sessions.glob("*.bak*"))]

    def lines(self) -> list[bytes]:
        return self.original.splitlines(keepends=True)


@pytest.fixture(params=KINDS)
def ws(tmp_path: Path, request: pytest.FixtureRequest) -> Workspace:
    return Workspace(tmp_path, request.param)


@pytest.fixture
def plain_ws(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path)


def assert_refused_untouched(ws: Workspace, damaged: bytes, *needles: str) -> None:
    """Every command refuses clearly (file, line, what to do), and the file is left byte for byte."""
    for command in (ws.resume, ws.compile):
        code, _, err = command()
        assert code == 4, err
        assert str(ws.path) in err, err
        for needle in needles:
            assert needle in err, err
        assert ws.path.read_bytes() == damaged
    rows = ws.listing()  # listed with its problem, not hidden and not fatal
    assert rows[0]["state"] == "unreadable" and str(ws.path) in rows[0]["problem"]
    assert ws.path.read_bytes() == damaged and ws.backups() == []


# ---- a crash while writing: the last line is cut off ----

def test_truncated_last_line_is_repaired_after_a_backup_and_the_interview_goes_on(ws: Workspace) -> None:
    damaged = ws.original + b'{"kind":"answered","at":"2026-11-23T10:00:09","question":"histo'
    ws.path.write_bytes(damaged)
    code, out, err = ws.resume("創業は1978年、長野県上田市で父が始めました。従業員3名からのスタートです。\n/pause\n")
    assert code == 0
    line = len(ws.lines()) + 1
    assert f"{ws.path}:{line}: the last line was cut off" in err and "bak1" in err
    assert ws.backups() == [damaged]  # the user's bytes, kept as they were
    repaired = ws.path.read_bytes()
    assert repaired.startswith(ws.original)
    assert ws.answers()[-1].startswith("創業は1978年")  # the new answer
    assert (b"\xe5\x89\xb5\xe6\xa5\xad" in repaired) == (ws.kind == "plain")  # 創業, in the clear or not


def test_reading_a_torn_file_for_listing_or_compiling_changes_nothing(ws: Workspace) -> None:
    damaged = ws.original + b'{"kind":"noted","at":"x","te'
    ws.path.write_bytes(damaged)
    assert ws.compile()[0] == 0
    assert ws.listing()[0]["state"] == "paused"
    assert ws.path.read_bytes() == damaged and ws.backups() == []  # read-only commands do not repair



def test_compiling_a_torn_file_says_the_last_line_was_ignored(ws: Workspace) -> None:
    ws.path.write_bytes(ws.original + b'{"kind":"noted","at":"x","te')
    code, _, err = ws.compile()
    assert code == 0 and f"{ws.path}:{len(ws.lines()) + 1}" in err


def test_the_warnings_compile_should_show_are_available(ws: Workspace) -> None:
    from dialogue.store.live import SessionManager

    ws.path.write_bytes(ws.original + b'{"kind":"noted","at":"x","te')
    ws.bank.write_text(ws.bank.read_text(encoding="utf-8").replace("会社名を", "御社名を"), encoding="utf-8")
    manager = SessionManager(ws.store(), ticking_clock())
    transcript, warnings = manager.transcript_and_warnings(ws.session_id)
    assert transcript.answers["company_name"].raw == "株式会社みどり精工"
    assert len(warnings) == 2 and "ignored" in warnings[0] and "not the one this session started" in warnings[1]
    assert ws.backups() == []


def test_a_last_line_without_its_line_end_is_kept(ws: Workspace) -> None:
    ws.path.write_bytes(ws.original.rstrip(b"\n"))  # e.g. saved by an editor that drops the final newline
    code, _, err = ws.resume()
    assert code == 0 and "no line end" in err
    assert ws.backups() == [ws.original.rstrip(b"\n")]
    assert ws.path.read_bytes().startswith(ws.original)  # nothing lost, the line end restored


# ---- damage that cannot be a crash: refused, never "repaired" ----

def test_garbage_in_the_middle_names_the_line_and_changes_nothing(ws: Workspace) -> None:
    lines = ws.lines()
    damaged = b"".join(lines[:3] + [b"\x00\x00garbage }{\n"] + lines[3:])
    ws.path.write_bytes(damaged)
    assert_refused_untouched(ws, damaged, f"{ws.path}:4: damaged line", "remove or repair line 4")


def test_blank_lines_added_by_an_editor_are_harmless(ws: Workspace) -> None:
    lines = ws.lines()
    edited = b"".join(lines[:2] + [b"\n", b"  \n"] + lines[2:]) + b"\n"
    ws.path.write_bytes(edited)
    code, _, err = ws.resume("/pause\n")
    assert code == 0 and "注意" not in err
    assert ws.path.read_bytes().startswith(edited) and ws.backups() == []


def test_an_event_without_kind_names_its_line(plain_ws: Workspace) -> None:
    ws = plain_ws
    lines = ws.lines()
    damaged = b"".join(lines[:2] + [b'{"question":"company_name"}\n'] + lines[2:])
    ws.path.write_bytes(damaged)
    assert_refused_untouched(ws, damaged, f"{ws.path}:3: not an event")


def test_an_unknown_future_format_version_asks_for_an_upgrade(ws: Workspace) -> None:
    header = json.loads(ws.lines()[0])
    header["version"] = READS_UP_TO + 1
    damaged = json.dumps(header).encode() + b"\n" + b"".join(ws.lines()[1:])
    ws.path.write_bytes(damaged)
    assert_refused_untouched(ws, damaged, "newer than this locaben reads", "Upgrade locaben")


@pytest.mark.parametrize("header", [b'[1, 2]\n', b'"locaben-session"\n', b'{"format": "something-else"}\n',
                                    b'{"format": "locaben-session", "version": "1"}\n'])
def test_a_first_line_that_is_not_a_session_header(ws: Workspace, header: bytes) -> None:
    damaged = header + b"".join(ws.lines()[1:])
    ws.path.write_bytes(damaged)
    assert_refused_untouched(ws, damaged, f"{ws.path}:1:")


def test_an_empty_file(ws: Workspace) -> None:
    ws.path.write_bytes(b"")
    assert_refused_untouched(ws, b"", "empty", "start a new interview")


def test_a_whitespace_only_file(ws: Workspace) -> None:
    ws.path.write_bytes(b"\n \n")
    assert_refused_untouched(ws, b"\n \n", "empty")


def test_a_header_only_file_resumes_at_the_first_question(ws: Workspace) -> None:
    header_only = ws.lines()[0]
    ws.path.write_bytes(header_only)
    code, out, err = ws.resume("株式会社さくら食品\n/pause\n")
    assert code == 0, err
    assert "会社名を教えてください" in out
    assert ws.path.read_bytes().startswith(header_only)
    assert ws.answers() == ["株式会社さくら食品"]
    assert ("株式会社さくら食品" in ws.path.read_text(encoding="utf-8")) == (ws.kind == "plain")


def test_a_file_saved_as_shift_jis_names_the_first_line_it_cannot_read(plain_ws: Workspace) -> None:
    ws = plain_ws
    damaged = ws.original.decode("utf-8").encode("shift_jis")  # the header is ASCII, the answers are not
    first_bad = next(n for n, line in enumerate(damaged.splitlines(), 1) if not line.isascii())
    assert first_bad < len(damaged.splitlines())
    ws.path.write_bytes(damaged)
    assert_refused_untouched(ws, damaged, f"{ws.path}:{first_bad}: damaged line")


def test_a_non_utf8_header_is_refused_without_touching_the_file(ws: Workspace) -> None:
    damaged = "セッション\n".encode("shift_jis")
    ws.path.write_bytes(damaged)
    assert_refused_untouched(ws, damaged, f"{ws.path}:1:", "not UTF-8")


def test_a_header_cut_off_is_refused_without_touching_the_file(ws: Workspace) -> None:
    damaged = ws.lines()[0][:40]
    ws.path.write_bytes(damaged)
    assert_refused_untouched(ws, damaged, f"{ws.path}:1:")


# ---- the bank changed since the session started ----

def test_bank_edited_but_compatible_resumes_with_a_warning(ws: Workspace) -> None:
    text = ws.bank.read_text(encoding="utf-8")
    ws.bank.write_text(text.replace("会社名を教えてください。", "御社の正式な商号を教えてください。"), encoding="utf-8")
    code, _, err = ws.resume()
    assert code == 0
    assert "注意" in err and "not the one this session started with" in err and str(ws.bank) in err
    assert ws.path.read_bytes().startswith(ws.original)


def test_compiling_on_an_edited_bank_warns(ws: Workspace) -> None:
    ws.bank.write_text(ws.bank.read_text(encoding="utf-8").replace("会社名を", "御社名を"), encoding="utf-8")
    code, _, err = ws.compile()
    assert code == 0 and "not the one this session started with" in err


def test_bank_that_lost_an_answered_question_keeps_the_answer_and_says_so(ws: Workspace) -> None:
    text = ws.bank.read_text(encoding="utf-8")
    ws.bank.write_text(text.replace("- id: company_name", "- id: company_trade_name"), encoding="utf-8")
    code, _, err = ws.compile()
    assert code == 0, err
    assert str(ws.path) in err and "removed (their answers are kept as previous answers): company_name" in err
    assert "added: company_trade_name" in err
    assert ws.path.read_bytes() == ws.original and ws.backups() == []  # compiling never rewrites it
    sheet = next((ws.root / "out").glob("*-sheet.md")).read_text(encoding="utf-8")
    assert "`company_name`" in sheet and "株式会社みどり精工" in sheet  # kept in the previous-answers appendix
    code, out, err = ws.resume("/pause\n")
    assert code == 0, err
    assert "company_trade_name" in err
    assert ws.path.read_bytes().startswith(ws.original)  # resuming only appends


def test_bank_that_renamed_a_question_with_replaces_keeps_its_answer(ws: Workspace) -> None:
    text = ws.bank.read_text(encoding="utf-8")
    ws.bank.write_text(text.replace("- id: company_name", "- id: company_trade_name\n        replaces: [company_name]"),
                       encoding="utf-8")
    code, _, err = ws.compile()
    assert code == 0, err
    assert "renamed: company_name → company_trade_name" in err
    sheet = next((ws.root / "out").glob("*-sheet.md")).read_text(encoding="utf-8")
    assert sheet.splitlines()[0].endswith("株式会社みどり精工")  # still the company's name on the sheet


def test_bank_that_is_gone_says_how_to_point_at_it(ws: Workspace) -> None:
    ws.bank.unlink()
    for command in (ws.resume, ws.compile):
        code, _, err = command()
        assert code == 4 and str(ws.bank) in err and "--bank FILE" in err
    assert ws.path.read_bytes() == ws.original

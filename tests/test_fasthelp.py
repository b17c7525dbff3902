"""`locaben --help` without building the parser prints exactly what argparse prints.

The pages in dialogue/cli/help_pages.py are rendered from the parser; when a command, an option or a help text
changes, the first test fails until `scripts/write_help_pages.py` is run.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys

import pytest

import dialogue
from dialogue.cli import fasthelp, help_pages
from dialogue.cli.help import help_language, localise_argparse, pages_source, walk
from dialogue.cli.main import build_parser
from dialogue.errors import ExitStatus
from dialogue.i18n import LANGUAGES
from tests.helpers import ROOT


def argparse_says(argv: list[str], environ: dict[str, str]) -> tuple[int, str]:
    """What the full parser prints for `argv` (the way `main` runs it): (exit status, stdout)."""
    lang = help_language(argv, environ)
    localise_argparse(lang)
    parser = build_parser(lang)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:
            return int(exc.code or 0), out.getvalue()
    assert args.command is None, argv
    parser.print_help(out)
    return ExitStatus.USAGE, out.getvalue()


def fast_says(argv: list[str], environ: dict[str, str]) -> tuple[int | None, str]:
    out = io.StringIO()
    return fasthelp.quick_help(argv, environ, out), out.getvalue()


def test_the_ready_made_pages_are_current() -> None:
    written = (ROOT / "dialogue" / "cli" / "help_pages.py").read_text(encoding="utf-8")
    assert written == pages_source(), "the help pages are stale: run `scripts/write_help_pages.py`"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_is_what_argparse_prints(lang: str) -> None:
    environ = {"LOCABEN_LANG": lang}
    localise_argparse(lang)
    commands = [words for words, _ in walk(build_parser(lang))]
    assert len(commands) > 20 and ("bank", "validate") in commands
    for words in commands:
        for argv in ([*words, "--help"], [*words, "-h"]):
            status, text = fast_says(argv, environ)
            assert status is not None, argv  # every page is served by the fast path …
            assert (status, text) == argparse_says(argv, environ), argv  # … exactly as argparse prints it
    assert fast_says([], environ) == argparse_says([], environ)  # `locaben` alone: the top page, usage status
    assert fast_says([], environ)[0] == ExitStatus.USAGE


def test_lang_chooses_the_page_where_the_command_takes_it() -> None:
    for argv in (["interview", "--lang", "en", "--help"], ["compile", "--lang=en", "-h"],
                 ["interview", "--lang", "ja", "--help"]):
        status, text = fast_says(argv, {"LOCABEN_LANG": "ja"})
        assert status == 0 and (status, text) == argparse_says(argv, {"LOCABEN_LANG": "ja"}), argv
    assert "one question at a time" in fast_says(["interview", "--lang", "en", "--help"], {})[1]


@pytest.mark.parametrize("argv", [
    ["--lang", "en", "--help"],  # the top command has no --lang: argparse refuses it
    ["bank", "--lang", "en", "--help"],  # nor has `bank`
    ["interview", "--help", "--lang", "en"],  # help not last
    ["--hel"],  # an abbreviation argparse accepts
    ["resume", "ID", "--help"],  # an argument
    ["nosuchcommand", "--help"],
    ["--version"],
    ["interview"],
])
def test_anything_else_is_left_to_argparse(argv: list[str]) -> None:
    assert fast_says(argv, {})[0] is None


HELP_PATH = {"__future__", "dialogue", "dialogue.cli", "dialogue.cli.main", "dialogue.cli.fasthelp",
             "dialogue.cli.help_pages"}


@pytest.mark.parametrize("columns", ["40", "200"])
def test_the_process_prints_the_page_and_builds_no_parser(columns: str) -> None:
    """A real `locaben --help`: the same page on a narrow and a wide terminal, and no module imported but
    the help path's own (no argparse, no command module, none of typing, dataclasses, pathlib …)."""
    probe = ("import sys\nbefore = set(sys.modules)\nfrom dialogue.cli.main import main\n"
             "status = main(sys.argv[1:])\nloaded = sorted(set(sys.modules) - before - HELP_PATH)\n"
             "sys.stdout.write(f'\\n{status} {loaded}\\n')\n").replace("HELP_PATH", repr(HELP_PATH))
    environ = {**os.environ, "COLUMNS": columns, "LOCABEN_LANG": "en"}
    for argv in (["--help"], ["bank", "validate", "--help"]):
        done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True,
                              encoding="utf-8", env=environ, cwd=ROOT, timeout=60)
        page, _, tail = done.stdout.rpartition("\n0 ")
        assert tail.strip() == "[]", (argv, done.stderr)
        assert page == argparse_says(argv, {"LOCABEN_LANG": "en"})[1]


def test_argparse_itself_lays_help_out_for_80_columns_on_any_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages can be ready-made because the parser does not follow the terminal's width."""
    seen = set()
    for columns in ("40", "80", "250"):
        monkeypatch.setenv("COLUMNS", columns)
        seen.add(argparse_says(["interview", "--help"], {"LOCABEN_LANG": "en"})[1])
    assert len(seen) == 1
    assert seen == {help_pages.PAGES["en:interview"]}


def test_the_version_is_printed_alone_and_imports_nothing() -> None:
    """`locaben --version` prints one line, the version, and loads no module beyond the help path's own (it
    once printed the store too, which imported platformdirs, pathlib and dataclasses: 3.6× `python -c pass`).
    Where the store is, `locaben sessions` says."""
    probe = ("import sys\nbefore = set(sys.modules)\nfrom dialogue.cli.main import main\n"
             "status = main(sys.argv[1:])\nloaded = sorted(set(sys.modules) - before - HELP_PATH)\n"
             "sys.stdout.write(f'\\n{status} {loaded}\\n')\n").replace("HELP_PATH", repr(HELP_PATH - {"dialogue.cli.help_pages"}))
    done = subprocess.run([sys.executable, "-c", probe, "--version"], capture_output=True, text=True,
                          encoding="utf-8", env={**os.environ, "LOCABEN_LANG": "en"}, cwd=ROOT, timeout=60)
    printed, _, tail = done.stdout.rpartition("\n0 ")
    assert tail.strip() == "[]", done.stderr
    assert printed == f"locaben {dialogue.__version__}\n"

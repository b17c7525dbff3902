"""`locaben --help`, `locaben` alone and `locaben COMMAND --help` without building the parser.

Building the whole parser imports every command module and what they import (the engine, the store, …):
that costs several times the start of Python itself, for a page of text. The pages are rendered from the
real parser ahead of time (`scripts/write_help_pages.py` → dialogue/cli/help_pages.py; one source
of truth: `build_parser`), at argparse's 80-column layout, which the parser uses on every terminal too
(dialogue.cli.help.FixedWidthFormatter) — so a page printed here is exactly what argparse prints, which
tests/test_fasthelp.py checks page by page.

Only plain requests are answered here: the command words, then `--lang ja|en` where that command takes it,
then `-h`/`--help` last. Anything else (an abbreviation, an argument, an unknown word) returns None and
argparse answers, errors included. Imports nothing the interpreter has not loaded at start.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself is not imported on this path; mypy reads the block below
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import IO

HELP_FLAGS = ("-h", "--help")
LANG_WORDS = {"--lang=ja": "ja", "--lang=en": "en"}


def help_language(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language of help and argparse's messages: --lang, else LOCABEN_LANG, LC_ALL or LANG; Japanese
    unless English is asked for. Read before argparse runs, so the help itself can be localised."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else "ja"
        if arg.startswith("--lang="):
            return "en" if arg.endswith("=en") else "ja"
    wanted = environ.get("LOCABEN_LANG") or environ.get("LC_ALL") or environ.get("LANG") or "ja"
    return "en" if wanted.lower().startswith("en") else "ja"


def utf8(*streams: IO[str]) -> None:
    """Write UTF-8 whatever the locale (LANG=C included); what cannot be encoded is escaped, never fatal."""
    for stream in streams:
        if hasattr(stream, "reconfigure") and (getattr(stream, "encoding", "") or "").lower() != "utf-8":
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def page_request(argv: Sequence[str]) -> tuple[str, bool] | None:
    """(the command words joined by spaces, whether `--lang` was given) for a plain help request; None
    for anything argparse must judge."""
    if not argv:
        return "", False
    if argv[-1] not in HELP_FLAGS:
        return None
    words: list[str] = []
    rest = list(argv[:-1])
    while rest and not rest[0].startswith("-"):
        words.append(rest.pop(0))
    if rest == ["--lang", "ja"] or rest == ["--lang", "en"] or (len(rest) == 1 and rest[0] in LANG_WORDS):
        return " ".join(words), True
    return (" ".join(words), False) if not rest else None


def quick_help(argv: Sequence[str], environ: Mapping[str, str], stdout: IO[str]) -> int | None:
    """Print the help page `argv` asks for and return the exit status argparse would give (0; `locaben`
    alone: the usage status), or None when the request is not a plain one."""
    request = page_request(argv)
    if request is None:
        return None
    words, lang_given = request
    from dialogue.cli import help_pages

    page = help_pages.PAGES.get(f"{help_language(argv, environ)}:{words}")
    if page is None or (lang_given and words not in help_pages.LANG_OPTION):
        return None
    utf8(stdout)
    stdout.write(page)
    stdout.flush()
    return 0 if argv else help_pages.USAGE_STATUS

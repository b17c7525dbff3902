"""`locaben --help` in Japanese and English. The language comes from --lang, LOCABEN_LANG or LANG,
looked at before argparse runs (so the help itself can be localised). Every word is in the catalogue:
`help.*` for ours, `argparse.*` for argparse's own (usage, options, errors).

Help is laid out for 80 columns on every terminal (argparse's layout when it prints to a pipe), so each
page can be rendered once from the parser and printed without building it (dialogue.cli.fasthelp):
`scripts/write_help_pages.py` renders every page into dialogue/cli/help_pages.py.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from dialogue.cli.fasthelp import help_language
from dialogue.i18n import CATALOGUES, LANGUAGES, say

__all__ = ["FixedWidthFormatter", "Parser", "h", "help_language", "localise_argparse", "pages_source", "render_pages"]

ARGPARSE_PREFIX = "argparse."
HELP_WIDTH = 78  # what argparse uses for an 80-column screen (its width is the columns less 2)


def h(key: str, lang: str, **values: object) -> str:
    """A help text, with `%` doubled (argparse formats help with %)."""
    return say(f"help.{key}", lang, **values).replace("%", "%%")


def localise_argparse(lang: str) -> None:
    """Make argparse's fixed words (usage, options, errors) speak `lang`."""
    import gettext

    if lang == "en":
        argparse._ = gettext.gettext  # type: ignore[attr-defined]  # argparse looks its words up through `_`
        return
    catalogue = CATALOGUES[lang]
    argparse._ = lambda text: catalogue.get(ARGPARSE_PREFIX + text, text)  # type: ignore[attr-defined]  # as above


class FixedWidthFormatter(argparse.HelpFormatter):
    """argparse's own layout at a fixed width (HELP_WIDTH) instead of the terminal's, so a page is the same
    everywhere and can be printed ready-made."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position, HELP_WIDTH if width is None else width)


class Parser(argparse.ArgumentParser):
    """The `locaben` parser: argparse with the fixed-width layout. Subcommand parsers are made of the same
    class (argparse's `add_subparsers` uses the parent's), so every page has that layout."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", FixedWidthFormatter)
        super().__init__(*args, **kwargs)


# ---- the ready-made pages ----

def walk(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()
         ) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every parser with its command words: ("",) the top one, ("bank", "validate") a nested one."""
    yield words, parser
    for action in parser._actions:  # argparse offers no public view of its subcommands
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from walk(child, (*words, name))


def takes_lang(parser: argparse.ArgumentParser) -> bool:
    return any("--lang" in action.option_strings for action in parser._actions)


def render_pages() -> tuple[dict[str, str], list[str]]:
    """Every help page in every language, keyed `lang:command words`, and the commands that take --lang."""
    from dialogue.cli.main import build_parser

    pages: dict[str, str] = {}
    with_lang: set[str] = set()
    saved = argparse._  # type: ignore[attr-defined]  # localise_argparse changes it; put back afterwards
    try:
        for lang in LANGUAGES:
            localise_argparse(lang)
            for words, parser in walk(build_parser(lang)):
                pages[f"{lang}:{' '.join(words)}"] = parser.format_help()
                if takes_lang(parser):
                    with_lang.add(" ".join(words))
    finally:
        argparse._ = saved  # type: ignore[attr-defined]  # argparse's gettext hook is private
    return pages, sorted(with_lang)


def pages_source() -> str:
    """dialogue/cli/help_pages.py as it should be now."""
    from dialogue.errors import ExitStatus

    pages, with_lang = render_pages()
    out = ['"""Every `locaben` help page, rendered from the parser (dialogue.cli.main.build_parser). Generated:',
           "do not edit; run `scripts/write_help_pages.py` after changing a command, an option or a help text",
           '(tests/test_fasthelp.py fails until then). Read by dialogue.cli.fasthelp."""', "",
           f"USAGE_STATUS = {int(ExitStatus.USAGE)}  # `locaben` alone prints the top page with this status", "",
           "LANG_OPTION = frozenset({", *(f"    {words!r}," for words in with_lang), "})", "",
           "PAGES = {"]
    for key, text in pages.items():
        out.append(f"    {key!r}: (")
        out.extend(f"        {line!r}" for line in _lines(text))
        out.append("    ),")
    out.append("}")
    return "\n".join(out) + "\n"


def _lines(text: str) -> list[str]:
    """`text` cut after each `\\n` only (str.splitlines also cuts at other characters)."""
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])

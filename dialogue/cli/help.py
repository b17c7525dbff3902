"""`locaben --help` in Japanese and English. The language comes from --lang, LOCABEN_LANG or LANG,
looked at before argparse runs (so the help itself can be localised). Every word is in the catalogue:
`help.*` for ours, `argparse.*` for argparse's own (usage, options, errors)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dialogue.i18n import CATALOGUES, say

ARGPARSE_PREFIX = "argparse."


def h(key: str, lang: str, **values: object) -> str:
    """A help text, with `%` doubled (argparse formats help with %)."""
    return say(f"help.{key}", lang, **values).replace("%", "%%")


def help_language(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else "ja"
        if arg.startswith("--lang="):
            return "en" if arg.endswith("=en") else "ja"
    wanted = environ.get("LOCABEN_LANG") or environ.get("LC_ALL") or environ.get("LANG") or "ja"
    return "en" if wanted.lower().startswith("en") else "ja"


def localise_argparse(lang: str) -> None:
    """Make argparse's fixed words (usage, options, errors) speak `lang`."""
    import argparse
    import gettext

    if lang == "en":
        argparse._ = gettext.gettext  # type: ignore[attr-defined]  # argparse looks its words up through `_`
        return
    catalogue = CATALOGUES[lang]
    argparse._ = lambda text: catalogue.get(ARGPARSE_PREFIX + text, text)  # type: ignore[attr-defined]  # as above

"""Text from people, printed literally: never as markup, never as terminal control.

Every answer, note, bank or persona text, file name and path reaches the screen through `plain()` (or
`visible()`), and every console is made by `make_console()` with markup off. Control characters, escape
sequences, bidirectional overrides and zero-width characters are shown as visible stand-ins (`␛`,
`\\u202e`); the journal and the outputs keep the text exactly as typed.
"""

from __future__ import annotations

import re
from typing import IO

from rich.console import Console

from dialogue.i18n import say
from dialogue.model.hidden import HIDDEN
from dialogue.ui.wrap import ScreenText

_HIDDEN = HIDDEN  # dialogue.model.hidden: what could change the terminal or hide what is written
_CONTROL_PICTURES = {i: chr(0x2400 + i) for i in range(0x20)} | {0x7F: "\u2421"}
SHOWN_CHARS = 2_000  # a long paste is shown cut, with its full length; the journal keeps all of it


def _stand_in(match: re.Match[str]) -> str:
    ch = match.group(0)
    code = ord(ch)
    if code in _CONTROL_PICTURES:
        return _CONTROL_PICTURES[code]  # ␛ for ESC, ␇ for BEL …
    return f"\\u{code:04x}" if code > 0xFF else f"\\x{code:02x}"


def visible(text: str) -> str:
    """`text` with every character that could change the terminal or hide what is written made visible."""
    return _HIDDEN.sub(_stand_in, text)


def cut(text: str, limit: int = SHOWN_CHARS, lang: str = "ja") -> str:
    """At most `limit` characters of `text`, saying how long it really is."""
    if len(text) <= limit:
        return text
    return text[:limit] + say("ui.cut", lang, n=f"{len(text):,}")


def plain(text: object, style: str = "", limit: int | None = SHOWN_CHARS) -> ScreenText:
    """A rich Text that shows `text` as it is: no markup, controls visible, a huge paste cut; its lines
    break by the Japanese line-breaking rules (dialogue.ui.wrap)."""
    value = str(text)
    if limit is not None:
        value = cut(value, limit)
    return ScreenText(visible(value), style=style)


def joined(*parts: ScreenText | tuple[str, str]) -> ScreenText:
    """Several texts (or (text, style) pairs of our own words) as one line that breaks like `plain()`."""
    line = ScreenText()
    for part in parts:
        line.append_text(part if isinstance(part, ScreenText) else plain(*part))
    return line


def make_console(file: IO[str], no_color: bool = False, width: int | None = None) -> Console:
    """The one way consoles are made: markup off (a `[/]` in an answer is text), no emoji codes, no
    highlighting of numbers or paths inside people's text."""
    return Console(file=file, markup=False, highlight=False, emoji=False, no_color=no_color, width=width)

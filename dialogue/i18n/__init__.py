"""Every message the program shows or writes, in one catalogue per language (`ja.py`, `en.py`).

`say(key, lang, **values)`; Japanese is the default language. Values are inserted as text: `str.format`
does not interpret what it inserts, so a person's answer can never act as a format string. Imports only
dialogue.record of the package: every layer may use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field

from dialogue.i18n import en, ja
from dialogue.record import Record, record

LANGUAGES: tuple[str, ...] = ("ja", "en")
CATALOGUES: dict[str, Mapping[str, str]] = {"ja": ja.MESSAGES, "en": en.MESSAGES}


def say(key: str, lang: str, **values: object) -> str:
    """The message `key` in `lang` (English for a language we have no catalogue for)."""
    text = CATALOGUES.get(lang, en.MESSAGES)[key]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in ja.MESSAGES


def language(wanted: str | None, available: tuple[str, ...] = LANGUAGES) -> str:
    """`wanted` (a language code or a locale such as ja_JP.UTF-8) if available, else the first available."""
    code = (wanted or "")[:2].lower()
    return code if code in available else available[0]


@record
class Message(Record):
    """A message not worded yet: its key and values (a value may itself be a Message). Code that does not know
    the user's language (the store, the team server) returns or raises these; the command words them."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        return say(self.key, lang, **{k: v.text(lang) if isinstance(v, Message) else v
                                      for k, v in self.values.items()})

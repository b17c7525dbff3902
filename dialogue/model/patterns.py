"""Regular expressions compiled at their first use, not at import.

Compiling a pattern costs from 0.1 ms to 3 ms (a character class over the kana and kanji ranges,
`[\\u3040-\\u30ff\\u4e00-\\u9fff]`, is the dearest: the compiler builds a bitmap for it); the detectors' and the
answer parser's patterns together cost ~30 ms that the start of an interview (and `locaben --help`) need not
pay before the first answer (issue 18).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any


class LazyPattern:
    """`re.compile(source, flags)`, made when a method is first called; the methods are the pattern's."""

    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, source: str, flags: int = 0):
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    def search(self, text: str) -> re.Match[str] | None:
        return self.compiled.search(text)

    def match(self, text: str) -> re.Match[str] | None:
        return self.compiled.match(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text)

    def split(self, text: str) -> list[str | Any]:  # (None for a group that took no part, as re.split)
        return self.compiled.split(text)

    def sub(self, replacement: str | Callable[[re.Match[str]], str], text: str) -> str:
        return self.compiled.sub(replacement, text)

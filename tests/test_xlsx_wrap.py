"""The sheet's wrapping estimate (dialogue.sheet.xlsx_layout.wrap) is the plain greedy algorithm, token by token,
whatever shortcuts make it fast: compared with that algorithm written out here, on random Japanese and Latin text
with words longer than a line, emoji and spaces."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from dialogue.sheet.xlsx_layout import _TOKEN, display_width, wrap

PIECES = [*"あいう漢字カナ、。「」（）ーっャ→↳ abcXYZ12 \u3000・…😀①", "supercalifragilistic", "ab", "  "]


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def greedy(paragraph: str, capacity: float) -> list[str]:
    """Each token on the line while it fits; a token longer than a line cut character by character."""
    lines: list[str] = []
    line, used = "", 0.0
    for token in _TOKEN.findall(paragraph):
        if used + width(token) > capacity and line:
            lines.append(line)
            line, used = "", 0.0
        if width(token) > capacity:
            for ch in token:
                if used + width(ch) > capacity and line:
                    lines.append(line)
                    line, used = "", 0.0
                line, used = line + ch, used + width(ch)
            continue
        line, used = line + token, used + width(token)
    return [*lines, line]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join),
       st.sampled_from([1, 1.5, 2, 3, 4.5, 5, 7, 10, 20, 37.5, 80]))
def test_wrap_is_the_greedy_algorithm(paragraph: str, capacity: float) -> None:
    assert wrap(paragraph, capacity) == greedy(paragraph, capacity)


@given(st.text(max_size=50))
def test_display_width_counts_wide_characters_twice(text: str) -> None:
    assert display_width(text) == width(text)

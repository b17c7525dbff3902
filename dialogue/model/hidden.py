"""Characters that can change a terminal or hide what is written: C0 controls but tab and newline, DEL, C1
controls; bidirectional embeddings, overrides, isolates and marks; zero-width characters and the BOM; line
and paragraph separators (some terminals treat them as line feeds). The screen shows them as visible
stand-ins (dialogue.ui.text.visible) and `bank validate` / `validate-persona` warn about them (W101)."""

from __future__ import annotations

import re

HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def describe(ch: str) -> str:
    """`U+202E` for a character."""
    return f"U+{ord(ch):04X}"

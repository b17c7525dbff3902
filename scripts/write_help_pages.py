#!/usr/bin/env python3
"""Render every `locaben` help page from the parser into dialogue/cli/help_pages.py, which `locaben --help`
prints without building the parser (dialogue.cli.fasthelp). Run it after changing a command, an option or a
help text; tests/test_fasthelp.py fails until then.

    .venv/bin/python scripts/write_help_pages.py            # rewrite the pages (when they changed)
    .venv/bin/python scripts/write_help_pages.py --check    # exit 1 when they are stale
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "dialogue" / "cli" / "help_pages.py"


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    from dialogue.cli.help import pages_source

    wanted = pages_source()
    current = PAGES.read_text(encoding="utf-8") if PAGES.exists() else ""
    if argv == ["--check"]:
        print("help pages are current" if wanted == current else f"stale: {PAGES}")
        return 0 if wanted == current else 1
    if argv:
        print(__doc__)
        return 2
    if wanted != current:
        PAGES.write_text(wanted, encoding="utf-8", newline="\n")
        print(f"wrote {PAGES}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

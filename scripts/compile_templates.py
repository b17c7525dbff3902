#!/usr/bin/env python3
"""Compile the sheet's jinja2 templates into dialogue/sheet/compiled_templates/ (dialogue.sheet.precompiled),
so `locaben compile` imports them instead of compiling them at each run. Run it after changing a template or
the jinja2 version; tests/test_compiled_templates.py fails until then (a stale module is never used).

    .venv/bin/python scripts/compile_templates.py            # rewrite the modules that changed
    .venv/bin/python scripts/compile_templates.py --check    # exit 1 when any is stale
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "dialogue" / "sheet" / "compiled_templates"


def wanted_files() -> dict[Path, str]:
    sys.path.insert(0, str(ROOT))
    from dialogue.sheet.precompiled import KINDS, compiled_source, module_name, package_source
    from dialogue.sheet.render_filing_html import _environment as filing_environment
    from dialogue.sheet.render_html import html_environment
    from dialogue.sheet.render_markdown import _environment as markdown_environment

    environments = {"md": markdown_environment(), "html": html_environment(), "filing": filing_environment()}
    files = {FOLDER / "__init__.py": package_source()}
    for kind, templates in KINDS.items():
        for template in templates:
            files[FOLDER / f"{module_name(kind, template)}.py"] = compiled_source(environments[kind], kind, template)
    return files


def main(argv: list[str]) -> int:
    files = wanted_files()
    stale = [path for path, text in files.items()
             if not path.exists() or path.read_text(encoding="utf-8") != text]
    if argv == ["--check"]:
        print("\n".join(f"stale: {p}" for p in stale) or "compiled templates are current")
        return 1 if stale else 0
    if argv:
        print(__doc__)
        return 2
    FOLDER.mkdir(exist_ok=True)
    for path in stale:
        path.write_text(files[path], encoding="utf-8", newline="\n")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

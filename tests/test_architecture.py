"""Data flows one way: bank → engine → journal → sheet, wired only by the CLI layer (see STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dialogue"
CORE = {"bank", "engine", "journal", "sheet"}
WIRING = {"cli", "session", "interview_loop"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def module_files() -> dict[str, Path]:
    return {str(p.relative_to(PACKAGE).with_suffix("")).replace("/", "."): p for p in PACKAGE.rglob("*.py")}


def top(module: str) -> str:
    return module.split(".")[0]


def test_core_modules_do_not_import_each_other() -> None:
    for name, path in module_files().items():
        own = top(name)
        if own not in CORE:
            continue
        used = {top(m.removeprefix("dialogue.")) for m in imports_of(path) if m.startswith("dialogue.")}
        assert not (used & (CORE - {own})), f"{name} imports {used & CORE}"
        assert not (used & WIRING), f"{name} imports the wiring layer"


def test_each_library_has_one_home() -> None:
    homes = {"yaml": {"yaml_nodes"}, "transitions": {"engine"}, "jinja2": {"sheet"}, "openpyxl": {"sheet"},
             "prompt_toolkit": {"terminal"}}
    for name, path in module_files().items():
        for library, allowed in homes.items():
            if any(top(m) == library for m in imports_of(path)):
                assert top(name) in allowed, f"{name} imports {library}; only {allowed} may"


def test_nothing_evaluates_code_from_data() -> None:
    for name, path in module_files().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("eval", "exec", "compile"), f"{name} calls {node.func.id}"

"""Data flows one way through folders that show the pipeline (docs/architecture.md): every module of the
package is checked against the layer table, every third-party library against its one home."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dialogue"

# folder → the folders its modules may import. Lower layers never import higher ones.
GROUND = {"errors", "i18n"}  # the exception tree and the message catalogues: every layer may use them
MAY_IMPORT: dict[str, set[str]] = {
    "errors": set(),
    "i18n": set(),
    "model": GROUND,
    "banks": GROUND | {"model"},
    "engine": GROUND | {"model"},
    "store": GROUND | {"model", "engine", "banks"},
    "sheet": GROUND | {"model"},
    "ui": GROUND | {"model", "banks", "engine", "store", "sheet"},
    "training": GROUND | {"model", "banks", "engine", "store", "sheet", "ui"},
    "cli": GROUND | {"model", "banks", "engine", "store", "sheet", "ui", "training"},
    "__init__": set(),
    "__main__": {"cli"},
}

# library → the modules (or folders) allowed to import it.
HOMES: dict[str, set[str]] = {
    "yaml": {"banks.yaml_nodes"},
    "transitions": {"engine.machine", "engine.core"},
    "jinja2": {"sheet"},
    "openpyxl": {"sheet"},
    "xlsxwriter": {"sheet"},
    "prompt_toolkit": {"ui.terminal", "ui.pager"},
    "rich": {"ui", "training", "cli"},
    "psycopg": {"store"},
    "cryptography": {"store"},
    "keyring": {"store"},
    "platformdirs": {"store", "cli", "banks"},
    "filelock": {"store", "sheet"},
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "dialogue":
                names.update(f"dialogue.{alias.name}" for alias in node.names)
    return names


def module_files() -> dict[str, Path]:
    return {str(p.relative_to(PACKAGE).with_suffix("")).replace("/", "."): p for p in PACKAGE.rglob("*.py")}


def layer(module: str) -> str:
    return module.split(".")[0]


def test_every_module_is_in_a_known_layer() -> None:
    unknown = sorted(m for m in module_files() if layer(m) not in MAY_IMPORT)
    assert not unknown, f"modules outside the layer folders: {unknown}"


def test_layers_import_only_downwards() -> None:
    problems = []
    for name, path in module_files().items():
        own = layer(name)
        for module in imports_of(path):
            if not module.startswith("dialogue."):
                continue
            target = layer(module.removeprefix("dialogue."))
            if target in ("__init__", "__version__", own):
                continue
            if target not in MAY_IMPORT.get(own, set()):
                problems.append(f"{name} imports {module}")
    assert not problems, "\n".join(problems)


def test_each_library_has_one_home() -> None:
    problems = []
    for name, path in module_files().items():
        for library, homes in HOMES.items():
            if any(m.split(".")[0] == library for m in imports_of(path)) and \
                    not any(name == home or name.startswith(home + ".") for home in homes):
                problems.append(f"{name} imports {library}; only {sorted(homes)} may")
    assert not problems, "\n".join(problems)


def test_no_import_hidden_in_a_string() -> None:
    for name, path in module_files().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
                called = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
                assert called not in ("import_module", "__import__"), f"{name} imports by name"


def test_nothing_evaluates_code_from_data() -> None:
    for name, path in module_files().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("eval", "exec", "compile"), f"{name} calls {node.func.id}"


def test_no_module_computes_data_paths_from_its_own_file() -> None:
    """Built-in banks, personas and templates are package resources, not paths next to a source file."""
    for name, path in module_files().items():
        assert "__file__" not in path.read_text(encoding="utf-8"), f"{name} uses __file__"

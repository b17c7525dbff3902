"""Data flows one way through folders that show the pipeline (docs/architecture.md): every module of the
package is checked against the layer table, every third-party library against its one home; and no test module
imports another (what tests share lives in helper modules)."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dialogue"
TESTS = ROOT / "tests"

# folder → the folders its modules may import. Lower layers never import higher ones.
# the exception tree, the message catalogues, the OS file lock, frozen records: every layer may use them
GROUND = {"errors", "i18n", "oslock", "record"}
MAY_IMPORT: dict[str, set[str]] = {
    "errors": {"record"},
    "i18n": {"record"},
    "oslock": set(),
    "record": set(),
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
    "filelock": set(),  # replaced by dialogue/oslock.py (its import cost 20–60 ms at every start)
}


@cache
def tree_of(path: Path) -> ast.Module:
    """The parsed module, read once per run: every test below walks the same files."""
    return ast.parse(path.read_text(encoding="utf-8"))


@cache
def imports_of(path: Path) -> frozenset[str]:
    """The absolute module names `path` imports (`from dialogue import x` counts as `dialogue.x`)."""
    tree = tree_of(path)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "dialogue":
                names.update(f"dialogue.{alias.name}" for alias in node.names)
    return frozenset(names)


@cache
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
        for node in ast.walk(tree_of(path)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
                called = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
                assert called not in ("import_module", "__import__"), f"{name} imports by name"


def test_nothing_evaluates_code_from_data() -> None:
    for name, path in module_files().items():
        for node in ast.walk(tree_of(path)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("eval", "exec", "compile"), f"{name} calls {node.func.id}"


def test_no_module_computes_data_paths_from_its_own_file() -> None:
    """Built-in banks, personas and templates are package resources, not paths next to a source file."""
    for name, path in module_files().items():
        assert "__file__" not in path.read_text(encoding="utf-8"), f"{name} uses __file__"


# ---- the tests themselves ----
# A test module is a file pytest collects (`test_*.py`); every other module under tests/ is a helper module
# (helpers.py, conftest.py, screen_driver.py, tmux_screen.py, filing_support.py, server/helpers.py, …).


@cache
def modules_under_tests() -> dict[str, Path]:
    """Every module under tests/, test or helper, by its dotted name (`tests.server.helpers`)."""
    return {".".join(p.relative_to(ROOT).with_suffix("").parts): p for p in TESTS.rglob("*.py")}


def is_test_module(name: str) -> bool:
    """`tests.test_cli` and `tests.server.test_team` are; `tests.helpers`, `tests.conftest` are not."""
    return name.rsplit(".", 1)[-1].startswith("test_")


def imported_test_modules(name: str, path: Path) -> set[str]:
    """The test modules `name` imports, however written: `import tests.test_x`, `from tests.test_x import y`,
    `from tests import test_x`, or relative (`from .test_x import y`, `from . import test_x`)."""
    package = name.split(".")[:-1]
    found = set()
    for node in ast.walk(tree_of(path)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            parts = node.module.split(".") if node.module else []
            if node.level:
                parts = package[: len(package) - node.level + 1] + parts
            base = ".".join(parts)
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t.split(".")[0] == "tests" and any(map(is_test_module, t.split("."))))
    return found


def test_no_test_module_imports_another() -> None:
    """What tests share lives in helper modules: no module under tests/ (test or helper) imports a test module,
    which would tie one behaviour's tests to another's and run its module-level setup again."""
    problems = [f"{name} imports {sorted(imported)}" for name, path in modules_under_tests().items()
                if (imported := imported_test_modules(name, path))]
    assert not problems, "\n".join(problems)


def test_helper_modules_hold_no_tests() -> None:
    """The other half of the rule: a module that is not collected (not `test_*.py`) defines no test, so moving
    tests into a helper module cannot hide them from pytest nor let them be imported."""
    problems = [f"{name}: {node.name}" for name, path in modules_under_tests().items() if not is_test_module(name)
                for node in tree_of(path).body
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                and node.name.lower().startswith("test")]
    assert not problems, "\n".join(problems)

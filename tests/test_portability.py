"""Windows laptops too, checked statically (there is no Windows machine here): no module of the package needs a
Unix-only (or Windows-only) module outside a platform guard, every text file is written with explicit `\\n`
line ends, and a journal holds `\\n` line ends only, whatever the text typed."""

from __future__ import annotations

import ast
from pathlib import Path

from dialogue.model import Event
from dialogue.model.events import Answered, Noted
from dialogue.store.journal import Header, SessionStore

PACKAGE = Path(__file__).resolve().parent.parent / "dialogue"

# Modules that exist on one family of systems only (the Python docs' "Availability" notes).
UNIX_ONLY = {"fcntl", "pwd", "grp", "termios", "tty", "pty", "resource", "posix", "syslog", "crypt", "spwd",
             "nis", "curses", "_curses", "readline"}
WINDOWS_ONLY = {"msvcrt", "winreg", "winsound", "_winapi", "nt"}
PLATFORM_ONLY = UNIX_ONLY | WINDOWS_ONLY
# `os` functions that Windows does not have (on the Python versions we support).
UNIX_ONLY_OS = {"fchmod", "fchown", "chown", "lchown", "getuid", "geteuid", "getgid", "getegid", "fork",
                "forkpty", "setsid", "killpg", "getpgid", "setpgid", "uname", "mkfifo", "sync", "getloadavg",
                "sched_getaffinity", "posix_fadvise", "statvfs"}


def module_files() -> dict[str, Path]:
    return {".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts): p for p in sorted(PACKAGE.rglob("*.py"))}


def parents_of(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def is_platform_test(test: ast.expr) -> bool:
    """`sys.platform …`, `os.name …`, `platform.system() …` anywhere in an `if` condition."""
    text = ast.unparse(test)
    return any(marker in text for marker in ("sys.platform", "os.name", "platform.system()"))


def catches_import_error(node: ast.Try) -> bool:
    names = {ast.unparse(h.type) for h in node.handlers if h.type is not None}
    caught = {n.strip("() ") for name in names for n in name.split(",")}
    return bool(caught & {"ImportError", "ModuleNotFoundError"})


def guarded(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Inside an `if` on the platform (either branch) or a `try` that catches ImportError."""
    while node in parents:
        parent = parents[node]
        if isinstance(parent, ast.If) and is_platform_test(parent.test) and node is not parent.test:
            return True
        if isinstance(parent, ast.Try) and node in parent.body and catches_import_error(parent):
            return True
        node = parent
    return False


def imported_modules(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name.split(".")[0] for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return [node.module.split(".")[0]]
    return []


def unguarded_platform_uses(source: str) -> list[str]:
    tree = ast.parse(source)
    parents = parents_of(tree)
    found = []
    for node in ast.walk(tree):
        names = [m for m in imported_modules(node) if m in PLATFORM_ONLY]
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os" \
                and node.attr in UNIX_ONLY_OS:
            names.append(f"os.{node.attr}")
        found += [f"line {node.lineno}: {name}" for name in names if not guarded(node, parents)]  # type: ignore[attr-defined]
    return found


def test_no_module_needs_a_unix_only_module_outside_a_platform_guard() -> None:
    problems = {name: found for name, path in module_files().items()
                if (found := unguarded_platform_uses(path.read_text(encoding="utf-8")))}
    assert problems == {}


def test_the_scan_finds_what_it_must_and_accepts_the_guards() -> None:
    """The checker itself: it would catch each pattern, and lets each kind of guard through."""
    assert unguarded_platform_uses("import fcntl\n") == ["line 1: fcntl"]
    assert unguarded_platform_uses("from termios import TCSANOW\n") == ["line 1: termios"]
    assert unguarded_platform_uses("def f():\n    import pwd\n") == ["line 2: pwd"]
    assert unguarded_platform_uses("import os\nos.fchmod(1, 0o600)\n") == ["line 2: os.fchmod"]
    assert unguarded_platform_uses("import msvcrt\n") == ["line 1: msvcrt"]
    guards = [
        "import sys\nif sys.platform != 'win32':\n    import fcntl\n",
        "import sys\nif sys.platform == 'win32':\n    import msvcrt\nelse:\n    import termios\n",
        "import os\nif os.name == 'posix':\n    os.fchmod(1, 0o600)\n",
        "try:\n    import resource\nexcept ImportError:\n    resource = None\n",
        "try:\n    import pwd\nexcept (ModuleNotFoundError, OSError):\n    pwd = None\n",
    ]
    for source in guards:
        assert unguarded_platform_uses(source) == [], source
    assert unguarded_platform_uses("try:\n    import fcntl\nexcept OSError:\n    pass\n") == ["line 2: fcntl"]


def text_writes_without_newline(source: str) -> list[int]:
    """Lines where a file is opened for writing in text mode without `newline=` (Windows would write \\r\\n)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        keywords = {k.arg for k in node.keywords}
        if called == "write_text" and "newline" not in keywords:
            lines.append(node.lineno)
        elif called in ("open", "fdopen") and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
            mode = str(node.args[1].value)
            if any(c in mode for c in "wax") and "b" not in mode and "newline" not in keywords:
                lines.append(node.lineno)
    return lines


def test_every_text_file_is_written_with_newline_line_ends() -> None:
    problems = {name: lines for name, path in module_files().items()
                if (lines := text_writes_without_newline(path.read_text(encoding="utf-8")))}
    assert problems == {}
    assert text_writes_without_newline("p.write_text('x', encoding='utf-8')\n") == [1]
    assert text_writes_without_newline("open(p, 'w', encoding='utf-8')\n") == [1]
    assert text_writes_without_newline("open(p, 'wb')\nopen(p, 'w', encoding='utf-8', newline='\\n')\n") == []


def test_a_journal_has_newline_line_ends_only(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    header = Header("s1", "mini", "0.1", "abc", "C:\\banks\\mini.yaml", "2026-11-23T10:00:00+09:00")
    with store.create(header) as writer:
        writer.append([Event("t1", Answered("q", "x", "一行目\r\n二行目\r三行目\n")),
                       Event("t2", Noted(None, "メモ\u2028\u0085"))])
    data = store.path("s1").read_bytes()
    assert b"\r" not in data and data.count(b"\n") == 3 and data.endswith(b"\n")
    raw = store.read("s1").events[0].payload.raw
    assert raw == "一行目\r\n二行目\r三行目\n"  # the text itself is kept exactly

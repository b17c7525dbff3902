"""One message catalogue per language: the same keys and placeholders in every language, every key the code
asks for exists, and no user-facing text is written inline in the modules that talk to the user."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from dialogue.i18n import CATALOGUES, LANGUAGES, say

PACKAGE = Path(__file__).resolve().parent.parent / "dialogue"
GENERATED = {"help_pages.py"}  # rendered from the catalogue's help.* texts (scripts/write_help_pages.py)
NOT_MESSAGES = {"wrap.py"}  # the line-breaking tables (行頭・行末禁則 characters): data about text, not text
TALKERS = [*sorted(p for p in (PACKAGE / "ui").glob("*.py") if p.name not in NOT_MESSAGES),
           *sorted(p for p in (PACKAGE / "cli").glob("*.py") if p.name not in GENERATED),
           PACKAGE / "training" / "roleplay.py"]
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")
WORDS = re.compile(r"[A-Za-z]{3,}(?:\s+[A-Za-z]{2,}){1,}")  # two or more English words in a row: prose


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_key() -> None:
    keys = {lang: set(catalogue) for lang, catalogue in CATALOGUES.items()}
    assert keys["ja"] == keys["en"], keys["ja"] ^ keys["en"]
    assert set(LANGUAGES) == set(CATALOGUES)


@pytest.mark.parametrize("key", sorted(CATALOGUES["ja"]))
def test_placeholders_are_the_same_in_every_language(key: str) -> None:
    assert fields(CATALOGUES["ja"][key]) == fields(CATALOGUES["en"][key]), key


def test_no_message_is_empty_and_japanese_messages_are_japanese() -> None:
    for key, text in CATALOGUES["ja"].items():
        assert text.strip(), key
    prose = [k for k, t in CATALOGUES["ja"].items()
             if WORDS.search(t) and not JAPANESE.search(t) and not k.startswith(("argparse.", "sessions.head_"))]
    assert not prose, prose  # an English sentence left in the Japanese catalogue


def said_keys() -> set[str]:
    """Every key the package passes to `say` as a literal."""
    keys = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "say" \
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                keys.add(node.args[0].value)
    return keys


def test_every_key_the_code_asks_for_exists() -> None:
    local_sayers = {"roleplay."}  # roleplay's say() prefixes its own namespace
    missing = [key for key in said_keys() if key not in CATALOGUES["ja"]
               and not any(prefix + key in CATALOGUES["ja"] for prefix in local_sayers)]
    assert not missing, missing


def inline_texts(path: Path) -> list[str]:
    """String literals in `path` that a user would read: Japanese anywhere outside docstrings, English prose
    handed to print/write. Docstrings, comments and log-free constants (ids, formats) are not messages."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                and JAPANESE.search(node.value):
            found.append(f"{path.name}:{node.lineno}: {node.value[:40]!r}")
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("print", "write") and node.args:
            first = node.args[0]
            parts = [first.value] if isinstance(first, ast.Constant) and isinstance(first.value, str) else [
                v.value for v in getattr(first, "values", []) if isinstance(v, ast.Constant) and isinstance(v.value, str)]
            found += [f"{path.name}:{node.lineno}: {p[:40]!r}" for p in parts if WORDS.search(p)]
    return found


@pytest.mark.parametrize("path", TALKERS, ids=lambda p: p.name)
def test_no_user_facing_text_is_written_inline(path: Path) -> None:
    assert not inline_texts(path)


def test_say_inserts_values_as_text_never_as_a_format() -> None:
    assert say("ui.noted", "ja") == "メモを記録しました。"
    shown = say("ui.no_such_target", "ja", target="{0.__class__} {target}")
    assert shown == "移動先が見つかりません: {0.__class__} {target}"

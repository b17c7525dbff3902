"""Sensitive-word lists (YAML) → `SensitiveCategory`s, every problem with file:line:col; and a bank's
extension of the built-in lists.

A list (question_banks/sensitive/ja.yaml, en.yaml, or a bank's own):

    format: locaben-sensitive/1
    language: ja
    categories:
      - id: medical
        label: {ja: 健康・病歴, en: health / medical history}
        basis: 要配慮個人情報（病歴）…
        words: [持病, 入院, …]
        patterns: ['がん(?:を|で|治療)']
        not: [健康食品, 手術用]

A bank extends the built-in lists with a root key `sensitive:` naming one list file or a list of them,
relative to the bank file. An extension's category with a built-in id adds words, patterns and `not`
phrases to it (e.g. a bank for medical-device makers adds `not: [手術支援ロボット]`); a new id adds a
category, which then needs a label. The bank reader (dialogue/banks/reader.py) accepts the key and checks
each list when the bank is validated; `extension_paths` finds them for the interview.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from dialogue.banks import yaml_nodes as yn
from dialogue.banks.builtin import data_dir
from dialogue.banks.node_reader import NodeReader
from dialogue.errors import BankError, Position, Problem, Severity
from dialogue.model import Text
from dialogue.model.sensitive import SensitiveCategory, SensitiveChecker, merge

FORMAT = "locaben-sensitive/1"
ROOT_KEYS = {"format", "language", "categories"}
CATEGORY_KEYS = {"id", "label", "basis", "words", "patterns", "not"}
BANK_KEY = "sensitive"
MAX_PATTERN = 200  # characters: a list is data, not a program


def builtin_lists() -> dict[str, Path]:
    """Language → the built-in list shipped as package data."""
    return {p.stem: p for p in sorted((data_dir() / "sensitive").glob("*.yaml"))}


@cache
def builtin_ids() -> frozenset[str]:
    """The category ids of the built-in lists (what a bank's extension may extend without a label)."""
    return frozenset(c.id for path in builtin_lists().values() for c in load_list(path))


class SensitiveListReader(NodeReader):
    """One pass over one list file. An extension (`known` = the built-in category ids) may leave out the
    label of a category it extends; a new category always needs one."""

    def __init__(self, path: Path, known: frozenset[str] | None = None):
        self.path = Path(path)
        self.known = known
        self.languages = ("ja", "en")
        self.doc: yn.Document | None = None
        self.problems: list[Problem] = []

    def read(self) -> tuple[tuple[SensitiveCategory, ...], list[Problem]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return (), [Problem("E140", f"cannot read the sensitive-word list: {exc}", Position(str(self.path), 1, 1))]
        self.doc = yn.parse(text, str(self.path))
        self.problems.extend(self.doc.problems)
        if self.doc.root is None:
            return (), self.problems
        items = self._mapping(self.doc.root, ROOT_KEYS, ("format", "categories"), "a sensitive-word list")
        if "format" in items and self._string(items["format"][1], "format") != FORMAT:
            self._add("E118", f"format must be {FORMAT}", items["format"][1])
        nodes = self._sequence(items["categories"][1], "categories") if "categories" in items else []
        categories = tuple(c for c in (self._category(n) for n in nodes) if c is not None)
        return categories, self.problems

    def _category(self, node: yn.Node) -> SensitiveCategory | None:
        items = self._mapping(node, CATEGORY_KEYS, ("id",), "a category")
        if "id" not in items:
            return None
        category_id = self._id(items["id"][1], "category id")
        if "label" not in items and (self.known is None or category_id not in self.known):
            self._add("E111", f"category {category_id!r} has no 'label'", items["id"][1],
                      "A new category needs a label in every language; only a built-in one can be extended "
                      "without it.")
        label = self._text(items["label"][1], "label") if "label" in items else Text(())
        basis = self._string(items["basis"][1], "basis") if "basis" in items else ""
        patterns = self._strings(items, "patterns")
        for pattern, pattern_node in zip(patterns, self._nodes(items, "patterns"), strict=False):
            self._check_pattern(pattern, pattern_node)
        if category_id is None:
            return None
        return SensitiveCategory(category_id, label or Text(()), basis or "", self._strings(items, "words"),
                                 patterns, self._strings(items, "not"))

    def _nodes(self, items: dict[str, tuple[yn.Node, yn.Node]], key: str) -> list[yn.Node]:
        return self._sequence(items[key][1], key) if key in items else []

    def _strings(self, items: dict[str, tuple[yn.Node, yn.Node]], key: str) -> tuple[str, ...]:
        values = (self._string(n, f"{key} entry") for n in self._nodes(items, key))
        return tuple(v for v in values if v)

    def _check_pattern(self, pattern: str, node: yn.Node) -> None:
        if len(pattern) > MAX_PATTERN:
            self._add("E118", f"pattern longer than {MAX_PATTERN} characters", node)
            return
        try:
            re.compile(pattern)
        except re.error as exc:
            self._add("E118", f"not a valid regular expression: {exc}", node,
                      "Write a Python regular expression, or list the words under `words:` instead.")


def load_list(path: Path, known: frozenset[str] | None = None) -> tuple[SensitiveCategory, ...]:
    """Read one list (an extension of the categories `known`); raises BankError holding every problem."""
    categories, problems = SensitiveListReader(path, known).read()
    if any(p.severity is Severity.ERROR for p in problems):
        raise BankError(problems)
    return categories


def extension_paths(bank_path: Path) -> list[Path]:
    """The lists a bank names under `sensitive:` (one path or a list), relative to the bank file."""
    doc = yn.parse(Path(bank_path).read_text(encoding="utf-8"), str(bank_path))
    if not isinstance(doc.root, yn.MappingNode):
        return []
    for key, value in doc.root.value:
        if isinstance(key, yn.ScalarNode) and key.value == BANK_KEY:
            nodes = value.value if isinstance(value, yn.SequenceNode) else [value]
            return [Path(bank_path).parent / str(n.value) for n in nodes if isinstance(n, yn.ScalarNode)]
    return []


def load_checker(bank_path: Path | None = None) -> SensitiveChecker:
    """The checker for an interview: every built-in language's list (staff type English words in Japanese
    notes and the reverse), extended by the bank's own lists."""
    lists = [load_list(p) for p in builtin_lists().values()]
    if bank_path is not None:
        lists += [load_list(p, builtin_ids()) for p in extension_paths(bank_path)]
    return SensitiveChecker(merge(*lists))

"""Reading a composed YAML tree into typed values, collecting `Problem`s with positions instead of
stopping at the first. The base of the bank and persona readers."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import ClassVar

from dialogue.banks import yaml_nodes as yn
from dialogue.errors import Problem
from dialogue.model import Text

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
KNOWN_LANGUAGES = ("ja", "en")


def suggest(word: str, candidates: Iterable[str]) -> str:
    """A "did you mean" hint for a near-miss name, or ""."""
    best = _closest(word, candidates)
    return f"did you mean {best!r}?" if best else ""


def _closest(word: str, candidates: Iterable[str]) -> str:
    matches = difflib.get_close_matches(word, list(candidates), n=3, cutoff=0.6)
    # Equal scores are ordered by name, so `hnit` would get `unit`; a swap of letters is the likelier typo.
    return next((m for m in matches if sorted(m) == sorted(word)), matches[0] if matches else "")


class NodeReader:
    """Typed reads of YAML nodes. Subclasses set `doc`, `problems` and `languages` before reading."""

    doc: yn.Document | None
    problems: list[Problem]
    languages: tuple[str, ...]

    # The code of each shape mistake: a reader of another kind of file (the persona reader) numbers the same
    # mistakes in its own series.
    NOT_A_MAPPING: ClassVar[str] = "E112"
    UNKNOWN_KEY: ClassVar[str] = "E110"
    MISSING_KEY: ClassVar[str] = "E111"
    NOT_A_LIST: ClassVar[str] = "E112"
    # Whether a required key is reported missing when a misspelling of it was already reported (`titel:` is one
    # mistake for a bank; a persona reports both).
    MISSING_AFTER_MISSPELT: ClassVar[bool] = False

    # ---- problems ----

    def _add(self, code: str, message: str, node: yn.Node, hint: str = "") -> None:
        assert self.doc is not None
        self.problems.append(self.doc.problem(code, message, node, hint))

    # ---- generic shape checks ----

    def _mapping(self, node: yn.Node, allowed: set[str], required: Iterable[str], what: str
                 ) -> dict[str, tuple[yn.Node, yn.Node]]:
        """Check a mapping's keys; return key -> (key node, value node)."""
        if not isinstance(node, yn.MappingNode):
            self._add(self.NOT_A_MAPPING, f"{what} must be a mapping (key: value lines)", node)
            return {}
        items: dict[str, tuple[yn.Node, yn.Node]] = {}
        misspelt: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yn.ScalarNode) else "?"
            if key not in allowed:
                misspelt.add(_closest(key, allowed))
                self._add(self.UNKNOWN_KEY, f"unknown key {key!r} in {what}", key_node,
                          suggest(key, allowed) or f"allowed keys: {', '.join(sorted(allowed))}")
            items[key] = (key_node, value_node)
        for key in required:
            if key not in items and (self.MISSING_AFTER_MISSPELT or key not in misspelt):
                self._add(self.MISSING_KEY, f"{what} has no {key!r}", node)
        return items

    def _string(self, node: yn.Node, what: str) -> str | None:
        if isinstance(node, yn.ScalarNode):
            if yn.is_plain(node) and node.tag == yn.BOOL_TAG:
                self._add("E130", f"{what}: unquoted {node.value!r} is read as a boolean, not text", node,
                          f'Quote it: "{node.value}".')
                return None
            if yn.is_plain(node) and node.tag in (yn.INT_TAG, yn.FLOAT_TAG):
                if ":" in node.value or re.match(r"^0\d", node.value):
                    self._add("E131", f"{what}: unquoted {node.value!r} is read as the number "
                              f"{yn.scalar_value(node)!r}", node, f'Quote it: "{node.value}".')
                else:
                    self._add("E132", f"{what}: expected text, got the number {node.value}", node,
                              f'Quote it: "{node.value}".')
                return None
            if yn.is_plain(node) and node.tag == yn.NULL_TAG:
                self._add("E112", f"{what} is empty", node)
                return None
            return str(node.value)
        self._add("E112", f"{what} must be text, not a {_kind(node)}", node)
        return None

    def _id(self, node: yn.Node, what: str) -> str | None:
        value = self._string(node, what)
        if value is not None and not ID_PATTERN.match(value):
            self._add("E113", f"{what} {value!r} is not a valid id", node,
                      "Use lower-case ASCII letters, digits and `_`, starting with a letter.")
            return None
        return value

    def _bool(self, node: yn.Node, what: str) -> bool | None:
        if isinstance(node, yn.ScalarNode) and node.tag == yn.BOOL_TAG:
            if node.value.lower() not in ("true", "false"):
                self._add("E130", f"{what}: {node.value!r} is a YAML 1.1 boolean; write true or false", node)
            return bool(yn.scalar_value(node))
        self._add("E112", f"{what} must be true or false", node)
        return None

    def _number(self, node: yn.Node, what: str, integer: bool = False) -> float | int | None:
        if isinstance(node, yn.ScalarNode) and node.tag in (yn.INT_TAG, yn.FLOAT_TAG):
            value = yn.scalar_value(node)
            if isinstance(value, int | float) and (not integer or isinstance(value, int)):
                return value
        self._add("E112", f"{what} must be {'a whole number' if integer else 'a number'}", node)
        return None

    def _sequence(self, node: yn.Node, what: str) -> list[yn.Node]:
        if isinstance(node, yn.SequenceNode):
            return list(node.value)
        self._add(self.NOT_A_LIST, f"{what} must be a list (lines starting with `- `)", node)
        return []

    def _text(self, node: yn.Node, what: str) -> Text | None:
        """A translation map {ja: ..., en: ...} holding every bank language."""
        if not isinstance(node, yn.MappingNode):
            self._add("E112", f"{what} must be a translation map like {{ja: ..., en: ...}}", node)
            return None
        pairs: list[tuple[str, str]] = []
        for key_node, value_node in node.value:
            lang = str(key_node.value)
            if lang not in self.languages:
                self._add("E117", f"{what}: language {lang!r} is not in the bank's languages", key_node,
                          suggest(lang, self.languages))
                continue
            value = self._string(value_node, f"{what} ({lang})")
            if value is not None:
                pairs.append((lang, value))
        present = {str(k.value) for k, _ in node.value}
        for lang in self.languages:
            if lang not in present:
                self._add("E115", f"{what} has no {lang!r} translation", node)
        order = {lang: i for i, lang in enumerate(self.languages)}
        pairs.sort(key=lambda pair: order.get(pair[0], 99))
        return Text(tuple(pairs)) if pairs else None

    # ---- the bank ----


def _kind(node: yn.Node) -> str:
    if isinstance(node, yn.MappingNode):
        return "mapping"
    if isinstance(node, yn.SequenceNode):
        return "list"
    return "value"

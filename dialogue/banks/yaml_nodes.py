"""YAML text → a composed node tree with positions, refusing what a person did not mean.

The only module that imports PyYAML. It reports, as `Problem`s with file:line:col:
syntax errors, duplicate keys (PyYAML keeps the last silently), aliases (the billion-laughs door),
full-width spaces used as indentation and full-width colons after keys (both silently change meaning);
and warns (W101) about control, bidirectional and invisible characters in the text, written as they are or
as escapes in a double-quoted string (`"\\e[2J"`, `"\\u202e"`): the screen shows them neutralised, but
they are rarely meant.
Scalars are left as nodes so the caller can tell `"yes"` (a string) from `yes` (a YAML 1.1 boolean).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from dialogue.errors import Position, Problem
from dialogue.model.hidden import HIDDEN, describe

MAX_BANK_BYTES = 4 * 1024 * 1024
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FULLWIDTH_INDENT = re.compile(r"^[ \t]*\u3000")
_REFUSED_BY_YAML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x80-\x84\x86-\x9f]")  # raw, not as escapes
_FULLWIDTH_COLON_KEY = re.compile(r"^[ \t]*(?:-[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)：")

Node = yaml.Node
MappingNode = yaml.MappingNode
SequenceNode = yaml.SequenceNode
ScalarNode = yaml.ScalarNode

BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed YAML file: its root node (None when unusable), its lines, and the problems found."""

    path: str
    root: Node | None
    lines: tuple[str, ...]
    problems: tuple[Problem, ...]

    def position(self, node: Node) -> Position:
        mark = node.start_mark
        return Position(self.path, mark.line + 1, mark.column + 1)

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def problem(self, code: str, message: str, node: Node, hint: str = "") -> Problem:
        pos = self.position(node)
        return Problem(code, message, pos, hint, self.line_text(pos.line))


def parse(text: str, path: str) -> Document:
    """Compose `text`; never raises for bad input, returns the problems instead."""
    lines = tuple(text.splitlines())
    problems = list(_scan_lines(lines, path))
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BANK_BYTES:
        problems.append(Problem("E104", f"file is larger than {MAX_BANK_BYTES // (1024 * 1024)} MiB",
                                Position(path, 1, 1)))
        return Document(path, None, lines, tuple(problems))
    try:
        refused = _refuse_before_composing(text, path, lines)
        if refused:
            return Document(path, None, lines, tuple(problems + refused))
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        if LIBYAML_NESTING in message:  # libyaml (PyYAML >= 6.0.2 with libyaml 0.2.5) refuses it first
            problems.append(Problem("E104", f"nesting deeper than {MAX_DEPTH} levels", Position(path, line, col),
                                    NESTING_HINT, lines[line - 1] if 0 < line <= len(lines) else ""))
            return Document(path, None, lines, tuple(problems))
        problems.append(Problem("E100", message or "YAML syntax error", Position(path, line, col),
                                "", lines[line - 1] if 0 < line <= len(lines) else ""))
        return Document(path, None, lines, tuple(problems))
    except yaml.YAMLError as exc:  # e.g. a reader error on a control character
        line, col = _position_of(exc, text)
        problems.append(Problem("E100", str(exc).splitlines()[0], Position(path, line, col), "",
                                lines[line - 1] if 0 < line <= len(lines) else ""))
        return Document(path, None, lines, tuple(problems))
    doc = Document(path, root, lines, ())
    if root is not None:
        problems.extend(_check_tree(doc, root, text))
    return Document(path, root, lines, tuple(problems))


MAX_DEPTH = 64
NESTING_HINT = "A bank never needs this; check the brackets and indentation."
LIBYAML_NESTING = "maximum nesting depth"  # libyaml's own words when it refuses deep nesting itself


_BRACKETS = re.compile(r"[\[\]{}]")


def _surely_harmless(text: str, lines: tuple[str, ...]) -> bool:
    """A cheap upper bound: no `*` means no alias, and indentation plus bracket depth bounds the nesting.
    Quoted brackets only raise the bound, so a doubtful file is always walked in full."""
    if "*" in text:
        return False
    indent = max((len(line) - len(line.lstrip(" ")) for line in lines), default=0)
    depth = deepest = 0
    for bracket in _BRACKETS.findall(text):
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return indent + deepest < MAX_DEPTH


def _refuse_before_composing(text: str, path: str, lines: tuple[str, ...]) -> list[Problem]:
    """Walk the parser's events (iteratively) before composing: aliases (the billion-laughs door) and
    nesting deeper than any bank needs are refused here, before the recursive composer sees them."""
    if _surely_harmless(text, lines):
        return []
    depth = 0
    aliases: list[Problem] = []
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            aliases.append(_event_problem(event, path, lines, "YAML aliases (*name) are not allowed in a bank",
                                          "Write the content out where it is needed."))
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return [_event_problem(event, path, lines, f"nesting deeper than {MAX_DEPTH} levels",
                                       NESTING_HINT)]
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
    return aliases


def _event_problem(event: yaml.Event, path: str, lines: tuple[str, ...], message: str, hint: str) -> Problem:
    mark = event.start_mark
    line = mark.line + 1 if mark else 1
    return Problem("E104", message, Position(path, line, (mark.column + 1) if mark else 1), hint,
                   lines[line - 1] if 0 < line <= len(lines) else "")


def _position_of(exc: yaml.YAMLError, text: str) -> tuple[int, int]:
    """Line and column of an error that carries only a character offset (a reader error)."""
    offset = getattr(exc, "position", None)
    if not isinstance(offset, int):
        return 1, 1
    if _Loader is not yaml.SafeLoader:  # libyaml counts bytes of UTF-8, the Python reader characters
        offset = len(text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "ignore"))
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _scan_lines(lines: tuple[str, ...], path: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(lines, start=1):
        if _FULLWIDTH_INDENT.match(line):
            col = line.index("\u3000") + 1
            problems.append(Problem("E102", "full-width space (U+3000) used for indentation",
                                    Position(path, number, col), "", line))
        match = _FULLWIDTH_COLON_KEY.match(line)
        if match:
            problems.append(Problem("E103", f"full-width colon after key {match.group(1)!r}: "
                                    "this line is a plain string, not a key",
                                    Position(path, number, match.end()), "", line))
        for hidden in HIDDEN.finditer(line):
            if _REFUSED_BY_YAML.match(hidden.group()) or (number, hidden.start(), hidden.group()) == (1, 0, "\ufeff"):
                continue  # the YAML reader stops there with E100; a byte-order mark opening the file is fine
            problems.append(Problem("W101", f"{describe(hidden.group())}: a control, bidirectional or invisible "
                                    "character", Position(path, number, hidden.start() + 1), "", line))
    return problems


def _escaped_hidden(doc: Document, node: ScalarNode) -> list[Problem]:
    """W101 for a double-quoted scalar whose escapes make a hidden character (`"\\e"`, `"\\u202e"`); the
    ones written as they are were reported by the line scan."""
    source = "\n".join(doc.lines[node.start_mark.line:node.end_mark.line + 1])
    found = sorted({describe(ch) for ch in HIDDEN.findall(node.value) if ch not in source})
    if not found:
        return []
    return [doc.problem("W101", f"{', '.join(found)}: control, bidirectional or invisible characters written "
                        "as escapes", node)]


def _check_tree(doc: Document, root: Node, text: str) -> list[Problem]:
    """Duplicate keys and aliases, in one walk that never visits a node twice."""
    problems: list[Problem] = []
    seen: set[int] = set()
    aliased = False
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:  # an alias: the composer shares the anchored node, which has no mark of the alias
            aliased = True
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            keys: dict[str, Node] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value) if isinstance(key_node, ScalarNode) else repr(key_node)
                if key in keys:
                    first = doc.position(keys[key])
                    problems.append(doc.problem("E101", f"duplicate key {key!r} (first at line {first.line})",
                                                key_node))
                keys[key] = key_node
                stack.append(value_node)
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, ScalarNode) and node.style == '"':
            problems.extend(_escaped_hidden(doc, node))
    if aliased:
        problems.extend(_alias_problems(doc, text))
    problems.sort(key=lambda p: (p.position.line, p.position.column))
    return problems


def _alias_problems(doc: Document, text: str) -> list[Problem]:
    """One problem at each `*name`, found in the event stream (only walked when the tree has an alias)."""
    problems = []
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
            line, col = event.start_mark.line + 1, event.start_mark.column + 1
            problems.append(Problem("E104", f"YAML alias *{event.anchor} is not allowed in a bank",
                                    Position(doc.path, line, col),
                                    f"Write the content out here instead of repeating &{event.anchor}.",
                                    doc.line_text(line)))
    return problems


def is_plain(node: Node) -> bool:
    """True for an unquoted scalar, the only kind YAML 1.1 resolves to bool/int/float/null.

    The C loader marks plain scalars with style '' and the Python loader with None: test both.
    """
    return isinstance(node, ScalarNode) and not node.style


def scalar_value(node: ScalarNode) -> object:
    """The Python value PyYAML would give this scalar (bool, int, float, None or str).

    Ints and floats go through PyYAML's own constructor, so YAML 1.1 sexagesimals and octals come out as
    PyYAML reads them (`12:30` → 750, `0123` → 83), which is what an error message must show.
    """
    if node.tag == BOOL_TAG:
        return node.value.lower() in ("yes", "true", "on", "y")
    if node.tag in (INT_TAG, FLOAT_TAG):
        construct = _CONSTRUCTOR.construct_yaml_int if node.tag == INT_TAG else _CONSTRUCTOR.construct_yaml_float
        try:
            return construct(node)
        except (ValueError, yaml.YAMLError):
            return node.value
    if node.tag == NULL_TAG:
        return None
    return node.value


_CONSTRUCTOR = yaml.constructor.SafeConstructor()

"""The exception tree, the catalogue of problem codes, and source positions.

Problem codes are stable: tests and users rely on them, the prose may change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# code -> (one-line meaning, how to fix). Documented in docs/error-codes.md (a test keeps them in step).
PROBLEM_CODES: dict[str, tuple[str, str]] = {
    "E100": ("YAML syntax error", "Fix the YAML at the position shown (indentation, quotes, colons)."),
    "E101": ("duplicate key", "Remove one of the two entries; YAML keeps only the last one silently."),
    "E102": ("full-width space used for indentation", "Indent with ASCII spaces only."),
    "E103": ("full-width colon after a key", "Use an ASCII colon followed by a space: `key: value`."),
    "E104": ("file is too large or uses a YAML alias", "Split the file; write content out instead of using aliases."),
    "E110": ("unknown key", "Remove the key or correct its spelling."),
    "E111": ("missing required key", "Add the key."),
    "E112": ("wrong type", "Give a value of the type shown."),
    "E113": ("invalid id", "Use lower-case letters, digits and `_` only, starting with a letter."),
    "E114": ("duplicate id", "Give every section and question its own id."),
    "E115": ("missing translation", "Give the text in every language listed in `languages`."),
    "E116": ("unknown sheet field", "Use a canonical field id from shared/domain/locaben.md."),
    "E117": ("unknown language", "List the language in `languages`, or remove the translation."),
    "E118": ("bad value", "Use one of the allowed values shown."),
    "E120": ("condition refers to an unknown question", "Name a question that comes earlier in the bank."),
    "E121": ("condition refers to an unknown choice", "Name one of the question's choice ids."),
    "E122": ("malformed condition", "Use {question: ID, in|not_in|equals|answered|min|max: ...} or all/any/not."),
    "E123": ("condition refers to a later question", "A condition may only use answers given before it."),
    "E130": ("YAML 1.1 trap: a word became a boolean", "Quote it: \"yes\", \"no\", \"on\", \"off\"."),
    "E131": ("YAML 1.1 trap: a time or octal became a number", "Quote it, e.g. \"12:30\" or \"0123\"."),
    "E132": ("number where text was expected", "Quote it (\"1.10\" keeps its trailing zero)."),
    "E140": ("imported bank cannot be read", "Check the path in `imports` (relative to this file)."),
    "E141": ("reused question not found", "Name a question of an imported bank in `use:`."),
    "E150": ("sheet field asked by no question", "Add a question that fills it, or drop `targets`."),
    "E160": ("unknown element", "Use an element of the vocabulary: figure, reason, time, party, example, comparison, change, method, concern."),
    "E161": ("probe asks for an element the question does not list", "Add the element to `listen_for`, or tag the probe with a listed one."),
    "E162": ("placeholder names no question or sheet field", "Name an earlier question id, `question.record_field`, or a sheet field id."),
    "E163": ("placeholder names a later question or field", "A placeholder can only show an answer given earlier in the bank."),
    "E164": ("placeholder names a record field the question does not have", "Name one of the group question's record fields, e.g. {customers.name}."),
    "W201": ("probes that can never be offered", "Add `listen_for` (with tagged probes) or `thin_below` so the probes can be offered."),
    "W202": ("element listed but asked for by no probe", "Tag a probe with the element, or remove it from `listen_for`."),
}


@dataclass(frozen=True, slots=True)
class Position:
    """A place in a source file: 1-based line and column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file, with where it is and how to fix it."""

    code: str
    message: str
    position: Position
    hint: str = ""
    source_line: str = field(default="", compare=False)

    @property
    def severity(self) -> Severity:
        return Severity.WARNING if self.code.startswith("W") else Severity.ERROR

    def render(self) -> str:
        """`file:line:col: code: message`, then the line with a caret, then the fix."""
        head = f"{self.position}: {self.severity.value} {self.code}: {self.message}"
        lines = [head]
        if self.source_line:
            lines.append(f"    {self.source_line}")
            lines.append("    " + _caret_padding(self.source_line, self.position.column) + "^")
        fix = self.hint or PROBLEM_CODES.get(self.code, ("", ""))[1]
        if fix:
            lines.append(f"    fix: {fix}")
        return "\n".join(lines)


def _caret_padding(line: str, column: int) -> str:
    """Spaces that put a caret under `column`, counting wide (CJK) characters as two cells."""
    import unicodedata

    width = 0
    for ch in line[: max(column - 1, 0)]:
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return " " * width


class LocabenError(Exception):
    """Base of every error the tool reports to the user (never shown as a traceback)."""

    exit_code = 1


class BankError(LocabenError):
    """A bank (or persona) file has problems; holds every one of them."""

    exit_code = 3

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity is Severity.ERROR]
        super().__init__(f"{len(errors)} error(s) in question bank")


class JournalError(LocabenError):
    """A session file cannot be read or written."""

    exit_code = 4


class ReplayError(LocabenError):
    """A journal's events do not fit the bank it is replayed on (e.g. the bank changed since)."""

    exit_code = 4


class SessionNotFound(LocabenError):
    exit_code = 4


class BankNotFound(LocabenError):
    """A bank named on the command line is neither a file nor a built-in bank's id."""

    exit_code = 3


class SessionInUse(LocabenError):
    exit_code = 5


class CommandError(LocabenError):
    """A command that is not legal in the engine's current state, or a bad argument to it."""

    exit_code = 2


class AnswerError(LocabenError):
    """An answer that does not fit its question (e.g. text for a number)."""

    exit_code = 2

"""The exception tree, the exit statuses, the catalogue of problem codes, and source positions.

Problem codes are stable: tests and users rely on them, the prose may change. Refusals and answer problems
are typed values: the engine raises them, the UI turns them into words through the message catalogue.
"""

from __future__ import annotations

from dataclasses import field
from enum import IntEnum, StrEnum

from dialogue.record import Record, record


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
    "W101": ("a control, bidirectional or invisible character in the text",
             "Remove it, or write what it stands for in words; the screen shows it as a visible stand-in."),
    "W201": ("probes that can never be offered", "Add `listen_for` (with tagged probes) or `thin_below` so the probes can be offered."),
    "W202": ("element listed but asked for by no probe", "Tag a probe with the element, or remove it from `listen_for`."),
    # form maps (`locaben compile --template FORM.xlsx --map MAP.yaml`, docs/filing.md)
    "E301": ("form map: unknown field id", "Name a header field, a write-up box or BOX[N].FIELD (docs/filing.md)."),
    "E302": ("form map: not a cell reference", "Write a cell like B3, or a merged range like B3:H5."),
    "E303": ("form map: the template has no such worksheet", "Use the worksheet's name exactly as the tab shows it."),
    "E304": ("form map: cell inside a merged range but not its top-left", "Map the value to the range's top-left cell."),
    "E305": ("form map: the cell holds a formula", "Map the value to the input cell the formula reads from."),
    "E306": ("form map: two values mapped to one cell", "Give each value its own cell."),
    "E307": ("form map: the template cannot be read", "Give an .xlsx (or .xlsm) workbook saved by Excel or LibreOffice."),
    "W301": ("form map: text longer than the cell allows", "Shorten the write-up, or give the cell more room."),
    "W302": ("form map: drawings in the template are not kept", "Keep shapes and pictures off the mapped sheets, or re-add them."),
}


@record
class Position(Record):
    """A place in a source file: 1-based line and column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@record
class Problem(Record):
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


class ExitStatus(IntEnum):
    """Every exit status of `locaben`, in one table (docs/exit-codes.md lists them)."""

    OK = 0
    ERROR = 1  # something failed (a batch with failures, a save that could not be made)
    USAGE = 2  # the command line or the input stream cannot be used as given
    INVALID_INPUT = 3  # a bank, persona or form map has errors; a bank that does not exist
    SESSION = 4  # a session cannot be found, read or replayed
    IN_USE = 5  # another process holds the session
    HAND_EDITED = 6  # an output was changed by hand since locaben wrote it
    SERVER = 7  # the team server could not be reached, refused the change, or denied access
    INTERRUPTED = 130  # Ctrl-C


class LocabenError(Exception):
    """Base of every error the tool reports to the user (never shown as a traceback)."""

    exit_status = ExitStatus.ERROR

    def text(self, lang: str) -> str:
        """What the user is told, in `lang`: errors worded from the message catalogue override this."""
        return str(self)


class BankError(LocabenError):
    """A bank (or persona) file has problems; holds every one of them."""

    exit_status = ExitStatus.INVALID_INPUT

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity is Severity.ERROR]
        super().__init__(f"{len(errors)} error(s) in question bank")


class BankNotFound(LocabenError):
    """A bank named on the command line is neither a file nor a built-in bank's id."""

    exit_status = ExitStatus.INVALID_INPUT


class JournalError(LocabenError):
    """A session file cannot be read or written."""

    exit_status = ExitStatus.SESSION


class ReplayError(LocabenError):
    """A journal's events do not fit the bank they are replayed on: says which event and what is wrong.
    `index` is the event's 0-based position among the journal's events (the store turns it into a line)."""

    exit_status = ExitStatus.SESSION

    def __init__(self, message: str, index: int | None = None):
        super().__init__(message)
        self.index = index


class SessionNotFound(LocabenError):
    exit_status = ExitStatus.SESSION


class SessionInUse(LocabenError):
    exit_status = ExitStatus.IN_USE


class HandEditedError(LocabenError):
    """Compiled files changed by someone since locaben wrote them: left alone without --force."""

    exit_status = ExitStatus.HAND_EDITED


class UsageError(LocabenError):
    """A command line or option that cannot be used as given (said in the user's language)."""

    exit_status = ExitStatus.USAGE


class Refusal(StrEnum):
    """Why the engine refused a command. The UI words each one (message key `refusal.<value>`)."""

    NOT_NOW = "not_now"  # not legal in the current state
    NOTHING_BEFORE = "nothing_before"  # /back at the first question
    NO_QUESTION = "no_question"  # the command needs a current question
    UNKNOWN_TARGET = "unknown_target"  # /jump to something the bank does not have
    EMPTY_SECTION = "empty_section"  # /jump to a section none of whose questions applies
    UNKNOWN_STATUS = "unknown_status"
    STATUS_FORBIDDEN = "status_forbidden"  # the bank forbids this status code for the question
    UNKNOWN_SOURCE = "unknown_source"
    NO_ANSWER_FOR_SOURCE = "no_answer_for_source"
    UNKNOWN_FIELD = "unknown_field"  # /park or a write-up naming a sheet field no question fills
    EMPTY_TEXT = "empty_text"  # a note, parked text or follow-up with nothing in it
    NO_SUCH_PROBE = "no_such_probe"
    NOTHING_TO_CONFIRM = "nothing_to_confirm"  # /confirm with no possible 機微情報 waiting to be confirmed


class CommandError(LocabenError):
    """A command the engine refuses: `refusal` says why; `command` and `detail` say what was refused."""

    exit_status = ExitStatus.USAGE

    def __init__(self, refusal: Refusal, command: str = "", detail: str = ""):
        super().__init__(f"{refusal.value}: {command} {detail}".strip())
        self.refusal = refusal
        self.command = command
        self.detail = detail


class AnswerProblem(StrEnum):
    """Why an answer does not fit its question. The UI words each one (message key `answer.<value>`)."""

    EMPTY = "empty"
    CHOICE = "choice"  # not one of the choices
    NUMBER = "number"  # not a number
    RANGE = "range"  # a number outside the question's min/max
    SPAN = "span"  # a range such as 5-10 where one number is asked
    RECORDS = "records"  # free text where the question asks for records (fields separated by |)


class AnswerError(LocabenError):
    """An answer that does not fit its question: `problem` says why, `detail` what was read."""

    exit_status = ExitStatus.USAGE

    def __init__(self, problem: AnswerProblem, detail: str = ""):
        super().__init__(f"{problem.value}: {detail}".strip(": "))
        self.problem = problem
        self.detail = detail

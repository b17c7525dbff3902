"""The interview run loop: show the step, read a line, run the command, repeat. A thin shell around
`LiveSession`; everything it decides is a typed call into the engine, every word comes from the catalogue,
and every text from a person is printed literally (dialogue.ui.text)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Console, RenderableType

from dialogue.engine import Command, Notice, Step
from dialogue.engine.navigation import find_targets
from dialogue.engine.timing import Timing
from dialogue.errors import AnswerError, AnswerProblem, CommandError, ExitStatus, JournalError, Refusal
from dialogue.i18n import say
from dialogue.store.live import LiveSession
from dialogue.ui import commands, screens
from dialogue.ui.layout import PROMPT_ROWS, Part, fitted
from dialogue.ui.terminal import HINTS_COMMAND, LineSource
from dialogue.ui.text import plain
from dialogue.ui.toolbar import StatusLine

if TYPE_CHECKING:
    from dialogue.sheet.data import SheetData

PASTABLE = {"ui.saved_resume", "ui.finished", "ui.started"}  # messages with a command line in them
HINT_ROWS = 32  # from this many rows on, the hints are shown until F2 hides them; below, folded until F2
SOURCE_WORDS = {"owner": "owner", "doc": "document", "document": "document", "estimate": "estimate"}


@dataclass
class Interview:
    live: LiveSession
    console: Console
    lang: str
    show_hints: bool | None = None  # None: shown when the screen is tall enough (HINT_ROWS) or not fitted
    budget_minutes: int = 0
    clock: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())
    resume_command: str = ""  # how to resume, as the user can paste it (the program as it was invoked)
    compile_command: str = ""  # how to compile the sheet, likewise
    fit: bool = False  # a terminal: fit each question to the console's height and page long views
    _warned: bool = False
    _own_probe: str = ""  # the interviewer's own follow-up question, waiting for its answer
    _unconfirmed: str = ""  # free text given where records are asked, shown the shape once
    _source: LineSource | None = None
    _shown: bool = False  # the current question was shown while handling the last line
    _manners: set[tuple[int, str]] = field(default_factory=set)  # (visit, section) whose guidance was shown

    def __post_init__(self) -> None:
        remembered = self.live.step().hints_shown
        if remembered is not None:
            self.show_hints = remembered
        self.status = StatusLine(self.live, self.lang, self.budget_minutes, self.clock)
        self.resume_command = self.resume_command or f"locaben resume {self.live.session_id}"
        self.compile_command = self.compile_command or f"locaben compile {self.live.session_id}"

    # ---- the loop ----

    def run(self, source: LineSource) -> int:
        self._source = source
        step = self.live.step()
        if step.visit > 1 and step.state in ("asking", "probing"):
            self._say("ui.visit", "bold", n=step.visit)
        self._show(step, section_started=True)
        while True:
            step = self.live.step()
            if step.state == "finished":
                self._say("ui.finished", "", command=self.compile_command)
                return ExitStatus.OK
            if step.state == "paused":
                self._say("ui.saved_resume", "", command=self.resume_command)
                return ExitStatus.OK
            self._time_check()
            offered, placeholder = self._offer(step)
            try:
                line = source.read(offered, placeholder)
            except KeyboardInterrupt as exc:
                self._save_and_stop(getattr(exc, "text", ""))
                return ExitStatus.INTERRUPTED
            except EOFError:
                self._save_and_stop("")
                return ExitStatus.OK
            self.handle(line)

    def _offer(self, step: Step) -> tuple[str, str]:
        """What an empty Enter keeps, and the placeholder that says so: in guided mode what the step offers
        (a probe only an interrupted draft); in meeting mode a draft or parked text, taken in by Enter."""
        if self._own_probe or step.state not in ("asking", "probing"):
            return "", ""
        if self._unconfirmed:
            return self._unconfirmed, ""
        if step.mode == "meeting" and step.state == "asking":
            offered = screens.meeting_offer(step)
        else:
            offered = step.offered_input if step.state == "asking" else step.draft
        if not offered:
            return "", ""
        first_line = offered.strip().splitlines()[0] if offered.strip() else ""
        return offered, say("ui.placeholder", self.lang, text=first_line[:60])

    def _save_and_stop(self, typed: str) -> None:
        legal = self.live.engine.legal_commands()
        try:
            if typed.strip() and Command.DRAFT in legal:
                self.live.draft(typed)
                self._say("ui.draft_saved", "green")
            if Command.PAUSE in legal:
                self.live.pause()
        except JournalError as exc:
            self._say("ui.save_failed", "bold red", error=str(exc))
        self._say("ui.saved_resume", "", command=self.resume_command)

    def _time_check(self) -> None:
        if not self.budget_minutes or self._warned:
            return  # (no timing to work out: on resuming a long session that is a pass over every event)
        used = int(self.status.timing().visit_seconds) // 60
        if used >= self.budget_minutes * 0.8:
            self._warned = True
            self._say("ui.time_warning", "yellow", budget=self.budget_minutes, used=used)

    # ---- one line ----

    def handle(self, line: str) -> None:
        """One line: an answer or a command. Whatever it was, the current question (or probe) is on screen
        afterwards — shown anew, or in a compact reminder under the messages."""
        self._shown = False
        self._handle(line)
        if not self._shown:
            self._remind()

    def _handle(self, line: str) -> None:
        parsed = commands.split(line)
        if parsed is not None:
            self._own_probe = self._unconfirmed = ""  # a command instead: the pending answer is dropped
            command, name, arg = parsed
            if command is None:
                self._say("ui.unknown_command", "red", cmd="/" + name)
            elif command.arg is commands.Arg.REQUIRED and not arg:
                self._say("ui.needs_arg", "red", cmd="/" + name, example=command.example(self.lang))
            else:
                command.run(self, arg)
            return
        if line.strip().startswith("//"):
            line = line.replace("//", "/", 1)
        if self._own_probe:
            self._answer_own_probe(line.strip())
            return
        step = self.live.step()
        if step.state == "reviewing":
            self.act(lambda live: live.close_review())
        elif step.state == "at_end":
            self._say("ui.at_end", "")
        elif step.mode == "meeting" and step.state == "asking" and not line.strip():
            self.act(lambda live: live.next())
        elif step.mode == "meeting" and step.state == "asking":
            self.act(lambda live: live.answer(line, append=True))
        else:
            self._answer(line)

    def _answer(self, line: str) -> None:
        confirmed = bool(self._unconfirmed) and line == self._unconfirmed
        self._unconfirmed = ""
        try:
            self.act(lambda live: live.answer(line, confirmed=confirmed), raise_answer_error=True)
        except AnswerError as exc:
            if exc.problem is AnswerProblem.RECORDS:
                self._unconfirmed = line
            self._answer_problem(exc)

    def _answer_own_probe(self, answer: str) -> None:
        question, self._own_probe = self._own_probe, ""
        if answer:
            text = say("ui.own_probe_note", self.lang, question=question, answer=answer)
            if self.act(lambda live: live.note(text), show=False):
                self._say("ui.noted", "green")

    # ---- commands (called from the table in dialogue.ui.commands) ----

    def act(self, command: Callable[[LiveSession], Step], show: bool = True, raise_answer_error: bool = False
            ) -> bool:
        """Run a typed session command; word a refusal; show the new step. True when it was done."""
        try:
            step = command(self.live)
        except AnswerError as exc:
            if raise_answer_error:
                raise
            self._answer_problem(exc)
            return False
        except CommandError as exc:
            self._refusal(exc)
            return False
        except JournalError as exc:
            self._say("ui.save_failed", "bold red", error=str(exc))
            return False
        for notice in step.notices:
            self._notice(notice)
        if show:
            self._show(step)
        return True

    def jump(self, arg: str) -> None:
        matches = find_targets(self.live.engine.bank, arg, self.lang)
        if not matches:
            self._say("ui.no_such_target", "red", target=arg)
        elif len(matches) > 1 and not any(m.id == arg for m in matches):
            listing = ", ".join(say("ui.with_id", self.lang, label=m.label, id=m.id) for m in matches[:8])
            self._say("ui.many_targets", "yellow", targets=listing)
        else:
            target = next((m for m in matches if m.id == arg), matches[0])
            self.act(lambda live: live.jump(target.id))

    def note(self, arg: str) -> None:
        if self.act(lambda live: live.note(arg), show=False):
            self._say("ui.noted", "green")

    def own_probe(self, arg: str) -> None:
        """Your own follow-up: the next line is its answer, kept as a note on this question."""
        if self.live.step().question is None:
            self._refusal(CommandError(Refusal.NO_QUESTION))
            return
        self._own_probe = arg
        self._say("ui.own_probe_wait", "magenta", question=arg)

    def mark(self, status: str) -> None:
        if self.act(lambda live: live.mark(status), show=False):
            self._say("ui.marked", "green", status=say(f"ui.status_{status}", self.lang))
            self._show(self.live.step())

    def source(self, arg: str) -> None:
        word, _, detail = arg.partition(" ")
        kind = SOURCE_WORDS.get(word.lower(), word)
        if self.act(lambda live: live.set_source(kind, detail), show=False):
            label = say(f"ui.source_{kind}", self.lang)
            label = say("ui.with_detail", self.lang, label=label, detail=detail) if detail else label
            self._say("ui.source_set", "green", source=label)

    def flag(self, arg: str) -> None:
        if self.act(lambda live: live.flag(arg), show=False):
            self._say("ui.flagged", "green")

    def unflag(self) -> None:
        if self.act(lambda live: live.unflag(), show=False):
            self._say("ui.unflagged", "green")

    def park(self, arg: str) -> None:
        target, _, text = arg.partition(" ")
        fields = [m for m in find_targets(self.live.engine.bank, target, self.lang) if m.kind == "field"]
        if len(fields) != 1:
            self._refusal(CommandError(Refusal.UNKNOWN_FIELD, "park", target))
        elif not text.strip():
            self._say("ui.needs_arg", "red", cmd="/park", example=commands.BY_NAME["park"].example(self.lang))
        elif self.act(lambda live: live.park(fields[0].id, text), show=False):
            self._say("ui.parked", "green", field=fields[0].label)

    def outline(self) -> None:
        self.show_long(screens.outline(self._sheet(), self.lang))

    def toggle_hints(self) -> None:
        shown = not self.hints_shown()
        self.show_hints = shown
        self.act(lambda live: live.set_hints(shown), show=False)  # remembered for a resume
        self._say("ui.hints_on" if shown else "ui.hints_off", "green")
        self._show(self.live.step())

    def show_help(self) -> None:
        self.show_long(screens.help_screen(commands.help_lines(self.lang), self.lang))

    def hints_shown(self) -> bool:
        """The interviewer's choice (F2, remembered in the session), else shown when the screen has room."""
        if self.show_hints is not None:
            return self.show_hints
        return not self.fit or self.console.height >= HINT_ROWS

    def show_long(self, renderable: RenderableType) -> None:
        """A long view: in the pager when it is taller than the screen (a terminal), else printed."""
        from dialogue.ui.pager import show_long

        show_long(self.console, renderable, self._source if self.fit else None, self.lang, PROMPT_ROWS)

    # ---- words ----

    def _say(self, key: str, style: str, **values: object) -> None:
        """A message from the catalogue. Those that hold a command to paste are never wrapped by us."""
        self.console.print(plain(say(key, self.lang, **values), style, limit=None), soft_wrap=key in PASTABLE)

    def _question_label(self, question_id: str) -> str:
        bank = self.live.engine.bank
        return bank.question(question_id).text.get(self.lang)[:30] if bank.has_question(question_id) else question_id

    def _notice(self, notice: Notice) -> None:
        self._say(f"notice.{notice.kind.value}", "yellow", question=self._question_label(notice.question),
                  detail=notice.detail)

    def _answer_problem(self, exc: AnswerError) -> None:
        question = self.live.step().question
        values: dict[str, object] = {"detail": exc.detail}
        if exc.problem is AnswerProblem.RANGE and question is not None:
            values.update(low=_number_or_dash(question.min), high=_number_or_dash(question.max))
        if exc.problem is AnswerProblem.RECORDS and question is not None:
            values["fields"] = " | ".join(f.label.get(self.lang) for f in question.fields)
        self._say(f"answer.{exc.problem.value}", "red", **values)

    def _refusal(self, exc: CommandError) -> None:
        values: dict[str, object] = {"detail": exc.detail}
        if exc.refusal is Refusal.NOT_NOW:
            legal = self.live.engine.legal_commands()
            values["cmd"] = f"/{exc.command}" if exc.command in commands.BY_NAME else str(exc.command)
            values["legal"] = " ".join(f"/{c.name}" for c in commands.available(legal))
        if exc.refusal is Refusal.STATUS_FORBIDDEN:
            values["status"] = say(f"ui.status_{exc.detail}", self.lang)
        self._say(f"refusal.{exc.refusal.value}", "red", **values)

    # ---- showing ----

    def _remind(self) -> None:
        """After a message, the current question or probe again in one line, so it stays in view."""
        line = screens.reminder(self.live.step(), self.lang)
        if line is not None:
            self.console.print(line)

    def _show(self, step: Step, section_started: bool = False) -> None:
        """The step on screen: a question, probe or meeting line fitted to the terminal (dialogue.ui.layout),
        the end, or the review."""
        self._shown = True
        if step.state in ("asking", "probing") and step.question is not None:
            before = self._section_parts(step) if step.section_started or section_started else []
            if step.state == "probing" and step.probe_text is not None:
                screen = screens.probe_screen(step, self.lang, before)
            elif step.mode == "meeting":
                screen = screens.meeting_screen(step, self.lang, before)
            else:
                screen = screens.question_screen(self.live.engine.bank, step, self.lang, self.hints_shown(), before)
            rows = self.console.height - PROMPT_ROWS if self.fit else None
            self.console.print(fitted(self.console, screen, rows))
        elif step.state == "at_end":
            self._say("ui.at_end", "bold green")
        elif step.state == "reviewing":
            self.show_long(screens.draft_sheet(self._sheet(), self.lang))
            self._say("ui.review_close", "")

    def _section_parts(self, step: Step) -> list[Part]:
        """The section's title; its manners reminder once per section and visit; its recap."""
        assert step.question is not None
        bank, section_id = self.live.engine.bank, step.question.section_id
        manners = (step.visit, section_id) not in self._manners
        self._manners.add((step.visit, section_id))
        sheet = self._sheet() if bank.section(section_id).recap else None
        return screens.section_parts(bank, step, self.lang, manners, sheet)

    def _sheet(self) -> SheetData:
        from dialogue.sheet import build_sheet

        return build_sheet(self.live.transcript(), self.lang)

    def _timing(self) -> Timing:
        return self.status.timing()

    def toolbar(self, width: int | None = None) -> str:
        """The toolbar for a terminal `width` cells wide (the console's width when not given)."""
        return self.status.text(width or self.console.width)


def _number_or_dash(value: float | None) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else str(value)


__all__ = ["HINTS_COMMAND", "Interview"]

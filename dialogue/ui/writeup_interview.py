"""The interview with write-up steps. At the end of each section the interviewer is offered to write up (清書)
the boxes that section filled: `/write` starts it, and simply answering on leaves it for later — the offer
takes no line of input, so an interview typed or piped line by line goes on as before. At `/finish`, when
boxes would print 未記入, the step is offered before finishing: Enter starts it, `/skip` (or the end of the
input) finishes as it is. `locaben write ID` writes up at any time. A thin layer over
dialogue.ui.interview.Interview (whose loop, commands and screens are unchanged); the desk itself is
dialogue.ui.writeup."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dialogue.engine import Command, Step
from dialogue.errors import ExitStatus, JournalError
from dialogue.i18n import say
from dialogue.model import Actor
from dialogue.ui.interview import Interview
from dialogue.ui.terminal import LineSource
from dialogue.ui.text import plain

if TYPE_CHECKING:  # the desk is imported when first used: an interview starts as fast as before
    from dialogue.ui.writeup_desk import WriteUpDesk


@dataclass
class WritingInterview(Interview):
    """An `Interview` that offers the write-up step at the end of each section and before `/finish`."""

    writer: Actor | None = None  # who writes the write-ups (the user's identity, dialogue.store.config) …
    identify: Callable[[], Actor | None] | None = None  # … or how to find it, when the first write-up is made
    write_command: str = ""  # `locaben write ID`, as the user can paste it
    _source: LineSource | None = None
    _desk: WriteUpDesk | None = None
    _last_section: str | None = None
    _end_offered: bool = False
    _offered: tuple[str, list[str]] | None = None  # (the question shown with the offer, the boxes offered)

    def run(self, source: LineSource) -> int:
        self._source = source
        self.write_command = self.write_command or f"locaben write {self.live.session_id}"
        try:
            return super().run(source)
        except KeyboardInterrupt:  # Ctrl-C inside a write-up step: what was typed is saved already
            return self._stop(ExitStatus.INTERRUPTED)
        except EOFError:
            return self._stop(ExitStatus.OK)

    def desk(self) -> WriteUpDesk | None:
        """The write-up desk on this interview's input (None before the loop runs)."""
        if self._source is None:
            return None
        if self._desk is None:
            from dialogue.ui.writeup_desk import WriteUpDesk

            if self.writer is None and self.identify is not None:
                self.writer = self.identify()
            self._desk = WriteUpDesk(self.live, self.console, self.lang, self._source, self.writer,
                                     self.write_command)
        return self._desk

    def write_up(self, boxes: Sequence[str]) -> None:
        """Walk these boxes, then show the interview where it was."""
        desk = self.desk()
        if desk is None or not boxes:
            return
        desk.walk(boxes)
        self._say_plain(say("writeup.back_to_interview", self.lang))
        super()._show(self.live.step())

    def toolbar(self, width: int | None = None) -> str:
        if self._desk is not None and self._desk.active:
            return self._desk.toolbar()
        return super().toolbar(width)

    # ---- the offered steps ----

    def _show(self, step: Step, section_started: bool = False) -> None:
        finished = self._finished_section(step)
        if finished is not None:
            self.offer_section(finished)
        super()._show(step, section_started)

    def _finished_section(self, step: Step) -> str | None:
        """The section just completed: the interview moved on to a later section, or reached the end."""
        before = self._last_section
        if step.question is not None and step.state in ("asking", "probing"):
            self._last_section = step.question.section_id
            ids = [s.id for s in self.live.engine.bank.sections]
            if before is not None and step.section_started and ids.index(step.question.section_id) > ids.index(before):
                return before
            return None
        if step.state == "at_end" and before is not None and not self._end_offered:
            self._end_offered = True
            return before
        return None

    def offer_section(self, section_id: str) -> None:
        """Say which boxes of the finished section are not written up, and how to start (`/write`)."""
        from dialogue.model.writing import boxes_of_section
        from dialogue.sheet.filing import box_label
        from dialogue.ui.writeup_desk import unwritten

        t = self.live.transcript()
        boxes = unwritten(t, boxes_of_section(t.bank, section_id), self.lang)
        if not boxes:
            return
        title = self.live.engine.bank.section(section_id).title.get(self.lang)
        names = "、".join(box_label(b, self.lang) for b in boxes[:4]) + ("…" if len(boxes) > 4 else "")
        step = self.live.step()
        self._offered = (step.question.id if step.question is not None else "", boxes)
        self.console.print()
        self._say_plain(say("writeup.offer_section", self.lang, section=title, n=len(boxes), boxes=names,
                            command=self.write_command), "bold magenta")

    def offered_boxes(self) -> list[str]:
        """The boxes of the last section offer, while the interview is still where the offer was made."""
        if self._offered is None:
            return []
        from dialogue.ui.writeup_desk import unwritten

        step = self.live.step()
        here = step.question.id if step.question is not None else ""
        question, boxes = self._offered
        return unwritten(self.live.transcript(), boxes, self.lang) if here == question else []

    def offer_before_finish(self) -> None:
        """Before `/finish`: the boxes the filed sheet would print as 未記入."""
        from dialogue.sheet.filing import session_filing
        from dialogue.ui.writeup_desk import unwritten

        missing = [box for box, _ in session_filing(self.live.transcript(), self.lang).missing]
        boxes = unwritten(self.live.transcript(), missing, self.lang)
        if boxes:
            self._offer_writeup(boxes, say("writeup.offer_finish", self.lang, n=len(boxes), command=self.write_command))

    def _offer_writeup(self, boxes: list[str], message: str) -> None:
        assert self._source is not None
        self.console.print()
        self._say_plain(message, "bold magenta")
        try:
            line = self._source.read("", "")
        except EOFError:  # the end of the input: finish as it is
            line = "/skip"
        if line.strip():
            self._say_plain(say("writeup.skipped", self.lang, command=self.write_command), "dim")
            return
        desk = self.desk()
        if desk is not None:
            desk.walk(boxes)
            self._say_plain(say("writeup.back_to_interview", self.lang))

    # ---- stopping ----

    def _stop(self, status: int) -> int:
        try:
            if Command.PAUSE in self.live.engine.legal_commands():
                self.live.pause()
        except JournalError as exc:
            self._say_plain(say("ui.save_failed", self.lang, error=str(exc)), "bold red")
        self.console.print(plain(say("ui.saved_resume", self.lang, command=self.resume_command), limit=None),
                           soft_wrap=True)
        return status

    def _say_plain(self, text: str, style: str = "") -> None:
        self.console.print(plain(text, style, limit=None))

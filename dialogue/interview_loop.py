"""The interview run loop: show the step, read a line, run the command, repeat. A thin shell around
`LiveSession`; everything it decides is a call into the engine."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from rich.console import Console

from dialogue import screens
from dialogue.errors import AnswerError, CommandError
from dialogue.i18n import say
from dialogue.session import LiveSession
from dialogue.terminal import LineSource

EXIT_OK = 0
EXIT_INTERRUPTED = 130


@dataclass
class Interview:
    live: LiveSession
    console: Console
    lang: str
    show_hints: bool = True
    started: float = field(default_factory=time.monotonic)

    # ---- the loop ----

    def run(self, source: LineSource) -> int:
        self._show(self.live.step(), section_started=True)
        while True:
            step = self.live.step()
            if step.state == "finished":
                self.console.print(say("finished", self.lang, id=self.live.session_id))
                return EXIT_OK
            if step.state == "paused":
                self.console.print(say("saved_resume", self.lang, id=self.live.session_id))
                return EXIT_OK
            default = step.current_answer.raw if step.state == "asking" and step.current_answer else ""
            try:
                line = source.read(default)
            except KeyboardInterrupt:
                self._save_and_say()
                return EXIT_INTERRUPTED
            except EOFError:
                self._save_and_say()
                return EXIT_OK
            self.handle(line)

    def _save_and_say(self) -> None:
        if "pause" in self.live.engine.legal_commands():
            self.live.run("pause")
        self.console.print(say("saved_resume", self.lang, id=self.live.session_id))

    # ---- one line ----

    def handle(self, line: str) -> None:
        stripped = line.strip()
        if stripped.startswith("/") and not stripped.startswith("//"):
            name, _, arg = stripped[1:].partition(" ")
            self._command(name.strip(), arg.strip())
            return
        if stripped.startswith("//"):
            line = line.replace("//", "/", 1)
        state = self.live.step().state
        if state == "reviewing":
            self._run("close_review")
            return
        if state == "at_end":
            self.console.print(say("at_end", self.lang))
            return
        self._run("submit", line)

    def _command(self, name: str, arg: str) -> None:
        if name == "help":
            self.console.print(say("help", self.lang))
            return
        if name == "hint":
            self.show_hints = not self.show_hints
            self.console.print(say("hints_on" if self.show_hints else "hints_off", self.lang))
            self._show(self.live.step())
            return
        needs_arg = {"jump": "/jump strengths", "note": "/note ..."}
        if name in needs_arg and not arg:
            self.console.print(say("err_needs_arg", self.lang, cmd=name, example=needs_arg[name]), style="red")
            return
        engine_command = {"back": "back", "skip": "skip", "jump": "jump", "note": "note", "review": "review",
                          "pause": "pause", "finish": "finish", "resume": "resume"}.get(name)
        if engine_command is None:
            self.console.print(say("err_unknown_command", self.lang, cmd="/" + name), style="red")
            return
        self._run(engine_command, *((arg,) if name in needs_arg else ()))
        if name == "note":
            self.console.print(say("noted", self.lang), style="green")

    def _run(self, command: str, *args: str) -> None:
        try:
            step = self.live.run(command, *args)
        except AnswerError as exc:
            self.console.print(say(f"err_{exc.args[0]}", self.lang), style="red")
            return
        except CommandError as exc:
            self.console.print(self._command_error(str(exc.args[0]), command), style="red")
            return
        if command != "note":
            self._show(step)

    def _command_error(self, code: str, command: str) -> str:
        if code.startswith("unknown_target") or code.startswith("empty_section"):
            return say("err_unknown_target", self.lang, target=code.split(":", 1)[1])
        if code == "nothing_to_go_back_to":
            return say("err_nothing_back", self.lang)
        legal = " ".join("/" + c for c in self.live.engine.legal_commands() if c not in ("answer", "start"))
        return say("err_not_now", self.lang, cmd=command, legal=legal)

    # ---- showing ----

    def _show(self, step, section_started: bool = False) -> None:  # type: ignore[no-untyped-def]
        bank = self.live.engine.bank
        if step.state in ("asking", "probing") and step.question is not None:
            if step.section_started or section_started:
                self.console.print()
                self.console.print(screens.section_header(bank, step, self.lang))
                section = bank.section(step.question.section_id)
                if section.recap:
                    panel = screens.recap(self._sheet(), section.recap, self.lang)
                    if panel is not None:
                        self.console.print(panel)
            if step.state == "probing" and step.probe is not None:
                self.console.print(screens.probe_panel(step, self.lang))
            else:
                self.console.print(screens.question_panel(bank, step, self.lang, self.show_hints))
        elif step.state == "at_end":
            self.console.print(say("at_end", self.lang), style="bold green")
        elif step.state == "reviewing":
            self.console.print(screens.draft_sheet(self._sheet(), self.lang))
            self.console.print(say("review_close", self.lang))

    def _sheet(self):  # type: ignore[no-untyped-def]
        from dialogue.sheet import build_sheet

        return build_sheet(self.live.transcript(), self.lang)

    def toolbar(self) -> str:
        step = self.live.step()
        p = step.progress
        minutes = int(time.monotonic() - self.started) // 60
        return (f" {say('section', self.lang, n=p.section_index, m=p.section_count)} · "
                f"{say('answered', self.lang, a=p.answered, b=p.applicable)} · {minutes} min · "
                f"{say('keys', self.lang)}")

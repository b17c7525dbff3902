"""The interview run loop: show the step, read a line, run the command, repeat. A thin shell around
`LiveSession`; everything it decides is a call into the engine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from rich.console import Console

from dialogue.engine import Step
from dialogue.engine.navigation import find_targets
from dialogue.errors import AnswerError, CommandError, JournalError
from dialogue.store.live import LiveSession
from dialogue.ui import screens
from dialogue.ui.messages import say
from dialogue.ui.terminal import LineSource

EXIT_OK = 0
EXIT_INTERRUPTED = 130
STATUS_COMMANDS = {"unknown": "unknown", "declined": "declined", "decline": "declined", "na": "not_applicable"}
SOURCE_WORDS = {"owner": "owner", "doc": "document", "document": "document", "estimate": "estimate"}
ARG_EXAMPLES = {"own": "/own 一番の得意先とはいつからですか？", "jump": "/jump strengths", "note": "/note ...", "park": "/park business.strengths ...",
                "source": "/source doc 決算書", "edit": "/edit company.name"}


@dataclass
class Interview:
    live: LiveSession
    console: Console
    lang: str
    show_hints: bool = True
    budget_minutes: int = 0
    clock: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())
    _warned: bool = False
    _cache: tuple[int, object, dict[str, int]] | None = None  # (events seen, Timing, chars per section)
    _own_probe: str = ""  # the interviewer's own follow-up question, waiting for its answer

    # ---- the loop ----

    def run(self, source: LineSource) -> int:
        step = self.live.step()
        if step.visit > 1 and step.state in ("asking", "probing"):
            self.console.print(say("visit", self.lang, n=step.visit), style="bold")
        self._show(step, section_started=True)
        while True:
            step = self.live.step()
            if step.state == "finished":
                self.console.print(say("finished", self.lang, id=self.live.session_id))
                return EXIT_OK
            if step.state == "paused":
                self.console.print(say("saved_resume", self.lang, id=self.live.session_id))
                return EXIT_OK
            self._time_check()
            default = step.suggested_input if step.state == "asking" and step.mode == "guided" else ""
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

    def _time_check(self) -> None:
        used = int(self._timing().visit_seconds) // 60
        if self.budget_minutes and not self._warned and used >= self.budget_minutes * 0.8:
            self._warned = True
            self.console.print(say("time_warning", self.lang, budget=self.budget_minutes, used=used),
                               style="yellow")

    # ---- one line ----

    def handle(self, line: str) -> None:
        stripped = line.strip()
        if stripped.startswith("/") and not stripped.startswith("//"):
            name, _, arg = stripped[1:].partition(" ")
            self._own_probe = ""  # a command instead of the answer: the own follow-up is dropped
            self._command(name.strip(), arg.strip())
            return
        if stripped.startswith("//"):
            line = line.replace("//", "/", 1)
        if self._own_probe:
            question, self._own_probe = self._own_probe, ""
            if stripped and self._run("note", say("own_probe_note", self.lang, question=question, answer=stripped)):
                self._say("noted")
            return
        step = self.live.step()
        if step.state == "reviewing":
            self._run("close_review")
        elif step.state == "at_end":
            self.console.print(say("at_end", self.lang))
        elif step.mode == "meeting" and step.state == "asking" and not stripped:
            self._run("next")
        elif step.mode == "meeting" and step.state == "asking":
            self._run("submit", line, True)
        else:
            self._run("submit", line)

    def _command(self, name: str, arg: str) -> None:
        handlers: dict[str, Callable[[str], None]] = {
            "help": lambda a: self.console.print(say("help", self.lang)),
            "hint": self._toggle_hints,
            "outline": lambda a: self.console.print(screens.outline(self._sheet(), self.lang)),
            "jump": self._jump, "edit": self._jump,
            "note": lambda a: self._run("note", a) and self._say("noted"),
            "park": self._park, "source": self._source,
            "flag": lambda a: self._run("flag", a) and self._say("flagged"),
            "own": self._own,
            "unflag": lambda a: self._run("unflag") and self._say("unflagged"),
        }
        for plain in ("back", "skip", "next", "review", "pause", "finish"):
            handlers[plain] = lambda a, c=plain: self._run(c)
        for word, status in STATUS_COMMANDS.items():
            handlers[word] = lambda a, s=status: self._mark(s)
        if name in ARG_EXAMPLES and not arg:
            self.console.print(say("err_needs_arg", self.lang, cmd=name, example=ARG_EXAMPLES[name]),
                               style="red")
            return
        handler = handlers.get(name)
        if handler is None:
            self.console.print(say("err_unknown_command", self.lang, cmd="/" + name), style="red")
            return
        handler(arg)

    def _say(self, key: str, **values: object) -> None:
        self.console.print(say(key, self.lang, **values), style="green")

    def _toggle_hints(self, arg: str) -> None:
        self.show_hints = not self.show_hints
        self._say("hints_on" if self.show_hints else "hints_off")
        self._show(self.live.step())

    def _jump(self, arg: str) -> None:
        matches = find_targets(self.live.engine.bank, arg, self.lang)
        if not matches:
            self.console.print(say("err_no_such_target", self.lang, target=arg), style="red")
        elif len(matches) > 1 and not any(m.id == arg for m in matches):
            listing = ", ".join(f"{m.id}（{m.label}）" for m in matches[:8])
            self.console.print(say("err_many_targets", self.lang, targets=listing), style="yellow")
        else:
            self._run("jump", matches[0].id)

    def _park(self, arg: str) -> None:
        target, _, text = arg.partition(" ")
        fields = [m for m in find_targets(self.live.engine.bank, target, self.lang) if m.kind == "field"]
        if len(fields) != 1:
            self.console.print(say("err_unknown_field", self.lang, field=target), style="red")
            return
        if not text.strip():
            self.console.print(say("err_needs_arg", self.lang, cmd="park", example=ARG_EXAMPLES["park"]),
                               style="red")
            return
        if self._run("park", fields[0].id, text):
            self._say("parked", field=fields[0].label)

    def _own(self, arg: str) -> None:
        """Write your own follow-up: the next line is its answer, kept as a note on this question."""
        if self.live.step().question is None:
            self.console.print(say("err_not_now", self.lang, cmd="own", legal="/jump"), style="red")
            return
        self._own_probe = arg
        self.console.print(say("own_probe_wait", self.lang, question=arg), style="magenta")

    def _source(self, arg: str) -> None:
        word, _, detail = arg.partition(" ")
        kind = SOURCE_WORDS.get(word.lower(), word)
        if self._run("set_source", kind, detail):
            label = say(f"source_{kind}", self.lang) + (f"（{detail}）" if detail else "")
            self._say("source_set", source=label)

    def _mark(self, status: str) -> None:
        self._run("mark", status)

    def _run(self, command: str, *args: object) -> bool:
        """Run an engine command; explain a refusal; show the new step. True when it was done."""
        try:
            step = self.live.run(command, *args)
        except AnswerError as exc:
            self.console.print(say(f"err_{exc.args[0]}", self.lang), style="red")
            return False
        except CommandError as exc:
            self.console.print(self._command_error(str(exc.args[0]), command), style="red")
            return False
        except JournalError as exc:
            self.console.print(say("save_failed", self.lang, error=str(exc)), style="bold red")
            return False
        if command == "mark":
            self._say("marked", status=say(f"status_{args[0]}", self.lang))
        for message in step.messages:
            kind, _, qid = message.partition(":")
            text = self.live.engine.bank.question(qid).text.get(self.lang)[:30]
            self.console.print(say(kind, self.lang, question=text), style="yellow")
        if command not in ("note", "flag", "unflag", "park", "set_source"):
            self._show(step)
        return True

    def _command_error(self, code: str, command: str) -> str:
        name, _, detail = code.partition(":")
        if name in ("unknown_target", "empty_section"):
            return say("err_unknown_target", self.lang, target=detail)
        if name == "nothing_to_go_back_to":
            return say("err_nothing_back", self.lang)
        if name == "status_forbidden":
            return say("err_status_forbidden", self.lang, status=say(f"status_{detail}", self.lang))
        if name in ("unknown_source", "no_answer_for_source", "unknown_field"):
            return say(f"err_{name}", self.lang, field=detail)
        if name == "not_now":
            typed = {"mark": "/unknown /declined /na", "set_source": "/source", "close_review": "Enter"}
            hidden = {"answer", "start", "follow_up", "new_visit", "reopen", "resume"}
            legal = " ".join(typed.get(c, "/" + c) for c in self.live.engine.legal_commands() if c not in hidden)
            return say("err_not_now", self.lang, cmd=command, legal=legal)
        return say("err_generic", self.lang, code=code)

    # ---- showing ----

    def _show(self, step: Step, section_started: bool = False) -> None:
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
            elif step.mode == "meeting":
                self.console.print(screens.meeting_line(step, self.lang))
            else:
                self.console.print(screens.question_panel(bank, step, self.lang, self.show_hints))
                if step.parked and step.current_answer is None:
                    self.console.print(say("parked_offer", self.lang), style="green")
                elif step.prefill and step.current_answer is None:
                    self.console.print(say("prefill_offer", self.lang), style="green")
        elif step.state == "at_end":
            self.console.print(say("at_end", self.lang), style="bold green")
        elif step.state == "reviewing":
            self.console.print(screens.draft_sheet(self._sheet(), self.lang))
            self.console.print(say("review_close", self.lang))

    def _sheet(self):  # type: ignore[no-untyped-def]
        from dialogue.sheet import build_sheet

        return build_sheet(self.live.transcript(), self.lang)

    def _cached(self):  # type: ignore[no-untyped-def]
        """Timing and characters per section, recomputed only when the journal has grown (the toolbar is
        drawn on every key press)."""
        from dialogue.engine.timing import timing

        count = len(self.live.engine.events)
        if self._cache is None or self._cache[0] != count:
            chars = {r.section_id: r.chars for r in self._sheet().richness}
            self._cache = (count, timing(self.live.engine.events, self.live.engine.bank), chars)
        return self._cache

    def _timing(self):  # type: ignore[no-untyped-def]
        """This visit's timing up to now: the cached figures plus the time since the last event."""
        from dialogue.engine.timing import IDLE_CAP_SECONDS, Timing

        _, base, _ = self._cached()
        events = self.live.engine.events
        try:
            since = (self.clock() - datetime.fromisoformat(events[-1].at)).total_seconds() if events else 0.0
        except (TypeError, ValueError):
            since = 0.0
        step = self.live.step()
        sections = dict(base.section_seconds)
        if step.question is not None:
            sid = step.question.section_id
            sections[sid] = sections.get(sid, 0.0) + min(max(since, 0.0), IDLE_CAP_SECONDS)
        return Timing(base.visit_seconds + max(since, 0.0), sections)

    def _section_chars(self) -> dict[str, int]:
        return self._cached()[2]

    def toolbar(self) -> str:
        step = self.live.step()
        p = step.progress
        spent = self._timing()
        visit = int(spent.visit_seconds // 60)
        budget = f"/{self.budget_minutes}" if self.budget_minutes else ""
        parts = [say("section", self.lang, n=p.section_index, m=p.section_count),
                 say("answered", self.lang, a=p.answered, b=p.applicable)]
        if step.question is not None:
            section_id = step.question.section_id
            parts.append(say("section_time", self.lang, minutes=int(spent.section_seconds.get(section_id, 0) // 60),
                             chars=self._section_chars().get(section_id, 0)))
        parts.append(say("visit_time", self.lang, minutes=visit, budget=budget))
        parts.append(say("meeting_keys" if step.mode == "meeting" else "keys", self.lang))
        return " " + " · ".join(parts)

"""The role-play trainer and the unattended demo, on screen (rich). A thin shell: the owner's words come
from `dialogue.training.scoring.Owner`, every record goes through the `LiveSession` (journalled), and the score
from `dialogue.training.scoring.score`. Persona text is printed as plain text, never as markup or a template.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table

from dialogue.engine import Command
from dialogue.errors import AnswerError, CommandError, ExitStatus, Refusal
from dialogue.i18n import say as _say
from dialogue.model import Actor
from dialogue.model.conditions import condition_refs
from dialogue.model.placeholders import fill, with_fallbacks
from dialogue.model.sheet_fields import FIELDS_BY_ID
from dialogue.store.live import LiveSession
from dialogue.training.persona import Persona, applies
from dialogue.training.scoring import Owner, Scorecard, ScoreReport, Turn, interview, score
from dialogue.training.writeup_score import writeup_lines
from dialogue.ui.pager import save_view, show_long
from dialogue.ui.terminal import LineSource, make_completer
from dialogue.ui.text import joined, plain

COMMANDS = ("ask", "probe", "probes", "list", "note", "review", "write", "help", "finish")

def say(key: str, lang: str, **values: Any) -> str:
    """A role-play message from the catalogue (`roleplay.<key>`)."""
    return _say(f"roleplay.{key}", lang, **values)


def line(label: str, text: str, style: str, lang: str) -> RenderableType:
    """`label: text`, with persona text kept literal (no markup). Japanese takes a full-width colon and
    no space, so the line breaks where it fills up instead of moving the whole sentence down."""
    return joined(plain(say("speaker", lang, label=label), f"bold {style}"), plain(text))


# ---- the role-play ----


@dataclass
class RolePlay:
    live: LiveSession
    persona: Persona
    console: Console
    lang: str
    started: float = field(default_factory=time.monotonic)
    compile_command: str = ""  # how to compile the sheet, as the user can paste it
    write_command: str = ""  # how to write it up afterwards (`locaben write ID`)
    topic: str | None = None  # the question being discussed
    pending: tuple[str, int | None] | None = None  # what the next note records: (question, probe or None)
    source: LineSource | None = None  # the input: the write-up desk reads it (/write); a terminal's has a pager

    def __post_init__(self) -> None:
        self.bank = self.live.engine.bank
        self.owner = Owner(self.persona, self.bank, self.lang)

    def run(self, source: LineSource) -> int:
        self.source = source
        self.console.print(self.briefing())
        while self.live.step().state != "finished":
            try:
                text = source.read()
            except KeyboardInterrupt:
                if Command.PAUSE in self.live.engine.legal_commands():
                    self.live.pause()
                self._say(say("saved_resume", self.lang, id=self.live.session_id))
                return ExitStatus.INTERRUPTED
            except EOFError:
                break
            self.handle(text)
        return self.finish()

    def briefing(self) -> RenderableType:
        p, lang = self.persona, self.lang
        body = say("brief", lang, industry=p.industry.get(lang), note=p.personality_note.get(lang),
                   summary=p.summary.get(lang) if p.summary else "")
        return Panel(Group(plain(body), plain(say("help", lang), style="dim")),
                     title=plain(say("brief_title", lang, company=p.company.get(lang))), border_style="cyan")

    def handle(self, text: str) -> None:
        stripped = text.strip()
        if not stripped:
            return
        if stripped.startswith("/") and not stripped.startswith("//"):
            name, _, arg = stripped[1:].partition(" ")
            self.command(name.strip(), arg.strip())
        elif self.bank.has_question(stripped):
            self.ask(stripped)
        else:
            self.write(stripped[1:] if stripped.startswith("//") else stripped)

    def command(self, name: str, arg: str) -> None:
        examples = {"ask": "/ask strengths_tech", "jump": "/ask strengths_tech", "probe": "/probe 1",
                    "note": "/note ..."}
        if name in examples and not arg:
            self._say(say("needs_arg", self.lang, cmd=name, example=examples[name]), "red")
        elif name in ("ask", "jump"):
            self.ask(arg)
        elif name == "probe":
            self.probe(arg)
        elif name == "probes":
            self._show_probes()
        elif name == "list":
            self.console.print(self.question_list())
        elif name == "note" and self.topic is None:
            self._say(say("no_topic", self.lang), "red")
        elif name == "note":
            def note() -> None:
                self._focus(self.topic)
                self.live.note(arg)
            self._record(note)
        elif name == "review":
            from dialogue.sheet import build_sheet
            from dialogue.ui import screens

            self.console.print(screens.draft_sheet(build_sheet(self.live.transcript(), self.lang), self.lang))
        elif name == "write":
            self.write_up(arg)
        elif name == "help":
            self._say(say("help", self.lang))
        elif name == "finish":
            self.live.finish()
        else:
            self._say(say("unknown_command", self.lang, cmd=name), "red")

    # ---- asking ----

    def ask(self, question_id: str) -> None:
        if not self.bank.has_question(question_id):
            self._say(say("unknown_question", self.lang, qid=question_id), "red")
            return
        question = self.bank.question(question_id)
        self._focus(question_id)
        self.topic, self.pending = question_id, (question_id, None)
        self.console.print(line(say("you", self.lang), self._filled(question.text.get(self.lang)), "cyan", self.lang))
        if question.voice == "supporter":
            self._say(say("own_view", self.lang), "magenta")
        else:
            self.console.print(line(say("owner", self.lang), self.owner.answer(question_id).text, "green", self.lang))
        if not applies(question, self.live.engine.values()):
            self._say(say("conditional", self.lang, refs=", ".join(condition_refs(question.when))), "yellow")
        self._format_hint(question)
        self._show_probes()
        self._say(say("write_note", self.lang), "dim")

    def probe(self, arg: str) -> None:
        if self.topic is None:
            self._say(say("no_topic", self.lang), "red")
            return
        question = self.bank.question(self.topic)
        count = len(question.probes)
        if not count:
            self._say(say("no_probes", self.lang), "red")
            return
        if not arg.isdigit() or not 1 <= int(arg) <= count:
            self._say(say("bad_probe", self.lang, n=count), "red")
            return
        index = int(arg) - 1
        self.console.print(line(say("you", self.lang), self._filled(question.probes[index].get(self.lang)), "cyan",
                                self.lang))
        if question.voice == "supporter":
            return  # the supporter's probes are questions to oneself: the note stays on the view
        self.console.print(line(say("owner", self.lang), self.owner.probe(question.id, index).text, "green", self.lang))
        self.pending = (question.id, index)

    def write_up(self, arg: str) -> None:
        """`/write [BOX]`: the trainee writes up a box (or the current question's boxes, or every box still
        未記入) with the interview's write-up desk; the score compares it with the model write-up."""
        from dialogue.model.sheet_fields import WRITEUP_BOXES_BY_ID
        from dialogue.model.writing import WALK_ORDER
        from dialogue.ui.writeup_desk import WriteUpDesk, boxes_of_question, find_boxes, unwritten

        if self.source is None:
            return
        t = self.live.transcript()
        found = [b for b, _ in find_boxes(arg, self.lang)] if arg else []
        boxes = found[:1] if arg else [b for b in (boxes_of_question(t, self.topic) if self.topic else [])
                                       if b in WRITEUP_BOXES_BY_ID]
        boxes = boxes or ([] if arg else unwritten(t, [b for b in WALK_ORDER if b in WRITEUP_BOXES_BY_ID], self.lang))
        if not boxes:
            self._say(_say("writeup.unknown_box", self.lang, box=arg, boxes=""), "red")
            return
        with contextlib.suppress(EOFError, KeyboardInterrupt):  # back to the role-play; what was typed is saved
            WriteUpDesk(self.live, self.console, self.lang, self.source).walk(boxes)

    # ---- recording ----

    def write(self, text: str) -> None:
        if self.pending is None:
            self._say(say("no_topic", self.lang), "red")
            return
        question_id, probe = self.pending
        def record() -> None:
            self._focus(question_id)
            if probe is not None:
                self.live.follow_up(probe, text)
            else:
                self._submit(question_id, text)
        self._record(record)

    def _submit(self, question_id: str, text: str) -> None:
        question = self.bank.question(question_id)
        if question.type not in ("choice", "number"):
            self.live.answer(text, question_id in self.live.engine.values(), confirmed=True)
            return
        try:
            self.live.answer(text)
            rest = text if question.type == "number" and len(text.split()) > 1 else ""
        except AnswerError:
            head, _, rest = text.partition(" ")
            self.live.answer(head)
        if rest.strip():
            self.live.note(rest.strip())

    def _record(self, action: Any) -> None:
        try:
            action()
        except (AnswerError, CommandError) as exc:
            self._say(say("bad_answer", self.lang, why=_why(exc, self.lang)), "red")
            return
        self._say(say("saved", self.lang, qid=self.topic or ""), "green")

    def _focus(self, question_id: str | None) -> None:
        if question_id is None:
            raise CommandError(Refusal.NO_QUESTION)
        step = self.live.step()
        if step.question is None or step.question.id != question_id or step.state != "asking":
            self.live.jump(question_id)

    # ---- showing ----

    def _format_hint(self, question: Any) -> None:
        if question.type == "group":
            fields = " | ".join(f.label.get(self.lang) for f in question.fields)
            self._say(say("records", self.lang, fields=fields), "dim")
        elif question.type == "choice":
            self._say(say("choices", self.lang), "dim")
            self.console.print(numbered([f"{c.label.get(self.lang)} ({c.id})" for c in question.choices]))
        elif question.type == "number":
            self._say(say("number", self.lang), "dim")

    def _show_probes(self) -> None:
        if self.topic is None:
            self._say(say("no_topic", self.lang), "red")
            return
        question = self.bank.question(self.topic)
        if not question.probes:
            return
        used = {p.probe for p in self.live.transcript().probe_answers if p.question_id == question.id}
        self._say(say("probes_here", self.lang), "dim")
        self.console.print(numbered([self._filled(p.get(self.lang)) for p in question.probes], used))

    def question_list(self) -> Table:
        t = self.live.transcript()
        table = Table(show_header=False, box=None, pad_edge=False, expand=True)
        table.add_column(overflow="fold", style="bold", ratio=2)
        table.add_column(overflow="fold", ratio=5)
        table.add_column(overflow="fold", ratio=1)
        for section in self.bank.sections:
            table.add_row(plain(section.title.get(self.lang), style="cyan"), "", "")
            for q in section.questions:
                mark = "○" if q.id in t.answers else ""
                table.add_row(q.id, plain(self._filled(q.text.get(self.lang))[:60]), mark)
        return table

    def _filled(self, text: str) -> str:
        """Bank text as said now: placeholders quote the answers recorded so far, or read their fallback."""
        return fill(text, self.bank, self.live.engine.values(), self.lang)

    def _say(self, text: str, style: str = "") -> None:
        self.console.print(plain(text, style=style))

    def toolbar(self) -> str:
        t = self.live.transcript()
        minutes = int(time.monotonic() - self.started) // 60
        return say("toolbar", self.lang, company=self.persona.company.get(self.lang), a=len(t.answers),
                   p=len(t.probe_answers), m=minutes)

    def finish(self) -> int:
        if self.live.step().state != "finished":
            self.live.finish()
        report = render_report(score(self.live.transcript(), self.persona, self.lang), self.persona, self.bank,
                               self.lang, self.write_command or f"locaben write {self.live.session_id}")
        show_long(self.console, report, self.source, self.lang)  # a terminal: in the pager, `q` returns
        saved = save_view(report, self.live.writer.path.parent, f"{self.live.session_id}-score.txt")
        self.console.print(plain(say("report_saved", self.lang, path=saved), "bold"), soft_wrap=True)
        self._say(say("compile", self.lang, command=self.compile_command or f"locaben compile {self.live.session_id}"),
                  "bold")
        return ExitStatus.OK


def _why(exc: AnswerError | CommandError, lang: str) -> str:
    """The catalogue's words for a refused answer or command."""
    if isinstance(exc, AnswerError):
        return _say(f"answer.{exc.problem.value}", lang, detail=exc.detail, low="—", high="—", fields="")
    return _say(f"refusal.{exc.refusal.value}", lang, detail=exc.detail, cmd=exc.command, legal="", status=exc.detail)


# ---- the score report ----


def render_report(report: ScoreReport, persona: Persona, bank: Any, lang: str, write_command: str = "") -> RenderableType:
    you, expert = report.trainee, report.expert
    table = Table(title=plain(say("score_title", lang, company=persona.company.get(lang))), expand=True)
    for key, justify in (("section", "left"), ("facts_you", "right"), ("facts_expert", "right"),
                         ("chars_you", "right"), ("chars_expert", "right")):
        table.add_column(say(key, lang), overflow="fold", justify=justify)  # type: ignore[arg-type]  # left/right are rich JustifyMethod values
    for mine, theirs in zip(you.sections, expert.sections, strict=True):
        table.add_row(plain(mine.label), f"{mine.captured}/{mine.total}", f"{theirs.captured}/{theirs.total}",
                      str(mine.chars), str(theirs.chars))
    table.add_section()
    table.add_row(say("total", lang), _share(you), _share(expert), str(you.chars), str(expert.chars))
    parts: list[RenderableType] = [table, plain(say("time", lang, you=_minutes(you), expert=_minutes(expert))),
                                   plain(say("probes_used", lang, you=you.probes_used, expert=expert.probes_used))]
    parts += writeup_lines(report, lang, write_command)
    parts.append(plain(say("missed_title", lang), style="bold") if report.missed
                 else plain(say("all_caught", lang), style="bold green"))
    for missed in report.missed:
        question = bank.question(missed.question_id)
        asked = ""
        if missed.action == "probe" and missed.probe is not None:
            action = say("act_probe", lang, qid=question.id, n=missed.probe + 1)
            asked = with_fallbacks(question.probes[missed.probe].get(lang), bank, lang)
        elif missed.action == "ask":
            action, asked = say("act_ask", lang, qid=question.id), with_fallbacks(question.text.get(lang), bank, lang)
        elif missed.action == "own":  # no probe of the bank reaches it: a follow-up of one's own would
            action = say("act_own", lang, qid=question.id)
        else:
            action = say("act_note", lang, qid=question.id)
        label = FIELDS_BY_ID[missed.fact.field_id].label(lang)
        parts.append(joined(plain("- "), plain(label, "bold"), plain("  "), plain(action, "yellow")))
        if asked:
            parts.append(plain("  " + asked))
        parts.append(joined(plain("  " + say("said", lang), "dim"), plain(missed.fact.text.get(lang), "dim")))
    return Group(*parts)


def numbered(items: list[str], marked: set[int] | None = None) -> Table:
    """`1. item` rows in a grid, so wrapped Japanese stays under its own text."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(overflow="fold")
    for index, item in enumerate(items):
        grid.add_row(f"  {index + 1}.{'*' if marked and index in marked else ''}", plain(item))
    return grid


def _share(card: Scorecard) -> str:
    return f"{card.captured}/{card.total} ({card.share:.0%})"


def _minutes(card: Scorecard) -> str:
    return f"{card.seconds / 60:.0f}"


# ---- the unattended demo ----


def run_demo(live: LiveSession, persona: Persona, console: Console, lang: str) -> None:
    """A whole model interview on `persona`, printed as it goes, then finished."""
    def show(turn: Turn) -> None:
        if turn.speaker == "section":
            console.print(plain(f"\n■ {turn.text}", style="bold cyan"))
            return
        label = {"banker": say("banker", lang), "owner": say("owner", lang),
                 "supporter": say("supporter", lang)}[turn.speaker]
        if turn.probe is not None and turn.speaker == "banker":
            label = _say("ui.with_detail", lang, label=label, detail=say("probe_mark", lang))
        style = {"banker": "cyan", "owner": "green", "supporter": "magenta"}[turn.speaker]
        console.print(line(label, turn.text, style, lang))

    interview(live, persona, "model", lang, on_turn=show)
    written = write_up_model(live, persona, lang)
    if written:
        console.print(plain(say("demo_writeups", lang, n=written), style="bold magenta"))
    live.finish()


def write_up_model(live: LiveSession, persona: Persona, lang: str) -> int:
    """The persona's model write-up of every box, journalled as the supporter's write-ups (the demo files them)."""
    author = persona.writeup("header.author")
    by = Actor("model", author.get(lang)) if author is not None else None
    written = 0
    for box_id, text in persona.writeups_in(lang).items():
        live.write_up(box_id, text, by)
        written += 1
    return written


def completer(bank: Any, lang: str = "ja") -> Any:
    """Tab completion for the role-play commands, `/ask` and a bare question id (by id, or a few letters of
    the question in Japanese or English)."""
    from dialogue.engine.navigation import find_targets

    def questions(query: str) -> list[tuple[str, str, str]]:
        return [(t.id, t.kind, t.label) for t in find_targets(bank, query, lang) if t.kind == "question"]

    base = make_completer(lambda: COMMANDS, questions, {"ask": "any", "jump": "any"})

    class _Document:
        def __init__(self, text: str):
            self.text_before_cursor = text

    class RolePlayCompleter(type(base)):  # type: ignore[misc]  # the terminal's completer class
        def get_completions(self, document, complete_event):  # type: ignore[no-untyped-def]  # prompt-toolkit's signature
            text = document.text_before_cursor
            if text and not text.startswith("/") and " " not in text and text.isascii():
                text = "/ask " + text
            yield from super().get_completions(_Document(text), complete_event)

    return RolePlayCompleter()

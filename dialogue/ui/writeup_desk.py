"""The write-up desk (清書) behind dialogue.ui.writeup: the interviewer writes each box of the filed sheet in their own words, one box at a
time, with the box's label, what it should contain, the answers it is written from and their key facts beside
the editor, and advice after each entry — never a block. Every entry is a `written_up` journal event, saved
before the next box is shown (durable, resumable, every version kept, with who wrote it).

Used by `/write [BOX]` in the interview, by the write-up step offered at the end of each section and at
`/finish` (dialogue.ui.writeup_interview), and by `locaben write ID` (dialogue.cli.write). The same editor as the
interview: Enter saves, Esc then Enter starts a new line, an empty Enter keeps what is there and moves on, ↑
edits it. Commands of the desk come from one table, `DESK_COMMANDS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console

from dialogue.errors import CommandError, JournalError
from dialogue.i18n import say
from dialogue.model import Actor, Transcript
from dialogue.model.facts import Fact, extract_facts, missing_facts
from dialogue.model.sheet_fields import HEADER_FIELDS_BY_ID, WRITEUP_BOXES_BY_ID
from dialogue.model.writing import (
    WALK_ORDER,
    advise,
    answer_facts,
    box_questions,
    box_sources,
    writeup_length,
)
from dialogue.sheet.filing import box_label, header_values
from dialogue.store.live import LiveSession
from dialogue.ui import writeup_view as view
from dialogue.ui.terminal import LineSource, typed_now
from dialogue.ui.text import plain


@dataclass(frozen=True, slots=True)
class DeskCommand:
    name: str
    help_key: str  # catalogue key of its help line


# The desk's commands: dispatch, completion and its /help derive from this table.
DESK_COMMANDS: tuple[DeskCommand, ...] = (
    DeskCommand("next", "writeup.cmd.next"),
    DeskCommand("back", "writeup.cmd.back"),
    DeskCommand("box", "writeup.cmd.box"),
    DeskCommand("list", "writeup.cmd.list"),
    DeskCommand("history", "writeup.cmd.history"),
    DeskCommand("clear", "writeup.cmd.clear"),
    DeskCommand("hint", "writeup.cmd.hint"),
    DeskCommand("help", "writeup.cmd.help"),
    DeskCommand("done", "writeup.cmd.done"),
)
DESK_NAMES: tuple[str, ...] = tuple(c.name for c in DESK_COMMANDS)
ALIASES = {"skip": "next", "write": "box", "jump": "box", "quit": "done", "finish": "done", "q": "done"}


def find_boxes(query: str, lang: str) -> list[tuple[str, str]]:
    """(box id, label) of the boxes an id or a few letters of a label (Japanese or English) name."""
    wanted = query.strip().casefold()
    if not wanted:
        return []
    exact = [(b, box_label(b, lang)) for b in WALK_ORDER + ("header.created_on", "header.interview_dates")
             if b.casefold() == wanted]
    if exact:
        return exact
    return [(b, box_label(b, lang)) for b in WALK_ORDER
            if wanted in b.casefold() or wanted in box_label(b, lang).casefold()
            or wanted in box_label(b, "en" if lang == "ja" else "ja").casefold()]


@dataclass
class WriteUpDesk:
    """One write-up session over a live session: walks boxes, saves each entry as it is given."""

    live: LiveSession
    console: Console
    lang: str
    source: LineSource
    writer: Actor | None = None  # who writes (the `by` of every write-up); None: the session's own
    resume_hint: str = ""  # how to come back to it (`locaben write ID`), shown when it stops
    show_sources: bool = True
    active: bool = False
    box_id: str = ""  # the box on screen (the toolbar reads it)
    _order: list[str] = field(default_factory=list)
    _facts: dict[tuple[str, int], tuple[Fact, ...]] = field(default_factory=dict)  # (box, events) → answers' facts

    # ---- the walk ----

    def walk(self, box_ids: Sequence[str], start: int = 0) -> bool:
        """Edit `box_ids` in order from `start`. True when the walk ended (the last box, or /done); EOFError
        and KeyboardInterrupt reach the caller — a line typed when Ctrl-C came is saved first."""
        self._order, self.active = list(box_ids), True
        index, shown = start, -1
        try:
            while 0 <= index < len(self._order):
                if shown != index:
                    self.show(index)
                    shown = index
                step = self._one(self._order[index])
                if step == "done":
                    return True
                if step != "stay":
                    index = self._order.index(step) if step in self._order else index + (-1 if step == "back" else 1)
                    index = max(index, 0)
            return True
        finally:
            self.active = False

    def show(self, index: int) -> None:
        self.box_id = self._order[index]
        self.console.print()
        self.console.print(view.box_panel(self.box_view(self.box_id, index + 1, len(self._order)), self.lang,
                                          self.show_sources))

    def box_view(self, box_id: str, number: int = 1, count: int = 1) -> view.BoxView:
        t = self.live.transcript()
        sources = box_sources(t, box_id, self.lang)
        facts = tuple(f for line in sources if line.kind != "note" for f in extract_facts(line.text))
        box = WRITEUP_BOXES_BY_ID.get(box_id)
        return view.BoxView(box_id, box_label(box_id, self.lang), number, count, sources, _unique(facts),
                            t.writeups.get(box_id), len(t.writeup_history.get(box_id, ())),
                            self.offered(box_id, t) if box is None else "",
                            box.target.for_lang(self.lang) if box else None)

    def _one(self, box_id: str) -> str:
        """Read one line for `box_id` and act on it: the next place to go ("next", "back", a box id, "stay",
        "done")."""
        offered = self.offered(box_id)
        first = offered.strip().splitlines()[0] if offered.strip() else ""
        placeholder = say("ui.placeholder", self.lang, text=first[:60]) if first else ""
        try:
            line = self.source.read(offered, placeholder)
        except KeyboardInterrupt as exc:
            self._save_typed(box_id, getattr(exc, "text", ""))
            raise
        if line.strip().startswith("/") and not line.strip().startswith("//"):
            return self.command(box_id, line.strip())
        if line.strip().startswith("//"):
            line = line.replace("//", "/", 1)
        return self.enter(box_id, line)

    def enter(self, box_id: str, text: str) -> str:
        """What was typed for a box: saved as its write-up, unless it is empty or what the box already holds
        (its write-up, or a header field's value from the session)."""
        t = self.live.transcript()
        current = t.writeups.get(box_id)
        kept = current.text if current is not None else header_values(t, self.lang).get(box_id, "")
        if not text.strip() or text.strip() == kept.strip():
            return "next"
        if not self.save(box_id, text):
            return "stay"
        return "stay" if self.advise(box_id, text) else "next"

    def save(self, box_id: str, text: str) -> bool:
        try:
            self.live.write_up(box_id, text, self.writer)
        except (CommandError, JournalError) as exc:
            self._say("writeup.save_failed", "bold red", error=str(exc))
            return False
        self._say("writeup.saved" if text.strip() else "writeup.cleared", "green", n=writeup_length(text))
        return True

    def advise(self, box_id: str, text: str) -> bool:
        """Show the advice on a saved entry; True when there was some (the desk then stays on the box)."""
        if not text.strip():
            return False
        if box_id in HEADER_FIELDS_BY_ID:
            lines = view.header_advice(box_id, text, self.lang)
        else:
            texts = [line.text for line in box_sources(self.live.transcript(), box_id, self.lang)
                     if line.kind != "note"]
            advice = advise(text, WRITEUP_BOXES_BY_ID[box_id].target, texts, lang=self.lang)
            lines = view.advice_lines(advice, self.lang, writeup_length(text))
            if not advice:
                self.console.print(*lines)
                return False
        for line in lines:
            self.console.print(line)
        if lines:
            self._say("writeup.stay", "dim")
        return bool(lines)

    def _save_typed(self, box_id: str, typed: str) -> None:
        current = self.live.transcript().writeups.get(box_id)
        if typed.strip() and (current is None or current.text != typed.strip()):
            try:
                self.live.write_up(box_id, typed, self.writer)
                self._say("writeup.interrupted_saved", "green")
            except (CommandError, JournalError) as exc:
                self._say("writeup.save_failed", "bold red", error=str(exc))

    # ---- what is offered ----

    def offered(self, box_id: str, transcript: Transcript | None = None) -> str:
        """What an empty Enter keeps (and ↑ edits): the write-up, else a header field's value from the session
        (for 面談相手 the representative, for 作成者 the writer)."""
        t = transcript or self.live.transcript()
        current = t.writeups.get(box_id)
        if current is not None and current.text:
            return current.text
        if box_id not in HEADER_FIELDS_BY_ID:
            return ""
        values = header_values(t, self.lang)
        fallback = {"header.interviewee_title": values.get("header.representative_title", ""),
                    "header.interviewee_name": values.get("header.representative_name", ""),
                    "header.author": self.writer.name if self.writer is not None else ""}
        return values.get(box_id, "") or fallback.get(box_id, "")

    # ---- commands ----

    def command(self, box_id: str, line: str) -> str:
        name, _, arg = line[1:].partition(" ")
        name = ALIASES.get(name.strip(), name.strip())
        handlers: dict[str, Callable[[str, str], str]] = {
            "next": lambda b, a: "next", "back": lambda b, a: "back", "done": lambda b, a: "done",
            "box": self._goto, "list": self._list, "history": self._history, "clear": self._clear,
            "hint": self._hint, "help": self._help,
        }
        if name not in handlers:
            self._say("writeup.unknown_command", "red", cmd="/" + name)
            return "stay"
        return handlers[name](box_id, arg.strip())

    def _goto(self, box_id: str, arg: str) -> str:
        found = find_boxes(arg, self.lang)
        if len(found) != 1 and not any(b == arg for b, _ in found):
            key = "writeup.unknown_box" if not found else "writeup.many_boxes"
            self._say(key, "red", box=arg, boxes=", ".join(
                say("writeup.box_named", self.lang, label=label, box=b) for b, label in found[:8]))
            return "stay"
        target = next((b for b, _ in found if b == arg), found[0][0])
        if target not in self._order:
            self._order.insert(self._order.index(box_id) + 1, target)
        return target

    def _list(self, box_id: str, arg: str) -> str:
        t = self.live.transcript()
        rows = []
        for b in self._order:
            current = t.writeups.get(b)
            mark = "●" if current is not None and current.text else ("◐" if self.offered(b, t) else "○")
            rows.append((b, box_label(b, self.lang), mark, writeup_length(current.text) if current else 0))
        self.console.print(view.box_list(rows, self.lang))
        return "stay"

    def _history(self, box_id: str, arg: str) -> str:
        versions = self.live.transcript().writeup_history.get(box_id, ())
        self.console.print(view.history(box_label(box_id, self.lang), versions, self.lang))
        return "stay"

    def _clear(self, box_id: str, arg: str) -> str:
        if self.live.transcript().writeups.get(box_id) is None:
            return "stay"
        self.save(box_id, "")
        return "stay"

    def _hint(self, box_id: str, arg: str) -> str:
        self.show_sources = not self.show_sources
        self.show(self._order.index(box_id))
        return "stay"

    def _help(self, box_id: str, arg: str) -> str:
        self._say("writeup.keys", "")
        for command in DESK_COMMANDS:
            self.console.print(plain(f"  /{command.name}  " + say(command.help_key, self.lang)))
        return "stay"

    # ---- words ----

    def toolbar(self) -> str:
        """The box, its length against the target and the keys. While a write-up is typed (prompt-toolkit
        draws the toolbar at every key), the length is the typed text's, with the answers' facts it does not
        hold yet: the advice of a saved entry, live, before Enter."""
        if not self.box_id:
            return say("writeup.keys", self.lang)
        typed = typed_now()
        typing = bool(typed.strip()) and not typed.lstrip().startswith("/")
        label = box_label(self.box_id, self.lang)[:24]
        box = WRITEUP_BOXES_BY_ID.get(self.box_id)
        if typing:
            parts = [say("writeup.toolbar_typing", self.lang, label=label, chars=writeup_length(typed))]
        else:
            current = self.live.transcript().writeups.get(self.box_id)
            length = writeup_length(current.text) if current is not None else 0
            parts = [say("writeup.toolbar_box", self.lang, label=label, chars=length)]
        target = box.target.for_lang(self.lang) if box else None
        if target is not None:
            parts.append(say("writeup.target", self.lang, min=target.min, max=target.max))
        if typing and box is not None:
            missing = missing_facts(self._answer_facts(self.box_id), extract_facts(typed))
            if missing:
                parts.append(say("writeup.toolbar_missing", self.lang, n=len(missing)))
        parts.append(say("writeup.keys", self.lang))
        return " " + " · ".join(parts)

    def _answer_facts(self, box_id: str) -> tuple[Fact, ...]:
        """The key facts of the box's answers, read once per box and journal length (not at every key)."""
        key = (box_id, self.live.engine.event_count)
        if key not in self._facts:
            sources = box_sources(self.live.transcript(), box_id, self.lang)
            self._facts[key] = answer_facts(line.text for line in sources if line.kind != "note")
        return self._facts[key]

    def _say(self, key: str, style: str, **values: Any) -> None:
        self.console.print(plain(say(key, self.lang, **values), style, limit=None))


def _unique(facts: tuple[Any, ...]) -> tuple[Any, ...]:
    seen: set[str] = set()
    out = []
    for fact in facts:
        if fact.key not in seen:
            seen.add(fact.key)
            out.append(fact)
    return tuple(out)


# ---- which boxes a step covers ----


def unwritten(transcript: Transcript, box_ids: Sequence[str], lang: str) -> list[str]:
    """The boxes that print 未記入 now: required, no write-up, and (for a header field) no value from the session."""
    values = header_values(transcript, lang)
    out = []
    for box_id in box_ids:
        current = transcript.writeups.get(box_id)
        if current is not None and current.text:
            continue
        if box_id in HEADER_FIELDS_BY_ID and (values.get(box_id) or not HEADER_FIELDS_BY_ID[box_id].required):
            continue
        if box_id in WRITEUP_BOXES_BY_ID and not WRITEUP_BOXES_BY_ID[box_id].required:
            continue
        out.append(box_id)
    return out


def boxes_of_question(transcript: Transcript, question_id: str) -> list[str]:
    """The boxes written from this question's answers (what `/write` alone opens)."""
    return [b for b in WALK_ORDER if any(q.id == question_id for q in box_questions(transcript.bank, b))]

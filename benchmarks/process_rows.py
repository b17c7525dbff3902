"""Rows timed as whole processes, as the user waits for them: start-up, resume, compile, the list of sessions.
Each is run alternately with its reference (same interpreter); terminal rows run on a pseudo-terminal."""

from __future__ import annotations

import shutil
from pathlib import Path

from bench_data import many_sessions, session_events, write_session
from measure import CURSOR_SHOWN, alternately, median, on_terminal_to_exit, on_terminal_until, wall
from rows import Context, Row, at_most, at_most_plus, at_most_times

from dialogue.banks.builtin import standard_bank_path
from dialogue.banks.cache import load_bank
from dialogue.store.journal import SessionStore

STACK = "import yaml, rich.console, prompt_toolkit, jinja2, transitions; print('stack-imported')"
STACK_PROMPT = ("import yaml, rich.console, prompt_toolkit, jinja2, transitions; "
                "from prompt_toolkit import PromptSession; PromptSession().prompt('> ')")


def ms(seconds: list[float]) -> float:
    return median(seconds) * 1000


def python_pass(ctx: Context) -> float:
    return wall([ctx.python, "-c", "pass"], ctx.env, ctx.cwd)


def help_and_version(ctx: Context) -> list[Row]:
    rows = []
    for key, argv in (("help", "--help"), ("version", "--version")):
        subject, floor = alternately(lambda a=argv: wall([*ctx.locaben, a], ctx.env, ctx.cwd),  # type: ignore[misc]
                                     lambda: python_pass(ctx), ctx.sizes.runs, ctx.sizes.warmup)
        rows.append(at_most_times(key, f"`locaben {argv}`", ms(subject), "ms", ms(floor), "`python -c pass`", 2.0))
    return rows


def first_question(ctx: Context) -> list[Row]:
    """`locaben interview` on a terminal: until the first question is drawn, against a process that imports the
    stack and prints; and until the input line is live (prompt-toolkit shows the cursor), against a process that
    imports the stack and shows a prompt-toolkit input line — what any program on this stack waits for before
    it can be typed into. The three take turns."""
    bank = load_bank(standard_bank_path())
    marker = bank.questions()[0].text.get("ja")[:12].encode()
    live: list[float] = []
    prompt_live: list[float] = []
    sessions = ctx.folder("first-question")

    def interview() -> float:
        from measure import Terminal

        terminal = Terminal([*ctx.locaben, "interview", "--lang", "ja", "--sessions-dir", str(sessions)],
                            ctx.env, ctx.cwd)
        try:
            shown = terminal.expect(marker) - terminal.started
            live.append(terminal.expect(CURSOR_SHOWN) - terminal.started)
            return shown
        finally:
            terminal.close()

    def stack_then_prompt() -> float:
        prompt_live.append(on_terminal_until([ctx.python, "-c", STACK_PROMPT], ctx.env, ctx.cwd, CURSOR_SHOWN))
        return on_terminal_until([ctx.python, "-c", STACK], ctx.env, ctx.cwd, b"stack-imported")

    shown, stack = alternately(interview, stack_then_prompt, ctx.sizes.runs, ctx.sizes.warmup)
    live, prompt_live = live[-ctx.sizes.runs:], prompt_live[-ctx.sizes.runs:]  # the warm-up runs are not counted
    ref = "importing yaml, rich, prompt_toolkit, jinja2, transitions and printing (pty)"
    return [at_most_times("first_question", "`locaben interview` → first question on screen (pty)", ms(shown), "ms",
                          ms(stack), ref, 1.3),
            at_most_times("input_live", "`locaben interview` → input line live (pty)", ms(live), "ms",
                          ms(prompt_live), "the same imports, then a prompt-toolkit input line live (pty)", 1.3,
                          f"{ms(live) / ms(stack):.2f}× the imports and a print")]


def resume(ctx: Context) -> list[Row]:
    """`locaben resume` on a terminal until the input line is live: a long session against a short one, each
    restored to its saved bytes before every run (a run adds a resume event)."""
    bank = load_bank(standard_bank_path())
    short, long = ctx.sizes.resume_events
    store = SessionStore(ctx.folder("resume"))
    saved = {}
    for n in (short, long):
        path = write_session(store, bank, f"resume-{n}", session_events(bank, n))
        saved[n] = (path, path.read_bytes())

    def run(n: int) -> float:
        path, data = saved[n]
        return on_terminal_until([*ctx.locaben, "resume", f"resume-{n}", "--same-visit", "--lang", "ja",
                                  "--sessions-dir", str(store.root)], ctx.env, ctx.cwd, CURSOR_SHOWN,
                                 before=lambda: path.write_bytes(data))

    long_times, short_times = alternately(lambda: run(long), lambda: run(short), ctx.sizes.runs, ctx.sizes.warmup)
    size = saved[long][0].stat().st_size / 2**20
    return [at_most_plus("resume", f"`locaben resume` of a {long:,}-event session ({size:.1f} MiB) → input live (pty)",
                         ms(long_times), "ms", ms(short_times), f"a {short:,}-event session", 50.0)]


# The "compile ID ≤ 300 ms" was measured where importing the stack took 181 ms (its first-question row):
# the same bound at the machine's speed of the run, so a slower moment of this shared machine (a plain CPU loop
# varies 1.7× between minutes here) neither fails nor passes the row by itself.
COMPILE_TIMES_STACK = round(300 / 181, 2)  # 1.66


def compile_one(ctx: Context) -> list[Row]:
    bank = load_bank(standard_bank_path())
    store = SessionStore(ctx.folder("compile-one"))
    write_session(store, bank, "whole", session_events(bank, 0))
    args = [*ctx.locaben, "compile", "whole", "--sessions-dir", str(store.root), "-o", str(ctx.folder("out-one")),
            "--force"]
    subject, stack = alternately(lambda: wall(args, ctx.env, ctx.cwd), lambda: wall([ctx.python, "-c", STACK], ctx.env,
                                 ctx.cwd), ctx.sizes.runs, ctx.sizes.warmup)
    return [at_most_times("compile", "`locaben compile ID`, all formats (whole process)", ms(subject), "ms", ms(stack),
                          "importing yaml, rich, prompt_toolkit, jinja2, transitions and printing", COMPILE_TIMES_STACK,
                          f"300 ms at the issue's speed; {ms(subject):.0f} ms absolute")]


def whole_interview_store(ctx: Context, count: int) -> Path:
    """A store of `count` copies of one whole interview (made once per size in a run)."""
    root = ctx.scratch / f"store-{count}"
    if not root.exists():
        bank = load_bank(standard_bank_path())
        many_sessions(root, bank, session_events(bank, 0), count)
    return root


def compile_all(ctx: Context) -> list[Row]:
    """`locaben compile --all`, all formats, on a terminal (the progress bar drawn): the smaller batch, then
    the larger, each run once; every sheet must be written."""
    small, big = ctx.sizes.batch
    figures = {}
    for count in (small, big):
        out = ctx.scratch / f"out-all-{count}"
        seconds, rss_kib, _ = on_terminal_to_exit([*ctx.locaben, "compile", "--all", "-o", str(out), "--sessions-dir",
                                                   str(whole_interview_store(ctx, count))], ctx.env, ctx.cwd)
        sheets = len(list(out.glob("*-sheet.md")))
        if sheets != count:
            raise RuntimeError(f"compile --all wrote {sheets} sheets for {count} sessions")
        shutil.rmtree(out)
        figures[count] = (seconds, rss_kib / 1024)
    (t_small, rss_small), (t_big, rss_big) = figures[small], figures[big]
    return [
        at_most("compile_all", f"`locaben compile --all`, {big:,} sessions, all formats ({_cores()})", t_big, "s",
                t_small, f"{small:,} sessions", 60.0 * big / 1000, f"{t_big / big * 1000:.1f} ms a session"),
        at_most_times("compile_all_per_session", f"`compile --all`: time a session at {big:,} sessions",
                      t_big / big * 1000, "ms", t_small / small * 1000, f"at {small:,} sessions", 1.2),
        at_most_plus("compile_all_memory", f"`compile --all`: peak memory at {big:,} sessions", rss_big, "MiB",
                     rss_small, f"at {small:,} sessions", 5.0),
    ]


def sessions_list(ctx: Context) -> list[Row]:
    many = ctx.sizes.sessions
    big, one = whole_interview_store(ctx, many), whole_interview_store(ctx, 1)
    subject, single = alternately(lambda: wall([*ctx.locaben, "sessions", "--sessions-dir", str(big)], ctx.env, ctx.cwd),
                                  lambda: wall([*ctx.locaben, "sessions", "--sessions-dir", str(one)], ctx.env, ctx.cwd),
                                  ctx.sizes.runs, ctx.sizes.warmup)
    return [at_most("sessions", f"`locaben sessions`, {many:,} sessions", ms(subject), "ms", ms(single), "1 session",
                    500.0)]


def _cores() -> str:
    import os

    return f"{os.cpu_count()} cores"

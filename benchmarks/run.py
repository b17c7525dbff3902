"""How fast locaben is where a person waits: start-up, each answer, resume, banks, compile, and memory.

Prints a Markdown table with the machine and the command; the figures go into docs/benchmarks.md.
Never part of the pytest run. Takes about a minute, two thirds of it `locaben compile --all` over 1,000
sessions (`--skip-batch` leaves that out).

    .venv/bin/python benchmarks/run.py [--quick] [--skip-batch]

Targets (docs/benchmarks.md): every interactive step < 100 ms; per answer p99 < 10 ms (submit → next
question ready, including the fsync'ed journal write); start → first question < 0.3 s.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dialogue.banks.builtin import standard_bank_path  # noqa: E402
from dialogue.banks.reader import load_bank  # noqa: E402
from dialogue.engine import Engine, Step  # noqa: E402
from dialogue.errors import AnswerError  # noqa: E402
from dialogue.model import Bank, Question  # noqa: E402
from dialogue.model.events import Started  # noqa: E402
from dialogue.store.journal import Header, SessionStore  # noqa: E402
from dialogue.store.live import SessionManager  # noqa: E402

STANDARD_BANK = standard_bank_path()

PYTHON = sys.executable
LOCABEN = [str(Path(PYTHON).parent / "locaben")] if (Path(PYTHON).parent / "locaben").exists() \
    else [PYTHON, "-m", "dialogue"]
JST = timezone(timedelta(hours=9))


@dataclass
class Row:
    what: str
    figure: str
    target: str = ""
    ok: bool | None = None

    def cells(self) -> list[str]:
        verdict = "" if self.ok is None else ("✅" if self.ok else "❌ missed")
        return [self.what, self.figure, self.target, verdict]


# ---- helpers ----

def clock() -> Callable[[], datetime]:
    start = datetime(2026, 11, 23, 10, 0, tzinfo=JST)
    counter = iter(range(10**9))
    return lambda: start + timedelta(milliseconds=next(counter))


def iso_clock() -> Callable[[], str]:
    tick = clock()
    return lambda: tick().isoformat(timespec="milliseconds")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def wall(args: list[str], runs: int, **kwargs) -> float:  # type: ignore[no-untyped-def]
    """Median wall time of a command (after one warm-up run that fills the OS caches)."""
    subprocess.run(args, capture_output=True, check=True, **kwargs)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True, **kwargs)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def timed(fn: Callable[[], object], runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def answer_for(question: Question, n: int, probing: bool) -> str:
    """A plausible Japanese answer for any question type (rich enough that most are not probed)."""
    if probing:
        return f"深掘り{n}：年間2,000個、納期は平均5日です。"
    if question.type == "choice":
        return "1"
    if question.type == "number":
        return "24"
    if question.type == "list":
        return f"項目{n}イ；項目{n}ロ；項目{n}ハ"
    if question.type == "group":
        return "\n".join("｜".join(f"{f.label.get('ja')}{i}（みどり精工）" for f in question.fields) for i in range(3))
    return (f"回答{n}：株式会社みどり精工では、創業以来の精密加工の技術を活かし、主要顧客3社と20年以上の取引が"
            "あります。具体的な数字としては売上の6割を占めます。納期は平均5日、不良率は0.1%以下です。")


def answer_step(step: Step, n: int) -> str:
    assert step.question is not None
    return answer_for(step.question, n, step.state == "probing")


def generated_bank(path: Path, questions: int = 1000, per_section: int = 50) -> Path:
    lines = ["format: locaben-bank/1", "id: generated", 'version: "1.0"', "title: {ja: 生成バンク, en: Generated}",
             "languages: [ja, en]", "sections:"]
    for s in range(questions // per_section):
        lines += [f"  - id: s{s}", f"    title: {{ja: セクション{s}, en: Section {s}}}", "    questions:"]
        for q in range(per_section):
            n = s * per_section + q
            lines += [f"      - id: q{n}",
                      f"        text: {{ja: 質問{n}について教えてください。, en: Tell me about {n}.}}",
                      "        type: text", "        fills: [business.history]",
                      f"        hint: {{ja: ヒント{n}, en: Hint {n}}}", "        thin_below: 10",
                      f"        probes: [{{ja: 具体的には？{n}, en: Specifically {n}?}}]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    directory = Path(tempfile.mkdtemp(prefix="locaben-bench-"))
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def whole_session(manager: SessionManager, bank: Bank) -> str:
    """One whole interview of `bank`, answered in process and finished; returns its session id."""
    with manager.create(bank, Started(lang="ja")) as live:
        step = live.step()
        n = 0
        while step.state != "at_end":
            n += 1
            try:
                step = live.answer(answer_step(step, n))
            except AnswerError:
                step = live.skip()
        live.finish()
        return live.session_id


def scripted_answers(bank: Bank) -> list[str]:
    """The lines a plain-mode interview of the whole bank is fed, found by running the engine headless."""
    engine = Engine(bank, iso_clock())
    step = engine.start(Started(lang="ja"))
    lines = []
    n = 0
    while step.state != "at_end":
        n += 1
        raw = answer_step(step, n)
        try:
            step = engine.answer(raw)
        except AnswerError:
            raw = "/skip"
            step = engine.skip()
        lines.append(raw.replace("\n", "\\n"))
    return lines + ["/finish"]


# ---- measurements ----

def cold_start(runs: int) -> list[Row]:
    base = wall([PYTHON, "-c", "pass"], runs)
    help_time = wall([*LOCABEN, "--help"], runs)
    version_time = wall([*LOCABEN, "bank", "validate", str(STANDARD_BANK)], max(3, runs // 2))
    first = first_question(max(3, runs // 2))
    return [
        Row("`python -c pass` (the floor)", ms(base)),
        Row("`locaben --help`", f"{ms(help_time)} = {help_time / base:.1f}× python", "< 100 ms",
            help_time < 0.1),
        Row("`locaben bank validate` (standard bank)", f"{ms(version_time)} = {version_time / base:.1f}× python",
            "< 100 ms", version_time < 0.1),
        Row("`locaben interview` → first question on screen (pty)", f"{ms(first)} = {first / base:.1f}× python",
            "< 300 ms", first < 0.3),
    ]


def first_question(runs: int) -> float:
    import pexpect

    bank = load_bank(STANDARD_BANK)
    marker = bank.questions()[0].text.get("ja")[:8]
    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm-256color", LANG="C.UTF-8", NO_COLOR="1")
    times = []
    with scratch() as directory:
        for i in range(runs + 1):
            started = time.perf_counter()
            child = pexpect.spawn(LOCABEN[0], [*LOCABEN[1:], "interview", "--lang", "ja", "--sessions-dir",
                                               str(directory / f"s{i}")], env=env, encoding="utf-8", timeout=20,
                                  dimensions=(30, 100), cwd=str(directory))
            child.expect_exact(marker)
            elapsed = time.perf_counter() - started
            child.sendcontrol("c")
            child.expect(pexpect.EOF)
            child.close()
            if i:  # the first run warms the OS caches
                times.append(elapsed)
    return statistics.median(times)


def answer_on_screen(bank: Bank, answers: int) -> list[Row]:
    """Enter → the next question drawn in a real terminal (pty): what the interviewer waits for.

    The answer is typed first and the clock starts at Enter (prompt-toolkit handles typed keys as they
    come; sending them together with Enter would time the typing too). One answer is a 10,000-character
    paste, sent as a terminal sends a paste (bracketed), timed from the start of the paste."""
    import pexpect

    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm-256color", LANG="C.UTF-8", NO_COLOR="1")
    engine = Engine(bank, iso_clock())
    step = engine.start(Started(lang="ja"))
    times = []
    paste_time = 0.0
    with scratch() as directory:
        child = pexpect.spawn(LOCABEN[0], [*LOCABEN[1:], "interview", "--lang", "ja", "--sessions-dir",
                                           str(directory / "s")], env=env, encoding="utf-8", timeout=30,
                              dimensions=(30, 100), cwd=str(directory))
        child.delaybeforesend = None  # pexpect sleeps 50 ms before every send by default
        child.expect_exact("\x1b[1m" + bank.questions()[0].text.get("ja")[:8])
        child.expect_exact("\x1b[?25h")
        for n in range(answers + 1):
            paste = n == answers // 2
            raw = ("貼り付け" * 2500) if paste else answer_step(step, n).replace("\n", "  ")
            if paste and (step.question is None or step.question.type != "text"):
                continue
            step = engine.answer(raw)
            if step.state != "asking" or step.question is None:
                break
            if paste:
                started = time.perf_counter()
                child.send("\x1b[200~" + raw + "\x1b[201~")
            else:
                child.send(raw)
                child.expect(pexpect.TIMEOUT, timeout=0.15)  # typed, drawn, settled
                started = time.perf_counter()
            child.send("\r")
            child.expect_exact("\x1b[1m" + step.question.text.get("ja")[:8])
            if paste:
                paste_time = time.perf_counter() - started
            else:
                times.append(time.perf_counter() - started)
            child.expect_exact("\x1b[?25h")  # the input line is ready
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
        child.close()
    p50, p95 = statistics.median(times), percentile(times, 95)
    return [Row(f"Enter → next question on screen (pty, {len(times)} answers)", f"median {ms(p50)}, p95 {ms(p95)}",
                "< 100 ms", p95 < 0.1),
            Row("10,000-character paste (bracketed) + Enter → next question on screen (pty)", ms(paste_time),
                "< 100 ms", paste_time < 0.1)]


def per_answer(bank: Bank, label: str, answers: int) -> Row:
    """Submit → next step ready, including the fsync'ed journal write, through `LiveSession.run`."""
    times: list[float] = []
    with scratch() as directory:
        manager = SessionManager(SessionStore(directory / "sessions"), clock())
        while len(times) < answers:
            with manager.create(bank, Started(lang="ja")) as live:
                step = live.step()
                while step.state != "at_end" and len(times) < answers:
                    raw = answer_step(step, len(times))
                    started = time.perf_counter()
                    try:
                        step = live.answer(raw)
                    except AnswerError:
                        step = live.skip()
                    times.append(time.perf_counter() - started)
    p50, p99 = statistics.median(times), percentile(times, 99)
    return Row(f"per answer, {label} ({len(times)} answers)", f"median {ms(p50)}, p99 {ms(p99)}, max {ms(max(times))}",
               "p99 < 10 ms", p99 < 0.010)


def resume(bank: Bank, events_wanted: int, runs: int) -> list[Row]:
    """A session of `events_wanted` events (answers, re-answers via jumps, notes), resumed from disk.
    `events_wanted=0`: one whole interview, probes included (a realistic session)."""
    engine = Engine(bank, iso_clock(), "bench-resume")
    step = engine.start(Started(lang="ja"))
    ids = [q.id for q in bank.questions()]
    n = 0
    while len(engine.events) < events_wanted or (not events_wanted and step.state != "at_end"):
        n += 1
        if step.state == "at_end":
            step = engine.jump(ids[n % len(ids)])
            continue
        if not events_wanted and n % 3 == 0 and step.state == "asking":  # thin answers: probes too
            step = engine.answer("短い回答" if step.question and step.question.type == "text" else answer_step(step, n))
            continue
        if n % 7 == 0:
            engine.note(f"メモ{n}：社長は技術の話になると熱が入る")
        try:
            step = engine.answer(answer_step(step, n))
        except AnswerError:
            step = engine.skip()
    events = engine.events
    with scratch() as directory:
        store = SessionStore(directory / "sessions")
        header = Header("bench-resume", bank.id, bank.version, bank.source_hash, bank.source_path, "2026-11-23")
        store.create(header, list(events)).close()
        size = store.path("bench-resume").stat().st_size
        manager = SessionManager(store, clock())

        def full() -> None:
            with manager.resume("bench-resume", bank) as live:
                live.step()

        read = timed(lambda: store.read("bench-resume"), runs)
        replay = timed(lambda: Engine.replay(bank, events, iso_clock()), runs)
        whole = timed(full, runs)
    what = "one whole interview" if not events_wanted else "a long session"
    return [Row(f"resume {what}: {len(events):,} events ({size / 1024:.0f} KiB), read + replay + first step",
                f"{ms(whole)} (read {ms(read)}, replay {ms(replay)})", "< 100 ms", whole < 0.1)]


def banks(runs: int, directory: Path) -> list[Row]:
    """Each bank cold (parse + validate, the cache emptied first) and warm (from the validated-bank cache)."""
    from dialogue.banks import cache as bank_cache

    def cold(path: Path) -> Callable[[], object]:
        def load() -> object:
            shutil.rmtree(bank_cache.cache_dir(), ignore_errors=True)
            return load_bank(path)
        return load

    generated = generated_bank(directory / "generated.yaml")
    lines = len(STANDARD_BANK.read_text(encoding="utf-8").splitlines())
    rows = []
    for label, path, n in ((f"the standard bank ({lines:,} lines)", STANDARD_BANK, runs),
                           ("a generated 1,000-question bank", generated, max(3, runs // 2))):
        fresh = timed(cold(path), n)
        cached = timed(lambda p=path: load_bank(p), n)
        rows.append(Row(f"load + validate {label}", ms(fresh), "", None))
        rows.append(Row(f"load {label} from the validated-bank cache", ms(cached), "< 100 ms", cached < 0.1))
    return rows


def compile_all(bank: Bank, runs: int) -> list[Row]:
    from dialogue.sheet.outputs import FORMATS, render_files

    rows = []
    with scratch() as directory:
        manager = SessionManager(SessionStore(directory / "sessions"), clock())
        session_id = whole_session(manager, bank)
        transcript = manager.transcript(session_id, bank)
        for fmt in FORMATS:
            seconds = timed(lambda fmt=fmt: render_files(transcript, [fmt], "ja"), runs)
            rows.append(Row(f"compile: {fmt} (warm, in process)", ms(seconds)))
        every = timed(lambda: render_files(transcript, list(FORMATS), "ja"), runs)
        rows.append(Row(f"compile: all {len(FORMATS)} formats (warm, in process)", ms(every), "< 100 ms", every < 0.1))
        cold = wall([*LOCABEN, "compile", session_id, "--sessions-dir", str(directory / "sessions"), "-o",
                     str(directory / "out"), "--force"], max(3, runs // 2), cwd=directory)
        rows.append(Row("`locaben compile ID` all formats (cold process)", ms(cold)))
    return rows


RSS_PROBE = ("import resource, subprocess, sys\n"
             "subprocess.run(sys.argv[2:], input=open(sys.argv[1], 'rb').read(), stdout=subprocess.DEVNULL, "
             "stderr=subprocess.DEVNULL, check=True)\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")


def peak_rss(args: list[str], stdin: str, directory: Path) -> float:
    """Peak RSS (MiB) of one command, measured from a fresh parent so no other child is counted."""
    feed = directory / "stdin.txt"
    feed.write_text(stdin, encoding="utf-8")
    out = subprocess.run([PYTHON, "-c", RSS_PROBE, str(feed), *args], capture_output=True, text=True,
                         check=True, cwd=directory)
    return int(out.stdout.strip()) / 1024  # ru_maxrss is in KiB on Linux


def memory(bank: Bank) -> list[Row]:
    lines = scripted_answers(bank)
    with scratch() as directory:
        sessions = directory / "sessions"
        interview = peak_rss([*LOCABEN, "interview", "--plain", "--lang", "ja", "--sessions-dir", str(sessions)],
                             "\n".join(lines) + "\n", directory)
        session_id = SessionStore(sessions).session_ids()[0]
        compiled = peak_rss([*LOCABEN, "compile", session_id, "--sessions-dir", str(sessions), "-o",
                             str(directory / "out")], "", directory)
        base = peak_rss([PYTHON, "-c", "pass"], "", directory)
    return [Row(f"peak RSS: a whole interview of the standard bank ({len(lines)} inputs, --plain)",
                f"{interview:.0f} MiB (python -c pass: {base:.0f} MiB)"),
            Row("peak RSS: `locaben compile` of that session, all formats", f"{compiled:.0f} MiB")]


BATCH_PROBE = ("import fcntl, os, pty, re, resource, struct, subprocess, sys, termios, threading, time\n"
               "master, slave = pty.openpty()\n"
               "fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 30, 100, 0, 0))\n"
               "seen = []\n"
               "def drain():\n"
               "    while True:\n"
               "        try:\n"
               "            chunk = os.read(master, 65536)\n"
               "        except OSError:\n"
               "            return\n"
               "        if not chunk:\n"
               "            return\n"
               "        seen.append(chunk)\n"
               "env = dict(os.environ, TERM='xterm-256color')\n"
               "started = time.perf_counter()\n"
               "child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, "
               "stderr=slave, env=env)\n"
               "os.close(slave)\n"
               "reader = threading.Thread(target=drain)\n"
               "reader.start()\n"
               "out = child.communicate()[0].decode().strip()\n"
               "elapsed = time.perf_counter() - started\n"
               "reader.join()\n"
               "bar = b''.join(seen).decode(errors='replace')\n"
               "ticks = len(set(re.findall(r'(\\d+)/\\d+', bar)))\n"
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, elapsed, ticks, child.returncode)\n"
               "print(out)\n")


@dataclass
class Batch:
    sessions: int
    formats: str
    seconds: float
    rss_mib: float
    bar_ticks: int  # distinct "n/N" counts the progress bar drew in the terminal

    @property
    def per_session(self) -> float:
        return self.seconds / self.sessions


def batch_run(sessions_dir: Path, formats: str, directory: Path) -> Batch:
    """`locaben compile --all` as a child of a fresh parent (so `RUSAGE_CHILDREN` is that child's alone),
    with stderr on a pseudo-terminal so the progress bar is drawn as a person would see it."""
    count = len(list(sessions_dir.glob("*.jsonl")))
    out = directory / f"out-{sessions_dir.name}-{formats.replace(',', '-')}"
    args = [*LOCABEN, "compile", "--all", "-o", str(out), "--sessions-dir", str(sessions_dir)]
    if formats != "all":
        args += ["--format", formats]
    probe = subprocess.run([PYTHON, "-c", BATCH_PROBE, *args], capture_output=True, text=True, check=True,
                           cwd=directory)
    figures, said = probe.stdout.split("\n", 1)
    rss, seconds, ticks, code = figures.split()
    if code != "0" or not said.startswith(f"{count} of {count} "):
        raise SystemExit(f"compile --all failed (exit {code}): {said.strip()}")
    shutil.rmtree(out, ignore_errors=True)
    return Batch(count, formats, float(seconds), int(rss) / 1024, int(ticks))


def session_copies(template: bytes, directory: Path, count: int) -> Path:
    """`count` copies of one session file, each under a new valid session id (rewritten in the header
    line), private as real sessions are: files 0600 in a 0700 directory."""
    header_line, rest = template.split(b"\n", 1)
    header = json.loads(header_line)
    target = directory / f"sessions-{count}"
    target.mkdir(mode=0o700)
    for i in range(count):
        header["session_id"] = session_id = f"20261123-100000-{i:04x}"
        line = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
        fd = os.open(target / f"{session_id}.jsonl", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(line + b"\n" + rest)
    return target


def batch(bank: Bank, quick: bool) -> list[Row]:
    """`locaben compile --all` over many copies of one whole interview: wall time, and peak RSS against
    one session and against a tenth of the batch (the batch must stream: RSS flat, not growing)."""
    from dialogue.sheet.outputs import FORMATS

    big, small, every = (100, 10, 20) if quick else (1000, 100, 200)
    plan = (("md,json", "md,json", big), (f"all {len(FORMATS)} formats", "all", every))
    times: list[Row] = []
    memory_rows: list[Row] = []
    with scratch() as directory:
        manager = SessionManager(SessionStore(directory / "sessions"), clock())
        session_id = whole_session(manager, bank)
        template = manager.store.path(session_id).read_bytes()
        dirs = {n: session_copies(template, directory, n) for n in sorted({1, small, every, big})}
        for label, formats, most in plan:
            one = peak_rss([*LOCABEN, "compile", session_id, "--sessions-dir", str(directory / "sessions"),
                            "-o", str(directory / f"one-{formats}"), "--format", formats], "", directory)
            single, low, high = (batch_run(dirs[n], formats, directory) for n in (1, small, most))
            marginal = (high.seconds - low.seconds) / (high.sessions - low.sessions)
            why = f" (not {big:,}: that would take ~{marginal * big:.0f} s)" if most < big else ""
            for run, note, extra in ((high, why, f"; {ms(marginal)} each beyond {low.sessions:,}"),
                                     (low, "", "")):
                bar = f"bar drawn at {run.bar_ticks} counts" if run.bar_ticks else "**no progress bar drawn**"
                times.append(Row(f"`locaben compile --all`, {label}, {run.sessions:,} sessions{note}",
                                 f"{run.seconds:.1f} s = {ms(run.per_session)}/session{extra} ({bar})"))
            growth = high.rss_mib - low.rss_mib
            added = (high.sessions - low.sessions) * len(template) / 2**20
            memory_rows.append(Row(
                f"peak RSS: `locaben compile --all`, {label}, 1 → {low.sessions:,} → {high.sessions:,} sessions",
                f"{single.rss_mib:.1f} → {low.rss_mib:.1f} → {high.rss_mib:.1f} MiB: +{growth:.1f} MiB for "
                f"{high.sessions - low.sessions:,} more sessions ({added:.0f} MiB of session files); "
                f"`locaben compile ID`: {one:.1f} MiB", f"flat (< +5 MiB, {low.sessions:,} → {high.sessions:,})",
                growth < 5))
    return times + memory_rows


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (f"{platform.platform()}, {cpu}, {os.cpu_count()} cores, Python {platform.python_version()} "
            f"({platform.python_implementation()})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke test of the script)")
    parser.add_argument("--skip-batch", action="store_true", help="leave out `locaben compile --all` over "
                        "1,000 sessions (most of the run time)")
    args = parser.parse_args()
    runs = 3 if args.quick else 10
    started = time.perf_counter()
    rows: list[Row] = []
    with scratch() as directory:
        os.environ["LOCABEN_CACHE_DIR"] = str(directory / "bank-cache")  # never the user's own cache
        standard = load_bank(STANDARD_BANK)
        generated = load_bank(generated_bank(directory / "generated.yaml"))
        rows += cold_start(runs)
        rows += answer_on_screen(standard, 10 if args.quick else 40)
        rows.append(per_answer(standard, "standard bank", 200 if args.quick else 1000))
        rows.append(per_answer(generated, "1,000-question bank", 200 if args.quick else 1000))
        rows += resume(standard, 0, runs)
        rows += resume(standard, 10_000, max(3, runs // 2))
        rows += banks(runs, directory)
        rows += compile_all(standard, max(3, runs // 2))
        rows += memory(standard)
        if not args.skip_batch:
            rows += batch(standard, args.quick)
    command = " ".join([os.path.relpath(PYTHON, Path.cwd()), *sys.argv])
    print(f"Machine: {machine()}  ")
    print(f"Command: `{command}`  ")
    print(f"Date: {datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}; locaben as `{' '.join(LOCABEN)}`; "
          f"run took {time.perf_counter() - started:.0f} s")
    print()
    print("| measure | figure | target | |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row.cells()) + " |")
    return 0 if all(row.ok is not False for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())

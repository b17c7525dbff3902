"""How long a person waits for locaben: every row a figure, a reference measured in the same run, and a
target it can miss (issue 18). The exit status is 1 when a target is missed.

    .venv/bin/python benchmarks/run.py                # build the wheel, install it into a fresh venv (pip
                                                      # compiles its bytecode), measure that (~6 min)
    .venv/bin/python benchmarks/run.py --python PY    # measure the locaben installed for the interpreter PY
    .venv/bin/python benchmarks/run.py --tiny         # every row at small sizes, this interpreter (seconds)
    … --json (rows as JSON) · --markdown (the table for docs) · --update-docs (rewrite it in docs/benchmarks.md)
      --only help,resume (some measures) · --list (the row keys a run gives)

Whole processes are timed alternately with their reference (same interpreter, one warm-up each, then 9
runs each, median); terminal rows run on a pseudo-terminal; the in-process rows drive the real interview loop
over a live session with its fsync'ed journal. The bytecode state of what is measured is stated with the table.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from rows import FULL, TINY, Context, Row, child_env, fmt

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- benchmark:table -->", "<!-- /benchmark:table -->"


def plan() -> list[tuple[str, tuple[str, ...], Callable[[Context], list[Row]]]]:
    """(measure, the row keys it gives, the function): every row a run gives, in order."""
    import live_rows
    import process_rows as p

    return [
        ("help", ("help", "version"), p.help_and_version),
        ("first_question", ("first_question", "input_live"), p.first_question),
        ("resume", ("resume",), p.resume),
        ("enter", ("enter_100", "enter_1000", "enter_10000"), live_rows.enter_next),
        ("paste", ("paste",), live_rows.paste_row),
        ("compile", ("compile",), p.compile_one),
        ("compile_all", ("compile_all", "compile_all_per_session", "compile_all_memory"), p.compile_all),
        ("sessions", ("sessions",), p.sessions_list),
        ("per_answer", ("per_answer",), live_rows.per_answer),
    ]


def measure(ctx: Context, only: set[str]) -> list[Row]:
    rows: list[Row] = []
    for name, keys, function in plan():
        if only and name not in only:
            continue
        started = time.perf_counter()
        got = function(ctx)
        if tuple(r.key for r in got) != keys:  # a measure that skipped a row fails the run
            raise RuntimeError(f"{name} gave rows {[r.key for r in got]}, not {list(keys)}")
        bad = [r.key for r in got if not (r.value > 0 and r.reference > 0)]
        if bad:
            raise RuntimeError(f"{name}: rows measured nothing: {bad}")
        rows += got
        say(f"{name}: {time.perf_counter() - started:.1f} s")
    return rows


def say(text: str) -> None:
    sys.stderr.write(f"[benchmark] {text}\n")
    sys.stderr.flush()


# ---- what is measured: the installed wheel, with its bytecode ----

def install_wheel(directory: Path) -> str:
    """Build the wheel of this checkout and install it into a fresh venv (pip compiles every module's bytecode
    at install). The venv's python."""
    dist, venv = directory / "dist", directory / "venv"
    say("building the wheel and installing it into a fresh venv …")
    quiet(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT))
    quiet(sys.executable, "-m", "venv", str(venv))
    python = str(venv / "bin" / "python")
    quiet(python, "-m", "pip", "install", "-q", "-c", str(ROOT / "constraints.txt"), str(next(dist.glob("*.whl"))))
    return python


def quiet(*args: str) -> None:
    """Run a command; show its output only if it fails."""
    done = subprocess.run(list(args), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def bytecode_state(python: str) -> str:
    """Where the package under test is and how many of its modules have compiled bytecode. An editable checkout
    without it (PYTHONDONTWRITEBYTECODE=1 keeps Python from writing any) is compiled first, in place, so no
    measured process compiles modules as it starts."""
    import importlib.util

    import dialogue

    package = Path(dialogue.__file__).parent
    sources = sorted(package.rglob("*.py"))

    def compiled() -> int:
        return sum(Path(importlib.util.cache_from_source(str(p))).exists() for p in sources)

    kind, how = "an installed package", "compiled by pip at install"
    if (package.parent / "pyproject.toml").exists():
        kind, how = "an editable checkout", "compiled by `python -m compileall` before measuring"
        if compiled() < len(sources):
            subprocess.run([python, "-m", "compileall", "-q", str(package)], check=True, stdout=subprocess.DEVNULL)
    flag = os.environ.get("PYTHONDONTWRITEBYTECODE") or "unset"
    return (f"{kind} at `{package}`: {compiled()}/{len(sources)} modules with bytecode, {how} "
            f"(PYTHONDONTWRITEBYTECODE={flag} here)")


# ---- output ----

def machine() -> str:
    cpu = platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def markdown(rows: list[Row], header: list[str]) -> str:
    lines = [*(f"{line}  " for line in header), "",
             "| what the user waits for | figure | reference (same run) | target | |", "|---|---|---|---|---|"]
    for r in rows:
        verdict = "✅" if r.met else "❌ missed"
        detail = f" ({r.detail})" if r.detail else ""
        lines.append(f"| {r.name} | {fmt(r.value, r.unit)}{detail} | {r.reference_name}: {fmt(r.reference, r.unit)} "
                     f"| {r.target} | {verdict} |")
    return "\n".join(lines) + "\n"


def update_docs(table: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    before, _, rest = text.partition(BEGIN)
    _, _, after = rest.partition(END)
    if not rest:
        raise SystemExit(f"{DOC} has no {BEGIN} … {END} block")
    DOC.write_text(f"{before}{BEGIN}\n{table}{END}{after}", encoding="utf-8", newline="\n")


def report(rows: list[Row], args: argparse.Namespace, header: list[str]) -> None:
    table = markdown(rows, header)
    if args.update_docs:
        update_docs(table)
    if args.json:
        say("\n".join(header))
        print(json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=1))
    elif args.markdown:
        print(table)
    else:
        print("\n".join(header))
        for r in rows:
            print(f"{'ok    ' if r.met else 'MISSED'} {r.name}: {fmt(r.value, r.unit)} — {r.reference_name} "
                  f"{fmt(r.reference, r.unit)}; target {r.target}" + (f" ({r.detail})" if r.detail else ""))


# ---- main ----

def options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", help="the interpreter whose locaben is measured (default: a wheel built now; "
                                         "with --tiny: this one)")
    parser.add_argument("--tiny", action="store_true", help="every row at small sizes, in seconds")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--update-docs", action="store_true", help=f"rewrite the table in {DOC.relative_to(ROOT)}")
    parser.add_argument("--only", default="", help="comma-separated measures (see --list)")
    parser.add_argument("--list", action="store_true", help="print the row keys a run gives, and stop")
    parser.add_argument("--priority", action="store_true", help="run (and every measured process) at a raised CPU "
                        "priority (nice -10; needs root), so other work on a shared machine disturbs it less")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = options(argv)
    if args.list:
        print("\n".join(key for _, keys, _ in plan() for key in keys))
        return 0
    if args.python is None and not args.tiny:
        from bench_data import scratch

        with scratch() as directory:
            python = install_wheel(directory)
            return subprocess.call([python, __file__, *argv, "--python", python])
    python = os.path.abspath(args.python or sys.executable)
    if python != os.path.abspath(sys.executable):  # measure in-process rows in the interpreter under test too
        return subprocess.call([python, __file__, *argv])
    return run(args, python)


def run(args: argparse.Namespace, python: str) -> int:
    from bench_data import scratch

    started, load = time.perf_counter(), os.getloadavg()
    if args.priority:
        os.setpriority(os.PRIO_PROCESS, 0, -10)  # children inherit it
    bytecode = bytecode_state(python)
    with scratch() as directory:
        ctx = Context(python, directory, TINY if args.tiny else FULL, child_env(directory))
        os.environ["LOCABEN_CACHE_DIR"] = ctx.env["LOCABEN_CACHE_DIR"]  # this process's banks too: never the user's
        rows = measure(ctx, {s for s in args.only.split(",") if s})
    priority = f"; run at nice {os.getpriority(os.PRIO_PROCESS, 0)}" if args.priority else ""
    header = [f"Machine: {machine()}; load average {load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
              f"(the machine is shared){priority}",
              f"Measured: {bytecode}",
              f"Command: `benchmarks/run.py {' '.join(sys.argv[1:])}`, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, "
              f"{time.perf_counter() - started:.0f} s" + (" — TINY sizes: not the figures of the issue" if args.tiny else "")]
    report(rows, args, header)
    return 0 if all(r.met for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

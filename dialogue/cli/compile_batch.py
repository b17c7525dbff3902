"""`locaben compile --all`: every session of the store, on every core, into one output folder.

Sessions are rendered and staged (dialogue.sheet.files.stage_session: written beside their targets and
fsynced) by a pool of worker processes, one per core; each worker opens the store and reads its banks once.
The parent holds the folder's lock and commits the staged files in parts — one plan, one manifest written
once, one rename pass per part (dialogue.sheet.files.commit_batch) — so the manifest is not rewritten after
every session, which made the batch quadratic. Parts grow with what is done (a quarter of it, at least
PART_MIN sessions): the manifest is written O(log n) times, and the lock is let go between parts so a
compile into the same folder waits for one part, not for the whole batch.

A part is all-or-nothing like a single compile: killed before its plan is recorded, the folder keeps its
earlier files and the next compile removes the temporaries. A session that cannot be compiled (a damaged
journal, a hand-edited output) is reported and the batch goes on.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dialogue.cli.env import Env
from dialogue.errors import ExitStatus, LocabenError
from dialogue.i18n import say

if TYPE_CHECKING:
    from dialogue.store.live import SessionManager

PART_MIN = 64


@dataclass(frozen=True)
class Job:
    """What a worker needs to compile any session of the batch (picklable: workers may be spawned)."""

    sessions_root: Path
    bank: str | None
    formats: tuple[str, ...]
    lang: str | None
    output: Path
    force: bool
    actor: Any


@dataclass(frozen=True)
class Staged:
    """One session's outcome in a worker: its staged files (the plan entries), or why it was not compiled."""

    session_id: str
    plan: dict[str, dict[str, str]]
    warnings: tuple[str, ...] = ()
    error: str | None = None
    events: int = 0  # how many events the compiled transcript holds (the audit entry says so)


_worker: dict[str, Any] = {}  # in each worker process: the job, its session manager and bank


def start_worker(job: Job) -> None:
    """Once per worker process: the store and the bank, shared by every session it compiles."""
    from datetime import UTC, datetime

    from dialogue.cli.main import load_bank
    from dialogue.store.journal import SessionStore
    from dialogue.store.live import SessionManager

    _worker.update(job=job, bank=load_bank(job.bank) if job.bank else None,
                   sessions=SessionManager(SessionStore(job.sessions_root), lambda: datetime.now(UTC),
                                           actor=job.actor))


def stage_one(session_id: str, recorded: dict[str, str | None]) -> Staged:
    """Render one session as `locaben compile ID` does (unconfirmed 機微情報 left out, customer data marked)
    and stage its files (the parent holds the folder's lock, and records the compile before committing)."""
    from dialogue.cli.compiling import compiled_files
    from dialogue.sheet.files import stage_session

    job: Job = _worker["job"]
    sessions: SessionManager = _worker["sessions"]
    try:
        files, transcript, warnings = compiled_files(sessions, session_id, _worker["bank"], list(job.formats),
                                                     job.lang)
        return Staged(session_id, stage_session(job.output, files, recorded, job.force), warnings,
                      events=len(transcript.events))
    except LocabenError as exc:
        return Staged(session_id, {}, error=str(exc))


def compile_all(sessions: SessionManager, job: Job, args: argparse.Namespace, env: Env) -> int:
    """Every session, with a progress bar on stderr; exit 1 when any session failed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from dialogue.ui.text import plain

    ids = sessions.store.session_ids()
    failures = 0
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    # an encrypted store is compiled in this process, whose session manager holds the keys (workers would
    # each need them; the batch is then bound by decryption on one core)
    workers = 1 if sessions.store.wrapping() is not None else None
    with _pool(job, len(ids), sessions if workers == 1 else None) as submit, \
            Progress(*columns, console=env.console(env.stderr), transient=True) as progress:
        task = progress.add_task("compile", total=len(ids))
        for staged in _run(ids, job, submit, sessions):
            for warning in staged.warnings:
                progress.console.print(plain(say("cli.warning", args.ui_lang, text=warning)))
            if staged.error is not None:
                failures += 1
                progress.console.print(plain(f"locaben: {staged.session_id}: {staged.error}"))
            progress.advance(task)
    env.stdout.write(say("cli.compiled_batch", args.ui_lang, ok=len(ids) - failures, total=len(ids),
                         dir=args.output) + "\n")
    return ExitStatus.OK if not failures else ExitStatus.ERROR


def _run(ids: list[str], job: Job, submit: Callable[..., Future[Staged]], sessions: SessionManager
         ) -> Iterator[Staged]:
    """Compile `ids` part by part; yields each session's outcome as its part is committed (each compile
    recorded in the audit log before its files are, as `locaben compile ID` does)."""
    from dialogue.cli.protect import audited_compiles
    from dialogue.sheet.files import batch, commit_batch, discard
    from dialogue.sheet.outputs import file_names

    done = 0
    while done < len(ids):
        part = ids[done:done + max(PART_MIN, done // 4)]
        with batch(job.output) as manifest:
            futures = [submit(stage_one, sid, {n: manifest.get(n) for n in file_names(sid, list(job.formats))})
                       for sid in part]
            try:
                outcomes = [future.result() for future in futures]
            except BaseException:
                for future in futures:  # the staged files of the part, which will never be committed
                    if not future.cancel() and future.exception() is None:
                        discard(job.output, future.result().plan)
                raise
            audited_compiles(sessions, job.output, [(staged.session_id, list(staged.plan), staged.events)
                                                    for staged in outcomes if staged.error is None],
                             list(job.formats))  # one durable write for the part, before its files are
            plan = {name: entry for staged in outcomes for name, entry in staged.plan.items()}
            commit_batch(job.output, plan, manifest)  # cleans up after itself, and never once it has decided
        done += len(part)
        yield from outcomes


def cores() -> int:
    """The cores this process may run on."""
    sched_getaffinity: Callable[[int], set[int]] | None = getattr(os, "sched_getaffinity", None)
    return len(sched_getaffinity(0)) if sched_getaffinity else os.cpu_count() or 1


class _pool:  # noqa: N801 — used as a context manager, like a function
    """A submit function: a process pool of one worker per core, or this process alone when there is one
    core or one session (a pool would only add its start-up)."""

    def __init__(self, job: Job, sessions: int, manager: SessionManager | None = None):
        self.job, self.manager = job, manager
        self.workers = 1 if manager is not None else min(cores(), sessions)
        self.executor: Executor | None = None

    def __enter__(self) -> Callable[..., Future[Staged]]:
        if self.workers <= 1:
            start_worker(self.job)
            if self.manager is not None:
                _worker["sessions"] = self.manager  # with the keys and the word lists of this command
            return _inline
        self.executor = ProcessPoolExecutor(self.workers, initializer=start_worker, initargs=(self.job,))
        self.executor.submit(int).result()  # the workers start now, before the progress bar's thread does
        return self.executor.submit

    def __exit__(self, *exc: object) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)


def _inline(function: Callable[..., Staged], *args: Any) -> Future[Staged]:
    future: Future[Staged] = Future()
    try:
        future.set_result(function(*args))
    except BaseException as exc:  # noqa: BLE001 — handed over through the future, as a pool would
        future.set_exception(exc)
    return future

"""Sessions for benchmarks/run.py, made through the package's own API (the engine, `SessionStore.create`), so
they are what locaben writes whatever the journal format: whole interviews of a fictional company
(株式会社みどり精工), long sessions of N events, and stores of many sessions."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

from dialogue.engine import Engine, Step
from dialogue.errors import AnswerError
from dialogue.model import Bank, Question
from dialogue.model.events import Event, Started
from dialogue.store.journal import Header, SessionStore

JST = timezone(timedelta(hours=9))
PASTE_SENTENCE = ("当社の強みは創業以来の精密加工技術で、主要顧客3社との取引は20年以上続いています。売上の6割を占め、"
                  "納期は平均5日、不良率は0.1%以下です。")


def clock(step_seconds: float = 5.0) -> Callable[[], datetime]:
    """A clock that moves `step_seconds` at each reading, from 2026-11-23 10:00 JST."""
    start = datetime(2026, 11, 23, 10, 0, tzinfo=JST)
    ticks = iter(range(10**9))
    return lambda: start + timedelta(seconds=next(ticks) * step_seconds)


def iso_clock(step_seconds: float = 5.0) -> Callable[[], str]:
    tick = clock(step_seconds)
    return lambda: tick().isoformat(timespec="milliseconds")


def paste(chars: int) -> str:
    """`chars` characters of an answer a person might paste (Japanese prose with figures)."""
    return (PASTE_SENTENCE * (chars // len(PASTE_SENTENCE) + 1))[:chars]


def answer_for(question: Question, n: int, probing: bool) -> str:
    """A plausible Japanese answer for any question type (rich enough that most are not probed)."""
    if probing:
        return f"深掘り{n}：年間2,000個、納期は平均5日です。理由は設備を自社で持っているからです。"
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


def header(bank: Bank, session_id: str) -> Header:
    return Header(session_id, bank.id, bank.version, bank.source_hash, str(Path(bank.source_path).resolve()),
                  "2026-11-23T10:00:00.000+09:00", extra={"question_ids": [q.id for q in bank.questions()]})


def session_events(bank: Bank, wanted: int) -> tuple[Event, ...]:
    """About `wanted` events (a few more, never fewer): the interview answered through, then every question
    answered again by jumping back, with a note every seventh step — a session that went on for a long time.
    `wanted` = 0: one whole interview, finished."""
    engine = Engine(bank, iso_clock(), "bench")
    step = engine.start(Started(lang="ja"))
    ids = [q.id for q in bank.questions()]
    n = 0
    while (len(engine.events) < wanted) if wanted else step.state != "at_end":
        n += 1
        if step.state == "at_end":
            step = engine.jump(ids[n % len(ids)])
            continue
        if n % 7 == 0:
            engine.note(f"メモ{n}：社長は技術の話になると熱が入る")
        try:
            step = engine.answer(answer_step(step, n))
        except AnswerError:
            step = engine.skip()
    if not wanted:
        engine.finish()
    return engine.events


def write_session(store: SessionStore, bank: Bank, session_id: str, events: tuple[Event, ...]) -> Path:
    store.create(header(bank, session_id), list(events)).close()
    return store.path(session_id)


def many_sessions(root: Path, bank: Bank, events: tuple[Event, ...], count: int) -> Path:
    """A store of `count` sessions with the same events under different ids."""
    store = SessionStore(root)
    for i in range(count):
        write_session(store, bank, f"20261123-100000-{i:04x}", events)
    return root


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    directory = Path(tempfile.mkdtemp(prefix="locaben-bench-"))
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)

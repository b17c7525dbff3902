"""Random command sequences an interviewer could type, for the replay and incremental-figure properties."""

from __future__ import annotations

import contextlib

from hypothesis import strategies as st

from dialogue.engine import Engine
from dialogue.errors import AnswerError, CommandError
from tests.helpers import mini_bank

BANK = mini_bank()
TARGETS = [s.id for s in BANK.sections] + [q.id for q in BANK.questions()] + ["nowhere"]

answers = st.sampled_from(["みどり精工", "12", "1", "2", "短い", "調達|良い材料|独自ルート", "a;b",
                           "長い回答。" * 10, "", "x" * 3, "いない", "-5"])
FIELDS = ["company.name", "business.history", "management.succession", "nowhere"]
commands = st.one_of(
    st.tuples(st.just("answer"), answers),
    st.tuples(st.sampled_from(["skip", "back", "next", "pause", "resume", "review", "close_review", "finish",
                               "reopen", "flag", "unflag", "new_visit"]), st.just(None)),
    st.tuples(st.just("jump"), st.sampled_from(TARGETS + FIELDS)),
    st.tuples(st.just("note"), st.sampled_from(["メモ", "note", " "])),
    st.tuples(st.just("mark"), st.sampled_from(["unknown", "declined", "not_applicable", "bogus"])),
    st.tuples(st.just("set_source"), st.sampled_from(["owner", "document", "estimate", "rumour"])),
    st.tuples(st.just("park"), st.tuples(st.sampled_from(FIELDS), st.sampled_from(["後で話す内容", ""]))),
    st.tuples(st.just("follow_up"), st.tuples(st.integers(-1, 2), st.sampled_from(["深掘り", ""]))),
    st.tuples(st.just("append"), answers),
)


def call(engine: Engine, name: str, arg: object) -> None:
    if name == "append":
        engine.answer(str(arg), append=True)
    elif isinstance(arg, tuple):
        getattr(engine, name)(*arg)
    else:
        getattr(engine, name)(*(() if arg is None else (arg,)))


def drive(engine: Engine, script: list[tuple[str, object]]) -> None:
    for name, arg in script:
        # refused commands change nothing (checked below by replay equality)
        with contextlib.suppress(AnswerError, CommandError):
            call(engine, name, arg)

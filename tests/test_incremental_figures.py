"""The toolbar's figures (time per section, characters per section) are kept up to date event by event;
whatever the interviewer does, they equal the figures computed over the whole session from scratch."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogue.engine import Engine
from dialogue.engine.timing import timing
from dialogue.errors import AnswerError, CommandError
from dialogue.sheet import build_sheet
from tests.command_sequences import BANK, call, commands
from tests.helpers import iso_clock, mini_bank


def from_scratch_chars(engine: Engine) -> dict[str, int]:
    return {r.section_id: r.chars for r in build_sheet(engine.transcript()).richness if r.chars}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(commands, max_size=40), st.integers(1, 5))
def test_incremental_figures_equal_the_figures_over_all_events(script: list[tuple[str, object]], every: int) -> None:
    engine = Engine(BANK, iso_clock(), "p")
    engine.start()
    for k, (name, arg) in enumerate(script):
        with contextlib.suppress(AnswerError, CommandError):
            call(engine, name, arg)
        if k % every == 0:  # asked now and then, as the toolbar does after each answer
            assert engine.timing() == timing(engine.events, engine.bank)
            assert {s: c for s, c in engine.section_chars().items() if c} == from_scratch_chars(engine)
    assert engine.timing() == timing(engine.events, engine.bank)
    assert {s: c for s, c in engine.section_chars().items() if c} == from_scratch_chars(engine)


def test_a_replayed_engine_gives_the_same_figures_as_the_live_one() -> None:
    live = Engine(mini_bank(), iso_clock(), "p")
    live.start()
    live.answer("株式会社みどり精工")
    live.timing()  # folded halfway, then more events
    live.note("社長は二代目")
    live.answer("24")
    replayed = Engine.replay(live.bank, live.events, iso_clock(), "p")
    assert replayed.timing() == live.timing()
    assert replayed.timing().section_seconds["basics"] > 0
    assert replayed.section_chars() == live.section_chars()
    assert live.section_chars()["basics"] == len("株式会社みどり精工") + len("社長は二代目") + len("24")

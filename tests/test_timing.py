"""Time awareness: the visit's length and the time spent in each section, from the journal's times."""

from __future__ import annotations

from datetime import timedelta

from dialogue.engine import Engine
from dialogue.engine.timing import timing
from tests.helpers import mini_bank, ticking_clock


def test_time_per_section_and_for_this_visit() -> None:
    clock = ticking_clock(step_seconds=60)  # every event a minute after the last
    engine = Engine(mini_bank(), lambda: clock().isoformat())
    engine.start()  # started, asked company_name
    engine.answer("株式会社みどり精工")  # answered, asked employees
    engine.answer("24")  # answered, asked history_story (section history)
    result = timing(engine.events, engine.bank)
    assert result.section_seconds == {"basics": 240.0}
    assert result.visit_seconds == 300.0


def test_a_long_break_counts_as_at_most_ten_minutes() -> None:
    clock = ticking_clock(step_seconds=60)
    engine = Engine(mini_bank(), lambda: clock().isoformat())
    engine.start()
    events = list(engine.events)
    later = ticking_clock(start=clock() + timedelta(hours=5), step_seconds=60)
    engine2 = Engine.replay(engine.bank, events, lambda: later().isoformat())
    engine2.answer("株式会社みどり精工")
    result = timing(engine2.events, engine2.bank)
    assert result.section_seconds["basics"] <= 60 + 600


def test_the_visit_clock_stops_while_paused_and_goes_on_after_resume() -> None:
    start = ticking_clock(step_seconds=0)()
    times = iter([start, start, start + timedelta(minutes=50), start + timedelta(minutes=50),
                  start + timedelta(minutes=51), start + timedelta(minutes=52)])
    engine = Engine(mini_bank(), lambda: next(times).isoformat())
    engine.start()  # started + asked at 0
    engine.answer("株式会社みどり精工")  # answered + asked at 50
    engine.pause()  # 51
    engine.resume()  # 52
    result = timing(engine.events, engine.bank, now=start + timedelta(minutes=90))
    assert round(result.visit_seconds / 60) == 89  # 90 minutes less the one spent paused

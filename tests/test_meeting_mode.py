"""Meeting mode, where the officer types along while the owner talks: text answers are appended, a choice is
replaced, and nothing is probed."""

from __future__ import annotations

from tests.helpers import started


def test_meeting_mode_appends_and_never_probes() -> None:
    engine = started(mode="meeting")
    engine.jump("business.history")  # a sheet field id works as a jump target
    step = engine.answer("短い")
    assert step.state == "asking" and step.question.id == "history_story"  # stays, no probe
    engine.answer("2001年に医療機器へ", append=True)
    assert engine.values()["history_story"] == "短い\n2001年に医療機器へ"
    step = engine.next()
    assert step.question.id == "successor_status"


def test_meeting_mode_replaces_a_choice_instead_of_joining_it() -> None:
    engine = started("r", mode="meeting")
    engine.jump("successor_status")
    engine.answer("1", append=True)
    engine.answer("2", append=True)
    assert engine.values()["successor_status"] == "none"

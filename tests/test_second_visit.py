"""The second visit and reopening: what was flagged or skipped comes first and does not come round again, a
status code given later clears the flag, an earlier interview's answers are offered, and a finished session can
be opened again."""

from __future__ import annotations

from dialogue.engine import Engine
from tests.helpers import LONG, iso_clock, mini_bank, run_interview, started


def test_a_new_visit_on_a_complete_session_does_not_crash() -> None:
    engine, _ = run_interview(mini_bank(), finish=False)
    assert engine.state == "at_end"
    step = engine.new_visit()
    assert step.state == "at_end" and step.visit == 2
    assert Engine.replay(engine.bank, engine.events, iso_clock()).state == "at_end"


def test_reopening_a_session_finished_early_goes_to_an_open_question() -> None:
    engine = started("r")
    engine.answer("株式会社みどり精工")
    engine.finish()
    step = engine.reopen()
    assert step.state == "asking" and step.question.id == "employees"


def test_second_visit_next_does_not_cycle_between_flagged_questions() -> None:
    engine = started("r")
    engine.answer("株式会社みどり精工")
    engine.back()
    engine.flag()
    engine.next()
    engine.flag()  # employees flagged too
    engine.pause()
    engine.resume()
    engine.new_visit()
    seen = [engine.step().question.id]
    for _ in range(5):  # one pass over the six questions
        step = engine.next()
        if step.state == "at_end" or step.question is None:
            break
        seen.append(step.question.id)
    assert seen[:2] == ["company_name", "employees"]
    assert len(seen) == len(set(seen))  # the flagged ones do not come round again within the pass


def test_a_status_code_at_a_later_visit_clears_the_flag() -> None:
    engine = started("r")
    engine.flag()
    engine.pause()
    engine.resume()
    engine.new_visit()
    engine.mark("unknown")
    assert engine.transcript().flags == {}


def test_flagged_and_skipped_come_first_at_the_second_visit() -> None:
    engine = started()
    engine.answer("みどり精工")
    engine.flag("人数は要確認")
    engine.answer("12")
    engine.skip()  # history_story skipped
    engine.answer("1")
    engine.answer("調達|良い材料|独自ルート")
    engine.pause()
    engine.resume()
    step = engine.new_visit()
    assert step.visit == 2
    assert step.question.id == "employees" and step.flagged  # flagged first
    step = engine.answer("13")
    assert not engine.transcript().flags  # answered again at the later visit: confirmed
    assert step.question.id == "history_story"  # then what was skipped
    step = engine.answer(LONG)
    assert step.question.id == "suppliers"  # then whatever is still open


def test_prefill_from_an_earlier_interview_is_offered_until_answered() -> None:
    engine = started(prefill={"company_name": {"raw": "株式会社みどり精工", "value": "株式会社みどり精工"}})
    step = engine.step()
    assert step.prefill == "株式会社みどり精工" and step.offered_input == "株式会社みどり精工"
    engine.answer("株式会社みどり精工ホールディングス")
    engine.back()
    assert engine.step().prefill == ""  # answered now: the answer itself is shown

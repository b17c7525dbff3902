"""Engine features a credit officer relies on and the second visit needs: status codes, sources,
flags, the parking lot, hidden answers, meeting mode and prefill."""

from __future__ import annotations

import pytest

from dialogue.engine import Engine, Notice, NoticeKind
from dialogue.errors import CommandError
from dialogue.model.events import Started
from tests.helpers import iso_clock, mini_bank

LONG = "創業は1978年で、父が町工場として始めました。2001年に医療機器向けに転換したのが転機です。"


def started(**meta: object) -> Engine:
    engine = Engine(mini_bank(), iso_clock(), "s")
    engine.start(Started(**meta))
    return engine


def test_status_code_is_recorded_as_such_and_moves_on() -> None:
    engine = started()
    engine.answer("みどり精工")
    step = engine.mark("declined")
    assert step.question.id == "history_story"
    answer = engine.transcript().answers["employees"]
    assert answer.status == "declined" and answer.value is None
    assert "employees" not in engine.values()  # a status is not a value for conditions
    with pytest.raises(CommandError, match="unknown_status"):
        engine.mark("maybe")


def test_status_code_forbidden_by_the_bank_is_refused() -> None:
    from dataclasses import replace

    bank = mini_bank()
    sections = list(bank.sections)
    first = sections[0]
    q0 = replace(first.questions[0], forbid_status=("not_applicable",))
    sections[0] = replace(first, questions=(q0, *first.questions[1:]))
    engine = Engine(replace(bank, sections=tuple(sections)), iso_clock())
    engine.start()
    with pytest.raises(CommandError, match="status_forbidden"):
        engine.mark("not_applicable")
    engine.mark("unknown")


def test_source_applies_to_the_last_answer() -> None:
    engine = started()
    engine.answer("みどり精工")  # now on employees, unanswered
    engine.set_source("document", "登記簿")
    assert engine.transcript().sources["company_name"].kind == "document"
    assert engine.transcript().sources["company_name"].detail == "登記簿"
    with pytest.raises(CommandError):
        engine.set_source("rumour")


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


def test_parked_text_is_offered_when_its_field_comes_up_and_used_once() -> None:
    engine = started()
    engine.park("business.history", "昭和53年創業、最初は自転車部品")
    with pytest.raises(CommandError, match="unknown_field"):
        engine.park("no.such.field", "x")
    engine.answer("みどり精工")
    step = engine.answer("12")
    assert step.question.id == "history_story"
    assert step.offered_input == "昭和53年創業、最初は自転車部品"
    engine.answer(step.offered_input + "。2001年に医療機器へ転換しました。")
    parked = engine.transcript().parked
    assert parked[0].used_by == "history_story"


def test_changed_answer_hides_dependent_answer_and_tells_why() -> None:
    engine = started()
    for raw in ("みどり精工", "12", LONG, "2", "娘が継ぐかもしれません"):
        engine.answer(raw)
    engine.jump("successor_status")
    step = engine.answer("1")
    assert Notice(NoticeKind.HIDDEN, "succession_plan") in step.notices
    transcript = engine.transcript()
    assert "succession_plan" not in transcript.answers
    assert transcript.hidden["succession_plan"].raw == "娘が継ぐかもしれません"


def test_dependent_question_is_offered_again_when_its_condition_holds_again() -> None:
    engine = started()
    for raw in ("みどり精工", "12", LONG, "2", "娘が継ぐかもしれません"):
        engine.answer(raw)
    engine.jump("successor_status")
    engine.answer("1")  # hides succession_plan
    engine.jump("successor_status")
    step = engine.answer("2")  # it applies again: re-offered with its earlier answer
    assert Notice(NoticeKind.REOFFER, "succession_plan") in step.notices
    assert step.question.id == "succession_plan"
    assert step.current_answer.raw == "娘が継ぐかもしれません"


def test_meeting_mode_appends_and_never_probes() -> None:
    engine = started(mode="meeting")
    engine.jump("business.history")  # a sheet field id works as a jump target
    step = engine.answer("短い")
    assert step.state == "asking" and step.question.id == "history_story"  # stays, no probe
    engine.answer("2001年に医療機器へ", append=True)
    assert engine.values()["history_story"] == "短い\n2001年に医療機器へ"
    step = engine.next()
    assert step.question.id == "successor_status"


def test_prefill_from_an_earlier_interview_is_offered_until_answered() -> None:
    engine = started(prefill={"company_name": {"raw": "株式会社みどり精工", "value": "株式会社みどり精工"}})
    step = engine.step()
    assert step.prefill == "株式会社みどり精工" and step.offered_input == "株式会社みどり精工"
    engine.answer("株式会社みどり精工ホールディングス")
    engine.back()
    assert engine.step().prefill == ""  # answered now: the answer itself is shown

"""What a credit officer marks on an answer and the engine keeps: status codes (and the bank forbidding one),
the source of an answer, and the parking lot (offered when its field comes up, used once)."""

from __future__ import annotations

import pytest

from dialogue.engine import Engine
from dialogue.errors import CommandError
from tests.helpers import LONG, iso_clock, mini_bank, started


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


def test_parked_text_stays_listed_until_an_answer_takes_it_in() -> None:
    engine = started("r")
    engine.park("business.history", "昭和53年創業")
    engine.jump("history_story")
    engine.answer(LONG)  # an answer that does not contain the parked text
    assert engine.transcript().parked[0].used_by is None

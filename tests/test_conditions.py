"""The condition language (`when:`): evaluated as data by `dialogue.model.conditions.holds`, never as code."""

from __future__ import annotations

import pytest

from dialogue.engine import Engine
from dialogue.model import AllOf, AnyOf, Compare, Not
from dialogue.model.conditions import holds
from dialogue.model.events import Started
from tests.helpers import iso_clock, mini_bank

ANSWERS = {"successor": "none", "staff": 24, "story": "創業は1978年です。", "tools": ("CAD", "会計ソフト")}


def c(question: str, op: str, *values: object) -> Compare:
    return Compare(question, op, values)  # type: ignore[arg-type]


def test_no_condition_always_holds() -> None:
    assert holds(None, {}) is True


@pytest.mark.parametrize("condition, expected", [
    (c("successor", "in", "none", "undecided"), True),
    (c("successor", "in", "in_place"), False),
    (c("successor", "not_in", "in_place"), True),
    (c("successor", "not_in", "none"), False),
    (c("successor", "equals", "none"), True),
    (c("staff", "equals", 24), True),
    (c("staff", "equals", 25), False),
    (c("staff", "equals", "24"), False),  # a number answer is not its text
    (c("successor", "answered", True), True),
    (c("successor", "answered", False), False),
    (c("staff", "range", 10, 50), True),
    (c("staff", "range", 24, 24), True),  # bounds are inclusive
    (c("staff", "range", 25, None), False),
    (c("staff", "range", None, 23), False),
    (c("staff", "range", None, None), True),
    (c("story", "range", 0, None), False),  # a range on text never holds
])
def test_single_tests_on_answered_questions(condition: Compare, expected: bool) -> None:
    assert holds(condition, ANSWERS) is expected


@pytest.mark.parametrize("condition, expected", [
    (c("later", "in", "none"), False),
    (c("later", "equals", "none"), False),
    (c("later", "range", 0, 100), False),
    (c("later", "not_in", "none"), True),  # "not one of these" holds when there is no answer
    (c("later", "answered", True), False),
    (c("later", "answered", False), True),
])
def test_single_tests_on_an_unanswered_question(condition: Compare, expected: bool) -> None:
    assert holds(condition, ANSWERS) is expected


def test_a_none_value_counts_as_unanswered() -> None:
    assert holds(c("staff", "answered", False), {"staff": None}) is True


@pytest.mark.parametrize("condition, expected", [
    (AllOf((c("successor", "in", "none"), c("staff", "range", 10, None))), True),
    (AllOf((c("successor", "in", "none"), c("staff", "range", 100, None))), False),
    (AllOf(()), True),
    (AnyOf((c("successor", "in", "in_place"), c("staff", "equals", 24))), True),
    (AnyOf((c("successor", "in", "in_place"), c("staff", "equals", 1))), False),
    (AnyOf(()), False),
    (Not(c("successor", "in", "none")), False),
    (Not(c("later", "answered", True)), True),
    (Not(Not(c("successor", "in", "none"))), True),
    (AllOf((AnyOf((c("later", "answered", True), c("staff", "range", 20, 30))),
            Not(c("successor", "in", "in_place")))), True),
])
def test_combinators(condition: AllOf | AnyOf | Not, expected: bool) -> None:
    assert holds(condition, ANSWERS) is expected


# ---- in the engine ----

def answer_until(engine: Engine, question_id: str, answers: dict[str, str]) -> None:
    step = engine.start(Started(lang="ja"))
    while step.question is not None and step.question.id != question_id:
        step = engine.answer(answers[step.question.id])


BEFORE_SUCCESSION = {"company_name": "みどり精工", "employees": "24",
                     "history_story": "1978年に町工場として創業し、2001年に医療機器向けへ転換しました。"}


def test_engine_skips_a_question_whose_condition_does_not_hold() -> None:
    engine = Engine(mini_bank(), iso_clock(), "s")
    answer_until(engine, "successor_status", BEFORE_SUCCESSION)
    step = engine.answer("in_place")  # succession_plan is asked only when there is no successor
    assert step.question is not None and step.question.id == "flow_steps"
    assert "succession_plan" not in {q.id for q in engine.applicable()}


def test_engine_asks_a_question_whose_condition_holds() -> None:
    engine = Engine(mini_bank(), iso_clock(), "s")
    answer_until(engine, "successor_status", BEFORE_SUCCESSION)
    step = engine.answer("none")
    assert step.question is not None and step.question.id == "succession_plan"


def test_condition_on_a_question_not_yet_answered_keeps_it_out() -> None:
    engine = Engine(mini_bank(), iso_clock(), "s")
    engine.start(Started(lang="ja"))
    assert "succession_plan" not in {q.id for q in engine.applicable()}

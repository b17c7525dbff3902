"""What the interviewer types is read whole or refused, never cut (issue 12, items 8 and 21)."""

from __future__ import annotations

import pytest

from dialogue.engine import Engine
from dialogue.engine.answers import parse_answer, read_number
from dialogue.errors import AnswerError, AnswerProblem
from dialogue.model.events import Started
from tests.helpers import iso_clock, standard_bank

NUMBERS = [
    ("24", 24), ("２４", 24), ("1,200", 1200), ("１，２００", 1200), ("1.2万人", 12000), ("1万", 10000),
    ("2千人", 2000), ("3億円", 300_000_000), ("約30人", 30), ("およそ 45", 45), ("24人です", 24), ("3.5", 3.5),
    ("-2", -2), ("10 people", 10), ("about 12", 12),
]
REFUSED = [
    ("5-10", AnswerProblem.SPAN), ("5〜10人", AnswerProblem.SPAN), ("20～30", AnswerProblem.SPAN),
    ("1e308", AnswerProblem.NUMBER), ("1.5e3", AnswerProblem.NUMBER), ("十人", AnswerProblem.NUMBER),
    ("たくさん", AnswerProblem.NUMBER), ("1.2.3", AnswerProblem.NUMBER), ("24人と5人", AnswerProblem.NUMBER),
]


@pytest.mark.parametrize(("typed", "value"), NUMBERS)
def test_numbers_are_read_as_people_write_them(typed: str, value: float) -> None:
    assert read_number(typed) == value


@pytest.mark.parametrize(("typed", "problem"), REFUSED)
def test_what_is_not_one_number_is_refused_never_truncated(typed: str, problem: AnswerProblem) -> None:
    with pytest.raises(AnswerError) as refused:
        read_number(typed)
    assert refused.value.problem is problem and refused.value.detail == typed


def test_a_number_out_of_the_questions_range_says_so() -> None:
    employees = standard_bank().question("employees")
    with pytest.raises(AnswerError) as refused:
        parse_answer(employees, "1.2億")
    assert refused.value.problem is AnswerProblem.RANGE


def started_at(question_id: str) -> Engine:
    engine = Engine(standard_bank(), iso_clock(), "t")
    engine.start(Started(lang="ja"))
    engine.jump(question_id)
    return engine


def test_a_sentence_where_records_are_asked_is_refused_once_then_kept_when_confirmed() -> None:
    engine = started_at("flow_steps")
    sentence = "受注してから図面を確認し、材料を仕入れて加工し、検査して納品します。"
    with pytest.raises(AnswerError) as refused:
        engine.answer(sentence)
    assert refused.value.problem is AnswerProblem.RECORDS
    assert not any(e.kind == "answered" for e in engine.events)  # nothing was recorded
    engine.answer(sentence, confirmed=True)
    answered = [e.payload for e in engine.events if e.kind == "answered"][-1]
    assert answered.value == [{"name": sentence, "content": "", "differentiation": ""}]


def test_records_and_plain_names_are_taken_at_once() -> None:
    engine = started_at("flow_steps")
    engine.answer("受注 | 図面を確認 | 翌日に見積り\n加工 | 5軸で削る | ±2ミクロン")
    answered = [e.payload for e in engine.events if e.kind == "answered"][-1]
    assert [r["name"] for r in answered.value] == ["受注", "加工"]
    suppliers = started_at("suppliers")
    suppliers.answer("山田鋼材\n佐藤商事")  # names only: records with the name filled, no warning
    assert [r["name"] for r in [e.payload for e in suppliers.events if e.kind == "answered"][-1].value] == [
        "山田鋼材", "佐藤商事"]

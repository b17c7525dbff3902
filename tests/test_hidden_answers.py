"""Questions whose condition stops holding: the answer is hidden (and said so), offered again with its
earlier answer when the condition holds again, and a jump to a question that does not apply is told."""

from __future__ import annotations

from dialogue.engine import Notice, NoticeKind
from tests.helpers import LONG, started


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


def test_jumping_to_a_question_that_does_not_apply_says_so() -> None:
    engine = started("r")
    step = engine.jump("succession_plan")  # asked only when there is no successor; nothing answered yet
    assert Notice(NoticeKind.INAPPLICABLE, "succession_plan") in step.notices
    step = engine.jump("company_name")
    assert step.notices == ()

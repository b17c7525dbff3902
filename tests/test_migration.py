"""A session started on one bank version resumes on the next without losing any answer."""

from __future__ import annotations

from dialogue.engine import Engine
from dialogue.store.migration import diff_banks, migrate
from tests.helpers import changed_bank, iso_clock, mini_bank, run_interview


def test_diff_reports_added_removed_and_renamed() -> None:
    old_ids = [q.id for q in mini_bank().questions()]
    diff = diff_banks(old_ids, changed_bank())
    assert diff.added == ("customer_value",)
    assert diff.removed == ("suppliers",)
    assert diff.renamed == (("employees", "staff_count"),)


def test_resume_after_the_bank_gained_lost_and_renamed_a_question_loses_no_answer() -> None:
    old, _ = run_interview(mini_bank(), finish=False, answers={"suppliers": "山田鋼材；佐藤商事"})
    before = {qid: a.raw for qid, a in old.transcript().answers.items()}
    bank = changed_bank()
    migration = migrate(old.events, bank)
    engine = Engine.replay(bank, migration.events, iso_clock(), "m", migration.previous_answers)
    engine.reorient()
    transcript = engine.transcript()
    after = {qid: a.raw for qid, a in transcript.answers.items()}
    assert after["staff_count"] == before["employees"]  # renamed: the answer followed it
    assert [a.raw for a in transcript.previous_answers] == [before["suppliers"]]  # removed: kept aside
    for qid, raw in before.items():
        assert raw in after.values() or raw in [a.raw for a in transcript.previous_answers], qid
    step = engine.step()
    assert step.state == "asking" and step.question.id == "customer_value"  # the new question is asked


def test_a_session_whose_current_question_was_removed_moves_on() -> None:
    engine = Engine(mini_bank(), iso_clock(), "m")
    engine.start()
    engine.jump("suppliers")
    bank = changed_bank()
    migration = migrate(engine.events, bank)
    resumed = Engine.replay(bank, migration.events, iso_clock(), "m", migration.previous_answers)
    step = resumed.reorient()
    assert step.question is not None and step.question.id == "company_name"


def test_going_back_over_a_removed_question_still_replays() -> None:
    engine = Engine(mini_bank(), iso_clock(), "m")
    engine.start()
    engine.jump("suppliers")
    engine.answer("山田鋼材")
    engine.back()
    engine.back()
    bank = changed_bank()
    migration = migrate(engine.events, bank)
    resumed = Engine.replay(bank, migration.events, iso_clock(), "m", migration.previous_answers)
    assert resumed.state == "asking"

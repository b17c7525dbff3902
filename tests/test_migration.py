"""A session started on one bank version resumes on the next without losing any answer."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from dialogue.engine import Engine
from dialogue.store.migration import diff_banks, migrate
from tests.helpers import changed_bank, iso_clock, mini_bank, run_interview, started


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


def test_follow_up_answers_to_a_removed_question_are_kept_as_notes() -> None:
    engine = started("r")
    engine.jump("suppliers")
    engine.answer("山田鋼材")
    engine.back()
    engine.follow_up(0, "トヨタ系の一次サプライヤーにも納めています") if engine.bank.question("suppliers").probes else None
    engine.note("仕入先の選定理由は次回")
    migration = migrate(engine.events, changed_bank())
    resumed = Engine.replay(changed_bank(), migration.events, iso_clock(), "r", migration.previous_answers)
    notes = [n.text for n in resumed.transcript().notes]
    assert any("仕入先の選定理由は次回" in n for n in notes)
    assert [a.raw for a in resumed.transcript().previous_answers] == ["山田鋼材"]


def test_a_probe_answer_of_a_removed_question_becomes_a_note() -> None:
    engine = started("r")
    engine.jump("history_story")
    engine.answer("短い")
    engine.answer("医療機器向けに転換")  # the probe's answer
    bank = mini_bank()
    sections = tuple(replace(s, questions=tuple(q for q in s.questions if q.id != "history_story"))
                     for s in bank.sections)
    smaller = replace(bank, sections=sections)
    migration = migrate(engine.events, smaller)
    resumed = Engine.replay(smaller, migration.events, iso_clock(), "r", migration.previous_answers)
    assert any("医療機器向けに転換" in n.text for n in resumed.transcript().notes)


def test_sessions_list_migrates_a_changed_bank_instead_of_calling_it_unreadable(tmp_path: Path) -> None:
    import json
    import shutil

    from tests.helpers import MINI_BANK, run_cli

    bank = tmp_path / "bank.yaml"
    shutil.copy(MINI_BANK, bank)
    run_cli(["interview", "--plain", "--lang", "ja", "--bank", str(bank), "--sessions-dir", str(tmp_path / "s")],
        "株式会社みどり精工\n24\n/pause\n")
    bank.write_text(bank.read_text(encoding="utf-8").replace("- id: employees", "- id: staff"), encoding="utf-8")
    rows = json.loads(run_cli(["sessions", "--json", "--sessions-dir", str(tmp_path / "s")])[1])
    assert rows[0]["state"] == "paused" and rows[0]["company"] == "株式会社みどり精工"

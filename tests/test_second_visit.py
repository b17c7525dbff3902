"""Regressions found by an independent review: each test is a user's path that used to go wrong."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from dialogue.engine import Engine, Notice, NoticeKind
from dialogue.engine.timing import timing
from dialogue.model.events import Started
from dialogue.store.migration import migrate
from tests.helpers import iso_clock, mini_bank, run_interview, ticking_clock
from tests.test_migration import changed_bank

LONG = "創業は1978年で、父が町工場として始めました。2001年に医療機器向けに転換したのが転機です。"


def started(**meta: object) -> Engine:
    engine = Engine(mini_bank(), iso_clock(), "r")
    engine.start(Started(**meta))
    return engine


def test_a_new_visit_on_a_complete_session_does_not_crash() -> None:
    engine, _ = run_interview(mini_bank(), finish=False)
    assert engine.state == "at_end"
    step = engine.new_visit()
    assert step.state == "at_end" and step.visit == 2
    assert Engine.replay(engine.bank, engine.events, iso_clock()).state == "at_end"


def test_follow_up_answers_to_a_removed_question_are_kept_as_notes() -> None:
    engine = started()
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
    engine = started()
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


def test_parked_text_stays_listed_until_an_answer_takes_it_in() -> None:
    engine = started()
    engine.park("business.history", "昭和53年創業")
    engine.jump("history_story")
    engine.answer(LONG)  # an answer that does not contain the parked text
    assert engine.transcript().parked[0].used_by is None


def test_meeting_mode_replaces_a_choice_instead_of_joining_it() -> None:
    engine = started(mode="meeting")
    engine.jump("successor_status")
    engine.answer("1", append=True)
    engine.answer("2", append=True)
    assert engine.values()["successor_status"] == "none"


def test_reopening_a_session_finished_early_goes_to_an_open_question() -> None:
    engine = started()
    engine.answer("株式会社みどり精工")
    engine.finish()
    step = engine.reopen()
    assert step.state == "asking" and step.question.id == "employees"


def test_second_visit_next_does_not_cycle_between_flagged_questions() -> None:
    engine = started()
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
    engine = started()
    engine.flag()
    engine.pause()
    engine.resume()
    engine.new_visit()
    engine.mark("unknown")
    assert engine.transcript().flags == {}


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


def test_jumping_to_a_question_that_does_not_apply_says_so() -> None:
    engine = started()
    step = engine.jump("succession_plan")  # asked only when there is no successor; nothing answered yet
    assert Notice(NoticeKind.INAPPLICABLE, "succession_plan") in step.notices
    step = engine.jump("company_name")
    assert step.notices == ()

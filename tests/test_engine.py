"""The interview engine, driven headless: what the interviewer would see after each command."""

from __future__ import annotations

import pytest

from dialogue.engine import Command, Engine
from dialogue.errors import AnswerError, CommandError, ReplayError
from dialogue.model import Event
from dialogue.model.events import Asked, Started
from tests.helpers import LONG, iso_clock, mini_bank, run_interview, standard_bank, started


def test_start_asks_the_first_question_and_lists_legal_commands() -> None:
    engine = Engine(mini_bank(), iso_clock(), "s")
    assert engine.legal_commands() == {Command.START}
    step = engine.start()
    assert step.state == "asking"
    assert step.question is not None and step.question.id == "company_name"
    assert step.section_started
    assert {"answer", "skip", "mark", "next", "jump", "note", "follow_up", "flag", "park", "set_source", "pause",
            "review", "finish"} <= set(step.legal)
    assert not {"resume", "reopen", "close_review", "start"} & set(step.legal)
    assert "back" not in step.legal  # nothing to go back to yet


def test_answers_are_typed_by_question_type() -> None:
    engine = started()
    engine.answer("株式会社みどり精工")
    with pytest.raises(AnswerError):
        engine.answer("たくさん")  # a number question
    engine.answer("１，２００人")  # full-width digits and a comma
    assert engine.values()["employees"] == 1200


def test_empty_answer_is_refused_not_recorded() -> None:
    engine = started()
    with pytest.raises(AnswerError):
        engine.answer("   ")
    assert engine.values() == {}
    assert engine.step().question.id == "company_name"


def test_thin_answer_offers_probes_one_by_one_until_rich_enough() -> None:
    engine = started()
    engine.answer("みどり精工")
    engine.answer("12")
    step = engine.answer("町工場です")  # 5 chars < thin_below 20
    assert step.state == "probing" and step.probe_text is not None
    assert step.probe_text.get("ja") == "具体的には？"
    step = engine.answer("もう少し")  # still thin: the second probe follows
    assert step.state == "probing" and step.probe == 1
    step = engine.answer(LONG)
    assert step.state == "asking" and step.question.id == "successor_status"
    texts = [p.text for p in engine.transcript().probe_answers]
    assert texts == ["もう少し", LONG]


def test_rich_answer_gets_no_probe() -> None:
    engine = started()
    engine.answer("みどり精工")
    engine.answer("12")
    step = engine.answer(LONG)
    assert step.state == "asking" and step.question.id == "successor_status"


def test_skip_while_probing_stops_probing_and_moves_on() -> None:
    engine = started()
    engine.answer("みどり精工")
    engine.answer("12")
    engine.answer("短い")
    step = engine.skip()
    assert step.state == "asking" and step.question.id == "successor_status"
    assert "history_story" in engine.values()  # the thin answer is kept


def test_condition_asks_follow_up_only_when_it_holds() -> None:
    engine = started()
    for raw in ("みどり精工", "12", LONG):
        engine.answer(raw)
    step = engine.answer("1")  # successor in place
    assert step.question.id == "flow_steps"  # succession_plan skipped by its condition
    engine.back()
    step = engine.answer("いない")  # by label: none
    assert step.question.id == "succession_plan"


def test_changing_an_answer_hides_the_dependent_answer_from_the_transcript() -> None:
    engine = started()
    for raw in ("みどり精工", "12", LONG, "2", "娘が継ぐかもしれません"):
        engine.answer(raw)
    assert "succession_plan" in engine.transcript().answers
    engine.jump("successor_status")
    engine.answer("1")
    assert "succession_plan" not in engine.transcript().answers
    assert any(e.kind == "answered" and e.payload.question == "succession_plan" for e in engine.events)


def test_skip_marks_the_question_and_moves_on() -> None:
    engine = started()
    step = engine.skip()
    assert step.question.id == "employees"
    assert engine.transcript().skipped == frozenset({"company_name"})


def test_back_returns_to_the_previous_question_with_its_answer() -> None:
    engine = started()
    engine.answer("みどり精工")
    step = engine.back()
    assert step.question.id == "company_name"
    assert step.current_answer is not None and step.current_answer.raw == "みどり精工"
    step = engine.answer("株式会社みどり精工")
    assert step.question.id == "employees"
    assert engine.values()["company_name"] == "株式会社みどり精工"


def test_the_state_machine_is_built_after_the_first_question_and_still_guards_every_command() -> None:
    """`start` takes the transition table a replay takes (the `transitions` machine costs ~10 ms to import and
    build, before the first question is on screen); the next command builds the machine, which refuses
    what the state does not allow as before."""
    engine = Engine(mini_bank(), iso_clock(), "s")
    engine.start()
    assert engine._flow.machine is None  # what the test checks: not built on the way to the first question
    with pytest.raises(CommandError):
        engine.start()  # started twice
    engine.answer("株式会社みどり精工")
    assert engine._flow.machine is not None and engine._flow.machine.get_model_state(engine._flow).name == engine.state
    with pytest.raises(CommandError):
        engine.resume()  # not paused


def test_back_with_no_history_is_refused() -> None:
    engine = started()
    with pytest.raises(CommandError):
        engine.back()


def test_jump_to_section_and_question_then_continue_with_open_questions() -> None:
    engine = started()
    step = engine.jump("flow")
    assert step.question.id == "flow_steps" and step.section_started
    step = engine.answer("調達 | 地元から | 鮮度\n製造 | 手作業 | 品質")
    assert step.question.id == "suppliers"
    step = engine.answer("山田鋼材；佐藤商事")
    assert step.question.id == "company_name"  # wraps round to what is still open
    assert engine.values()["flow_steps"][0] == {"name": "調達", "content": "地元から", "differentiation": "鮮度"}
    assert engine.values()["suppliers"] == ["山田鋼材", "佐藤商事"]


def test_jump_to_unknown_target_is_refused() -> None:
    engine = started()
    with pytest.raises(CommandError, match="unknown_target"):
        engine.jump("nowhere")


def test_reaching_the_end_then_review_and_finish() -> None:
    engine, transcript = run_interview(mini_bank(), finish=False)
    assert engine.state == "at_end"
    assert engine.legal_commands() == {"back", "finish", "jump", "note", "park", "set_source", "new_visit",
                                       "pause", "review", "draft", "set_hints", "write_up"}
    engine.review()
    assert engine.state == "reviewing"
    engine.close_review()
    assert engine.state == "at_end"
    engine.finish()
    assert engine.state == "finished"
    assert engine.legal_commands() == {Command.REOPEN, Command.WRITE_UP}
    with pytest.raises(CommandError):
        engine.answer("more")


def test_pause_and_resume_return_to_the_same_place() -> None:
    engine = started()
    engine.answer("みどり精工")
    engine.answer("12")
    engine.answer("短い")
    engine.pause()
    assert engine.state == "paused" and engine.legal_commands() == {Command.RESUME, Command.WRITE_UP}
    step = engine.resume()
    assert step.state == "probing" and step.probe == 0


def test_notes_attach_to_the_current_question() -> None:
    engine = started()
    engine.note("社長は技術畑の出身")
    notes = engine.transcript().notes
    assert [(n.question_id, n.text) for n in notes] == [("company_name", "社長は技術畑の出身")]


def test_every_command_produces_journal_events_once() -> None:
    engine = Engine(mini_bank(), iso_clock(), "s")
    engine.start()
    first = engine.take_events()
    assert [e.kind for e in first] == ["started", "asked"]
    assert engine.take_events() == []
    engine.answer("みどり精工")
    assert [e.kind for e in engine.take_events()] == ["answered", "asked"]


def test_replay_rebuilds_the_same_state() -> None:
    engine, _ = run_interview(standard_bank(), finish=False)
    engine.back()
    engine.note("確認")
    replayed = Engine.replay(engine.bank, engine.events, iso_clock(), "test-session")
    assert replayed.state == engine.state
    assert replayed.transcript() == engine.transcript()
    assert replayed.step() == engine.step()


def test_replay_on_a_bank_without_the_question_is_a_clear_error() -> None:
    events = [Event("t0", Started()), Event("t1", Asked("no_such_question"))]
    with pytest.raises(ReplayError, match="event 2 \\(asked\\): the question bank has no question 'no_such_question'"):
        Engine.replay(mini_bank(), events, iso_clock())


def test_whole_standard_bank_fills_every_sheet_field() -> None:
    from dialogue.model.sheet_fields import FIELDS_BY_ID
    from dialogue.sheet import build_sheet

    _, transcript = run_interview(standard_bank())
    sheet = build_sheet(transcript)
    assert {f.id for f in sheet.fields if f.status == "filled"} == set(FIELDS_BY_ID)


def test_follow_up_records_any_probe_in_any_order_without_moving_on() -> None:
    engine = started()
    engine.jump("history_story")
    engine.answer(LONG)  # rich: no automatic probing, the engine moves on
    engine.back()
    step = engine.follow_up(1, "売上は10年で2倍になりました")
    assert step.question.id == "history_story" and step.state == "asking"
    engine.follow_up(0, "医療機器向けの転換が一番大きかった")
    answers = [(p.probe, p.text) for p in engine.transcript().probe_answers]
    assert answers == [(1, "売上は10年で2倍になりました"), (0, "医療機器向けの転換が一番大きかった")]
    with pytest.raises(CommandError):
        engine.follow_up(5, "x")


def test_thin_answer_rule_weighs_english_like_japanese() -> None:
    from dialogue.model.measure import thin_size

    assert thin_size("町工場です") == 5
    assert thin_size("It is a small workshop") == pytest.approx(0.4 * 18)  # ≈ the Japanese one, not 3.6×
    assert thin_size([{"name": "調達", "content": "abc"}]) == pytest.approx(2 + 1.2)


def test_replay_shortcut_table_agrees_with_the_state_machine_everywhere() -> None:
    from dialogue.engine.machine import DIRECT, STATES, TRANSITIONS, Flow, MachineError, build_machine

    triggers = {t for t, _, _, _ in TRANSITIONS} | {"resume", "close_review"}
    for state in STATES:
        for trigger in triggers:
            for return_to in ("asking", "probing", "at_end"):
                live, direct = Flow(), Flow()
                build_machine(live)
                live.state = direct.state = state
                live.return_to = direct.return_to = return_to
                direct.direct = True
                outcomes = []
                for flow in (live, direct):
                    try:
                        flow.fire(trigger)
                        outcomes.append(flow.state)
                    except MachineError:
                        outcomes.append("refused")
                assert outcomes[0] == outcomes[1], (state, trigger, return_to)
    assert DIRECT[("answer", "asking")] == "asking"


def test_the_legal_commands_are_what_the_machine_offers_in_every_state() -> None:
    from dialogue.engine.machine import COMMAND_OF_TRIGGER, STATES, Flow, build_machine, legal_commands

    machine = build_machine(Flow())
    for state in STATES:
        offered = {COMMAND_OF_TRIGGER[t] for t in machine.get_triggers(state) if t in COMMAND_OF_TRIGGER}
        assert legal_commands(state) == offered, state


def test_a_replay_builds_no_state_machine_and_a_live_command_after_it_builds_one_where_it_stands() -> None:
    """A compile replays without `transitions`; the first live command builds the machine in the replayed
    state (not back at the start), and an illegal command is still refused."""
    from dialogue.engine.machine import MachineError

    engine = Engine(mini_bank(), iso_clock())
    engine.start()
    engine.answer("株式会社みどり精工")
    replayed = Engine.replay(engine.bank, engine.events, iso_clock())
    assert replayed._flow.machine is None and replayed.state == "asking"
    step = replayed.answer("30")
    assert replayed._flow.machine is not None and step.state == engine.answer("30").state
    with pytest.raises(MachineError):
        replayed._flow.fire("reopen")  # only from finished


def test_always_probe_offers_every_probe_even_after_a_rich_answer() -> None:
    from dataclasses import replace

    bank = mini_bank()
    sections = tuple(replace(s, questions=tuple(replace(q, always_probe=True) if q.id == "history_story" else q
                                                for q in s.questions)) for s in bank.sections)
    engine = Engine(replace(bank, sections=sections), iso_clock())
    engine.start()
    engine.jump("history_story")
    step = engine.answer(LONG)  # rich, yet the expert digs
    assert step.state == "probing" and step.probe == 0
    step = engine.answer(LONG)
    assert step.state == "probing" and step.probe == 1
    step = engine.skip()  # the interviewer can always stop
    assert step.state == "asking" and step.question.id == "successor_status"


def test_the_standard_bank_always_digs_into_strengths() -> None:
    bank = standard_bank()
    always = {q.id for q in bank.questions() if q.always_probe}
    assert {"strengths_sales", "strengths_tech"} <= always

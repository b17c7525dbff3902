"""The owner a persona plays, and scoring: a fixed transcript gives a known score and known advice."""

from __future__ import annotations

import pytest

from dialogue.engine import Engine
from dialogue.model.elements import is_non_answer
from dialogue.model.events import Started
from dialogue.training.persona import available_personas, load_persona, persona_path
from dialogue.training.scoring import NOTHING_NEW, Owner, first_sentence, match, score, scorecard, unattended
from tests.helpers import iso_clock, standard_bank

BANK = standard_bank()
KOZUCHI = load_persona(persona_path("kozuchi_seiko"), BANK)  # terse
USHIOYA = load_persona(persona_path("ushioya_foods"), BANK)  # talkative
MINAMO = load_persona(persona_path("minamo_service"), BANK)  # defensive
ASAGI = load_persona(persona_path("asagi_printing"), BANK)  # terse, written owner-first


# ---- how the owner talks ----


def test_terse_owner_says_one_sentence_until_probed() -> None:
    owner = Owner(KOZUCHI, BANK, "ja")
    assert owner.answer("location").text == "美波県東浜市の港南工業団地に、本社と工場が一緒にあります。"
    reply = owner.probe("location", 1)  # the second probe: why here
    assert reply.text.startswith("拠点はそこだけです。父が創業したとき")
    assert "車で15分" in reply.text


def test_terse_owner_answers_in_full_where_the_bank_has_no_probe() -> None:
    owner = Owner(KOZUCHI, BANK, "ja")
    assert "二代目" in owner.answer("representative").text


def test_defensive_owner_is_guarded_until_a_probe_is_used() -> None:
    owner = Owner(MINAMO, BANK, "ja")
    assert owner.answer("banks").text == "資金繰りは問題ありません。"
    reply = owner.probe("banks", 0)
    assert reply.text.startswith("美波銀行さんと、政府系の公庫さんの2つです。")
    assert "借入が3倍" in reply.text


def test_a_talkative_owner_volunteers_only_the_facts_the_persona_marks() -> None:
    owner = Owner(USHIOYA, BANK, "ja")
    first = owner.answer("history_story").text
    assert "祖父が戦後すぐ" in first and "漁師" in first  # the surface, then the founding story marked `volunteered`
    turning = owner.answer("history_turning_points").text
    assert "1社に頼る" in turning and "1.5倍" not in turning  # the decision is told; the money is kept back
    assert "35％" not in owner.answer("customer_trend").text  # figures: only when asked
    assert owner.probe("history_story", 0).text.startswith("先ほども申し上げましたが、")


def test_terse_and_defensive_owners_volunteer_nothing() -> None:
    for persona in (KOZUCHI, MINAMO):
        assert not any(f.volunteered for f in persona.facts()), persona.id


def test_a_question_the_persona_has_no_answer_for_gets_as_i_said() -> None:
    owner = Owner(ASAGI, BANK, "ja")
    assert owner.answer("customer_value").text == "急ぎでも、間違いのない印刷物が届くことです。"
    assert owner.answer("customer_value_confirm").text == NOTHING_NEW["ja"]  # no invented answer


def test_a_probe_with_nothing_behind_it_gets_a_short_reply() -> None:
    owner = Owner(KOZUCHI, BANK, "en")
    assert owner.probe("philosophy", 0).text in ("Nothing in particular.", "Hard to say.")


def test_typed_answers_give_what_the_question_takes() -> None:
    owner = Owner(KOZUCHI, BANK, "ja")
    choice = owner.answer("successor_status")
    assert (choice.value, choice.extra) == ("none", choice.text) and "息子" in choice.text
    assert owner.answer("employees").value == "23"
    steps = owner.answer("flow_steps")
    assert steps.value.splitlines()[0] == "受注・見積り | 図面をいただき、材質と精度から見積りを出す | 試作の見積りは翌日に回答"
    assert steps.text.splitlines()[0] == "1. 受注・見積り：図面をいただき、材質と精度から見積りを出す／試作の見積りは翌日に回答"


def test_persona_text_is_never_formatted() -> None:
    assert first_sentence("{company}です。{x}") == "{company}です。"
    owner = Owner(KOZUCHI, BANK, "ja")
    assert "{" not in owner.answer("company_name").text


# ---- matching key phrases ----


def test_a_fact_is_captured_when_half_its_key_phrases_are_in_the_notes() -> None:
    fact = next(f for f in KOZUCHI.facts() if f.id == "business.strengths#1")  # 3 phrases: 2 needed
    assert match(fact, "条件表は社長が作った") == (("条件表",), False)
    assert match(fact, "村井さんと社長、村井と二人で条件表を作った")[1] is True
    assert match(fact, "from scratch, Murai and I")[1] is True  # either language counts
    employees = next(f for f in KOZUCHI.facts() if f.field_id == "company.employees")
    assert match(employees, "２３名")[1] is True  # full-width digits fold


def test_a_key_phrase_with_alternatives_is_found_by_any_of_them() -> None:
    fact = next(f for f in ASAGI.facts() if f.id == "company.industry#1")  # [[4割, 40%], 観光協会, 自費出版]
    assert fact.keys_in("ja")[0] == ("4割", "40%")
    assert match(fact, "売上の40%が観光協会など")[1] is True
    assert match(fact, "売上の4割が観光協会")[1] is True
    assert match(fact, "観光協会の仕事")[1] is False  # 1 of 3


# ---- scoring a fixed transcript ----


def fixed_transcript():  # type: ignore[no-untyped-def]
    """A short role-play: four questions asked, one probe used, notes of varying quality."""
    engine = Engine(BANK, iso_clock(), "fixed")
    engine.start(Started(lang="ja", mode="meeting", persona="kozuchi_seiko"))
    engine.answer("株式会社小槌精工")
    engine.jump("strengths_tech")
    engine.answer("精度が強み。1000分の5ミリまで")
    engine.follow_up(1, "条件表は社長が作った")  # the probe was used, but the note misses the point
    engine.jump("successor_status")
    engine.answer("none")  # the choice alone: the owner's words were not written down
    engine.jump("succession_options")
    engine.answer("M&Aは関係ないと思っている")
    engine.finish()
    return engine.transcript()


def test_scoring_a_fixed_transcript() -> None:
    report = score(fixed_transcript(), KOZUCHI, "ja")
    you = report.trainee
    captured = {f.fact.id for f in you.facts if f.captured}
    assert captured == {"company.name#surface", "business.strengths@strengths_tech",
                        "management.succession@succession_options"}
    assert (you.captured, you.total) == (3, 95)
    assert (you.answered, you.probes_used) == (4, 1)
    assert you.seconds == 10.0  # the test clock ticks a second for each of the 11 events
    business = next(s for s in you.sections if s.group_id == "business")
    assert (business.captured, business.total) == (1, 20)
    assert report.expert.captured == report.expert.total == 95
    advice = {m.fact.id: (m.action, m.question_id, m.probe) for m in report.missed}
    assert advice["business.strengths#1"] == ("note", "strengths_tech", 1)  # probed, not written down
    assert advice["management.succession#1"] == ("probe", "succession_options", 0)  # 0-based
    assert advice["business.weaknesses#surface"] == ("ask", "weaknesses", None)
    assert advice["management.succession#surface"] == ("note", "successor_status", None)
    assert len(report.missed) == 92


@pytest.mark.parametrize("name", available_personas())
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_model_interview_captures_every_fact_a_probe_reaches(name: str, lang: str) -> None:
    persona = load_persona(persona_path(name), BANK)
    card = scorecard(unattended(BANK, persona, "model", lang), persona, lang)
    unreachable = {f.id for f in persona.facts() if f.unreachable}
    assert {r.fact.id for r in card.facts if not r.captured} == unreachable  # counted, and missed
    assert card.total == len(persona.facts()) and card.seconds > 0


def test_the_model_interview_asks_for_a_fact_once_though_two_probes_reach_it() -> None:
    """An expert who heard the answer does not ask for it again: where several probes reach the same facts,
    the model interview uses the fewest that reach them all (the reference is not padded)."""
    owner = Owner(ASAGI, BANK, "ja")
    owner.answer("industry")
    assert owner.model_probes("industry") == (0,)  # industry#1 and #2 both reach the one fact
    transcript = unattended(BANK, ASAGI, "model", "ja")
    asked = [(p.question_id, p.probe) for p in transcript.probe_answers]
    repeats = [p.text for p in transcript.probe_answers if p.text.startswith("先ほども")]
    assert ("industry", 0) in asked and ("industry", 1) not in asked and not repeats


def test_a_fact_no_probe_reaches_is_a_miss_with_advice_to_ask_your_own() -> None:
    report = score(unattended(BANK, ASAGI, "guided", "ja"), ASAGI, "ja")
    advice = {m.fact.id: (m.action, m.question_id) for m in report.missed}
    assert advice["business.history#4"] == ("own", "history_story")
    assert advice["internal.planning#4"] == ("own", "plan")


@pytest.mark.parametrize("strategy", ["guided", "model"])
def test_unattended_runs_never_put_a_supporter_question_to_the_owner(strategy: str) -> None:
    transcript = unattended(BANK, KOZUCHI, strategy, "ja")
    supporter = {q.id for q in BANK.questions() if q.voice == "supporter"}
    assert supporter <= set(transcript.answers)  # the supporter's view is written down
    assert not [p for p in transcript.probe_answers if p.question_id in supporter]


def test_guided_probes_come_with_their_reason_and_a_non_answer_is_recognised() -> None:
    transcript = unattended(BANK, KOZUCHI, "guided", "ja")
    probed = [e for e in transcript.events if e.kind == "probed"]
    assert probed and all(e.payload.reason in ("missing", "thin", "always", "after_none", "after_negative")
                          for e in probed)
    assert all(e.payload.element for e in probed if e.payload.reason == "missing")
    replies = [p.text for p in transcript.probe_answers]
    assert any(is_non_answer(text) for text in replies) and not all(is_non_answer(text) for text in replies)


@pytest.mark.parametrize("name", available_personas())
def test_probing_never_captures_less_than_main_questions_only(name: str) -> None:
    persona = load_persona(persona_path(name), BANK)
    main_only = scorecard(unattended(BANK, persona, "main", "ja"), persona)
    guided = scorecard(unattended(BANK, persona, "guided", "ja"), persona)
    assert main_only.probes_used == 0
    assert main_only.captured <= guided.captured < guided.total
    assert main_only.chars < guided.chars

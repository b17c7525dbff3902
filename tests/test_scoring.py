"""The owner a persona plays, and scoring: a fixed transcript gives a known score and known advice."""

from __future__ import annotations

import pytest

from dialogue.engine import Engine
from dialogue.model.events import Started
from dialogue.training.persona import available_personas, load_persona, persona_path
from dialogue.training.scoring import Owner, first_sentence, match, score, scorecard, unattended
from tests.helpers import iso_clock, standard_bank

BANK = standard_bank()
KOZUCHI = load_persona(persona_path("kozuchi_seiko"), BANK)  # terse
USHIOYA = load_persona(persona_path("ushioya_foods"), BANK)  # talkative
MINAMO = load_persona(persona_path("minamo_service"), BANK)  # defensive


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


def test_talkative_owner_volunteers_the_fields_first_deeper_fact_once() -> None:
    owner = Owner(USHIOYA, BANK, "ja")
    first = owner.answer("history_story").text
    assert "祖父が戦後すぐ" in first and "漁師" in first  # surface + the field's first deeper fact
    assert "1社に頼る" not in owner.answer("history_turning_points").text  # the second is not volunteered
    assert owner.probe("history_story", 0).text.startswith("先ほども申し上げましたが、")


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
def test_the_model_interview_captures_every_fact(name: str, lang: str) -> None:
    persona = load_persona(persona_path(name), BANK)
    card = scorecard(unattended(BANK, persona, "model", lang), persona, lang)
    assert card.captured == card.total
    assert card.seconds > 0


@pytest.mark.parametrize("name", available_personas())
def test_probing_never_captures_less_than_main_questions_only(name: str) -> None:
    persona = load_persona(persona_path(name), BANK)
    main_only = scorecard(unattended(BANK, persona, "main", "ja"), persona)
    guided = scorecard(unattended(BANK, persona, "guided", "ja"), persona)
    assert main_only.probes_used == 0
    assert main_only.captured <= guided.captured < guided.total
    assert main_only.chars < guided.chars

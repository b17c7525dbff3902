"""Adapting to the owner across the interview (dialogue.engine.owner_record): what counts as the owner having
nothing on an element, the non-answer streak, and how the probe policy uses both — as a pure function and
wired into the engine (the decisions are journal events, so replay == live)."""

from __future__ import annotations

import pytest

from dialogue.banks.builtin import standard_bank_path
from dialogue.banks.reader import load_bank
from dialogue.engine import Engine
from dialogue.engine import owner_record as owner_record_module
from dialogue.engine.owner_record import OwnerRecord, owner_record
from dialogue.engine.probing import Decision, ProbeTurn, Why, next_probe
from dialogue.model.events import ProbesSkipped, Started
from tests.helpers import FIXTURES, iso_clock

BANK = load_bank(FIXTURES / "listening_bank.yaml")
STRENGTHS = BANK.question("strengths")  # figure (0), example (1), reason (2); untagged 3; if-none 4, 5 (figure)
FIGURE, EXAMPLE = ("strengths", 0), ("strengths", 1)


# ---- what a probe answer tells about the owner: real-looking answers, true and false positives ----

NOTHING = [  # the owner has nothing on the element
    "特にないですね。", "さあ、どうでしょう。", "うーん、そこはあまり考えたことがなかったですね。",
    "いやあ、そこは特に変わったことはないですねえ。", "わからないです。", "ないですね。",
    "Nothing in particular.", "Hard to say.", "Hmm, I've never really thought about that.", "We don't.",
]
SAID = [  # an answer, however it starts
    "特にないですが、強いて言えば、試作を3日で納めたことがあります。",
    "去年、時給を40円上げました。", "ないですね。ただ、紹介でお客さんが来ます。",
    "特に決めていません。息子が東京にいるので、戻るかどうか次第です。",
    "Nothing special, except that we raised prices 3% last year.",
    "Not really — though a customer once told us our samples are the fastest in the prefecture.",
]


@pytest.mark.parametrize("text", NOTHING)
def test_a_non_answer_counts_against_the_probes_element(text: str) -> None:
    record = owner_record(BANK, [(*FIGURE, text)])
    assert record.nothing == {"figure": 1} and record.said == {} and record.streak == 1


@pytest.mark.parametrize("text", SAID)
def test_an_answer_counts_for_the_element_and_ends_the_streak(text: str) -> None:
    record = owner_record(BANK, [(*EXAMPLE, "特にないですね。"), (*FIGURE, text)])
    assert record.said == {"figure": 1} and record.nothing == {"example": 1} and record.streak == 0


def test_an_element_is_exhausted_after_two_non_answers_and_no_answer() -> None:
    twice = owner_record(BANK, [(*FIGURE, "特にないですね。"), ("strengths", 5, "さあ、どうでしょう。")])
    assert twice.exhausted("figure") and not twice.exhausted("example") and not twice.exhausted(None)
    once = owner_record(BANK, [(*FIGURE, "特にないですね。")])
    assert not once.exhausted("figure")
    answered_once = owner_record(BANK, [(*FIGURE, "月に3,000個です。"), (*FIGURE, "特にないですね。"),
                                        (*FIGURE, "さあ、どうでしょう。")])
    assert not answered_once.exhausted("figure")  # the owner has shown they can give figures


def test_a_passed_over_probe_and_an_untagged_probe() -> None:
    record = owner_record(BANK, [(*FIGURE, "特にないですね。"), (*EXAMPLE, ""), ("strengths", 3, "ないですね。")])
    assert record.nothing == {"figure": 1} and record.streak == 2  # "" is nothing said; untagged: streak only
    assert not record.quiet
    assert owner_record(BANK, [(*FIGURE, "ないです。")] * 3).quiet
    assert not owner_record(BANK, [(*FIGURE, "ないです。")] * 2 + [(*EXAMPLE, "例えば、3日で納めました。")]).quiet


def test_an_answer_to_a_question_no_longer_in_the_bank_counts_in_the_streak_only() -> None:
    record = owner_record(BANK, [("removed_question", 0, "特にないですね。")])
    assert record.streak == 1 and record.nothing == {}


def test_the_interviewers_own_view_is_not_the_owners() -> None:
    """A probe of a supporter-voice question is answered by the interviewer: it says nothing about the owner."""
    standard = load_bank(standard_bank_path())
    supporter = standard.question("issues_supporter")
    assert supporter.voice == "supporter" and supporter.probes
    record = owner_record(standard, [("issues_supporter", 0, "特にないですね。")] * 3)
    assert record == OwnerRecord() and not record.quiet


# ---- how the policy uses it ----

def test_an_exhausted_element_is_still_asked_for_as_a_questions_first_probe() -> None:
    owner = OwnerRecord(nothing={"figure": 2})
    assert next_probe(STRENGTHS, "精度です。", [], owner) == Decision(0, Why.MISSING, "figure")


def test_beyond_the_first_probe_an_exhausted_element_is_skipped_for_the_next_missing_one() -> None:
    first = [ProbeTurn(0, "公差は±2ミクロンです。")]
    assert next_probe(STRENGTHS, "精度です。", first, OwnerRecord()) == Decision(1, Why.MISSING, "example")
    no_examples = OwnerRecord(nothing={"example": 2})
    assert next_probe(STRENGTHS, "精度です。", first, no_examples) == Decision(2, Why.MISSING, "reason")
    gave_one = OwnerRecord(said={"example": 1}, nothing={"example": 3})
    assert next_probe(STRENGTHS, "精度です。", first, gave_one) == Decision(1, Why.MISSING, "example")


def test_a_quiet_owner_gets_one_probe_a_question_until_they_say_something() -> None:
    quiet = OwnerRecord(nothing={"figure": 3}, streak=3)
    assert next_probe(STRENGTHS, "精度です。", [], quiet) == Decision(0, Why.MISSING, "figure")
    after_one = [ProbeTurn(0, "公差は±2ミクロンです。")]
    assert next_probe(STRENGTHS, "精度です。", after_one, quiet) == Decision(None, Why.OWNER_QUIET)
    assert next_probe(STRENGTHS, "精度です。", after_one, OwnerRecord(streak=2)).index == 1


# ---- wired into the engine ----

def quiet_engine() -> Engine:
    """An engine whose owner has met three probes in a row with a non-answer."""
    engine = Engine(BANK, iso_clock(), "p")
    engine.start(Started(lang="ja"))
    engine.jump("plan_sharing")
    engine.answer("毎週月曜に営業と製造で集まります。")  # party is missing: who attends
    engine.answer("特にないですね。")
    engine.answer("さあ、どうでしょう。")  # the time probe: a second non-answer
    engine.jump("customers")
    engine.answer("A精機 | 試作が早い")
    engine.answer("わからないですね。")  # three in a row
    engine.jump("strengths")
    step = engine.answer("公差は±2ミクロンです。")
    assert (step.probe, step.probe_element) == (1, "example")  # a question's first probe: always asked
    return engine


def test_the_engine_stops_after_a_quiet_owners_next_non_answer_and_records_why() -> None:
    engine = quiet_engine()
    step = engine.answer("特にないですね。")
    assert step.state != "probing"
    stopped = [e for e in engine.events if e.kind == "probes_skipped"][-1]
    assert stopped.payload == ProbesSkipped("strengths", done=True, reason="owner_quiet")
    replayed = Engine.replay(BANK, engine.events, iso_clock(), "p")
    assert replayed.step() == engine.step() and replayed.events == engine.events


def test_without_adapting_the_same_owner_would_get_the_reason_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(owner_record_module, "ADAPT", False)
    step = quiet_engine().answer("特にないですね。")
    assert (step.state, step.probe, step.probe_element) == ("probing", 2, "reason")


def test_the_engine_goes_on_probing_once_a_quiet_owner_says_something() -> None:
    engine = quiet_engine()
    step = engine.answer("例えば、急ぎの試作を3日で納めたことがあります。")
    assert (step.state, step.probe, step.probe_element) == ("probing", 2, "reason")

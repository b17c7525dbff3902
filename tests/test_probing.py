"""The probe policy: ask for what is missing, stop when it is there, switch after 「特にない」, respect the cap —
as a pure function (each case) and wired into the engine (events, the step, replay == live)."""

from __future__ import annotations

import contextlib
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogue.banks.reader import load_bank
from dialogue.engine import Engine
from dialogue.engine.probing import Decision, ProbeTurn, Why, missing_elements, next_probe
from dialogue.errors import AnswerError, CommandError
from dialogue.model import Event
from dialogue.model.events import ProbesSkipped, Started
from tests.helpers import FIXTURES, iso_clock, standard_bank

BANK = load_bank(FIXTURES / "listening_bank.yaml")
STRENGTHS = BANK.question("strengths")  # listens for figure, example, reason; probes 0-2 tagged, 3 untagged
RICH = "公差±2ミクロンの加工を量産でも安定して出せます。例えば急ぎの試作を3日で納めたことがあります。治具を自社で設計しているからです。"
LONG_NO_FIGURE = "治具を自社で設計していて、段取り替えを工夫しているので、難しい形状でも安定して加工できます。ベテランのノウハウを作業標準書にまとめています。"


def turns(*pairs: tuple[int, str]) -> list[ProbeTurn]:
    return [ProbeTurn(i, text) for i, text in pairs]


# ---- the policy, case by case ----

def test_a_missing_element_gets_its_probe_and_says_which() -> None:
    assert next_probe(STRENGTHS, "精度です。", []) == Decision(0, Why.MISSING, "figure")


def test_a_probe_whose_element_is_present_is_not_offered() -> None:
    # a figure is there (±2ミクロン): the figure probe is skipped, the example probe comes next
    assert next_probe(STRENGTHS, "公差±2ミクロンまで出せます。", []) == Decision(1, Why.MISSING, "example")


def test_probing_stops_when_everything_listened_for_is_there() -> None:
    assert next_probe(STRENGTHS, RICH, []) == Decision(None, Why.COMPLETE)


def test_a_long_answer_without_a_figure_is_probed_for_the_figure_never_as_thin() -> None:
    decision = next_probe(STRENGTHS, LONG_NO_FIGURE, [])
    assert decision == Decision(0, Why.MISSING, "figure")
    assert decision.why is not Why.THIN


def test_an_untagged_probe_follows_only_a_thin_answer() -> None:
    short_but_complete = "不良は0.01％、急ぎを納めたことがあり、精度だからです。"  # figure, example, reason; thin (< 40)
    assert next_probe(STRENGTHS, short_but_complete, []) == Decision(3, Why.THIN)
    assert next_probe(STRENGTHS, RICH, []).index is None


def test_the_answers_to_probes_count_towards_what_is_present() -> None:
    assert next_probe(STRENGTHS, "精度です。", turns((0, "公差は±2ミクロンです。"))) == Decision(1, Why.MISSING, "example")
    assert missing_elements(STRENGTHS, "精度です。", turns((0, "公差は±2ミクロンです。"))) == ("example", "reason")


def test_a_non_answer_to_a_probe_switches_to_the_banks_other_way_of_asking_for_that_element() -> None:
    assert next_probe(STRENGTHS, "精度です。", turns((0, "特にないですね。"))) == Decision(5, Why.AFTER_NONE, "figure")


def test_a_non_answer_closes_its_element_and_the_next_missing_one_is_asked() -> None:
    # no other way to ask for an example: the example is closed, the reason comes next
    main = "公差±2ミクロンまで出せます。"
    assert next_probe(STRENGTHS, main, turns((1, "さあ、どうでしょう。"))) == Decision(2, Why.MISSING, "reason")


def test_the_other_way_of_asking_is_offered_once_and_a_second_non_answer_ends_probing() -> None:
    decision = next_probe(STRENGTHS, "精度です。", turns((0, "特にないですね。"), (5, "わからないですね。")))
    assert decision == Decision(None, Why.NOTHING_MORE)
    after_two = turns((1, "さあ、どうでしょう。"), (2, "特にないですね。"))
    assert next_probe(replace(STRENGTHS, max_probes=4), "公差±2ミクロンまで出せます。", after_two).index is None


def test_when_the_other_way_of_asking_brings_something_what_is_still_missing_is_asked() -> None:
    said = turns((0, "特にないですね。"), (5, "ざっと月に3,000個です。"))
    assert next_probe(STRENGTHS, "精度です。", said) == Decision(1, Why.MISSING, "example")
    said = turns((0, "特にないですね。"), (5, "ざっと月に3,000個です。"), (1, "さあ、どうでしょう。"))
    assert next_probe(replace(STRENGTHS, max_probes=4), "精度です。", said) == Decision(None, Why.NOTHING_MORE)


def test_missing_elements_are_asked_for_in_listen_for_order_not_bank_order() -> None:
    """`listen_for` is the bank's asking order: the reason probe (third in the bank) comes first here."""
    reason_first = replace(STRENGTHS, listen_for=("reason", "figure", "example"))
    assert next_probe(reason_first, "精度です。", []) == Decision(2, Why.MISSING, "reason")
    assert next_probe(reason_first, "精度です。腕がいいからです。", []) == Decision(0, Why.MISSING, "figure")
    assert next_probe(STRENGTHS, "精度です。", []) == Decision(0, Why.MISSING, "figure")


def test_a_non_answer_brings_no_element() -> None:
    """「特に変わったことはない」 says nothing changed: the change is still to be asked for, after the main
    answer as after a probe."""
    listening_for_change = replace(STRENGTHS, listen_for=("change",))
    filler = "いやあ、そこは特に変わったことはないですねえ。ほかのところなら、いくらでもお話しできますよ。"
    assert missing_elements(listening_for_change, "精度です。", turns((0, filler))) == ("change",)
    assert missing_elements(listening_for_change, filler, []) == ("change",)
    assert missing_elements(listening_for_change, "売上が倍に増えました。", []) == ()


def test_after_nothing_to_the_main_question_and_to_one_probe_for_that_case_one_more_way_is_tried() -> None:
    assert next_probe(STRENGTHS, "特にないですね。", turns((4, "さあ、どうでしょう。"))) == Decision(5, Why.AFTER_NONE, "figure")
    two = turns((4, "さあ、どうでしょう。"), (5, "ないですね。"))
    assert next_probe(STRENGTHS, "特にないですね。", two) == Decision(None, Why.NOTHING_MORE)


def test_a_negative_answer_gets_the_probes_for_that_case_never_the_ones_that_presuppose_the_thing() -> None:
    decision = next_probe(STRENGTHS, "特にないですね。", [])
    assert decision == Decision(4, Why.AFTER_NONE)
    assert next_probe(STRENGTHS, "ないです。", []).why is Why.AFTER_NEGATIVE


def test_after_a_negative_answer_only_probes_marked_also_if_none_follow() -> None:
    no_if_none = replace(STRENGTHS, probes=tuple(p for p in STRENGTHS.probes if not p.if_none))
    assert next_probe(no_if_none, "ないです。", []) == Decision(1, Why.AFTER_NEGATIVE, "example")
    assert next_probe(no_if_none, "ないです。", turns((1, "さあ、どうでしょう。"))).index is None


def test_once_the_owner_opens_up_what_is_still_missing_is_asked() -> None:
    opened = turns((4, "同業の方には、段取りの速さに驚かれます。"))
    assert next_probe(STRENGTHS, "特にないですね。", opened) == Decision(0, Why.MISSING, "figure")


def test_the_cap_per_question_and_the_banks_default() -> None:
    plan_sharing = BANK.question("plan_sharing")
    assert (plan_sharing.max_probes, STRENGTHS.max_probes) == (2, 3)
    said = turns((0, "営業と製造の者です。"), (1, "気が向いたときにやります。"))
    assert next_probe(plan_sharing, "必要に応じてやっています。", said) == Decision(None, Why.CAP)
    three = turns((0, "精度は高いです。"), (1, "色々ありました。"), (2, "腕がいいので。"))
    assert next_probe(STRENGTHS, "精度です。", three) == Decision(None, Why.CAP)


def test_the_standard_bank_spends_two_probes_a_question_and_three_where_the_story_needs_them() -> None:
    standard = standard_bank()
    budgets = {q.id: q.max_probes for q in standard.questions() if q.probes and q.voice == "owner"}
    assert budgets["plan"] == budgets["it_use"] == 2
    assert {q for q, n in budgets.items() if n == 3} == {"history_turning_points", "market_trend", "competitors",
                                                         "banks", "customers", "strengths_tech"}


def test_a_count_of_customers_leaves_their_share_of_sales_to_ask() -> None:
    """「スーパー3社」 is a figure but not a share: the expert still asks what share the top three make."""
    question = standard_bank().question("customer_trend")
    decision = next_probe(question, "スーパー3社とは父の代からのお付き合いです。新しいお客さんは通販で増えています。", [])
    assert decision.element == "share" and question.probes[decision.index].get("ja").startswith("売上の上位3社で")
    assert next_probe(question, "上位3社で売上の6割です。新しいお客さんは通販で増えています。", []).element != "share"


def test_a_probe_passed_over_with_an_empty_answer_is_not_a_non_answer_but_is_not_offered_again() -> None:
    assert next_probe(STRENGTHS, "精度です。", turns((0, ""))) == Decision(1, Why.MISSING, "example")


def test_a_record_field_that_is_an_element_is_present_only_when_every_record_fills_it() -> None:
    customers = BANK.question("customers")
    with_reasons = [{"name": "A精機", "reason": "試作が早い"}, {"name": "B製作所", "reason": "精度"}]
    assert next_probe(customers, with_reasons, []) == Decision(1, Why.MISSING, "figure")
    one_missing = [{"name": "A精機", "reason": "試作が早い"}, {"name": "B製作所", "reason": ""}]
    assert next_probe(customers, one_missing, []) == Decision(0, Why.MISSING, "reason")


def test_the_decision_says_why_in_the_events_words() -> None:
    """The journal keeps why (the `Why` values are stable words) and, for a missing element, which."""
    assert [w.value for w in Why] == ["missing", "thin", "always", "after_none", "after_negative", "complete", "cap",
                                      "nothing_more", "no_probe", "owner_quiet"]
    assert Decision(0, Why.MISSING, "figure").element == "figure" and Decision(None, Why.CAP).element is None


# ---- wired into the engine ----

def started(bank=BANK) -> Engine:  # type: ignore[no-untyped-def]
    engine = Engine(bank, iso_clock(), "p")
    engine.start(Started(lang="ja"))
    return engine


def test_the_engine_offers_the_probe_for_the_missing_element_and_records_why() -> None:
    engine = started()
    engine.jump("strengths")
    step = engine.answer(LONG_NO_FIGURE)
    assert step.state == "probing" and step.probe == 0
    assert (step.probe_reason, step.probe_element) == ("missing", "figure")
    probed = [e for e in engine.events if e.kind == "probed"][-1]
    assert probed.to_json() == {"kind": "probed", "at": probed.at, "question": "strengths", "probe": 0,
                                "reason": "missing", "element": "figure"}
    step = engine.answer("公差は±2ミクロン、月に3,000個です。")
    assert (step.probe, step.probe_element) == (1, "example")


def test_the_engine_never_asks_who_attends_after_there_are_no_meetings() -> None:
    engine = started()
    engine.jump("plan_sharing")
    step = engine.answer("会議はないです。")
    assert step.state == "probing" and step.probe is not None
    assert step.probe_text.get("ja").startswith("会議という形でなくても") and step.probe_reason == "after_negative"


def test_the_engine_moves_on_when_the_answer_is_complete_and_records_why_probing_stopped() -> None:
    engine = started()
    engine.jump("strengths")
    engine.answer("精度です。")
    step = engine.answer(RICH)  # the probe's answer brings figure, example and reason
    assert step.state == "asking" and step.question is not None and step.question.id == "plan_sharing"
    stopped = [e for e in engine.events if e.kind == "probes_skipped"][-1]
    assert stopped.payload == ProbesSkipped("strengths", done=True, reason="complete")


def test_question_text_quotes_the_earlier_answer_or_reads_its_fallback() -> None:
    engine = started()
    engine.jump("strengths")
    assert engine.step().question.text.get("ja") == "お客様に選ばれている強みは何ですか？"
    engine.jump("customers")
    engine.answer("A精機 | 試作が早い\nB製作所 | 精度")
    engine.skip()  # the figure probe
    step = engine.step()
    assert step.question is not None and step.question.id == "strengths"
    assert step.question.text.get("ja") == "「A精機、B製作所」に選ばれている強みは何ですか？"
    assert step.question.text.get("en") == "What strength makes “A精機, B製作所” choose you?"
    assert BANK.question("strengths").text.get("ja").startswith("{customers.name|")  # the bank is unchanged


def test_an_old_journal_without_reasons_still_replays() -> None:
    engine = started()
    engine.jump("strengths")
    engine.answer("精度です。")
    old = [{k: v for k, v in e.to_json().items() if k not in ("reason", "element")} for e in engine.events]
    events = [Event.from_json(record) for record in old]
    replayed = Engine.replay(BANK, events, iso_clock(), "p")
    assert replayed.state == "probing" and replayed.step().probe == 0
    assert replayed.step().probe_reason == ""


# ---- replay == live, with the policy's decisions in the journal ----

ANSWERS = st.sampled_from([
    "精度です。", "特にないですね。", "ないです。", "会議はないです。", "さあ、どうでしょう。", RICH, LONG_NO_FIGURE,
    "公差は±2ミクロン、月に3,000個です。", "例えば、3日で納めたことがあります。", "腕がいいからです。",
    "A精機 | 試作が早い\nB製作所 |", "A精機 | 試作が早い", "毎週月曜に営業と製造で集まります。", "",
])
COMMANDS = st.one_of(
    st.tuples(st.just("answer"), ANSWERS),
    st.tuples(st.sampled_from(["skip", "back", "next"]), st.just(None)),
    st.tuples(st.just("jump"), st.sampled_from(["customers", "strengths", "plan_sharing"])),
    st.tuples(st.just("follow_up"), st.tuples(st.integers(0, 5), ANSWERS)),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(COMMANDS, max_size=30))
def test_replay_equals_live_with_tagged_probes(script: list[tuple[str, object]]) -> None:
    live = started()
    for name, arg in script:
        with contextlib.suppress(AnswerError, CommandError):
            if isinstance(arg, tuple):
                getattr(live, name)(*arg)
            else:
                getattr(live, name)(*(() if arg is None else (arg,)))
    replayed = Engine.replay(BANK, live.events, iso_clock(), "p")
    assert replayed.step() == live.step()
    assert replayed.transcript() == live.transcript()
    envelope = {"kind", "at"}
    assert all(set(e.to_json()) - envelope <= {"question", "probe", "reason", "element"}
               for e in live.events if e.kind == "probed")

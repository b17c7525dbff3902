"""Advice on a write-up: length against the box's target, the answers' key facts left out, です・ます where the
sheet is written in である — values, never a block; and the answers a box is written from."""

from __future__ import annotations

import pytest

from dialogue.model.sheet_fields import WRITEUP_BOXES_BY_ID, LengthTarget
from dialogue.model.writing import (
    MissingFacts,
    PoliteEndings,
    TooLong,
    TooShort,
    advise,
    advise_box,
    parse_records,
    polite_sentences,
    records_text,
    source_texts,
    writeup_length,
)
from tests.filing_support import demo_transcript

TARGET = LengthTarget(40, 200)
ANSWERS = ["上位3社で売上の7割です。一番大きい東浜精機さんだけで4割あります。", "2015年に取引を始めました。"]


def kinds(advice: tuple) -> list[type]:
    return [type(a) for a in advice]


def test_a_good_entry_gets_no_advice() -> None:
    entry = "上位3社で売上の70％を占め、東浜精機1社で40％に達する。同社とは2015年に取引を開始した。依存度の高さに注意が要る。"
    assert advise(entry, TARGET, ANSWERS) == ()


def test_too_short_and_too_long_say_by_how_much() -> None:
    assert advise("短い。", TARGET, []) == (TooShort(3, TARGET),)
    long = "あ" * 201
    assert advise(long, TARGET, []) == (TooLong(201, TARGET),)
    assert advise("あ" * 200, TARGET, []) == ()  # the target's ends are inside it


def test_length_counts_characters_not_line_breaks_and_scales_for_english() -> None:
    assert writeup_length("  一行目\n二行目\r\n  ") == 6
    english = "x" * 60
    assert advise(english, TARGET, [], lang="en") == (TooShort(60, LengthTarget(100, 500)),)


def test_facts_the_entry_leaves_out_are_listed_as_the_owner_said_them() -> None:
    advice = advise("上位3社で売上の70％を占める。取引先との関係は長く安定しており、品質の評価も高い。", TARGET, ANSWERS)
    assert kinds(advice) == [MissingFacts]
    assert advice[0].texts == ("東浜精機", "4割", "2015年")


def test_polite_endings_are_flagged_in_dearu_style_but_quoted_speech_is_not() -> None:
    entry = ("上位3社で売上の70％を占めるのです。東浜精機が40％、2015年から取引がある。"
             "社長は「うちは営業はしていません。」と話す。課題は人手不足でしょう")
    advice = advise(entry, TARGET, ANSWERS)
    assert kinds(advice) == [PoliteEndings]
    assert [s.text for s in advice[0].sentences] == ["上位3社で売上の70％を占めるのです。", "課題は人手不足でしょう"]
    assert advise(entry, TARGET, ANSWERS, style="desumasu") == ()
    assert advise(entry, TARGET, ANSWERS, style="any") == ()


@pytest.mark.parametrize(("text", "polite"), [
    ("精度は高い。", False), ("精度は高いです。", True), ("納期を守りました", True), ("特許はありません。", True),
    ("ご確認ください。", True), ("そうですね。", True), ("売上は横ばいである。", False), ("「精度は信用」です", True),
    ("「精度は信用です」", False),
])
def test_polite_sentence_endings(text: str, polite: bool) -> None:
    assert bool(polite_sentences(text)) is polite


def test_record_boxes_read_one_record_a_line_with_full_or_half_width_bars() -> None:
    keys = ("name", "content", "differentiation")
    text = "受注 | 図面から見積る | 翌日回答\n\n加工｜5軸で削る\n検査"
    records = parse_records(text, keys)
    assert records == ({"name": "受注", "content": "図面から見積る", "differentiation": "翌日回答"},
                       {"name": "加工", "content": "5軸で削る", "differentiation": ""},
                       {"name": "検査", "content": "", "differentiation": ""})
    assert parse_records(records_text(records, keys), keys) == records


@pytest.fixture(scope="module")
def transcript(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return demo_transcript(tmp_path_factory.mktemp("demo"))


def test_a_box_is_written_from_its_answers_and_probe_answers(transcript) -> None:  # type: ignore[no-untyped-def]
    texts = source_texts(transcript, "environment.customers")
    assert "10年以上のお付き合いのお客さんばかりで、新しいところはあまり増えていません。" in texts
    assert "上位3社で売上の7割です。一番大きい東浜精機さんだけで4割あります。" in texts  # a probe answer
    # the owner's view and the supporter's own view (支援者の見立て) are written from their own answers
    owner, supporter = source_texts(transcript, "summary.issues"), source_texts(transcript, "summary.issues.supporter")
    assert owner and supporter and not set(owner) & set(supporter)
    assert supporter[0].startswith("本質的な課題は")
    assert "23人" in source_texts(transcript, "company.employees")  # a number with its unit
    assert source_texts(transcript, "header.employees_regular") == ("19人（正社員）",)  # the bank's header question
    assert source_texts(transcript, "header.industry") == ("製造業",)  # a choice by its label


def test_advice_on_a_demo_box_names_what_the_owner_said(transcript) -> None:  # type: ignore[no-untyped-def]
    entry = "10年以上の取引先が中心で、上位3社で売上の7割を占める。新規は紹介が中心である。"
    advice = advise_box(transcript, "environment.customers", entry)
    missing = next(a for a in advice if isinstance(a, MissingFacts)).texts
    assert "4割" in missing and "東浜精機" in missing
    assert "7割" not in missing and "3社" not in missing and "10年" not in missing
    assert advise_box(transcript, "environment.customers", entry,
                      target=LengthTarget(10, 20))[0] == TooLong(writeup_length(entry), LengthTarget(10, 20))
    assert WRITEUP_BOXES_BY_ID["environment.customers"].target == LengthTarget(30, 90)


def test_every_example_writeup_is_in_dearu_style_and_within_its_target() -> None:
    """The personas' model write-ups follow the advice they are meant to illustrate."""
    from tests.filing_support import example_writeups

    boxes, _ = example_writeups()
    for box_id, text in boxes.items():
        box = WRITEUP_BOXES_BY_ID[box_id]
        assert not polite_sentences(text), box_id
        assert box.target.min <= writeup_length(text) <= box.target.max, (box_id, writeup_length(text))



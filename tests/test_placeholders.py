"""Placeholders in question and probe text: filled from earlier answers, a fallback wording without one,
other braces left as written, and `bank validate` naming every bad placeholder with its position."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from dialogue.banks import yaml_nodes
from dialogue.banks.reader import check_bank, load_bank
from dialogue.model.events import Started
from dialogue.model.placeholders import fill, scan, with_fallbacks
from tests.helpers import FIXTURES, STANDARD_BANK, at

BANK = load_bank(FIXTURES / "listening_bank.yaml")
STANDARD = load_bank(STANDARD_BANK)
RECORDS = [{"name": "A精機", "reason": "試作が早い"}, {"name": "B製作所", "reason": "精度"}]


def test_a_group_answer_is_quoted_by_its_record_field() -> None:
    assert fill("{customers.name}に選ばれて", BANK, {"customers": RECORDS}, "ja") == "「A精機、B製作所」に選ばれて"
    assert fill("{customers.reason}", BANK, {"customers": RECORDS}, "en") == "“試作が早い, 精度”"


def test_without_the_earlier_answer_the_fallback_is_read() -> None:
    assert fill("{customers.name|お客様}に選ばれて", BANK, {}, "ja") == "お客様に選ばれて"
    assert fill("{customers.name}に選ばれて", BANK, {}, "ja") == "（得意先）に選ばれて"  # the record field's label
    assert fill("{commercial_flow.customers}", BANK, {}, "en") == "(Customers (why they choose us))"


def test_a_text_answer_is_quoted_by_its_first_sentence_and_a_sheet_field_by_its_first_answer() -> None:
    values = {"company_name": "株式会社みどり精工です。精密加工の会社です。"}
    assert fill("{company_name}様", BANK, values, "ja") == "「株式会社みどり精工です」様"
    assert fill("{company.name}", BANK, values, "ja") == "「株式会社みどり精工です」"


def test_long_answers_are_cut_and_many_items_summed_up() -> None:
    many = [{"name": f"取引先{i}", "reason": ""} for i in range(1, 6)]
    assert fill("{customers.name}", BANK, {"customers": many}, "ja") == "「取引先1、取引先2、取引先3ほか」"
    long = "あ" * 100
    shown = fill("{company_name}", BANK, {"company_name": long}, "ja")
    assert shown.endswith("…」") and len(shown) == 42


def test_choice_and_number_answers_read_as_the_sheet_shows_them() -> None:
    text = "{motivation_choice}・{employees}"
    assert fill(text, STANDARD, {"motivation_choice": "growth", "employees": 23}, "ja") == \
        "「積極的に事業を拡大したい（成長志向）」・「23人」"


@pytest.mark.parametrize("text", ["{{ 7*7 }}", "{% for i in range(3) %}繰{% endfor %}", "{得意先}", "{{customers}}",
                                  "a } b {", "{Customers}"])
def test_other_braces_are_text_shown_as_written(text: str) -> None:
    assert scan(text) == [] and fill(text, BANK, {"customers": RECORDS}, "ja") == text


def test_the_standard_banks_recap_question_quotes_the_interview() -> None:
    question = STANDARD.question("customer_value_confirm")
    before = with_fallbacks(question.text.get("ja"), STANDARD, "ja")
    assert "御社は（主な得意先）に対して、（差別化ポイント）によって、（顧客提供価値）を" in before
    values = {"customers": [{"name": "東浜精機", "reason": "試作が早い"}],
              "flow_steps": [{"name": "加工", "content": "切削", "differentiation": "±2ミクロン"}],
              "customer_value": "開発期間が2か月短くなることです。"}
    after = fill(question.text.get("ja"), STANDARD, values, "ja")
    assert "御社は「東浜精機」に対して、「±2ミクロン」によって、「開発期間が2か月短くなることです」を" in after


# ---- the validator ----

BASE = textwrap.dedent("""\
    format: locaben-bank/1
    id: tiny
    version: "1.0"
    title: {ja: 小さなバンク, en: Tiny bank}
    languages: [ja, en]
    sections:
      - id: basics
        title: {ja: 基本, en: Basics}
        questions:
          - id: customers
            text: {ja: 得意先は？, en: "Customers?"}
            type: group
            fills: [commercial_flow.customers]
            fields:
              - {id: name, label: {ja: 得意先, en: Customer}}
              - {id: reason, label: {ja: 理由, en: Why}}
          - id: value
            text: {ja: "{customers.name}に届ける価値は？", en: "Value for {customers.name}?"}
            type: text
            fills: [business_flow.customer_value]
            thin_below: 20
            probes:
              - {ja: "{customers.name|お客様}が困ることは？", en: "What would {customers.name|customers} miss?"}
          - id: strengths
            text: {ja: 強みは？, en: "Strengths?"}
            type: text
            fills: [business.strengths]
    """)


def problems_of(tmp_path: Path, text: str) -> list[tuple[str, int, int]]:
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    return [(p.code, p.position.line, p.position.column) for p in check_bank(path)[1]]


def test_the_base_with_placeholders_is_valid(tmp_path: Path) -> None:
    assert problems_of(tmp_path, BASE) == []


@pytest.mark.parametrize("loader", ["c_loader", "python_loader"])
def test_e162_a_placeholder_naming_nothing_is_reported_where_it_is_with_a_suggestion(
        tmp_path: Path, loader: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if loader == "python_loader":  # the two loaders mark plain scalars differently (style '' vs None)
        monkeypatch.setattr(yaml_nodes, "_Loader", yaml.SafeLoader)
    text = BASE.replace("{customers.name}に届ける", "{custmers.name}に届ける")
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    problems = check_bank(path)[1]
    assert [(p.code, p.position.line, p.position.column) for p in problems] == [("E162", *at(text, "{custmers"))]
    assert "did you mean 'customers'" in problems[0].hint


def test_e163_a_placeholder_naming_a_later_question_or_itself(tmp_path: Path) -> None:
    later = BASE.replace('en: "Value for {customers.name}?"', 'en: "Value for {strengths}?"')
    assert problems_of(tmp_path, later) == [("E163", *at(later, "{strengths}"))]
    itself = BASE.replace("{customers.name|お客様}が困る", "{value|お客様}が困る")
    assert problems_of(tmp_path, itself) == [("E163", *at(itself, "{value|"))]
    field_later = BASE.replace("{customers.name}に届ける", "{business.strengths}に届ける")
    assert problems_of(tmp_path, field_later) == [("E163", *at(field_later, "{business.strengths}"))]


def test_e164_a_record_field_the_question_does_not_have(tmp_path: Path) -> None:
    text = BASE.replace('en: "Value for {customers.name}?"', 'en: "Value for {customers.nam}?"')
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    problems = check_bank(path)[1]
    assert [(p.code, p.position.line, p.position.column) for p in problems] == [("E164", *at(text, "{customers.nam}"))]
    assert "did you mean 'name'" in problems[0].hint


def test_a_placeholder_in_a_block_scalar_is_reported_at_the_text(tmp_path: Path) -> None:
    text = BASE.replace('text: {ja: 強みは？, en: "Strengths?"}',
                        'text:\n              ja: |-\n                強みは？{nothing}\n              en: Strengths?')
    line, _ = at(text, "強みは？{nothing}")
    assert [(code, found_line) for code, found_line, _ in problems_of(tmp_path, text)] == [("E162", line - 1)]


def test_the_sheet_and_the_recap_quote_answers_and_show_what_probing_added() -> None:
    from dialogue.engine import Engine
    from dialogue.sheet.data import build_sheet
    from tests.helpers import iso_clock

    engine = Engine(BANK, iso_clock(), "s")
    engine.start(Started(lang="ja"))
    engine.answer("株式会社みどり精工")
    engine.answer("A精機 | 試作が早い\nB製作所 | 精度")
    engine.answer("売上の4割と2割です。")  # the figure probe's answer
    engine.answer("精度です。")  # strengths: thin, no figure
    engine.answer("公差±2ミクロンです。")  # the figure probe's answer
    sheet = build_sheet(engine.transcript(), "ja")
    strengths = sheet.field("business.strengths")
    assert strengths.entries[0].question_text == "「A精機、B製作所」に選ばれている強みは何ですか？"
    assert strengths.recap_lines == ("精度です。", "↳ 公差±2ミクロンです。")
    customers = sheet.field("commercial_flow.customers")
    assert customers.recap_lines[-1] == "↳ 売上の4割と2割です。"

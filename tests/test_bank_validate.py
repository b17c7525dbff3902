"""`locaben bank validate`: every rule, asserted by its code and its position (line, column), never by prose.

Each bad bank is the valid BASE bank with exactly one thing changed (`edit`), so the problem found is the one
we planted. `at(text, needle)` gives the line and column where the planted mistake starts.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
import yaml

from dialogue.banks import yaml_nodes
from dialogue.banks.reader import check_bank, suggest
from dialogue.cli.main import Env, main
from dialogue.errors import Problem, Severity
from dialogue.model import STATUS_CODES
from dialogue.model.sheet_fields import FIELDS_BY_ID
from tests.helpers import ROOT, STANDARD_BANK, at

SHIPPED = sorted((ROOT / "question_banks").glob("*.yaml"))

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
          - id: successor
            text: {ja: 後継者は？, en: Who succeeds}
            type: choice
            fills: [management.succession]
            choices:
              - {id: in_place, label: {ja: いる, en: In place}}
              - {id: none, label: {ja: いない, en: None}}
          - id: plan
            text: {ja: 予定は？, en: The plan}
            type: text
            fills: [management.succession]
            hint: {ja: 聞くこと, en: Listen for}
            when: {question: successor, in: [none]}
          - id: staff
            text: {ja: 従業員数は？, en: Staff count}
            type: number
            fills: [company.employees]
    """)

GROUP_QUESTION = textwrap.indent(textwrap.dedent("""\
          - id: flow
            text: {ja: 業務の流れは？, en: The business flow}
            type: group
            fills: [business_flow.steps]
            fields:
              - {id: name, label: {ja: 業務名, en: Step}}
              - {id: content, label: {ja: 内容, en: Content}}
              - {id: differentiation, label: {ja: 差別化, en: Edge}}
    """), "      ")

Check = Callable[..., list[Problem]]


# ---- helpers ----

@pytest.fixture
def check(tmp_path: Path) -> Check:
    """Write YAML to a file and return every problem the validator finds in it (pyxform-style)."""

    def run(text: str, name: str = "bank.yaml") -> list[Problem]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return check_bank(path)[1]

    return run


@pytest.fixture(params=["c_loader", "python_loader"])
def any_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with both PyYAML loaders: they mark plain scalars differently (style '' vs None)."""
    if request.param == "python_loader":
        monkeypatch.setattr(yaml_nodes, "_Loader", yaml.SafeLoader)
    return request.param


def edit(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, f"{old!r} must occur once"
    return text.replace(old, new)


def where(problem: Problem) -> tuple[str, int, int]:
    return problem.code, problem.position.line, problem.position.column


def found(problems: list[Problem]) -> list[tuple[str, int, int]]:
    return [where(p) for p in problems]


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(p.render() for p in problems)
    return problems[0]


# ---- the base is valid, and so are the shipped banks ----

def test_the_base_bank_is_valid(check: Check) -> None:
    assert check(BASE) == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_banks_have_no_problem(path: Path) -> None:
    bank, problems = check_bank(path)
    assert problems == [] and bank is not None


def test_standard_bank_targets_the_sheet_and_covers_every_field() -> None:
    bank, problems = check_bank(STANDARD_BANK)
    assert problems == [] and bank is not None
    assert bank.targets == "locaben-sheet"
    assert {f for q in bank.questions() for f in q.fills} == set(FIELDS_BY_ID)


# ---- E100–E104: YAML itself ----

def test_e100_syntax_error_at_the_offending_character(check: Check) -> None:
    text = edit("type: text", "type: text: more")
    assert found(check(text)) == [("E100", *at(text, ": more"))]


def test_e100_unclosed_quote(check: Check) -> None:
    text = edit("{ja: 予定は？,", '{ja: "予定は？,')
    assert [p.code for p in check(text)] == ["E100"]


def test_e100_tab_indentation(check: Check) -> None:
    text = edit("        type: text", "\ttype: text")
    assert found(check(text)) == [("E100", *at(text, "\ttype"))]


def test_e101_duplicate_key_is_reported_at_the_second_occurrence(check: Check) -> None:
    text = edit("        type: text\n", "        type: text\n        type: text\n")
    problem = only(check(text))
    assert where(problem) == ("E101", *at(text, "type: text", nth=2))
    assert str(at(text, "type: text")[0]) in problem.message  # names the first line


def test_e101_duplicate_key_in_a_flow_mapping(check: Check) -> None:
    text = edit("{ja: 聞くこと, en: Listen for}", "{ja: 聞くこと, ja: 二度目, en: Listen for}")
    assert found(check(text)) == [("E101", *at(text, "ja: 二度目"))]


def test_e102_full_width_space_indentation(check: Check) -> None:
    text = edit("        hint:", "\u3000      hint:")
    problems = check(text)
    assert where(problems[0]) == ("E102", *at(text, "\u3000"))
    assert {p.code for p in problems} <= {"E102", "E100"}  # the misread indentation may also break the YAML


def test_e103_full_width_colon_after_a_key(check: Check) -> None:
    text = edit("        hint: {ja", "        hint：{ja")
    problems = check(text)
    assert where(problems[0]) == ("E103", *at(text, "："))


def test_e104_alias_is_reported_at_the_alias_not_the_anchor(check: Check) -> None:
    text = edit("        hint: {ja: 聞くこと, en: Listen for}",
                "        hint: &h {ja: 聞くこと, en: Listen for}\n        purpose: *h")
    assert found(check(text)) == [("E104", *at(text, "*h"))]


def test_e104_every_alias_is_reported(check: Check) -> None:
    text = edit("        hint: {ja: 聞くこと, en: Listen for}",
                "        hint: &h {ja: 聞くこと, en: Listen for}\n        purpose: *h\n        example: *h")
    assert found(check(text)) == [("E104", *at(text, "*h")), ("E104", *at(text, "*h", nth=2))]


def test_e104_oversized_file(check: Check, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_nodes, "MAX_BANK_BYTES", 2048)
    text = BASE + "# " + "x" * 2048 + "\n"
    assert found(check(text)) == [("E104", 1, 1)]


# ---- E110–E118: shape, ids, translations, values ----

def test_e110_unknown_key_suggests_the_near_miss(check: Check) -> None:
    text = edit("        hint:", "        hnit:")
    problem = only(check(text))
    assert where(problem) == ("E110", *at(text, "hnit"))
    assert "'hint'" in problem.hint


@pytest.mark.parametrize("old, new, needle, suggested", [
    ("title: {ja: 小さなバンク", "titel: {ja: 小さなバンク", "titel", "title"),  # and no E111 "no title"
    ("    questions:", "    question:", "question:", "questions"),
    ("        fills: [company.employees]", "        fills: [company.employees]\n        mni: 0", "mni", "min"),
])
def test_e110_unknown_key_at_every_level(check: Check, old: str, new: str, needle: str, suggested: str
                                         ) -> None:
    text = edit(old, new)
    problem = only(check(text))
    assert where(problem) == ("E110", *at(text, needle))
    assert repr(suggested) in problem.hint


def test_e110_key_of_another_type(check: Check) -> None:
    text = edit("type: text", "type: text\n        unit: {ja: 人, en: people}")
    assert found(check(text)) == [("E110", *at(text, "unit"))]


def test_e111_missing_required_key_at_the_mapping(check: Check) -> None:
    text = edit("        type: text\n", "")
    assert found(check(text)) == [("E111", *at(text, "id: plan"))]


def test_e111_missing_bank_key(check: Check) -> None:
    text = edit('version: "1.0"\n', "")
    assert found(check(text)) == [("E111", 1, 1)]


def test_e111_choice_question_without_choices(check: Check) -> None:
    text = BASE.replace(BASE[BASE.index("        choices:"):BASE.index("      - id: plan")], "")
    # one problem: the condition on `successor` is not reported again as naming an unknown question
    assert found(check(text)) == [("E111", *at(text, "id: successor"))]


def test_e111_group_question_without_fields(check: Check) -> None:
    text = BASE + GROUP_QUESTION[:GROUP_QUESTION.index("        fields:")]
    assert found(check(text)) == [("E111", *at(text, "id: flow"))]


def test_e111_empty_fills(check: Check) -> None:
    text = edit("fills: [company.employees]", "fills: []")
    assert found(check(text)) == [("E111", *at(text, "[]"))]


def test_e111_empty_file(check: Check) -> None:
    assert found(check("# nothing here\n")) == [("E111", 1, 1)]


@pytest.mark.parametrize("old, new, needle", [
    ('version: "1.0"', "version: [1]", "[1]"),
    ("type: text", "type: text\n        required: maybe", "maybe"),
    ("type: text", "type: text\n        thin_below: 2.5", "2.5"),
    ("hint: {ja: 聞くこと, en: Listen for}", "hint: 聞くこと", "聞くこと"),
    ("fills: [company.employees]", "fills: company.employees", "company.employees"),
    ("fills: [company.employees]", 'fills: [company.employees]\n        min: "ten"', '"ten"'),
    ("fills: [company.employees]", "fills: [company.employees]\n        max: [1]", "[1]"),
])
def test_e112_wrong_type(check: Check, old: str, new: str, needle: str) -> None:
    text = edit(old, new)
    assert found(check(text)) == [("E112", *at(text, needle))]


def test_e112_sections_not_a_list(check: Check) -> None:
    text = BASE[:BASE.index("sections:")] + "sections: {id: basics}\n"
    assert found(check(text)) == [("E112", *at(text, "{id"))]


def test_e112_bank_not_a_mapping(check: Check) -> None:
    assert found(check("- id: tiny\n")) == [("E112", 1, 1)]


@pytest.mark.parametrize("old, new, needle", [
    ("id: plan", "id: Plan-2", "Plan-2"),
    ("id: basics", "id: Basics", "Basics"),
    ("id: tiny", "id: 1tiny", "1tiny"),
    ("{id: in_place,", "{id: in-place,", "in-place"),
])
def test_e113_invalid_id(check: Check, old: str, new: str, needle: str) -> None:
    text = edit(old, new)
    assert found(check(text))[0] == ("E113", *at(text, needle))


def test_e114_duplicate_section_id(check: Check) -> None:
    text = BASE + "  - id: basics\n    title: {ja: 二, en: Two}\n    questions: []\n"
    assert found(check(text)) == [("E114", *at(text, "id: basics", nth=2))]


def test_e114_duplicate_question_id_across_sections(check: Check) -> None:
    extra = ("  - id: more\n    title: {ja: 追加, en: More}\n    questions:\n"
             "      - id: staff\n        text: {ja: 再, en: Again}\n        type: text\n"
             "        fills: [company.name]\n")
    text = BASE + extra
    assert found(check(text)) == [("E114", *at(text, "id: staff", nth=2))]


def test_e114_duplicate_choice_id(check: Check) -> None:
    text = edit("          - {id: none, label: {ja: いない, en: None}}\n",
                "          - {id: none, label: {ja: いない, en: None}}\n"
                "          - {id: none, label: {ja: 未定, en: Undecided}}\n")
    assert found(check(text)) == [("E114", *at(text, "none", nth=2))]


def test_e115_missing_translation_at_the_map(check: Check) -> None:
    text = edit("hint: {ja: 聞くこと, en: Listen for}", "hint: {ja: 聞くこと}")
    assert found(check(text)) == [("E115", *at(text, "{ja: 聞くこと}"))]


def test_e115_missing_translation_in_the_description(check: Check) -> None:
    text = edit('version: "1.0"', 'version: "1.0"\ndescription: {ja: 説明}')
    assert found(check(text)) == [("E115", *at(text, "{ja: 説明}"))]


def test_e116_unknown_sheet_field_suggests_the_canonical_id(check: Check) -> None:
    text = edit("fills: [company.employees]", "fills: [company.employes]")
    problem = only(check(text))
    assert where(problem) == ("E116", *at(text, "company.employes"))
    assert "'company.employees'" in problem.hint


def test_e116_unknown_recap_field(check: Check) -> None:
    text = edit("    title: {ja: 基本, en: Basics}", "    title: {ja: 基本, en: Basics}\n    recap: [business.strength]")
    problem = only(check(text))
    assert where(problem) == ("E116", *at(text, "business.strength"))
    assert "'business.strengths'" in problem.hint


def test_e117_unknown_language_in_a_translation(check: Check) -> None:
    text = edit("en: Listen for}", "en: Listen for, de: Hören}")
    assert found(check(text)) == [("E117", *at(text, "de:"))]


@pytest.mark.parametrize("old, new, needle, suggested", [
    ("type: text", "type: txt", "txt", "text"),
    ("type: text", "type: text\n        voice: supporer", "supporer", "supporter"),
    ("format: locaben-bank/1", "format: locaben-bank/2", "locaben-bank/2", ""),
    ("languages: [ja, en]", "languages: [ja, en]\ntargets: locaben_sheet", "locaben_sheet", ""),
])
def test_e118_bad_value(check: Check, old: str, new: str, needle: str, suggested: str) -> None:
    text = edit(old, new)
    problem = only(check(text))
    assert where(problem) == ("E118", *at(text, needle))
    assert repr(suggested) in problem.hint if suggested else True


def test_e118_unsupported_bank_language(check: Check) -> None:
    text = edit("languages: [ja, en]", "languages: [ja, fr]")
    assert found(check(text))[0] == ("E118", *at(text, "fr"))


def test_e118_choice_question_with_one_choice(check: Check) -> None:
    text = edit("in: [none]", "in: [in_place]")
    text = edit("          - {id: none, label: {ja: いない, en: None}}\n", "", text)
    assert found(check(text)) == [("E118", *at(text, "- {id: in_place"))]


def test_group_question_with_the_canonical_fields_is_valid(check: Check) -> None:
    assert check(BASE + GROUP_QUESTION) == []


def test_e118_group_fields_must_be_the_canonical_record_fields(check: Check) -> None:
    text = BASE + GROUP_QUESTION.replace("{id: content,", "{id: contents,")
    assert found(check(text)) == [("E118", *at(text, "- {id: name"))]


def test_e118_group_fields_in_the_canonical_order(check: Check) -> None:
    text = BASE + GROUP_QUESTION.replace("{id: content, label: {ja: 内容, en: Content}}",
                                         "{id: differentiation, label: {ja: 差別化, en: Edge}}", 1
                                         ).replace("{id: differentiation, label: {ja: 差別化, en: Edge}}\n",
                                                   "{id: content, label: {ja: 内容, en: Content}}\n")
    assert [p.code for p in check(text)] == ["E118"]


def test_e118_record_field_filled_by_a_question_that_is_not_a_group(check: Check) -> None:
    text = BASE + GROUP_QUESTION[:GROUP_QUESTION.index("        fields:")].replace("type: group", "type: list")
    assert found(check(text)) == [("E118", *at(text, "[business_flow.steps]"))]


# ---- forbid_status and replaces (status codes, bank versions) ----

def test_forbid_status_and_replaces_go_into_the_question(tmp_path: Path) -> None:
    text = edit("        hint: {ja: 聞くこと, en: Listen for}\n",
                "        hint: {ja: 聞くこと, en: Listen for}\n"
                "        forbid_status: [not_applicable, declined]\n"
                "        replaces: [succession_plan, plan_v1]\n")
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    bank, problems = check_bank(path)
    assert problems == [] and bank is not None
    plan = bank.question("plan")
    assert plan.forbid_status == ("not_applicable", "declined")
    assert plan.replaces == ("succession_plan", "plan_v1")
    assert bank.question("staff").forbid_status == () and bank.question("staff").replaces == ()


def test_empty_forbid_status_and_replaces_are_valid(check: Check) -> None:
    assert check(edit("type: text", "type: text\n        forbid_status: []\n        replaces: []")) == []


@pytest.mark.parametrize("code, suggested", [("declind", "declined"), ("not_aplicable", "not_applicable"),
                                             ("unkown", "unknown")])
def test_e118_unknown_status_code_suggests_the_near_miss(check: Check, code: str, suggested: str) -> None:
    text = edit("type: text", f"type: text\n        forbid_status: [declined, {code}]")
    problem = only(check(text))
    assert where(problem) == ("E118", *at(text, code))
    assert repr(suggested) in problem.hint


def test_e118_unknown_status_code_without_a_near_miss_lists_the_codes(check: Check) -> None:
    text = edit("type: text", "type: text\n        forbid_status: [skipped]")
    problem = only(check(text))
    assert where(problem) == ("E118", *at(text, "skipped"))
    assert "unknown, declined, not_applicable" in problem.hint


@pytest.mark.parametrize("new, needle", [
    ("forbid_status: declined", "declined"),          # not a list
    ("forbid_status: [[declined]]", "[declined]]"),   # not a text
    ("replaces: plan_v1", "plan_v1"),
])
def test_e112_forbid_status_and_replaces_must_be_lists_of_text(check: Check, new: str, needle: str) -> None:
    text = edit("type: text", f"type: text\n        {new}")
    assert found(check(text)) == [("E112", *at(text, needle))]


def test_e130_boolean_word_in_forbid_status(check: Check, any_loader: str) -> None:
    text = edit("type: text", "type: text\n        forbid_status: [no]")
    assert found(check(text)) == [("E130", *at(text, "no]"))]


def test_e114_status_code_listed_twice(check: Check) -> None:
    text = edit("type: text", "type: text\n        forbid_status: [declined, declined]")
    assert found(check(text)) == [("E114", *at(text, "declined]"))]


def test_e113_invalid_replaced_id(check: Check) -> None:
    text = edit("type: text", "type: text\n        replaces: [Plan-1]")
    assert found(check(text)) == [("E113", *at(text, "Plan-1"))]


@pytest.mark.parametrize("old", ["staff", "successor", "plan"])  # a later, an earlier, and its own id
def test_e114_replaced_id_that_is_a_current_question(check: Check, old: str) -> None:
    text = edit("type: text", f"type: text\n        replaces: [plan_v1, {old}]")
    problem = only(check(text))
    assert where(problem) == ("E114", *at(text, f"{old}]"))
    assert repr(old) in problem.message


def test_e114_replaced_id_that_is_a_question_in_another_section(check: Check) -> None:
    extra = ("  - id: more\n    title: {ja: 追加, en: More}\n    questions:\n"
             "      - id: name\n        text: {ja: 社名, en: Name}\n        type: text\n"
             "        fills: [company.name]\n")
    text = edit("type: text", "type: text\n        replaces: [name]") + extra
    assert found(check(text)) == [("E114", *at(text, "name]"))]


def test_e114_two_questions_replace_the_same_old_id(check: Check) -> None:
    text = edit("type: text", "type: text\n        replaces: [old_plan]")
    text = edit("type: number", "type: number\n        replaces: [old_plan]", text)
    problem = only(check(text))
    assert where(problem) == ("E114", *at(text, "old_plan", nth=2))
    assert "'plan'" in problem.message and "'staff'" in problem.message


def test_e114_replaced_id_listed_twice(check: Check) -> None:
    text = edit("type: text", "type: text\n        replaces: [old_plan, old_plan]")
    assert found(check(text)) == [("E114", *at(text, "old_plan", nth=2))]


def test_e114_reused_question_replacing_an_id_this_bank_asks_is_reported_at_its_use(check: Check) -> None:
    check(edit("type: text", "type: text\n        replaces: [old_plan]"), "tiny.yaml")
    own = ("      - id: old_plan\n        text: {ja: 旧, en: Old}\n        type: text\n"
           "        fills: [company.name]\n")
    text = USER + own
    assert found(check(text, "user.yaml")) == [("E114", *at(text, "use: plan"))]


def test_reused_question_keeps_forbid_status_and_replaces(check: Check, tmp_path: Path) -> None:
    check(edit("type: text", "type: text\n        forbid_status: [unknown]\n        replaces: [old_plan]"),
          "tiny.yaml")
    assert check(USER, "user.yaml") == []
    bank = check_bank(tmp_path / "user.yaml")[0]
    assert bank is not None
    assert bank.question("plan").forbid_status == ("unknown",) and bank.question("plan").replaces == ("old_plan",)


def test_standard_bank_forbids_only_status_codes_that_cannot_be_true() -> None:
    bank, _ = check_bank(STANDARD_BANK)
    assert bank is not None
    for qid in ("company_name", "representative", "location", "industry", "employees", "founded"):
        assert "not_applicable" in bank.question(qid).forbid_status, qid  # every company has these
    for qid in ("current_state_supporter", "issues_supporter", "actions_supporter"):
        assert bank.question(qid).forbid_status == ("declined",), qid  # the supporter's own view
    for qid in ("successor_status", "employees_pay", "banks", "representative", "employees"):
        assert "declined" not in bank.question(qid).forbid_status, qid  # sensitive: the owner may decline
    for q in bank.questions():
        if q.type == "choice" and any(c.label.get("ja").endswith("わからない") for c in q.choices):
            assert "unknown" in q.forbid_status, q.id  # the choice already records わからない
    assert {code for q in bank.questions() for code in q.forbid_status} <= set(STATUS_CODES)


# ---- E120–E123: conditions ----

def test_e120_condition_on_an_unknown_question_suggests_the_near_miss(check: Check) -> None:
    text = edit("when: {question: successor,", "when: {question: sucessor,")
    problem = only(check(text))
    assert where(problem) == ("E120", *at(text, "sucessor"))
    assert "'successor'" in problem.hint


def test_e120_inside_all_and_not_at_the_inner_condition(check: Check) -> None:
    text = edit("when: {question: successor, in: [none]}",
                "when: {all: [{question: successor, in: [none]}, {not: {question: staf, answered: false}}]}")
    assert found(check(text)) == [("E120", *at(text, "staf,"))]


@pytest.mark.parametrize("op", ["in: [in_place, nne]", "not_in: [nne]", "equals: nne"])
def test_e121_unknown_choice_suggests_the_near_miss(check: Check, op: str) -> None:
    text = edit("in: [none]", op)
    problem = only(check(text))
    assert where(problem) == ("E121", *at(text, "nne"))
    assert "'none'" in problem.hint


@pytest.mark.parametrize("condition", [
    "[successor]",                                         # not a mapping
    "{question: successor}",                               # no test
    "{question: successor, in: [none], answered: true}",   # two tests
    "{all: [{question: successor, in: [none]}], any: []}",  # two combinators
])
def test_e122_malformed_condition(check: Check, condition: str) -> None:
    text = edit("{question: successor, in: [none]}", condition)
    assert found(check(text)) == [("E122", *at(text, condition))]


def test_e122_unknown_test_is_also_an_unknown_key(check: Check) -> None:
    text = edit("in: [none]", "has: [none]")
    assert found(check(text)) == [("E110", *at(text, "has")), ("E122", *at(text, "{question: successor"))]


def test_e123_condition_on_a_later_question(check: Check) -> None:
    text = edit("        type: choice\n", "        type: choice\n        when: {question: staff, min: 1}\n")
    assert found(check(text)) == [("E123", *at(text, "staff, min"))]


def test_e123_condition_on_itself(check: Check) -> None:
    text = edit("when: {question: successor, in: [none]}", "when: {question: plan, answered: true}")
    assert found(check(text)) == [("E123", *at(text, "plan, answered"))]


def test_range_condition_on_an_earlier_number_is_valid(check: Check) -> None:
    text = edit("        fills: [company.employees]\n",
                "        fills: [company.employees]\n      - id: big\n        text: {ja: 大, en: Big}\n"
                "        type: text\n        fills: [company.name]\n"
                "        when: {any: [{question: staff, min: 50}, {not: {question: staff, answered: true}}]}\n")
    assert check(text) == []


# ---- E130–E132: YAML 1.1 traps (with both loaders) ----

@pytest.mark.parametrize("word", ["yes", "No", "ON", "off"])
def test_e130_unquoted_boolean_word_where_text_is_expected(check: Check, any_loader: str, word: str) -> None:
    text = edit("en: Listen for}", f"en: {word}}}")
    assert found(check(text)) == [("E130", *at(text, f"{word}}}"))]


def test_quoted_boolean_word_is_text(check: Check, any_loader: str) -> None:
    assert check(edit("en: Listen for}", 'en: "no"}')) == []


def test_e130_boolean_word_as_a_choice_id(check: Check, any_loader: str) -> None:
    text = edit("{id: none, label: {ja: いない, en: None}}", "{id: no, label: {ja: いない, en: None}}")
    assert found(check(text))[0] == ("E130", *at(text, "no,"))


def test_e130_boolean_word_in_a_condition_is_reported_once(check: Check, any_loader: str) -> None:
    text = edit("in: [none]", "in: [no]")
    assert found(check(text)) == [("E130", *at(text, "no]"))]


def test_e130_yes_for_required(check: Check, any_loader: str) -> None:
    text = edit("type: text", "type: text\n        required: yes")
    assert found(check(text)) == [("E130", *at(text, "yes"))]


@pytest.mark.parametrize("value, number", [("12:30", "750"), ("0123", "83")])
def test_e131_time_and_octal_become_numbers(check: Check, any_loader: str, value: str, number: str) -> None:
    text = edit("en: Listen for}", f"en: {value}}}")
    problem = only(check(text))
    assert where(problem) == ("E131", *at(text, value))
    assert number in problem.message  # says what YAML made of it


@pytest.mark.parametrize("old, new, needle", [
    ('version: "1.0"', "version: 1.10", "1.10"),
    ("en: Listen for}", "en: 42}", "42"),
])
def test_e132_number_where_text_is_expected(check: Check, any_loader: str, old: str, new: str, needle: str
                                            ) -> None:
    text = edit(old, new)
    assert found(check(text)) == [("E132", *at(text, needle))]


# ---- E140, E141: imports and reuse ----

USER = textwrap.dedent("""\
    format: locaben-bank/1
    id: user
    version: "1"
    title: {ja: 利用, en: User}
    languages: [ja, en]
    imports: [tiny.yaml]
    sections:
      - id: reuse
        title: {ja: 再利用, en: Reuse}
        questions:
          - use: successor
          - use: plan
    """)


def test_reusing_questions_of_an_imported_bank(check: Check) -> None:
    check(BASE, "tiny.yaml")
    assert check(USER, "user.yaml") == []


def test_e140_import_that_does_not_exist(check: Check) -> None:
    assert found(check(USER, "user.yaml")) == [("E140", *at(USER, "tiny.yaml"))]


def test_e140_import_with_errors_is_reported_once_naming_its_first_error(check: Check) -> None:
    check(edit('version: "1.0"', "version: 1.10"), "tiny.yaml")
    problem = only(check(USER, "user.yaml"))  # no E141 for each `use:` of it
    assert where(problem) == ("E140", *at(USER, "tiny.yaml"))
    assert "tiny.yaml:3:10" in problem.message and "E132" in problem.message


def test_e140_import_cycle(check: Check) -> None:
    check(edit("languages: [ja, en]\n", "languages: [ja, en]\nimports: [user.yaml]\n"), "tiny.yaml")
    problem = only(check(USER, "user.yaml"))
    assert where(problem) == ("E140", *at(USER, "tiny.yaml"))
    assert "cycle" in problem.message


def test_e141_use_of_an_unknown_id_suggests_the_near_miss(check: Check) -> None:
    check(BASE, "tiny.yaml")
    text = edit("use: successor", "use: sucessor", USER)
    problems = check(text, "user.yaml")
    assert where(problems[0]) == ("E141", *at(text, "sucessor"))
    assert "'successor'" in problems[0].hint


def test_e120_reused_question_whose_condition_names_a_question_not_reused(check: Check) -> None:
    check(BASE, "tiny.yaml")
    text = edit("      - use: successor\n", "", USER)
    problem = only(check(text, "user.yaml"))
    assert where(problem) == ("E120", *at(text, "use: plan"))


def test_e123_reused_question_before_the_question_its_condition_names(check: Check) -> None:
    check(BASE, "tiny.yaml")
    text = edit("      - use: successor\n      - use: plan\n", "      - use: plan\n      - use: successor\n", USER)
    assert found(check(text, "user.yaml")) == [("E123", *at(text, "use: plan"))]


def test_e110_reused_question_takes_no_other_key(check: Check) -> None:
    check(BASE, "tiny.yaml")
    text = edit("use: plan", "use: plan\n        hint: {ja: 別, en: Other}", USER)
    assert found(check(text, "user.yaml")) == [("E110", *at(text, "hint"))]


# ---- E150 coverage, W201 ----

def test_e150_each_sheet_field_no_question_fills(check: Check) -> None:
    text = edit("languages: [ja, en]\n", "languages: [ja, en]\ntargets: locaben-sheet\n")
    problems = check(text)
    assert {where(p) for p in problems} == {("E150", *at(text, "targets"))}
    missing = set(FIELDS_BY_ID) - {"management.succession", "company.employees"}
    assert len(problems) == len(missing)
    assert {next(f for f in FIELDS_BY_ID if f"field {f} " in p.message) for p in problems} == missing


def test_w201_probes_without_thin_below_is_a_warning(check: Check, tmp_path: Path) -> None:
    text = edit("hint: {ja: 聞くこと, en: Listen for}", "probes:\n          - {ja: 具体的には？, en: Specifically}")
    problem = only(check(text))
    assert where(problem) == ("W201", *at(text, "probes"))
    assert problem.severity is Severity.WARNING
    assert check_bank(tmp_path / "bank.yaml")[0] is not None  # a warning does not reject the bank


# ---- one pass, rendering ----

def test_five_mistakes_give_five_problems_in_one_pass(check: Check) -> None:
    text = edit('version: "1.0"', "version: 1.10")                                     # E132
    text = edit("        hint:", "        hnit:", text)                                 # E110
    text = edit("in: [none]", "in: [nne]", text)                                       # E121
    text = edit("fills: [company.employees]", "fills: [company.employes]", text)       # E116
    text = edit("title: {ja: 基本, en: Basics}", "title: {ja: 基本}", text)             # E115
    assert sorted(found(check(text))) == sorted([
        ("E132", *at(text, "1.10")), ("E110", *at(text, "hnit")), ("E121", *at(text, "nne")),
        ("E116", *at(text, "company.employes")), ("E115", *at(text, "{ja: 基本}")),
    ])


def test_render_shows_position_code_line_caret_and_fix(check: Check, tmp_path: Path) -> None:
    text = edit("        hint:", "        hnit:")
    lines = only(check(text)).render().splitlines()
    line, col = at(text, "hnit")
    assert lines[0].startswith(f"{tmp_path / 'bank.yaml'}:{line}:{col}: error E110: ")
    assert lines[1] == "    " + text.splitlines()[line - 1]
    assert lines[2] == "    " + " " * (col - 1) + "^"
    assert lines[3] == "    fix: did you mean 'hint'?"


def test_render_caret_counts_wide_characters_as_two_cells(check: Check) -> None:
    text = edit("en: Listen for}", "en: Listen for, de: Hören}")
    source, caret = only(check(text)).render().splitlines()[1:3]
    assert source == "            hint: {ja: 聞くこと, en: Listen for, de: Hören}"
    # 41 characters before `de`, 4 of them wide: the caret goes under `de` at cell 45
    assert caret == "    " + " " * 45 + "^"


def test_render_warning_and_default_fix_from_the_code_table(check: Check) -> None:
    text = edit("hint: {ja: 聞くこと, en: Listen for}", "probes:\n          - {ja: 具体的には？, en: Specifically}")
    lines = only(check(text)).render().splitlines()
    assert " warning W201: " in lines[0]
    assert lines[-1].startswith("    fix: ") and "thin_below" in lines[-1]


def test_suggest_prefers_a_swap_of_letters() -> None:
    assert suggest("hnit", ["unit", "hint", "text"]) == "did you mean 'hint'?"
    assert suggest("zzz", ["unit", "hint"]) == ""


# ---- the command ----

def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    code = main(list(args), Env(stdin=StringIO(), stdout=out, stderr=err, environ={}))
    return code, out.getvalue(), err.getvalue()


def test_cli_validate_fails_on_errors_and_prints_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(edit("in: [none]", "in: [nne]", edit("        hint:", "        hnit:")), encoding="utf-8")
    code, out, err = run_cli("bank", "validate", str(bad))
    assert code != 0
    assert f"{bad}:21:9: error E110: " in err and f"{bad}:22:42: error E121: " in err
    assert out.startswith("FAILED: 1 ファイル、エラー 2 件")


def test_cli_validate_passes_with_only_warnings(tmp_path: Path) -> None:
    path = tmp_path / "warn.yaml"
    path.write_text(edit("hint: {ja: 聞くこと, en: Listen for}",
                         "probes:\n          - {ja: 具体的には？, en: Specifically}"), encoding="utf-8")
    code, out, err = run_cli("bank", "validate", str(path))
    assert code == 0 and "W201" in err and out.startswith("ok: 1 ファイル、エラー 0 件、警告 1 件")


def test_cli_validate_passes_on_the_shipped_banks() -> None:
    code, out, err = run_cli("bank", "validate", *map(str, SHIPPED))
    assert (code, out, err) == (0, f"ok: {len(SHIPPED)} ファイル、エラー 0 件、警告 0 件\n", "")


def test_locaben_bank_validate_question_banks_as_a_command() -> None:
    script = Path(sys.executable).with_name("locaben")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "dialogue"]
    result = subprocess.run([*command, "bank", "validate", *map(str, SHIPPED)], capture_output=True,
                            text=True, encoding="utf-8", timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: 2 ファイル、エラー 0 件")

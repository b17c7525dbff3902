"""`bank validate` on what an expert listens for: `listen_for`, tagged probes, `probes_if_none`,
`also_if_none`, `max_probes` — each rule by its code and position; and the shipped banks use them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dialogue.banks.reader import check_bank
from dialogue.errors import Problem, Severity
from dialogue.model.elements import ELEMENT_IDS
from tests.helpers import ROOT, standard_bank

BASE = textwrap.dedent("""\
    format: locaben-bank/1
    id: tiny
    version: "1.0"
    title: {ja: 小さなバンク, en: Tiny bank}
    languages: [ja, en]
    max_probes: 2
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
          - id: timing
            text: {ja: 時期は？, en: When}
            type: text
            fills: [management.succession]
            listen_for: [time, reason]
            probes:
              - {ja: 理由は？, en: Why, element: reason}
              - {ja: ご家族とは？, en: Your family, also_if_none: true}
            probes_if_none:
              - {ja: 何歳くらいまで？, en: Until what age, element: time}
    """)


def problems(tmp_path: Path, text: str) -> list[Problem]:
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    return check_bank(path)[1]


def found(tmp_path: Path, text: str) -> list[tuple[str, int, int]]:
    return [(p.code, p.position.line, p.position.column) for p in problems(tmp_path, text)]


def at(text: str, needle: str) -> tuple[int, int]:
    index = text.rindex(needle) if needle.endswith("\n") else text.index(needle)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def edit(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


def test_the_base_is_valid_and_reads_into_the_model(tmp_path: Path) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text(BASE, encoding="utf-8")
    bank, found_problems = check_bank(path)
    assert found_problems == [] and bank is not None
    timing = bank.question("timing")
    assert timing.listen_for == ("time", "reason") and timing.max_probes == 2  # the bank's default
    assert [(p.element, p.if_none, p.also_if_none) for p in timing.probes] == [
        ("reason", False, False), (None, False, True), ("time", True, False)]


@pytest.mark.parametrize(("old", "new", "code", "needle", "suggestion"), [
    ("listen_for: [time, reason]", "listen_for: [time, reasons]", "E160", "reasons]", "did you mean 'reason'?"),
    ("en: Why, element: reason}", "en: Why, element: resaon}", "E160", "resaon", "did you mean 'reason'?"),
    ("en: Why, element: reason}", "en: Why, element: figure}", "E161", "figure}", "Add 'figure' to listen_for"),
    ("en: Why, element: reason}", "en: Why, elemnt: reason}", "E110", "elemnt", "did you mean 'element'?"),
    ("en: Until what age, element: time}", "en: Until what age, element: time, also_if_none: true}",
     "E110", "also_if_none: true}\n", ""),
    ("listen_for: [time, reason]", "listen_for: [time, time]", "E114", "time]", ""),
    ("max_probes: 2\n", "max_probes: -1\n", "E118", "-1", ""),
    ("max_probes: 2\n", "max_probes: two\n", "E112", "two", ""),
], ids=["unknown-element", "unknown-probe-element", "element-not-listed", "probe-key-typo",
        "also-on-if-none", "listed-twice", "negative-cap", "cap-not-a-number"])
def test_each_mistake_has_its_code_and_position(tmp_path: Path, old: str, new: str, code: str, needle: str,
                                                suggestion: str) -> None:
    text = edit(old, new)
    got = problems(tmp_path, text)
    errors = [p for p in got if p.severity is Severity.ERROR]
    assert [(p.code, p.position.line, p.position.column) for p in errors] == [(code, *at(text, needle))]
    assert suggestion in errors[0].hint


def test_w202_an_element_no_probe_asks_for(tmp_path: Path) -> None:
    text = edit("listen_for: [time, reason]", "listen_for: [time, reason, figure]")
    got = problems(tmp_path, text)
    assert [(p.code, p.position.line, p.position.column) for p in got] == [("W202", *at(text, "[time, reason, figure]"))]
    assert got[0].severity is Severity.WARNING and "'figure'" in got[0].message


def test_listening_keys_do_not_apply_to_choice_questions(tmp_path: Path) -> None:
    text = edit("        choices:\n", "        listen_for: [reason]\n        choices:\n")
    assert found(tmp_path, text) == [("E110", *at(text, "listen_for: [reason]"))]


def test_w201_only_when_probes_can_never_be_offered(tmp_path: Path) -> None:
    no_listening = edit("        listen_for: [time, reason]\n", "")
    codes = [code for code, _, _ in found(tmp_path, no_listening)]
    assert "W201" in codes and "E161" in codes  # tagged probes without listen_for: both said
    untagged = BASE.replace("        listen_for: [time, reason]\n", "").replace(", element: reason", "").replace(
        ", element: time", "")
    assert [code for code, _, _ in found(tmp_path, untagged)] == ["W201"]


def test_every_text_question_of_the_standard_bank_listens_for_something() -> None:
    bank = standard_bank()
    asked = [q for q in bank.questions() if q.type in ("text", "group") and q.probes]
    silent = [q.id for q in asked if not q.listen_for]
    assert silent == ["customer_value_confirm"]  # a confirmation: there is nothing to listen for
    for q in asked:
        assert {p.element for p in q.probes if p.element} <= set(q.listen_for) <= set(ELEMENT_IDS), q.id
        assert any(p.element for p in q.probes) or not q.listen_for, q.id


def test_the_standard_banks_probes_answer_the_complaints_of_issue_15() -> None:
    bank = standard_bank()
    plan_sharing, timing = bank.question("plan_sharing"), bank.question("succession_timing")
    who_attends = next(p for p in plan_sharing.probes if p.get("ja").startswith("会議には"))
    assert not who_attends.also_if_none  # never after 「会議はない」
    assert any(p.if_none for p in plan_sharing.probes)
    reason = next(p for p in timing.probes if "理由" in p.get("ja"))
    assert not reason.also_if_none and any(p.if_none for p in timing.probes)  # never after 「決めていません」
    assert next(p for p in bank.question("partners").probes if "理由" in p.get("ja")).element == "reason"


def test_the_schema_lists_the_same_elements_as_the_vocabulary() -> None:
    import json

    schema = json.loads((ROOT / "question_banks" / "bank.schema.json").read_text(encoding="utf-8"))
    assert schema["$defs"]["element"]["enum"] == list(ELEMENT_IDS)
    assert set(schema["$defs"]["probe"]["properties"]) == {"ja", "en", "element", "also_if_none"}


def test_the_format_doc_documents_each_element_with_its_label() -> None:
    import re

    from dialogue.model.elements import ELEMENTS

    doc = (ROOT / "docs" / "bank-format.md").read_text(encoding="utf-8")
    section = doc[doc.index("### The elements"):doc.index("## Placeholders")]
    rows = re.findall(r"^\| `([a-z]+)` \| (\S+) \| ", section, re.MULTILINE)
    assert [(e.id, e.label_ja) for e in ELEMENTS.values()] == rows

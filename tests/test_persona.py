"""Persona files: the shipped ones are valid and complete; each rule is asserted by its code and position.

Each bad persona is a shipped one with exactly one thing changed, so the problem found is the one planted.
`at(text, needle)` gives the line and column where the planted mistake starts.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from dialogue.banks.builtin import personas_dir
from dialogue.cli.main import Env, main
from dialogue.errors import LocabenError
from dialogue.model.sheet_fields import FIELDS_BY_ID
from dialogue.training.persona import (
    PERSONA_CODES,
    PERSONALITIES,
    PersonaError,
    available_personas,
    check_persona,
    load_persona,
    persona_path,
)
from tests.helpers import ROOT, at, replace_once, standard_bank

BANK = standard_bank()
BASE_PATH = personas_dir() / "kozuchi_seiko.yaml"
BASE = BASE_PATH.read_text(encoding="utf-8")


def problems_of(tmp_path: Path, text: str, name: str = "kozuchi_seiko.yaml") -> list[tuple[str, int, int]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    persona, problems = check_persona(path, BANK)
    assert persona is None or not problems
    return [(p.code, p.position.line, p.position.column) for p in problems]


# ---- the shipped personas ----


def test_at_least_three_personas_ship_and_all_are_valid() -> None:
    names = available_personas()
    assert len(names) >= 3
    personas = [load_persona(persona_path(name), BANK) for name in names]
    assert {p.personality for p in personas} == set(PERSONALITIES)
    assert len({p.company.get("ja") for p in personas}) == len(personas)
    assert len({p.industry.get("ja") for p in personas}) == len(personas)


@pytest.mark.parametrize("name", available_personas())
def test_every_persona_answers_every_sheet_field_in_both_languages(name: str) -> None:
    persona = load_persona(persona_path(name), BANK)
    assert [f.field_id for f in persona.fields] == list(FIELDS_BY_ID)
    for fact in persona.facts():
        assert fact.text.get("ja") and fact.text.get("en"), fact.id
        assert 2 <= len(fact.keys_in("ja")) <= 4 and 2 <= len(fact.keys_in("en")) <= 4, fact.id
    deeper = [f for f in persona.facts() if f.kind == "deeper"]
    assert len(deeper) >= 30  # enough hidden depth for probing to matter
    reached = [f for f in deeper if f.probe is not None]
    assert all(BANK.question(f.probe.question_id).probes for f in reached if f.probe)
    assert len(deeper) - len(reached) <= 3  # a fact no probe reaches is the exception, and counts as a miss


def test_the_owner_written_blind_to_the_probes_stays_valid() -> None:
    """benchmarks/blind_personas/ (issue 15's measure, not shipped): written owner-first from the main
    questions only, so many facts no probe reaches; it must keep loading as the bank changes."""
    folder = Path(__file__).resolve().parent.parent / "benchmarks" / "blind_personas"
    persona = load_persona(folder / "kashiba_sakusen.yaml", BANK)
    assert [f.field_id for f in persona.fields] == list(FIELDS_BY_ID)
    deeper = [f for f in persona.facts() if f.kind == "deeper"]
    assert len(deeper) > 100 and sum(f.probe is None for f in deeper) >= 20


def test_persona_names_resolve_and_unknown_names_suggest(tmp_path: Path) -> None:
    assert persona_path("kozuchi_seiko") == BASE_PATH
    assert persona_path(str(BASE_PATH)) == BASE_PATH
    with pytest.raises(LocabenError, match="did you mean 'kozuchi_seiko'"):
        persona_path("kozuchi_seikou")


# ---- one planted mistake each: code and position ----

CASES: list[tuple[str, Callable[[str], str], str, str, int]] = [
    # (name, edit, code, needle in the edited text where the problem is reported, occurrence)
    ("typo in a key", replace_once("    deeper:\n      - probe: {question: location, index: 2}",
                                   "    deepr:\n      - probe: {question: location, index: 2}"),
     "P101", "deepr:", 1),
    ("probe index past the end", replace_once("{question: location, index: 2}", "{question: location, index: 3}"),
     "P111", "3}", 1),
    ("probe index counted from 0", replace_once("{question: location, index: 2}", "{question: location, index: 0}"),
     "P111", "0}", 1),
    ("unknown question", replace_once("{question: strengths_tech, index: 2}", "{question: strengths_tec, index: 2}"),
     "P110", "strengths_tec,", 1),
    ("question of another field", replace_once("{question: location, index: 2}", "{question: industry, index: 2}"),
     "P112", "industry, index: 2}", 1),
    ("a supporter's question", replace_once("{question: current_state_owner, index: 2}",
                                             "{question: current_state_supporter, index: 2}"),
     "P113", "current_state_supporter, index", 1),
    ("question not asked of this company", replace_once("{question: succession_timing, index: 3}",
                                                         "{question: successor_development, index: 3}"),
     "P114", "successor_development, index", 1),
    ("key phrase not in the text", replace_once("keys: {ja: [東浜市, 港南工業団地]", "keys: {ja: [東浜市, 港北工業団地]"),
     "P121", "港北工業団地", 1),
    ("one key phrase only", replace_once("keys: {ja: [東浜市, 港南工業団地]", "keys: {ja: [東浜市]"),
     "P120", "[東浜市]", 1),
    ("unknown personality", replace_once("type: terse", "type: chatty"), "P107", "chatty", 1),
    ("id differs from the file name", replace_once("id: kozuchi_seiko", "id: kozuchi"), "P108", "kozuchi\n", 1),
    ("another bank", replace_once("bank: locaben_standard", "bank: first_visit"), "P109", "first_visit", 1),
    ("bad choice", replace_once("choice: status_quo", "choice: status_qou"), "P130", "status_qou", 1),
    ("number out of range", replace_once("number: 23", "number: -3"), "P130", "-3", 1),
    ("unquoted year read as a number", replace_once('en: ["1972", "1980"]', "en: [1972, 1980]"),
     "P150", "1972, 1980", 1),
    ("unknown sheet field", replace_once("  company.founded:\n", "  company.fonded:\n"), "P105", "company.fonded", 1),
    ("surface answers two questions", replace_once("      competitors:\n", "      competitors_x:\n"),
     "P110", "competitors_x", 1),
    ("duplicate key", replace_once("  company.founded:\n", "  company.industry:\n"), "E101", "company.industry:", 2),
    ("YAML syntax", replace_once("      en: Nobody yet. My son works for a company in Tokyo.",
                                 "      en: Nobody yet: my son works for a company in Tokyo."),
     "E100", ": my son", 1),
]


@pytest.mark.parametrize("name,edit,code,needle,occurrence", CASES, ids=[c[0] for c in CASES])
def test_planted_problem_is_reported_with_code_and_position(tmp_path: Path, name: str, edit: Callable[[str], str],
                                                            code: str, needle: str, occurrence: int) -> None:
    text = edit(BASE)
    found = problems_of(tmp_path, text)
    assert (code, *at(text, needle, occurrence)) in found, found


def test_missing_translation_is_reported_at_the_answer(tmp_path: Path) -> None:
    text = replace_once("      en: Kozuchi Seiko Co., Ltd.\n      keys", "      keys")(BASE)
    assert problems_of(tmp_path, text) == [("P104", *at(text, "ja: 株式会社小槌精工\n      keys"))]


def test_missing_sheet_field_is_reported_at_the_fields_mapping(tmp_path: Path) -> None:
    block = re.search(r"  company\.founded:\n(?:    .*\n|\n)*?(?=  [a-z_]+\.[a-z_]+:\n)", BASE)
    assert block is not None
    text = BASE.replace(block.group(0), "")
    assert problems_of(tmp_path, text) == [("P106", *at(text, "company.name:"))]


def test_supporter_view_is_required_where_the_bank_asks_for_one(tmp_path: Path) -> None:
    text = re.sub(r"    supporter:\n      ja: 本質的な課題.*\n      en: .*\n", "", BASE)
    assert text != BASE
    assert problems_of(tmp_path, text) == [("P140", *at(text, "surface:\n      ja: 人手不足と"))]


def test_a_fields_other_questions_need_no_invented_answer(tmp_path: Path) -> None:
    text = re.sub(r"    by_question:\n      competitors:\n        ja: .*\n        en: .*\n        keys: .*\n", "", BASE)
    assert text != BASE
    assert problems_of(tmp_path, text) == []  # competitors then gets 「先ほどお話ししたとおりです」


def test_p141_when_every_question_of_the_field_has_its_own_answer(tmp_path: Path) -> None:
    own = ("    by_question:\n      market_trend:\n        ja: 伸びています。\n        en: It grows.\n"
           "        keys: {ja: [伸びて, います], en: [grows, It]}\n      competitors:\n")
    text = replace_once("    by_question:\n      competitors:\n", own)(BASE)
    assert problems_of(tmp_path, text) == [("P141", *at(text, "surface:\n      ja: 半導体の方は波"))]


def test_a_deeper_fact_may_be_reached_by_several_probes_by_none_or_volunteered(tmp_path: Path) -> None:
    text = replace_once("      - probe: {question: location, index: 2}\n",
                        "      - probe: [{question: location, index: 2}, {question: location, index: 1}]\n"
                        "        volunteered: true\n")(BASE)
    text = replace_once("      - probe: {question: industry, index: 2}\n", "      - probe: none\n")(text)
    path = tmp_path / "kozuchi_seiko.yaml"
    path.write_text(text, encoding="utf-8")
    persona = load_persona(path, BANK)
    location = next(f for f in persona.facts() if f.id == "company.location#1")
    assert location.volunteered and location.reached_by("location", 0) and location.reached_by("location", 1)
    industry = next(f for f in persona.facts() if f.id == "company.industry#1")
    assert industry.probe is None and industry.unreachable and not persona.deeper_for("industry", 1)


NEW_CASES: list[tuple[str, Callable[[str], str], str, str]] = [
    ("volunteered not a boolean", replace_once("      - probe: {question: location, index: 2}\n",
                                               "      - probe: {question: location, index: 2}\n"
                                               "        volunteered: yes please\n"), "P103", "yes please"),
    ("a probe in a list out of range", replace_once("- probe: {question: location, index: 2}",
                                                    "- probe: [{question: location, index: 2}, "
                                                    "{question: location, index: 9}]"), "P111", "9}]"),
    ("one alternative only", replace_once("keys: {ja: [東浜市, 港南工業団地]", "keys: {ja: [[東浜市], 港南工業団地]"),
     "P120", "[東浜市]"),
    ("no alternative in the text", replace_once("keys: {ja: [東浜市, 港南工業団地]",
                                                "keys: {ja: [[西浜市, 南浜市], 港南工業団地]"), "P121", "[西浜市"),
]


@pytest.mark.parametrize("name,edit,code,needle", NEW_CASES, ids=[c[0] for c in NEW_CASES])
def test_new_keys_are_checked_with_code_and_position(tmp_path: Path, name: str, edit: Callable[[str], str],
                                                     code: str, needle: str) -> None:
    text = edit(BASE)
    assert (code, *at(text, needle, 1)) in problems_of(tmp_path, text)


def test_every_problem_is_collected_in_one_pass(tmp_path: Path) -> None:
    text = replace_once("type: terse", "type: chatty")(replace_once("choice: status_quo", "choice: nope")(BASE))
    codes = [c for c, _, _ in problems_of(tmp_path, text)]
    assert "P107" in codes and "P130" in codes


def test_load_raises_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "kozuchi_seiko.yaml"
    path.write_text(replace_once("type: terse", "type: chatty")(BASE), encoding="utf-8")
    with pytest.raises(PersonaError) as info:
        load_persona(path, BANK)
    assert [p.code for p in info.value.problems] == ["P107"]
    assert "fix: Use one of: talkative, terse, defensive." in info.value.problems[0].render()


def test_validate_persona_command_renders_file_line_col(tmp_path: Path) -> None:
    path = tmp_path / "kozuchi_seiko.yaml"
    text = replace_once("{question: strengths_tech, index: 2}", "{question: strengths_tec, index: 2}")(BASE)
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["bank", "validate-persona", str(path)], Env(stdout=out, stderr=err, environ={}))
    line, col = at(text, "strengths_tec,")
    assert code == 3
    assert f"{path}:{line}:{col}: error P110:" in err.getvalue()
    assert "did you mean 'strengths_tech'?" in err.getvalue()
    assert out.getvalue().startswith("FAILED: 1 ファイル、エラー 1 件")
    shipped = [str(p) for p in sorted(personas_dir().glob("*.yaml"))]
    out = io.StringIO()
    assert main(["bank", "validate-persona", *shipped], Env(stdout=out, stderr=io.StringIO(), environ={})) == 0


def test_problem_codes_are_documented() -> None:
    doc = (ROOT / "docs" / "persona-format.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(P\d{3})` \|", doc, re.MULTILINE))
    assert documented == set(PERSONA_CODES)

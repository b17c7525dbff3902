"""question_banks/bank.schema.json: the editor's view of the bank format, kept in step with the validator."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from dialogue.banks.reader import (
    ALL_QUESTION_KEYS,
    BANK_FORMAT,
    BANK_KEYS,
    BANK_REQUIRED,
    CONDITION_OPS,
    KNOWN_LANGUAGES,
    QUESTION_REQUIRED,
    SECTION_KEYS,
    SECTION_REQUIRED,
    TYPE_KEYS,
)
from dialogue.model import QUESTION_TYPES, STATUS_CODES
from dialogue.model.sheet_fields import FIELDS_BY_ID
from tests.helpers import ROOT

SCHEMA_PATH = ROOT / "question_banks" / "bank.schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
DEFS = SCHEMA["$defs"]
SHIPPED = sorted((ROOT / "question_banks").glob("*.yaml"))


def schema_errors(bank: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(bank)]


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def minimal() -> dict[str, Any]:
    return {
        "format": "locaben-bank/1", "id": "tiny", "version": "1.0", "title": {"ja": "小", "en": "Tiny"},
        "languages": ["ja", "en"],
        "sections": [{"id": "basics", "title": {"ja": "基本", "en": "Basics"}, "questions": [
            {"id": "successor", "text": {"ja": "後継者", "en": "Successor"}, "type": "choice",
             "fills": ["management.succession"],
             "choices": [{"id": "in_place", "label": {"ja": "いる", "en": "Yes"}},
                         {"id": "none", "label": {"ja": "いない", "en": "No"}}]},
            {"id": "plan", "text": {"ja": "予定", "en": "Plan"}, "type": "text",
             "fills": ["management.succession"], "when": {"question": "successor", "in": ["none"]}},
        ]}],
    }


def question(bank: dict[str, Any], index: int = 1) -> dict[str, Any]:
    return bank["sections"][0]["questions"][index]


# ---- the schema itself ----

def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def _properties(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for key, value in node.get("properties", {}).items():
            if isinstance(value, dict):
                yield f"{path}/{key}", value
        for key, value in node.items():
            yield from _properties(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _properties(value, f"{path}/{i}")


def test_every_key_has_a_description() -> None:
    keys = list(_properties(SCHEMA))
    missing = [path for path, prop in keys if "description" not in prop and "/allOf/" not in path]  # if/then
    assert len(keys) > 50 and missing == []


def test_every_object_is_closed() -> None:
    objects = [name for name, d in DEFS.items() if d.get("type") == "object"]
    assert objects and all(DEFS[name]["additionalProperties"] is False for name in objects)
    assert SCHEMA["additionalProperties"] is False


# ---- shipped banks pass, mistakes fail ----

@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_banks_validate_against_the_schema(path: Path) -> None:
    assert schema_errors(load(path)) == []


def test_minimal_bank_validates() -> None:
    assert schema_errors(minimal()) == []


def test_reused_question_validates() -> None:
    bank = minimal()
    bank["imports"] = ["locaben_standard.yaml"]
    bank["sections"][0]["questions"].append({"use": "history_story"})
    assert schema_errors(bank) == []


@pytest.mark.parametrize("where", ["bank", "section", "question", "choice", "condition", "translation", "use"])
def test_unknown_key_fails(where: str) -> None:
    bank = minimal()
    target = {
        "bank": lambda: bank,
        "section": lambda: bank["sections"][0],
        "question": lambda: question(bank),
        "choice": lambda: question(bank, 0)["choices"][0],
        "condition": lambda: question(bank)["when"],
        "translation": lambda: question(bank)["text"],
        "use": lambda: bank["sections"][0]["questions"].append({"use": "x"}) or bank["sections"][0]["questions"][-1],
    }[where]()
    target["hnit"] = "x"
    assert schema_errors(bank) != []


@pytest.mark.parametrize("change", [
    lambda b: question(b).update(type="txt"),
    lambda b: question(b).update(voice="supporer"),
    lambda b: question(b).update(fills=["company.employes"]),
    lambda b: question(b).update(fills=[]),
    lambda b: question(b).update(unit={"ja": "人", "en": "people"}),  # a number key on a text question
    lambda b: question(b).update(required="yes"),
    lambda b: question(b).update(thin_below=2.5),
    lambda b: question(b).update(id="Plan-2"),
    lambda b: question(b).update(when={"question": "successor", "in": ["none"], "answered": True}),
    lambda b: question(b).update(when={"question": "successor"}),
    lambda b: question(b).update(when=["successor"]),
    lambda b: question(b, 0).pop("choices"),
    lambda b: question(b, 0)["choices"].pop(),
    lambda b: b.update(version=1.1),
    lambda b: b.update(languages=["ja", "fr"]),
    lambda b: b.update(targets="locaben_sheet"),
    lambda b: b.pop("sections"),
    lambda b: question(b).update(forbid_status=["declind"]),
    lambda b: question(b).update(forbid_status="declined"),
    lambda b: question(b).update(forbid_status=["declined", "declined"]),
    lambda b: question(b).update(replaces=["Old-Plan"]),
    lambda b: question(b).update(replaces="old_plan"),
    lambda b: question(b).update(listen_for=["figures"]),
    lambda b: question(b).update(probes=[{"ja": "数字は？", "en": "Figures?", "element": "number"}]),
    lambda b: question(b).update(probes=[{"ja": "数字は？", "en": "Figures?", "elemnt": "figure"}]),
    lambda b: question(b, 0).update(listen_for=["reason"]),  # not on a choice question
    lambda b: question(b).update(max_probes=-1),
    lambda b: b.update(max_probes="three"),
], ids=["type", "voice", "field", "no-fills", "unit-on-text", "required-str", "thin-float", "id",
        "two-tests", "no-test", "cond-list", "no-choices", "one-choice", "version-num", "language", "target",
        "no-sections", "status-code", "status-not-list", "status-twice", "replaces-id", "replaces-not-list",
        "element", "probe-element", "probe-key", "listen-on-choice", "cap-negative", "bank-cap"])
def test_mistakes_fail(change: Any) -> None:
    bank = minimal()
    change(bank)
    assert schema_errors(bank) != []


def test_nested_conditions_and_ranges_validate() -> None:
    bank = minimal()
    question(bank)["when"] = {"all": [{"question": "successor", "not_in": ["in_place"]},
                                      {"any": [{"not": {"question": "successor", "answered": False}},
                                               {"question": "successor", "min": 1, "max": 5}]}]}
    assert schema_errors(bank) == []


def test_forbid_status_and_replaces_validate() -> None:
    bank = minimal()
    question(bank, 0)["forbid_status"] = ["not_applicable"]
    question(bank)["forbid_status"] = list(STATUS_CODES)
    question(bank)["replaces"] = ["succession_plan", "plan_v1"]
    assert schema_errors(bank) == []


def test_listening_keys_validate() -> None:
    bank = minimal()
    bank["max_probes"] = 2
    question(bank).update(listen_for=["figure", "reason"], max_probes=3, probes=[
        {"ja": "数字は？", "en": "Figures?", "element": "figure"}, {"ja": "なぜ？", "en": "Why?", "also_if_none": True}],
        probes_if_none=[{"ja": "目安は？", "en": "Roughly?", "element": "figure"}])
    assert schema_errors(bank) == []


def test_group_question_needs_fields() -> None:
    bank = minimal()
    group = {"id": "flow", "text": {"ja": "流れ", "en": "Flow"}, "type": "group", "fills": ["business_flow.steps"]}
    bank["sections"][0]["questions"].append(group)
    assert schema_errors(bank) != []
    group["fields"] = [{"id": "name", "label": {"ja": "業務名", "en": "Step"}}]
    assert schema_errors(copy.deepcopy(bank)) == []


# ---- cannot drift from the validator ----

def test_field_id_enum_is_the_canonical_sheet_fields() -> None:
    assert DEFS["fieldId"]["enum"] == list(FIELDS_BY_ID)


def test_bank_keys_match_the_validator() -> None:
    assert set(SCHEMA["properties"]) == BANK_KEYS
    assert set(SCHEMA["required"]) == set(BANK_REQUIRED)
    assert SCHEMA["properties"]["format"]["const"] == BANK_FORMAT
    assert SCHEMA["properties"]["languages"]["items"]["enum"] == list(KNOWN_LANGUAGES)
    assert set(DEFS["text"]["properties"]) == set(KNOWN_LANGUAGES)


def test_section_keys_match_the_validator() -> None:
    assert set(DEFS["section"]["properties"]) == SECTION_KEYS
    assert set(DEFS["section"]["required"]) == set(SECTION_REQUIRED)


def test_question_keys_match_the_validator() -> None:
    assert set(DEFS["question"]["properties"]) == ALL_QUESTION_KEYS
    assert set(DEFS["question"]["required"]) == set(QUESTION_REQUIRED)
    assert DEFS["question"]["properties"]["type"]["enum"] == list(QUESTION_TYPES)


def test_type_specific_keys_match_the_validator() -> None:
    specific = set().union(*TYPE_KEYS.values())
    banned = {rule["if"]["properties"]["type"]["const"]: set(rule["then"]["properties"])
              for rule in DEFS["question"]["allOf"]}
    assert banned == {qtype: specific - keys for qtype, keys in TYPE_KEYS.items()}


def test_status_codes_match_the_model() -> None:
    assert DEFS["question"]["properties"]["forbid_status"]["items"]["enum"] == list(STATUS_CODES)


def test_condition_tests_match_the_validator() -> None:
    assert set(DEFS["compare"]["properties"]) == {"question", *CONDITION_OPS}
    assert {"all", "any", "not"} == {name for name in ("all", "any", "not")
                                     if {"$ref": f"#/$defs/{name}"} in DEFS["condition"]["oneOf"]}

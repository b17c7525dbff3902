"""What the wheel ships: every package folder is listed in pyproject.toml, and the data the program reads
(built-in banks, personas, templates, schemas) is declared as package data."""

from __future__ import annotations

import tomllib

from dialogue.banks.builtin import bank_files, persona_files
from tests.helpers import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_folder_is_listed() -> None:
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "dialogue").rglob("__init__.py")}
    on_disk.add("dialogue.question_banks")
    assert listed == on_disk


def test_the_built_in_banks_and_personas_are_package_data() -> None:
    assert {"locaben_standard", "first_visit"} <= set(bank_files())
    assert {"kozuchi_seiko", "minamo_service", "ushioya_foods"} <= set(persona_files())
    assert PYPROJECT["tool"]["setuptools"]["package-dir"]["dialogue.question_banks"] == "question_banks"
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]
    assert "personas/*.yaml" in patterns["dialogue.question_banks"]
    assert "templates/*.j2" in patterns["dialogue.sheet"]

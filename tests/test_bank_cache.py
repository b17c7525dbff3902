"""The validated-bank cache: the same bank back, faster, and never a stale or tampered one."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from dialogue.banks import cache as bank_cache
from dialogue.banks.reader import load_bank
from tests.helpers import ROOT, STANDARD_BANK


def test_a_cached_bank_equals_the_freshly_validated_one(tmp_path: Path) -> None:
    fresh = load_bank(STANDARD_BANK)  # validates, stores
    cached = bank_cache.load_cached(STANDARD_BANK)
    assert cached is not None
    assert cached == fresh and cached.source_hash == fresh.source_hash
    assert [q.always_probe for q in cached.questions()] == [q.always_probe for q in fresh.questions()]
    assert [q.when for q in cached.questions()] == [q.when for q in fresh.questions()]
    # what an expert listens for survives the round trip: elements, tagged and if-none probes, the cap
    assert [(q.listen_for, q.probes, q.max_probes) for q in cached.questions()] == \
        [(q.listen_for, q.probes, q.max_probes) for q in fresh.questions()]
    plan = cached.question("plan")
    assert plan.listen_for and [p.if_none for p in plan.probes] == [False, False, True]
    entries = list(bank_cache.cache_dir().glob("*.json"))
    assert entries and stat.S_IMODE(os.stat(entries[0]).st_mode) == 0o600


def test_an_edited_bank_or_import_is_validated_again(tmp_path: Path) -> None:
    banks = tmp_path / "banks"
    shutil.copytree(ROOT / "question_banks", banks, ignore=shutil.ignore_patterns("personas"))
    first = load_bank(banks / "first_visit.yaml")
    assert bank_cache.load_cached(banks / "first_visit.yaml") == first
    standard = banks / "locaben_standard.yaml"
    standard.write_text(standard.read_text(encoding="utf-8").replace("正式な商号", "正式な会社名", 1), encoding="utf-8")
    assert bank_cache.load_cached(banks / "first_visit.yaml") is None  # an import changed: a miss
    again = load_bank(banks / "first_visit.yaml")
    assert "正式な会社名" in again.question("company_name").text.get("ja")


def test_a_damaged_entry_is_a_miss_not_an_error(tmp_path: Path) -> None:
    load_bank(STANDARD_BANK)
    for entry in bank_cache.cache_dir().glob("*.json"):
        entry.write_text("{not json", encoding="utf-8")
    assert load_bank(STANDARD_BANK).id == "locaben_standard"


LOAD = """
import sys
import dialogue
from dialogue.banks.reader import load_bank
from dialogue.errors import BankError
assert dialogue.__path__[0].startswith(sys.argv[2]), dialogue.__path__  # the copy of the code, not the checkout
try:
    load_bank(sys.argv[1])
    print("valid")
except BankError as exc:
    print("refused", sum(p.severity.name == "ERROR" for p in exc.problems))
"""


def test_a_changed_validation_rule_validates_the_bank_again(tmp_path: Path) -> None:
    """A rule made stricter (in a new release, an edited checkout, a patched install) must not be bypassed by a
    bank the old rules cached as valid: the cache is keyed on the validator's own code too."""
    code = tmp_path / "code"
    shutil.copytree(ROOT / "dialogue", code / "dialogue", ignore=shutil.ignore_patterns("__pycache__"))
    env = dict(os.environ, PYTHONPATH=str(code), PYTHONDONTWRITEBYTECODE="1",
               LOCABEN_CACHE_DIR=str(tmp_path / "cache"))

    def load() -> str:
        result = subprocess.run([sys.executable, "-c", LOAD, str(STANDARD_BANK), str(code)], env=env,
                                cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert load() == "valid"
    assert list((tmp_path / "cache").glob("*.json"))  # cached as valid
    rules = code / "dialogue" / "banks" / "node_reader.py"
    text = rules.read_text(encoding="utf-8")
    stricter = text.replace('re.compile(r"^[a-z][a-z0-9_]*$")', 're.compile(r"^[a-z][a-z0-9]*$")')
    assert stricter != text
    rules.write_text(stricter, encoding="utf-8")  # ids may no longer hold "_": company_name is now wrong
    outcome = load()
    assert outcome.startswith("refused") and int(outcome.split()[1]) > 10, outcome


def test_the_code_hash_covers_the_validator_and_the_model() -> None:
    names = {f"{p.parent.name}/{p.name}" for p in bank_cache._source_files(bank_cache.VALIDATOR_CODE)}
    assert {"banks/reader.py", "banks/node_reader.py", "banks/yaml_nodes.py", "model/bank.py",
            "dialogue/errors.py"} <= names
    assert bank_cache.code_hash() == bank_cache.code_hash()

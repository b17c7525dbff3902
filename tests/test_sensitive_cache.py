"""The 機微情報 word lists are read once per content (dialogue/banks/sensitive_cache.py, issue 18): a compile or a
resume finds them cached and imports no YAML; the cached checker finds exactly what the lists say; a changed
list, a changed `sensitive:` key or a damaged entry is read again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from dialogue.banks import sensitive_cache
from dialogue.banks.sensitive_reader import load_checker as read_checker
from tests.helpers import CODE, SENSITIVE_EXTENSION, bank_with_sensitive, plain_interview

TEXTS = ["社長は通院中で、来月入院の予定", "通院送迎サービスが売上の半分", "社長は多重債務を抱えている",
         "The owner has cancer treatment", "宗教法人が主要顧客", "特になし"]





def findings(checker: object, texts: list[str] = TEXTS) -> list[object]:
    return [checker.find(t) for t in texts]  # type: ignore[attr-defined]


def test_the_cached_checker_finds_what_the_lists_say(tmp_path: Path) -> None:
    bank = bank_with_sensitive(tmp_path, SENSITIVE_EXTENSION)
    for path in (None, bank):
        first, second = sensitive_cache.load_checker(path), sensitive_cache.load_checker(path)  # stored, then read
        fresh = read_checker(path)
        assert second.categories == fresh.categories == first.categories
        assert findings(second) == findings(fresh)
    assert findings(sensitive_cache.load_checker(bank), TEXTS[1:3]) == [(), findings(read_checker(bank), TEXTS[2:3])[0]]
    assert len(list(sensitive_cache.cache_dir().glob("sensitive-*.json"))) == 2


def test_a_changed_list_or_key_is_read_again(tmp_path: Path) -> None:
    bank = bank_with_sensitive(tmp_path, SENSITIVE_EXTENSION)
    assert sensitive_cache.load_checker(bank).find("社長は自己破産した")
    (tmp_path / "extra_sensitive.yaml").write_text(SENSITIVE_EXTENSION.replace("自己破産", "夜逃げ"), encoding="utf-8")
    changed = sensitive_cache.load_checker(bank)
    assert not changed.find("社長は自己破産した") and changed.find("社長が夜逃げ")
    bank.write_text("format: locaben-bank/1\nid: taxi\n", encoding="utf-8")  # the key removed
    assert "personal_debt" not in sensitive_cache.load_checker(bank).categories


def test_a_damaged_entry_is_a_miss(tmp_path: Path) -> None:
    bank = bank_with_sensitive(tmp_path, SENSITIVE_EXTENSION)
    sensitive_cache.load_checker(bank)
    for entry in sensitive_cache.cache_dir().glob("sensitive-*.json"):
        data = json.loads(entry.read_text(encoding="utf-8"))
        data["categories"][0]["words"] = None
        entry.write_text(json.dumps(data), encoding="utf-8")
    assert sensitive_cache.load_checker(bank).categories == read_checker(bank).categories


# Compiles a session in a fresh process and prints which of the slow imports a compile does not need it made.
PROBE = """
import json, sys
from dialogue.cli.main import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, **{name: name in sys.modules for name in
                  ("yaml", "dialogue.banks.sensitive_reader", "openpyxl", "rich", "prompt_toolkit")}}))
"""


def test_a_second_compile_reads_no_yaml_and_imports_no_openpyxl_or_rich(tmp_path: Path) -> None:
    """The word lists come from the cache; the workbook is written with XlsxWriter (openpyxl reads bank
    templates only); a single compile draws no progress bar."""
    journal = plain_interview(tmp_path / "s", ["株式会社みどり精工", "/pause"])
    env = {**os.environ, "PYTHONPATH": str(CODE), "NO_COLOR": "1"}
    runs = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", PROBE, "compile", journal.stem, "--sessions-dir",
                               str(tmp_path / "s"), "-o", str(tmp_path / "out"), "--force"], capture_output=True,
                              text=True, encoding="utf-8", env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        runs.append(json.loads(done.stdout.splitlines()[-1]))
    assert runs[0]["code"] == runs[1]["code"] == 0
    assert runs[1] == {"code": 0, "yaml": False, "dialogue.banks.sensitive_reader": False, "openpyxl": False,
                       "rich": False, "prompt_toolkit": False}, runs

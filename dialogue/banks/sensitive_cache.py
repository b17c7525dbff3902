"""The 機微情報 word lists of an interview, cached like validated banks (dialogue/banks/cache.py): read and
checked once per content, so a compile or a resume does not import PyYAML and the list reader for them.

An entry is plain JSON beside the bank entries (`sensitive-<key>.json`, 0600), keyed by the bank file's path
and the validator's code hash; it names every file it was built from (the built-in lists, the bank file —
whose `sensitive:` key names the bank's own lists — and those lists) with its SHA-256, and is used only while
every one of them is unchanged and the code is the same. Any problem reading an entry is a miss, never an
error; a list with problems is never stored (reading it again raises the same `BankError`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from dialogue import __version__
from dialogue.banks.builtin import data_dir
from dialogue.banks.cache import _sha, cache_dir, code_hash
from dialogue.model import Text
from dialogue.model.sensitive import SensitiveCategory, SensitiveChecker

FORMAT = 1


def load_checker(bank_path: Path | None = None) -> SensitiveChecker:
    """The checker for an interview on the bank at `bank_path` (dialogue.banks.sensitive_reader.load_checker),
    from the cache when its lists are unchanged."""
    with contextlib.suppress(OSError):
        cached = _cached(bank_path)
        if cached is not None:
            return SensitiveChecker(cached)
    from dialogue.banks import sensitive_reader

    checker = sensitive_reader.load_checker(bank_path)
    files = list(sensitive_reader.builtin_lists().values())
    if bank_path is not None:
        files += [bank_path, *sensitive_reader.extension_paths(bank_path)]
    _store(bank_path, files, tuple(checker.categories.values()))
    return checker


def _entry_path(bank_path: Path | None) -> Path:
    where = str(bank_path.resolve()) if bank_path is not None else ""
    key = hashlib.sha256(f"sensitive\0{where}\0{code_hash()}".encode()).hexdigest()
    return cache_dir() / f"sensitive-{key}.json"


def _cached(bank_path: Path | None) -> tuple[SensitiveCategory, ...] | None:
    try:
        entry = json.loads(_entry_path(bank_path).read_text(encoding="utf-8"))
        if entry.get("format") != FORMAT or entry.get("locaben") != __version__ or entry.get("code") != code_hash():
            return None
        if sorted(entry["builtin"]) != sorted(str(p.resolve()) for p in (data_dir() / "sensitive").glob("*.yaml")):
            return None  # a built-in list added or removed
        for name, sha in entry["files"].items():
            if _sha(Path(name)) != sha:
                return None
        return tuple(_category(c) for c in entry["categories"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _store(bank_path: Path | None, files: list[Path], categories: tuple[SensitiveCategory, ...]) -> None:
    """Write an entry atomically; a read-only or full cache directory is silently skipped."""
    import tempfile

    with contextlib.suppress(OSError):
        directory = cache_dir()
        directory.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        directory.mkdir(exist_ok=True, mode=0o700)
        entry = {"format": FORMAT, "locaben": __version__, "code": code_hash(),
                 "builtin": [str(p.resolve()) for p in (data_dir() / "sensitive").glob("*.yaml")],
                 "files": {str(f.resolve()): _sha(f) for f in files},
                 "categories": [_category_json(c) for c in categories]}
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")  # created 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                json.dump(entry, handle, ensure_ascii=False)
            os.replace(tmp, _entry_path(bank_path))
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def _category_json(c: SensitiveCategory) -> dict[str, Any]:
    return {"id": c.id, "label": [list(pair) for pair in c.label.by_lang], "basis": c.basis, "words": list(c.words),
            "patterns": list(c.patterns), "not": list(c.not_)}


def _category(d: dict[str, Any]) -> SensitiveCategory:
    label = Text(tuple((str(lang), str(text)) for lang, text in d["label"]))
    return SensitiveCategory(str(d["id"]), label, str(d["basis"]), tuple(map(str, d["words"])),
                             tuple(map(str, d["patterns"])), tuple(map(str, d["not"])))

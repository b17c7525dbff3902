"""A cache of validated banks, so a large bank is parsed and validated once per content.

Entries are plain JSON (never pickle: nothing read from disk is executed), in `$LOCABEN_CACHE_DIR` or
`~/.cache/locaben/banks` (0700, files 0600), keyed by the bank file's path and SHA-256 and by the hash of the
validator's own code (`code_hash`); an entry is used only when every file it was built from (the bank and its
imports) still has the same SHA-256 and it was written by the same version and the same validator code. So a
changed validation rule — in a new release, an edited checkout or a patched install — validates every bank
again instead of serving one it would now refuse. Any problem reading an entry is a miss, never an error.

`load_bank` is the way in: on a hit it imports neither PyYAML nor the validator (dialogue.banks.reader), which
are loaded only to read a bank whose content has no entry yet.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import dialogue.banks
import dialogue.model
from dialogue import __version__, errors
from dialogue.model import (
    AllOf,
    AnyOf,
    Bank,
    Choice,
    Compare,
    Condition,
    Not,
    Probe,
    Question,
    RecordField,
    Section,
    Text,
)

FORMAT = 1
# The code that decides what a valid bank is and what a Bank holds: every module of these packages, and the
# problem codes.
VALIDATOR_CODE: tuple[ModuleType, ...] = (dialogue.banks, dialogue.model, errors)


def cache_dir() -> Path:
    configured = os.environ.get("LOCABEN_CACHE_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "locaben" / "banks"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@functools.cache
def code_hash() -> str:
    """SHA-256 of the validator's source (VALIDATOR_CODE), read from where it was imported (checkout, editable
    install or wheel alike), once per process (~1 ms). A module that cannot be read counts by its name alone."""
    digest = hashlib.sha256(__version__.encode())
    for path in _source_files(VALIDATOR_CODE):
        digest.update(f"\0{path.parent.name}/{path.name}\0".encode())
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _source_files(modules: tuple[ModuleType, ...]) -> list[Path]:
    """A package's modules (its folders' *.py, in name order), or a module's own source file (its spec's
    origin: the code that runs, not data beside it)."""
    found: list[Path] = []
    for module in modules:
        spec = module.__spec__
        if spec is not None and spec.submodule_search_locations is not None:
            found.extend(p for folder in spec.submodule_search_locations for p in sorted(Path(folder).glob("*.py")))
        elif spec is not None and spec.origin:
            found.append(Path(spec.origin))
    return found


def _entry_path(path: Path) -> Path:
    key = hashlib.sha256(str(path.resolve()).encode() + b"\0" + path.read_bytes() + b"\0" +
                         code_hash().encode()).hexdigest()
    return cache_dir() / f"{key}.json"


def load_bank(path: str | Path) -> Bank:
    """A validated bank: from the cache when this content was validated before, else read and validated now
    (raising `BankError` with every problem) and stored for the next time."""
    path = Path(path)
    with contextlib.suppress(OSError):
        cached = load_cached(path)
        if cached is not None:
            return cached
    from dialogue.banks.reader import read_valid_bank

    bank, files = read_valid_bank(path)
    store(bank, files)
    return bank


def load_cached(path: Path) -> Bank | None:
    try:
        entry = json.loads(_entry_path(path).read_text(encoding="utf-8"))
        if entry.get("format") != FORMAT or entry.get("locaben") != __version__ or entry.get("code") != code_hash():
            return None
        for name, sha in entry["files"].items():
            if _sha(Path(name)) != sha:
                return None
        return _bank(entry["bank"], str(path))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def store(bank: Bank, files: list[Path]) -> None:
    """Write an entry atomically; a read-only or full cache directory is silently skipped."""
    import tempfile

    path = Path(bank.source_path)
    with contextlib.suppress(OSError):
        directory = cache_dir()
        directory.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # new parents private too
        directory.mkdir(exist_ok=True, mode=0o700)
        entry = {"format": FORMAT, "locaben": __version__, "code": code_hash(),
                 "files": {str(f.resolve()): _sha(f) for f in files}, "bank": _bank_json(bank)}
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")  # created 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                json.dump(entry, handle, ensure_ascii=False)
            os.replace(tmp, _entry_path(path))  # Windows refuses while another process reads the entry: a miss
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


# ---- Bank ⇄ JSON ----

def _text(t: Text | None) -> Any:
    return None if t is None else [list(pair) for pair in t.by_lang]


def _from_text(data: Any) -> Text | None:
    return None if data is None else Text(tuple((str(a), str(b)) for a, b in data))


def _condition(c: Condition | None) -> Any:
    if c is None:
        return None
    if isinstance(c, Compare):
        return {"compare": [c.question, c.op, list(c.values)]}
    if isinstance(c, Not):
        return {"not": _condition(c.item)}
    return {"all" if isinstance(c, AllOf) else "any": [_condition(i) for i in c.items]}


def _from_condition(data: Any) -> Condition | None:
    if data is None:
        return None
    if "compare" in data:
        question, op, values = data["compare"]
        return Compare(question, op, tuple(values))
    if "not" in data:
        return Not(_from_condition(data["not"]))  # type: ignore[arg-type]  # a cached "not" always holds a condition
    key = "all" if "all" in data else "any"
    items = tuple(_from_condition(i) for i in data[key])
    return (AllOf if key == "all" else AnyOf)(items)  # type: ignore[arg-type]  # cached all/any items are never empty conditions


TEXT_KEYS = ("text", "purpose", "hint", "example", "guidance", "unit", "item_label")
PLAIN_KEYS = ("id", "type", "section_id", "required", "voice", "thin_below", "always_probe", "min", "max",
              "suggested_items", "max_probes")
TUPLE_KEYS = ("fills", "forbid_status", "replaces", "listen_for", "header")


def _question(q: Question) -> dict[str, Any]:
    out: dict[str, Any] = {k: getattr(q, k) for k in PLAIN_KEYS}
    out.update({k: _text(getattr(q, k)) for k in TEXT_KEYS})
    out.update({k: list(getattr(q, k)) for k in TUPLE_KEYS})
    out["probes"] = [[_text(p.text), p.element, p.if_none, p.also_if_none] for p in q.probes]
    out["when"] = _condition(q.when)
    out["choices"] = [[c.id, _text(c.label)] for c in q.choices]
    out["fields"] = [[f.id, _text(f.label)] for f in q.fields]
    return out


def _from_question(d: dict[str, Any]) -> Question:
    kwargs: dict[str, Any] = {k: d[k] for k in PLAIN_KEYS}
    kwargs.update({k: _from_text(d[k]) for k in TEXT_KEYS})
    kwargs.update({k: tuple(d[k]) for k in TUPLE_KEYS})
    kwargs["probes"] = tuple(Probe(_from_text(t), element, bool(if_none), bool(also))  # type: ignore[arg-type]  # cached from a validated bank: text present
                             for t, element, if_none, also in d["probes"])
    kwargs["when"] = _from_condition(d["when"])
    kwargs["choices"] = tuple(Choice(i, _from_text(t)) for i, t in d["choices"])  # type: ignore[arg-type]  # cached from a validated bank: label present
    kwargs["fields"] = tuple(RecordField(i, _from_text(t)) for i, t in d["fields"])  # type: ignore[arg-type]  # cached from a validated bank: label present
    return Question(**kwargs)


def _bank_json(bank: Bank) -> dict[str, Any]:
    return {"id": bank.id, "version": bank.version, "title": _text(bank.title), "languages": list(bank.languages),
            "targets": bank.targets, "source_hash": bank.source_hash,
            "sections": [{"id": s.id, "title": _text(s.title), "guidance": _text(s.guidance),
                          "recap": list(s.recap), "questions": [_question(q) for q in s.questions]}
                         for s in bank.sections]}


def _bank(d: dict[str, Any], source_path: str) -> Bank:
    sections = tuple(Section(s["id"], _from_text(s["title"]), tuple(_from_question(q) for q in s["questions"]),  # type: ignore[arg-type]  # validated bank: title present
                             _from_text(s["guidance"]), tuple(s["recap"])) for s in d["sections"])
    return Bank(d["id"], d["version"], _from_text(d["title"]), tuple(d["languages"]), sections,  # type: ignore[arg-type]  # validated bank: title present
                d["targets"], source_hash=d["source_hash"], source_path=source_path)

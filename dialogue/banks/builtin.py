"""The banks and personas shipped inside the package (`dialogue.question_banks`), found in the folder the
import system locates for it — the same in a checkout, an editable install and an installed wheel — or
through `importlib.resources` where the package is not a folder (a zip). Not importlib.resources first: its
import (with zipfile and tempfile) cost ~8 ms of every start before the first question (issue 18).

A built-in bank is named by its id (the file's stem, which equals the `id:` inside it); anything else given
where a bank is expected is a path.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from dialogue.errors import BankNotFound

PACKAGE = "dialogue.question_banks"
STANDARD_BANK_ID = "locaben_standard"


def data_dir() -> Path:
    """The folder of the built-in banks (installed as package data), as the import system finds the package."""
    spec = find_spec(PACKAGE)
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    if locations and Path(locations[0]).is_dir():
        return Path(locations[0])
    from importlib.resources import files  # a package inside a zip

    return Path(str(files(PACKAGE)))


def personas_dir() -> Path:
    return data_dir() / "personas"


def bank_files() -> dict[str, Path]:
    """Built-in bank id → its file, in name order."""
    return {p.stem: p for p in sorted(data_dir().glob("*.yaml"))}


def persona_files() -> dict[str, Path]:
    """Built-in persona id → its file, in name order."""
    return {p.stem: p for p in sorted(personas_dir().glob("*.yaml"))}


def standard_bank_path() -> Path:
    return bank_files()[STANDARD_BANK_ID]


def resolve_bank(name: str | Path) -> Path:
    """A bank file: `name` as a path when such a file exists, else the built-in bank with that id.
    Raises `BankNotFound` naming the built-in banks when it is neither."""
    path = Path(name)
    if path.is_file():
        return path
    builtin = bank_files()
    if str(name) in builtin:
        return builtin[str(name)]
    if path.exists():
        raise BankNotFound(f"{name} is not a file (a folder?). Give a bank file (.yaml) or a built-in bank id: "
                           f"{', '.join(builtin)}")
    raise BankNotFound(f"no such bank: {name} (no file at that path, and no built-in bank with that id). "
                       f"Built-in banks: {', '.join(builtin)} (see `locaben bank list`).")

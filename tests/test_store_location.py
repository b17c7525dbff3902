"""Where the session store is (dialogue.store.location): one rule, each step of it, and a private folder."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dialogue.store.location import StoreLocation, default_user_data_dir, is_project_checkout, locate_store
from tests.helpers import ROOT

PYPROJECT = '[project]\nname = "locaben-dialogue"\nversion = "0"\n'


def user_dir(tmp_path: Path) -> Path:
    return tmp_path / "home" / ".local" / "share" / "locaben"


def make_checkout(folder: Path, pyproject: str = PYPROJECT, sessions: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    if sessions:
        (folder / "sessions").mkdir()
    return folder


def locate(tmp_path: Path, option: str | None = None, environ: dict[str, str] | None = None,
           cwd: Path | None = None) -> StoreLocation:
    return locate_store(option, environ or {}, cwd or tmp_path, lambda: user_dir(tmp_path))


def test_the_option_comes_first(tmp_path: Path) -> None:
    checkout = make_checkout(tmp_path / "repo")
    found = locate(tmp_path, "mine", {"LOCABEN_SESSIONS_DIR": str(tmp_path / "env")}, cwd=checkout)
    assert found == StoreLocation(checkout / "mine", "option")  # relative to the current folder
    assert found.describe() == f"store: {checkout / 'mine'} (from --sessions-dir)"


def test_then_the_environment_variable(tmp_path: Path) -> None:
    checkout = make_checkout(tmp_path / "repo")
    found = locate(tmp_path, None, {"LOCABEN_SESSIONS_DIR": str(tmp_path / "env")}, cwd=checkout)
    assert found == StoreLocation(tmp_path / "env", "environment")
    assert "(from LOCABEN_SESSIONS_DIR)" in found.describe()


def test_an_empty_variable_counts_as_unset(tmp_path: Path) -> None:
    assert locate(tmp_path, None, {"LOCABEN_SESSIONS_DIR": ""}).rule == "user"


def test_then_the_sessions_folder_of_a_project_checkout(tmp_path: Path) -> None:
    checkout = make_checkout(tmp_path / "repo")
    found = locate(tmp_path, cwd=checkout)
    assert found == StoreLocation(checkout / "sessions", "checkout")
    assert found.describe("ja") == f"保存先: {checkout / 'sessions'}（プロジェクトのチェックアウト内の sessions/）"


def test_this_repository_is_recognised_as_a_checkout() -> None:
    assert is_project_checkout(ROOT)
    assert not is_project_checkout(ROOT / "tests")  # a subfolder is not


@pytest.mark.parametrize("pyproject,sessions", [
    (PYPROJECT, False),  # no sessions/ folder beside it
    ('[project]\nname = "another-project"\n', True),  # somebody else's project
    ("[project\nname = 'locaben-dialogue'", True),  # not TOML
    ("\udcff", True),  # not UTF-8
    ('project = "locaben-dialogue"\n', True),  # no [project] table
])
def test_anything_else_is_not_a_checkout(tmp_path: Path, pyproject: str, sessions: bool) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "pyproject.toml").write_bytes(pyproject.encode("utf-8", "surrogateescape"))
    if sessions:
        (folder / "sessions").mkdir()
    assert locate(tmp_path, cwd=folder) == StoreLocation(user_dir(tmp_path) / "sessions", "user")


def test_a_plain_sessions_folder_is_not_enough(tmp_path: Path) -> None:
    (tmp_path / "sessions").mkdir()  # e.g. another tool's, in the folder the user happens to be in
    assert locate(tmp_path).rule == "user"


def test_otherwise_the_per_user_data_folder(tmp_path: Path) -> None:
    found = locate(tmp_path)
    assert found == StoreLocation(user_dir(tmp_path) / "sessions", "user")
    assert found.describe() == f"store: {user_dir(tmp_path) / 'sessions'} (from the per-user data folder)"
    assert not found.path.exists()  # deciding creates nothing


def test_the_real_per_user_folder_follows_the_platform_conventions(tmp_path: Path) -> None:
    code = "from dialogue.store.location import default_user_data_dir; print(default_user_data_dir())"
    env = dict(os.environ, HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "xdg"))
    printed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                             check=True, timeout=30).stdout.strip()
    if sys.platform.startswith("linux"):
        assert printed == str(tmp_path / "xdg" / "locaben")
    assert Path(printed).name == "locaben" and default_user_data_dir().name == "locaben"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_ensure_creates_the_store_private(tmp_path: Path) -> None:
    old = os.umask(0)  # the most permissive umask a user could have
    try:
        found = locate(tmp_path)
        assert found.ensure() == found.path
        assert mode(found.path) == 0o700 and mode(found.path.parent) == 0o700  # …/locaben/sessions
        shared = tmp_path / "shared"
        shared.mkdir(mode=0o777)
        os.chmod(shared, 0o777)
        locate(tmp_path, str(shared)).ensure()
        assert mode(shared) == 0o700  # an existing folder is made private too
    finally:
        os.umask(old)

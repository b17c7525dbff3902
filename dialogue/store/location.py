"""Where the session store is: one rule, the same from any folder (docs/store.md).

The first of these that applies wins:

1. `--sessions-dir DIR` on the command line;
2. the environment variable `LOCABEN_SESSIONS_DIR`;
3. `./sessions/`, but only when the current folder is a checkout of this project (its pyproject.toml names
   the project `locaben-dialogue` and a `sessions/` folder stands beside it) — developers keep the habit of
   the source tree, and nobody else ever gets a `sessions/` folder in whatever folder they started in;
4. the per-user data folder: `platformdirs.user_data_dir("locaben")/sessions` (Linux
   `~/.local/share/locaben/sessions`, macOS `~/Library/Application Support/locaben/sessions`, Windows
   `%LOCALAPPDATA%\\locaben\\sessions`), private to the user's account on every system.

`locate_store` only decides (it creates nothing); `StoreLocation.ensure()` creates the folder 0700.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from dialogue.i18n import say
from dialogue.record import Record, record

PROJECT_NAME = "locaben-dialogue"
ENV_VAR = "LOCABEN_SESSIONS_DIR"
APP_NAME = "locaben"

RULES = ("option", "environment", "checkout", "user")  # in the order they apply; words: `store.rule.<id>`


@record
class StoreLocation(Record):
    """The store's folder and the rule that chose it (a key of RULES)."""

    path: Path
    rule: str

    def describe(self, lang: str = "en") -> str:
        """`store: PATH (from …)`, for `locaben sessions` and `locaben --version`."""
        return say("store.where", lang, path=self.path, source=say(f"store.rule.{self.rule}", lang))

    def ensure(self) -> Path:
        """Create the folder (and missing parents) and make it private, 0700; for the per-user folder its
        `locaben` parent too. Returns the path."""
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        private = [self.path, self.path.parent] if self.rule == "user" else [self.path]
        for folder in private:
            with contextlib.suppress(OSError):  # not ours to change (a shared drive): the files stay 0600
                os.chmod(folder, 0o700)
        return self.path


def locate_store(option: str | os.PathLike[str] | None, environ: Mapping[str, str], cwd: Path,
                 user_data_dir: Callable[[], Path] | None = None) -> StoreLocation:
    """Apply the rule above. `user_data_dir` is the per-user data folder of the app (platformdirs' by
    default; tests give their own). A relative path from the option or the variable is taken from `cwd`."""
    if option:
        return StoreLocation(_absolute(Path(option), cwd), "option")
    if environ.get(ENV_VAR):
        return StoreLocation(_absolute(Path(environ[ENV_VAR]), cwd), "environment")
    if is_project_checkout(cwd):
        return StoreLocation(_absolute(Path("sessions"), cwd), "checkout")
    return StoreLocation((user_data_dir or default_user_data_dir)() / "sessions", "user")


def default_user_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def is_project_checkout(folder: Path) -> bool:
    """True when `folder` holds this project's pyproject.toml (name `locaben-dialogue`) beside a `sessions/`
    folder. Anything unreadable or unexpected means no."""
    if not (folder / "sessions").is_dir():
        return False
    import tomllib  # only here: `locaben --version` in any other folder does without it

    try:
        with open(folder / "pyproject.toml", "rb") as handle:
            project = tomllib.load(handle).get("project", {})
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False
    return isinstance(project, dict) and project.get("name") == PROJECT_NAME


def _absolute(path: Path, cwd: Path) -> Path:
    path = path.expanduser()
    return path if path.is_absolute() else cwd / path

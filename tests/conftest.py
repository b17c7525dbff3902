"""Fixtures every test module may use.

- Every test gets its own bank cache directory and user config folder, so no test reads or writes the
  user's ~/.cache or ~/.config/locaben, nor stores a key in the real OS keyring.
- `locaben_command`: the command under test for the end-to-end tests, taken from ONE place: the environment
  variable LOCABEN_COMMAND (a command line, split like a shell would; CI points it at the `locaben` of an
  installed wheel), or else `python -m dialogue` run by this interpreter.
- `session_holder`: a real second process holding a session's lock, as another locaben window would.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (CI is never red by chance); LOCABEN_HYPOTHESIS=explore
# draws new ones at each run, to look for trouble.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", max_examples=1000)
settings.load_profile(os.environ.get("LOCABEN_HYPOTHESIS", "repeatable"))


@pytest.fixture(autouse=True)
def private_bank_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCABEN_CACHE_DIR", str(tmp_path_factory.mktemp("bank-cache")))


@pytest.fixture(autouse=True)
def private_user_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's settings (~/.config/locaben: the device id every event carries), and
    a developer's LOCABEN_SERVER / LOCABEN_USER never reach a test (no interview syncs to a real server)."""
    config = tmp_path_factory.mktemp("user-config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))  # platformdirs, for an Env given its own environ
    monkeypatch.setenv("LOCABEN_CONFIG_DIR", str(config / "locaben"))  # child processes
    for name in ("LOCABEN_SERVER", "LOCABEN_USER"):
        monkeypatch.delenv(name, raising=False)
    # …and no test stores a key in the real OS keyring: `keyring` has no backend (as on a headless Linux);
    # tests of the keyring scheme give one of their own (tests/protect_support.py)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


def command_under_test() -> list[str]:
    """The `locaben` command the end-to-end tests run, as an argument list."""
    configured = os.environ.get("LOCABEN_COMMAND", "").strip()
    return shlex.split(configured) if configured else [sys.executable, "-m", "dialogue"]


@pytest.fixture
def locaben_command() -> list[str]:
    return command_under_test()


HOLD_SCRIPT = """
import sys
from pathlib import Path
from dialogue.store.journal import SessionStore
with SessionStore(Path(sys.argv[1])).lock(sys.argv[2]):
    print("held", flush=True)
    sys.stdin.read()  # until the test closes our standard input, or kills us
"""


@pytest.fixture
def session_holder() -> Iterator[Callable[[Path, str], subprocess.Popen[str]]]:
    """Start a process that takes the lock of session `id` in `store` and keeps it until its standard input is
    closed (or it is killed); returns once the lock is held."""
    started: list[subprocess.Popen[str]] = []

    def start(store: Path, session_id: str) -> subprocess.Popen[str]:
        child = subprocess.Popen([sys.executable, "-c", HOLD_SCRIPT, str(store), session_id], text=True,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        started.append(child)
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line == "held\n", (line, child.stderr.read() if child.stderr else "")
        return child

    yield start
    for child in started:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=10)
        for stream in (child.stdin, child.stdout, child.stderr):
            if stream is not None:
                stream.close()

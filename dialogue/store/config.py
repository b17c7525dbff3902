"""The per-user settings file and the identity every new event carries.

One table, `KEYS`, declares every setting: its type, its help text, its default and the environment variable
that overrides it; `locaben config get/set/list`, the docs and the checks are all derived from it (another
module adds a setting by adding a row). The file is JSON in the user's config folder
(`platformdirs.user_config_dir("locaben")`, or `$LOCABEN_CONFIG_DIR`), written atomically and 0600 in a
0700 folder. The same folder holds `device`, a random id made once per install, so events can say on which
laptop they were written.

Nothing here needs a server: with no `server.url` everything works on local journals, as before.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import secrets
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from dialogue.errors import ExitStatus, LocabenError
from dialogue.i18n import Message
from dialogue.record import Record, record

CONFIG_FILE = "config.json"
DEVICE_FILE = "device"


class ConfigError(LocabenError):
    """An unknown setting, a value of the wrong type, or a settings file that cannot be read or written.
    Worded from the catalogue in the user's language; `str()` is the English text."""

    exit_status = ExitStatus.USAGE

    def __init__(self, key: str, **values: object):
        self.message = Message(key, values)
        super().__init__(self.message.text("en"))

    def text(self, lang: str) -> str:
        return self.message.text(lang)


def _text(value: str) -> str:
    return value.strip()


def _flag(value: str) -> bool:
    word = value.strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off"):
        return False
    raise ValueError("config.expected_flag")


def _server_url(value: str) -> str:
    url = value.strip()
    if url and not url.startswith(("postgresql://", "postgres://")):
        raise ValueError("config.expected_url")
    return url


@record
class ConfigKey(Record):
    """One setting: how a typed value is read from text (a ValueError's argument is the catalogue key of
    what is wrong), what overrides it, its default. What it means is the message `config.key.<name>`."""

    name: str
    parse: Callable[[str], Any]
    type_name: str
    env: str = ""
    default: Callable[[], Any] | None = None

    @property
    def help_key(self) -> str:
        return f"config.key.{self.name}"

    def read(self, text: str) -> Any:
        """The typed value of `text`; ConfigError saying what is wrong with it."""
        try:
            return self.parse(text)
        except ValueError as exc:
            raise ConfigError("config.bad_value", name=self.name, text=text,
                              problem=Message(str(exc))) from None


def _os_user() -> str:
    """The login name on Linux, macOS and Windows alike; '' when the OS cannot tell."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no USER/LOGNAME and no password entry
        return ""


KEYS: tuple[ConfigKey, ...] = (
    ConfigKey("user.id", _text, "text", env="LOCABEN_USER", default=_os_user),
    ConfigKey("user.name", _text, "text"),
    ConfigKey("server.url", _server_url, "url", env="LOCABEN_SERVER"),
    ConfigKey("store.encrypt", _flag, "true/false", default=lambda: False),
)
KEYS_BY_NAME: dict[str, ConfigKey] = {k.name: k for k in KEYS}


def config_dir(environ: Mapping[str, str]) -> Path:
    """`$LOCABEN_CONFIG_DIR`, else the platform's per-user config folder (~/.config/locaben on Linux,
    %APPDATA%\\locaben on Windows, ~/Library/Application Support/locaben on macOS)."""
    configured = environ.get("LOCABEN_CONFIG_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_config_dir("locaben", appauthor=False))


def key(name: str) -> ConfigKey:
    if name not in KEYS_BY_NAME:
        raise ConfigError("config.no_setting", name=name, names=", ".join(KEYS_BY_NAME))
    return KEYS_BY_NAME[name]


class Config:
    """The settings file of one user, with the environment's overrides on top."""

    def __init__(self, folder: Path, environ: Mapping[str, str]):
        self.folder = Path(folder)
        self.environ = environ
        self.path = self.folder / CONFIG_FILE

    @classmethod
    def load(cls, environ: Mapping[str, str]) -> Config:
        return cls(config_dir(environ), environ)

    def stored(self) -> dict[str, Any]:
        """What the file holds (unknown keys written by a newer locaben are kept, not used)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise ConfigError("config.unreadable", path=self.path, reason=exc.strerror or exc) from None
        try:
            data = json.loads(text)
        except ValueError:
            raise ConfigError("config.bad_json", path=self.path) from None
        if not isinstance(data, dict):
            raise ConfigError("config.not_object", path=self.path)
        return data

    def get(self, name: str) -> Any:
        return self.lookup(name)[0]

    def lookup(self, name: str) -> tuple[Any, str]:
        """The value in force and where it comes from: 'env', 'file', 'default' or 'unset'."""
        spec = key(name)
        if spec.env and self.environ.get(spec.env):
            try:
                return spec.read(self.environ[spec.env]), "env"
            except ConfigError as exc:
                raise ConfigError("config.bad_env", env=spec.env, problem=exc.message) from None
        stored = self.stored()
        if name in stored:
            return stored[name], "file"
        if spec.default is not None:
            return spec.default(), "default"
        return None, "unset"

    def set(self, name: str, text: str) -> Any:
        value = key(name).read(text)
        data = self.stored()
        data[name] = value
        self._write(data)
        return value

    def unset(self, name: str) -> None:
        key(name)
        data = self.stored()
        if data.pop(name, None) is not None:
            self._write(data)

    def _write(self, data: dict[str, Any]) -> None:
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        ensure_private_folder(self.folder)
        write_atomically(self.path, text.encode("utf-8"))

    def identity(self) -> dict[str, str]:
        """Who writes the events from this install: staff id, display name (the id when unset), device.

        A file that names its staff id keeps its `user.name` for that id: when LOCABEN_USER names someone
        else, their id stands in for their name rather than another person's name."""
        user_id = str(self.get("user.id") or "")
        file_id = self.stored().get("user.id")
        name = str(self.get("user.name") or "") if file_id in (None, user_id) else ""
        return {"id": user_id, "name": name or user_id, "device": device_id(self.folder)}


def device_id(folder: Path) -> str:
    """A random id for this install, made once and kept in the config folder; stable across runs.

    '' when the folder can be neither read nor written (a read-only profile): the events then say who wrote
    them but not on which device — an interview is never refused for want of a device id."""
    path = Path(folder) / DEVICE_FILE
    try:
        return _read_device(path) or _make_device(path)
    except (OSError, UnicodeError):
        return ""


def _read_device(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def _make_device(path: Path) -> str:
    ensure_private_folder(path.parent)
    new = secrets.token_hex(8)
    try:
        _link_new(path, new.encode("ascii"))
    except FileExistsError:  # another process made it first: use theirs
        return _read_device(path)
    return new


def ensure_private_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(folder, 0o700)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data`: the old file or the new one, never a mix (temp file, fsync, rename)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ConfigError("config.cannot_write", path=path, reason=exc.strerror or exc) from None
    _fsync_folder(path.parent)


def _link_new(path: Path, data: bytes) -> None:
    """Create `path` whole or not at all; FileExistsError when it is already there."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:  # no hard links (FAT, some network drives): an exclusive create instead
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
                handle.write(data)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

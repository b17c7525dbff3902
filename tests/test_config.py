"""The per-user settings: one table of keys, a private file written atomically, env overrides, and the
identity (staff id, name, device) every new event carries. No server is needed for any of it."""

from __future__ import annotations

import io
import json
import os
import stat
import sys
from pathlib import Path

import pytest

from dialogue.cli.main import Env, main
from dialogue.store.config import KEYS, Config, ConfigError, config_dir
from tests.helpers import ticking_clock


def run(args: list[str], environ: dict[str, str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, Env(stdin=io.StringIO(""), stdout=out, stderr=err, clock=ticking_clock(),
                          environ={"NO_COLOR": "1", **environ}))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def environ(tmp_path: Path) -> dict[str, str]:
    return {"LOCABEN_CONFIG_DIR": str(tmp_path / "config")}


def test_set_get_list_through_the_command(environ: dict[str, str], tmp_path: Path) -> None:
    assert run(["config", "set", "user.id", "tanaka"], environ)[0] == 0
    assert run(["config", "set", "user.name", "田中 一郎"], environ)[0] == 0
    assert run(["config", "set", "store.encrypt", "yes"], environ)[0] == 0
    assert run(["config", "get", "user.name"], environ)[1] == "田中 一郎\n"
    assert run(["config", "get", "store.encrypt"], environ)[1] == "true\n"
    listing = run(["config", "list"], environ)[1]
    assert "user.id = tanaka  （設定ファイル）" in listing and "server.url =   （未設定）" in listing
    english = run(["config", "list", "--lang", "en"], environ)[1]
    assert "user.id = tanaka  (file)" in english and "server.url =   (unset)" in english
    stored = json.loads((tmp_path / "config" / "config.json").read_text(encoding="utf-8"))
    assert stored == {"store.encrypt": True, "user.id": "tanaka", "user.name": "田中 一郎"}
    assert run(["config", "unset", "user.name"], environ)[0] == 0
    assert run(["config", "get", "user.name"], environ)[1] == "\n"


def test_mistakes_are_refused_with_the_reason(environ: dict[str, str]) -> None:
    code, _, err = run(["config", "set", "user.idd", "x"], environ)
    assert code == 2 and "設定項目「user.idd」はありません" in err and "user.id" in err
    code, _, err = run(["config", "set", "server.url", "http://example.invalid"], environ)
    assert code == 2 and "PostgreSQL の URL で指定してください" in err and "http://example.invalid" in err
    code, _, err = run(["config", "set", "store.encrypt", "maybe", "--lang", "en"], environ)
    assert code == 2 and "store.encrypt: expected true or false (got 'maybe')" in err
    code, _, err = run(["config", "list"], {**environ, "LOCABEN_SERVER": "http://example.invalid"})
    assert code == 2 and "環境変数 LOCABEN_SERVER の値が使えません" in err and "Traceback" not in err


def test_the_file_is_private_and_replaced_whole(environ: dict[str, str], tmp_path: Path) -> None:
    config = Config.load(environ)
    config.set("user.id", "tanaka")
    config.set("user.name", "田中")
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(config.path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(config.folder).st_mode) == 0o700
    assert sorted(p.name for p in config.folder.iterdir()) == ["config.json"]  # no temporary file left


def test_the_environment_overrides_the_file(environ: dict[str, str]) -> None:
    Config.load(environ).set("user.id", "tanaka")
    Config.load(environ).set("server.url", "postgresql://db.example/locaben")
    overridden = Config.load({**environ, "LOCABEN_USER": "suzuki", "LOCABEN_SERVER": "postgresql://other/x"})
    assert overridden.lookup("user.id") == ("suzuki", "env")
    assert overridden.lookup("server.url") == ("postgresql://other/x", "env")
    assert Config.load(environ).lookup("user.id") == ("tanaka", "file")


def test_the_os_user_is_the_default_id_and_the_device_id_is_stable(environ: dict[str, str]) -> None:
    import getpass

    config = Config.load(environ)
    assert config.lookup("user.id") == (getpass.getuser(), "default")
    first = config.identity()
    assert first == {"id": getpass.getuser(), "name": getpass.getuser(), "device": first["device"]}
    assert len(first["device"]) == 16
    assert Config.load(environ).identity()["device"] == first["device"]  # made once, kept
    Config.load(environ).set("user.name", "田中 一郎")
    assert Config.load(environ).identity()["name"] == "田中 一郎"


def test_a_name_is_never_given_to_another_staff_id(environ: dict[str, str]) -> None:
    config = Config.load(environ)
    config.set("user.id", "tanaka")
    config.set("user.name", "田中 一郎")
    assert Config.load({**environ, "LOCABEN_USER": "tanaka"}).identity()["name"] == "田中 一郎"
    someone_else = Config.load({**environ, "LOCABEN_USER": "sato"}).identity()
    assert (someone_else["id"], someone_else["name"]) == ("sato", "sato")  # not 田中 一郎's name


def test_a_damaged_file_is_reported_not_overwritten(environ: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "config" / "config.json"
    path.parent.mkdir()
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid JSON"):  # str(): English, for logs
        Config.load(environ).set("user.id", "x")
    assert path.read_text(encoding="utf-8") == "{not json"


def test_the_default_folder_is_the_platform_user_config_folder() -> None:
    import platformdirs

    assert config_dir({}) == Path(platformdirs.user_config_dir("locaben", appauthor=False))


def test_every_key_has_a_type_and_help_in_both_languages() -> None:
    from dialogue.i18n import say

    assert [k.name for k in KEYS][:4] == ["user.id", "user.name", "server.url", "store.encrypt"]
    assert all(k.type_name and say(k.help_key, "ja") and say(k.help_key, "en") for k in KEYS)
    assert len({k.name for k in KEYS}) == len(KEYS)


def test_with_no_server_configured_the_team_commands_say_how_to_set_one(environ: dict[str, str],
                                                                        tmp_path: Path) -> None:
    code, _, err = run(["sync", "--sessions-dir", str(tmp_path / "s")], environ)
    assert code == 7 and "チームサーバーが設定されていません: locaben config set server.url" in err
    assert not (tmp_path / "s").exists()  # nothing was written either

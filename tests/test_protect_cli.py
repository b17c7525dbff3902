"""Protecting customer data through the real `locaben` commands: `config set store.encrypt on`, `store
encrypt`, `store rekey`, `store status`, a wrong passphrase, the administrator's policy, `audit [--verify]`,
`delete`, `purge`, and compiled files that are private and marked as customer data.

Keys are real: Argon2id at the default cost where `locaben` makes them, a file-backed `keyring` backend for
the keyring scheme, and LOCABEN_PASSPHRASE as a script gives it."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import jsonschema
import keyring
import pytest

from dialogue.store.keys import PASSPHRASE_ENV, SERVICE, STORE_KEY_FILE
from tests.helpers import MINI_BANK, ROOT, run_cli
from tests.protect_support import ENV, PASSPHRASE, FileKeyring, encrypted_store, environ_of_kind

ANSWERS = ("株式会社みどり精工", "創業は1978年、長野県上田市で父が旋盤2台から始めました")


class Laptop:
    """One user's computer: a settings folder, a store, an output folder; `locaben …` as typed."""

    def __init__(self, root: Path, environ: dict[str, str] | None = None):
        self.root = root
        self.sessions = root / "sessions"
        self.environ = {"LOCABEN_CONFIG_DIR": str(root / "config"), "COLUMNS": "200", **(environ or {})}

    def run(self, *args: str, stdin: str = "", **extra: str) -> tuple[int, str, str]:
        return run_cli([*args, "--sessions-dir", str(self.sessions)] if args[0] != "config" else list(args), stdin,
                   {**self.environ, **extra})

    def ok(self, *args: str, stdin: str = "", **extra: str) -> tuple[str, str]:
        code, out, err = self.run(*args, stdin=stdin, **extra)
        assert code == 0, (args, out, err)
        return out, err

    def interview(self, *lines: str) -> str:
        before = set(self.sessions.glob("*.jsonl"))
        self.ok("interview", "--plain", "--lang", "ja", "--bank", str(MINI_BANK),
                stdin="\n".join([*(lines or (ANSWERS[0], "24", ANSWERS[1])), "/pause"]) + "\n")
        (new,) = set(self.sessions.glob("*.jsonl")) - before
        return new.stem

    def snapshot(self) -> dict[str, str]:
        return {str(p.relative_to(self.root)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(self.root.rglob("*")) if p.is_file() and "config" not in p.parts}

    def audit(self) -> list[dict[str, object]]:
        return json.loads(self.ok("audit", "--json")[0])


def assert_no_answer_text(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            for text in ANSWERS:
                assert text.encode() not in path.read_bytes(), f"{text} in {path}"


# ---- encryption on, by setting or by command ----

def test_store_encrypt_on_in_the_settings_encrypts_a_new_store(tmp_path: Path) -> None:
    laptop = Laptop(tmp_path, ENV)
    laptop.ok("config", "set", "store.encrypt", "on")
    laptop.interview()
    key = json.loads((laptop.sessions / STORE_KEY_FILE).read_text(encoding="utf-8"))
    assert key["scheme"] == "passphrase" and key["kdf"]["name"] == "argon2id"  # no keyring here: said so
    assert_no_answer_text(laptop.sessions)
    out, _ = laptop.ok("store", "status", "--lang", "ja")
    assert "暗号化済み 1 件、平文 0 件" in out
    listed = json.loads(laptop.ok("sessions", "--json")[0])
    assert listed[0]["company"] == ANSWERS[0]


def test_without_a_keyring_the_passphrase_fallback_is_said(tmp_path: Path) -> None:
    laptop = Laptop(tmp_path, ENV)
    laptop.ok("config", "set", "store.encrypt", "on")
    code, _, err = laptop.run("interview", "--plain", "--lang", "ja", "--bank", str(MINI_BANK), stdin="/pause\n")
    assert code == 0 and "keyring cannot be used" in err and "passphrase instead" in err


def test_store_encrypt_converts_every_session_and_nothing_is_lost(tmp_path: Path) -> None:
    laptop = Laptop(tmp_path)
    first, second = laptop.interview(), laptop.interview("株式会社さくら食品")
    laptop.ok("compile", first, "-o", str(tmp_path / "out"))
    before = json.loads(laptop.ok("sessions", "--json")[0])
    out, _ = laptop.ok("store", "encrypt", "--passphrase", "--lang", "ja", **ENV)
    assert f"{first}: 暗号化しました" in out and f"{second}: 暗号化しました" in out and "2 件中 2 件" in out
    assert_no_answer_text(laptop.sessions)
    assert json.loads(laptop.ok("sessions", "--json", **ENV)[0]) == before
    out, _ = laptop.ok("store", "encrypt", "--passphrase", "--lang", "ja", **ENV)
    assert f"{first}: 暗号化済み" in out and "2 件中 0 件" in out
    laptop.ok("resume", first, "--plain", "--lang", "ja", stdin="いない\n/pause\n", **ENV)
    assert [e["action"] for e in laptop.audit()].count("encrypt") == 2


def test_the_keyring_scheme_needs_no_passphrase(tmp_path: Path) -> None:
    backend = FileKeyring(tmp_path / "os-keyring.json")
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        laptop = Laptop(tmp_path)
        sid = laptop.interview()
        laptop.ok("store", "encrypt")
        key = json.loads((laptop.sessions / STORE_KEY_FILE).read_text(encoding="utf-8"))
        assert key["scheme"] == "keyring" and backend.get_password(SERVICE, key["kid"])
        assert_no_answer_text(laptop.sessions)
        laptop.ok("resume", sid, "--plain", "--lang", "ja", stdin="/pause\n")  # no passphrase anywhere
        backend.path.unlink()  # another computer: its keyring does not hold the key
        code, _, err = laptop.run("resume", sid, "--plain", "--lang", "ja", stdin="/pause\n")
        assert code == 4 and "does not hold it" in err and "rekey --passphrase" in err
    finally:
        keyring.set_keyring(previous)


# ---- a wrong key ----

def test_a_wrong_passphrase_is_a_clear_error_and_changes_nothing(tmp_path: Path) -> None:
    laptop = Laptop(tmp_path, environ_of_kind("encrypted"))
    encrypted_store(laptop.sessions)
    sid = laptop.interview()
    path = laptop.sessions / f"{sid}.jsonl"
    path.write_bytes(path.read_bytes()[:-30])  # a torn line a resume would repair: it must not be touched
    before = laptop.snapshot()
    wrong = {PASSPHRASE_ENV: "これは違う合言葉です wrong"}
    for args in (("resume", sid, "--plain"), ("compile", sid, "-o", str(tmp_path / "out")),
                 ("store", "encrypt", "--passphrase")):
        code, _, err = laptop.run(*args, stdin="/pause\n", **wrong)
        assert code == 4, (args, err)
        assert "wrong passphrase" in err and "Nothing was changed" in err and "Traceback" not in err
    assert laptop.snapshot() == {k: v for k, v in laptop.snapshot().items() if k in before} == before
    code, _, err = run_cli(["resume", sid, "--plain", "--sessions-dir", str(laptop.sessions)], "/pause\n",
                       {"LOCABEN_CONFIG_DIR": str(tmp_path / "config")})  # no passphrase, no terminal
    assert code == 4 and PASSPHRASE_ENV in err


def test_rekey_moves_the_store_to_a_new_passphrase(tmp_path: Path) -> None:
    laptop = Laptop(tmp_path, environ_of_kind("encrypted"))
    encrypted_store(laptop.sessions)
    sid = laptop.interview()
    lines = (laptop.sessions / f"{sid}.jsonl").read_bytes().split(b"\n")[1:]
    out, _ = laptop.ok("store", "rekey", "--passphrase", "--lang", "ja", LOCABEN_NEW_PASSPHRASE="新しい合言葉 2027年版")
    assert "1 件中 1 件を新しい鍵" in out
    assert (laptop.sessions / f"{sid}.jsonl").read_bytes().split(b"\n")[1:] == lines  # event lines untouched
    code, _, err = laptop.run("resume", sid, "--plain", stdin="/pause\n")
    assert code == 4 and "wrong passphrase" in err
    laptop.ok("resume", sid, "--plain", "--lang", "ja", stdin="/pause\n", LOCABEN_PASSPHRASE="新しい合言葉 2027年版")


# ---- the administrator's policy ----

def test_a_policy_requiring_encryption_refuses_plaintext_and_encrypts_new_sessions(tmp_path: Path) -> None:
    laptop = Laptop(tmp_path)
    old = laptop.interview()
    policy = tmp_path / "policy.toml"
    policy.write_text("[store]\nrequire_encryption = true\n", encoding="utf-8")
    strict = {"LOCABEN_POLICY": str(policy), **ENV}
    code, _, err = laptop.run("resume", old, "--plain", stdin="/pause\n", **strict)
    assert code == 4 and "policy requires encryption" in err and "locaben store encrypt" in err
    listed = json.loads(laptop.ok("sessions", "--json", **strict)[0])
    assert listed[0]["state"] == "unreadable"
    laptop.environ.update(strict)
    new = laptop.interview()
    assert (laptop.sessions / STORE_KEY_FILE).exists()
    assert b"crypto" in (laptop.sessions / f"{new}.jsonl").read_bytes().split(b"\n")[0]
    laptop.ok("store", "encrypt")
    laptop.ok("resume", old, "--plain", "--lang", "ja", stdin="/pause\n")
    assert_no_answer_text(laptop.sessions)


def test_a_policy_can_forbid_the_environment_passphrase(tmp_path: Path) -> None:
    laptop = Laptop(tmp_path, environ_of_kind("encrypted"))
    encrypted_store(laptop.sessions)
    sid = laptop.interview()
    policy = tmp_path / "policy.toml"
    policy.write_text("[keys]\nallow_env_passphrase = false\n", encoding="utf-8")
    code, _, err = laptop.run("resume", sid, "--plain", stdin="/pause\n", LOCABEN_POLICY=str(policy))
    assert code == 4 and "no terminal to ask" in err


def test_a_policy_file_that_cannot_be_understood_stops_everything(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("[store]\nrequire_encryptoin = true\n", encoding="utf-8")
    code, _, err = Laptop(tmp_path).run("sessions", LOCABEN_POLICY=str(policy))
    assert code == 2 and "require_encryptoin" in err


# ---- compiled files ----

def test_compiled_files_are_private_and_marked_as_customer_data(tmp_path: Path) -> None:
    laptop = Laptop(tmp_path)
    sid = laptop.interview()
    out = tmp_path / "out"
    laptop.ok("compile", sid, "-o", str(out))
    files = {p.name: p for p in out.iterdir()}
    assert {stat.S_IMODE(p.stat().st_mode) for p in files.values()} == {0o600}
    note = "取扱注意：顧客情報を含みます"
    assert files[f"{sid}-sheet.md"].read_text(encoding="utf-8").rstrip().endswith(f"**{note}（個人情報保護法・金融分野"
                                                                                   "ガイドラインの対象）。権限のない人に渡さないでください。**")
    assert note in files[f"{sid}-transcript.md"].read_text(encoding="utf-8")
    page = files[f"{sid}-sheet.html"].read_text(encoding="utf-8")
    assert '<meta name="classification" content="customer-data">' in page
    body = page.split("<body", 1)[1].split(">", 1)[1].lstrip()
    assert body.startswith('<p class="classification" role="note"><strong>' + note)  # the first thing printed
    sheet = json.loads(files[f"{sid}-sheet.json"].read_text(encoding="utf-8"))
    assert sheet["metadata"]["classification"] == "customer-data"
    schema = json.loads((ROOT / "dialogue" / "sheet" / "sheet.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(sheet)
    with zipfile.ZipFile(files[f"{sid}-sheet.xlsx"]) as book:
        core = book.read("docProps/core.xml").decode("utf-8")
        assert "<cp:keywords>customer-data</cp:keywords>" in core and "取扱注意（顧客情報）" in core
    import openpyxl

    workbook = openpyxl.load_workbook(files[f"{sid}-sheet.xlsx"])
    assert workbook.properties.keywords == "customer-data"
    assert workbook.active.cell(1, 1).value is not None  # still a whole workbook


def test_an_encrypted_store_refuses_to_compile_into_a_folder_others_can_read(tmp_path: Path) -> None:
    laptop = Laptop(tmp_path, environ_of_kind("encrypted"))
    encrypted_store(laptop.sessions)
    sid = laptop.interview()
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    code, _, err = laptop.run("compile", sid, "-o", str(shared), "--lang", "ja")
    assert code == 2 and "他のユーザーが読めるフォルダ" in err and "755" in err
    assert list(shared.iterdir()) == []
    assert "compile" not in [e["action"] for e in laptop.audit()]
    os.chmod(shared, 0o700)
    laptop.ok("compile", sid, "-o", str(shared))
    plain = Laptop(tmp_path / "plain")
    plain_sid = plain.interview()
    os.chmod(shared, 0o755)
    plain.ok("compile", plain_sid, "-o", str(shared))  # a plaintext store is already readable as it is


# ---- the audit log ----

def test_every_open_resume_compile_and_delete_is_audited_without_content(tmp_path: Path) -> None:
    laptop = Laptop(tmp_path, {"LOCABEN_USER": "tanaka"})
    laptop.ok("config", "set", "user.name", "田中 一郎")
    sid = laptop.interview()
    laptop.ok("resume", sid, "--plain", "--lang", "ja", stdin="/pause\n")
    laptop.ok("compile", sid, "-o", str(tmp_path / "out"), "--format", "md,json")
    laptop.ok("delete", sid, "--yes")
    entries = laptop.audit()
    assert [(e["action"], e["session"]) for e in entries] == [("open", sid), ("resume", sid), ("compile", sid),
                                                              ("delete", sid)]
    assert {e["by"]["id"] for e in entries} == {"tanaka"} and {e["by"]["name"] for e in entries} == {"田中 一郎"}
    assert entries[2]["detail"] == {"formats": ["md", "json"], "events": entries[2]["detail"]["events"]}
    assert [Path(f).name for f in entries[2]["files"]] == [f"{sid}-sheet.md", f"{sid}-sheet.json"]
    log = (laptop.sessions / "audit.log").read_bytes()
    for text in ANSWERS:
        assert text.encode() not in log
    out, _ = laptop.ok("audit", "--lang", "ja")
    assert "田中 一郎  compile" in out
    out, _ = laptop.ok("audit", "--verify", "--lang", "ja")
    assert "改ざんされていません（4 件" in out


@pytest.mark.parametrize("tamper", ["delete", "change"])
def test_audit_verify_finds_a_deleted_or_changed_entry(tmp_path: Path, tamper: str) -> None:
    laptop = Laptop(tmp_path)
    sid = laptop.interview()
    laptop.ok("resume", sid, "--plain", "--lang", "ja", stdin="/pause\n")
    laptop.ok("compile", sid, "-o", str(tmp_path / "out"))
    log = laptop.sessions / "audit.log"
    lines = log.read_bytes().split(b"\n")
    if tamper == "delete":
        del lines[1]
    else:
        lines[1] = lines[1].replace(b'"resume"', b'"open"')
    log.write_bytes(b"\n".join(lines))
    code, _, err = laptop.run("audit", "--verify", "--lang", "en")
    assert code == 1 and "line 2" in err
    assert ("missing" if tamper == "delete" else "changed") in err


# ---- delete and purge ----

def test_delete_asks_first_and_then_removes_every_file_of_the_session(tmp_path: Path) -> None:
    laptop = Laptop(tmp_path)
    sid, other = laptop.interview(), laptop.interview("株式会社さくら食品")
    laptop.ok("compile", sid, "-o", str(tmp_path / "out"))
    laptop.ok("compile", sid, "-o", str(tmp_path / "usb"), "--format", "json")
    laptop.ok("compile", other, "-o", str(tmp_path / "out"))
    (tmp_path / "out" / "my-notes.txt").write_text("自分のメモ", encoding="utf-8")
    (laptop.sessions / f"{sid}.jsonl.bak1").write_bytes(b"a backup")
    before = laptop.snapshot()
    code, out, err = laptop.run("delete", sid, "--lang", "ja", stdin="n\n")
    assert code == 1 and "中止しました" in err and laptop.snapshot() == before
    assert f"{sid}-sheet.json" in out and "usb" in out  # the plan lists every file, the folders from the log too
    code, out, err = laptop.run("delete", sid, "--lang", "ja", stdin="y\n")
    assert code == 0 and f"セッション {sid} を削除しました" in out
    left = laptop.snapshot()
    assert not [name for name in left if sid in name]
    untouched = {k: v for k, v in before.items() if sid not in k and "audit" not in k and "manifest" not in k}
    assert {k: v for k, v in left.items() if k in untouched} == untouched  # everything else as it was
    assert set(left) - set(before) == set()
    assert (tmp_path / "out" / "my-notes.txt").exists() and (laptop.sessions / f"{other}.jsonl").exists()
    assert laptop.audit()[-1]["action"] == "delete"
    code, _, err = laptop.run("delete", sid, "--yes")
    assert code == 4 and "nothing of session" in err


def test_purge_is_a_dry_run_until_apply(tmp_path: Path) -> None:
    laptop = Laptop(tmp_path)
    old, recent = laptop.interview(), laptop.interview("株式会社さくら食品")
    six_years_ago = (datetime.now() - timedelta(days=6 * 366)).timestamp()
    os.utime(laptop.sessions / f"{old}.jsonl", (six_years_ago, six_years_ago))
    out, _ = laptop.ok("purge", "--older-than", "5y", "--lang", "ja")
    assert old in out and recent not in out and "1 件あります（確認のみ" in out
    assert (laptop.sessions / f"{old}.jsonl").exists()
    out, _ = laptop.ok("purge", "--older-than", "5y", "--apply", "--lang", "ja")
    assert "1 件を削除しました" in out
    assert not (laptop.sessions / f"{old}.jsonl").exists() and (laptop.sessions / f"{recent}.jsonl").exists()
    assert [e["detail"].get("reason") for e in laptop.audit() if e["action"] == "delete"] == ["purge"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_new_command_has_its_help_from_the_catalogue(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    from dialogue.i18n import say

    def squeezed(text: str) -> str:
        return "".join(text.split())

    for command, key in ((["store", "encrypt"], "store_encrypt"), (["store", "rekey"], "store_rekey"),
                         (["store", "status"], "store_status"), (["audit"], "audit"), (["delete", "x"], "delete"),
                         (["purge"], "purge")):
        with pytest.raises(SystemExit) as done:
            run_cli([*command, "--help", "--lang", lang])  # argparse prints the help to sys.stdout and exits
        out = capsys.readouterr().out
        assert done.value.code == 0 and squeezed(say(f"help.{key}", lang)) in squeezed(out), (command, out)


def test_the_passphrase_in_the_environment_is_never_written_anywhere(tmp_path: Path) -> None:
    laptop = Laptop(tmp_path, environ_of_kind("encrypted"))
    encrypted_store(laptop.sessions)
    sid = laptop.interview()
    laptop.ok("compile", sid, "-o", str(tmp_path / "out"))
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert PASSPHRASE.encode() not in path.read_bytes(), path


def test_the_filed_sheet_is_audited_and_written_privately_like_every_compile(tmp_path: Path) -> None:
    laptop = Laptop(tmp_path)
    sid = laptop.interview()
    out = tmp_path / "filed"
    laptop.ok("compile", sid, "--filing", "-o", str(out))
    written = sorted(out.iterdir())
    assert written and {stat.S_IMODE(p.stat().st_mode) for p in written if p.is_file()} == {0o600}
    compiles = [e for e in laptop.audit() if e["action"] == "compile" and e["session"] == sid]
    assert len(compiles) == 1 and "filing" in json.dumps(compiles[0], ensure_ascii=False)

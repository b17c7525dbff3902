"""Encryption at rest: the line codec, its keys, and the store's encrypt / rekey conversions.

Real journals (a whole interview of the standard bank, written by `SessionStore`), real AES-GCM, real
Argon2id/scrypt (at a cheap cost recorded in the header), and the `keyring` library's own backends:
its fail backend (what a headless Linux has) and a small in-memory backend for the keyring scheme.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from keyring.backend import KeyringBackend
from keyring.backends.fail import Keyring as NoKeyring

from dialogue.store.convert import (
    encode_journal,
    encrypt_store,
    open_sealed,
    read_records,
    rekey_store,
)
from dialogue.store.crypto import (
    ENCRYPTED_VERSION,
    AeadCodec,
    PlainCodec,
    TamperedLine,
    data_key,
    encrypt_header,
    header_wrapping,
    open_codec,
)
from dialogue.store.journal import Header, SessionStore
from dialogue.store.keys import (
    PASSPHRASE_ENV,
    PENDING_KEY_FILE,
    STORE_KEY_FILE,
    Keys,
    KeyUnavailable,
    WrongKey,
    default_kdf,
    read_store_wrapping,
)
from tests.helpers import run_interview, standard_bank

CHEAP = {"m": 1024, "t": 1, "p": 1, "n": 2**10, "r": 8}  # test cost; real stores use keys.ARGON2_COST
PASSPHRASE = "みどり精工の合言葉 correct horse"
ANSWERS = ("みどり精工", "精密加工", "納期は平均5日")  # text every fixture interview contains


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps secrets in a dict (as the OS keyring would, per user)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.secrets[(service, username)]


def keys(passphrase: str | None = PASSPHRASE, keyring: Any = None) -> Keys:
    environ = {PASSPHRASE_ENV: passphrase} if passphrase is not None else {}
    return Keys(environ, keyring=keyring if keyring is not None else NoKeyring(), kdf_cost=CHEAP)


INTERVIEW = [e.to_json() for e in run_interview(standard_bank(), session_id="s1")[0].events]


def header(session_id: str = "s1") -> dict[str, Any]:
    return Header(session_id, "locaben_standard", "1.0", "abc", "/banks/std.yaml",
                  "2026-11-23T10:00:00.000+09:00", extra={"question_ids": ["q1"]}).to_json()


def encrypted_journal(session_id: str = "s1", k: Keys | None = None) -> tuple[bytes, Keys]:
    k = k or keys()
    wrapping, kek = k.new_wrapping("passphrase")
    sealed, codec = encrypt_header(header(session_id), wrapping, kek)
    return encode_journal(sealed, INTERVIEW, codec), k


def store_with_sessions(root: Path, ids: tuple[str, ...] = ("s1", "s2")) -> SessionStore:
    from dialogue.model import Event

    store = SessionStore(root)
    for sid in ids:
        store.create(Header(**{**header(sid), "extra": {}}), [Event.from_json(e) for e in INTERVIEW]).close()
    return store


def snapshot(root: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.iterdir()) if p.is_file()}


def assert_no_answer_text(root: Path) -> None:
    for path in root.iterdir():
        data = path.read_bytes()
        for text in ANSWERS:
            assert text.encode("utf-8") not in data, f"{text} in {path.name}"
            assert json.dumps(text).encode() not in data, f"{text} escaped in {path.name}"


# ---- the codec ----


def test_an_encrypted_journal_reads_back_every_record_and_holds_no_answer_text() -> None:
    data, k = encrypted_journal()
    first, records = read_records(data, k, "s1.jsonl")
    assert records == INTERVIEW
    assert first["version"] == ENCRYPTED_VERSION == 3 and first["bank_id"] == "locaben_standard"
    assert len(data.split(b"\n")) == len(INTERVIEW) + 2  # one line per event, and a final line end
    for text in ANSWERS:
        assert text.encode() not in data and json.dumps(text).encode() not in data
    dk = data_key(first, k, "s1")
    kek = k.kek(header_wrapping(first, "s1"))
    for secret in (dk, kek):  # only the wrapped data key is stored; neither key, raw or in base64
        assert secret not in data and base64.b64encode(secret) not in data


def test_the_plain_codec_writes_todays_journal_lines() -> None:
    record = {"kind": "answered", "at": "t", "value": "株式会社みどり精工", "raw": "x\ud800"}
    line = PlainCodec().encode_line(record, 1)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert PlainCodec().decode_line(line.rstrip(b"\n"), 1) == record


def test_a_journal_cut_at_any_byte_of_its_last_line_reads_as_a_torn_line() -> None:
    """What torn-line repair needs: every whole line still decodes, a cut last line is 'not a line'
    (None, so the journal cuts it after its backup), never an authentication error."""
    data, k = encrypted_journal()
    last_start = data.rstrip(b"\n").rfind(b"\n") + 1
    codec = open_codec(json.loads(data.split(b"\n")[0]), k, "s1")
    for cut in range(last_start, len(data)):
        lines = data[:cut].split(b"\n")
        for seq, raw in enumerate(lines[1:-1], start=1):
            assert codec.decode_line(raw, seq) == INTERVIEW[seq - 1]
        tail = codec.decode_line(lines[-1], len(lines) - 1) if lines[-1] else None
        whole = cut == len(data) - 1  # cut just before the line end: a whole line without its "\n"
        assert tail == (INTERVIEW[-1] if whole else None), cut


def test_a_torn_line_cut_off_is_rewritten_at_the_same_number() -> None:
    data, k = encrypted_journal()
    codec = open_codec(json.loads(data.split(b"\n")[0]), k, "s1")
    kept = data[: data.rstrip(b"\n").rfind(b"\n") + 1]  # the repair cut the last line
    again = kept + codec.encode_line({"kind": "noted", "at": "t", "text": "再入力"}, len(INTERVIEW))
    assert read_records(again, k, "s1")[1][-1]["text"] == "再入力"


def lines_of(data: bytes) -> list[bytes]:
    return data.rstrip(b"\n").split(b"\n")


def test_a_removed_line_in_the_middle_is_detected_and_named() -> None:
    data, k = encrypted_journal()
    lines = lines_of(data)
    del lines[5]
    with pytest.raises(TamperedLine, match=r"event line 5 .*written as event line 6.*removed"):
        read_records(b"\n".join(lines) + b"\n", k, "s1")


def test_swapped_lines_are_detected() -> None:
    data, k = encrypted_journal()
    lines = lines_of(data)
    lines[3], lines[4] = lines[4], lines[3]
    with pytest.raises(TamperedLine, match=r"event line 3 .*written as event line 4"):
        read_records(b"\n".join(lines) + b"\n", k, "s1")


def test_a_line_from_another_session_is_refused_even_under_the_same_key() -> None:
    key = bytes(32)
    ours, theirs = AeadCodec(key, "s1"), AeadCodec(key, "s2")
    line = theirs.encode_line({"kind": "noted", "at": "t", "text": "他社のメモ"}, 3)
    with pytest.raises(TamperedLine, match="changed, or copied from another session"):
        ours.decode_line(line.rstrip(b"\n"), 3)


def test_a_changed_byte_and_a_plaintext_line_are_refused() -> None:
    data, k = encrypted_journal()
    codec = open_codec(json.loads(lines_of(data)[0]), k, "s1")
    line = bytearray(lines_of(data)[2])
    middle = len(line) // 2 + 10  # inside the ciphertext's base64, far from padding bits
    line[middle] = ord("A") if line[middle] != ord("A") else ord("B")
    with pytest.raises(TamperedLine):
        codec.decode_line(bytes(line), 2)
    with pytest.raises(TamperedLine, match="not an encrypted line"):
        codec.decode_line(b'{"kind":"answered","at":"t","value":"forged"}', 2)


def test_a_changed_header_is_refused() -> None:
    data, k = encrypted_journal()
    head = json.loads(lines_of(data)[0])
    head["bank_hash"] = "other"
    forged = json.dumps(head).encode() + b"\n" + data.partition(b"\n")[2]
    with pytest.raises(TamperedLine, match="header was changed"):
        read_records(forged, k, "s1")


def test_a_wrong_passphrase_is_a_clear_error() -> None:
    data, _ = encrypted_journal()
    with pytest.raises(WrongKey, match=f"passphrase in {PASSPHRASE_ENV} does not open it"):
        read_records(data, keys("wrong passphrase!"), "s1")


def test_with_no_passphrase_and_no_terminal_it_says_how_to_give_one() -> None:
    data, _ = encrypted_journal()
    with pytest.raises(KeyUnavailable, match=PASSPHRASE_ENV):
        read_records(data, keys(None), "s1")


def test_a_prompted_passphrase_gets_three_tries() -> None:
    data, _ = encrypted_journal()
    answers = iter(["nope", "still wrong", PASSPHRASE])
    prompted = Keys({}, prompt=lambda question: next(answers), keyring=NoKeyring())
    assert read_records(data, prompted, "s1")[1] == INTERVIEW


# ---- keyring ----


def test_the_keyring_scheme_keeps_the_kek_in_the_keyring_only(tmp_path: Path) -> None:
    ring = MemoryKeyring()
    k = keys(None, ring)
    wrapping, kek = k.new_wrapping("keyring")
    assert wrapping.scheme == "keyring" and not wrapping.kdf
    sealed, codec = encrypt_header(header(), wrapping, kek)
    data = encode_journal(sealed, INTERVIEW, codec)
    assert read_records(data, keys(None, ring), "s1")[1] == INTERVIEW  # a new process: from the keyring
    ring.secrets.clear()
    with pytest.raises(KeyUnavailable, match="keyring .* does not hold it"):
        read_records(data, keys(None, ring), "s1")


def test_without_a_keyring_backend_it_falls_back_to_the_passphrase_and_says_so() -> None:
    k = keys(PASSPHRASE, NoKeyring())  # keyring's own 'no backend' (a headless Linux)
    wrapping, _ = k.new_wrapping("keyring")
    assert wrapping.scheme == "passphrase"
    assert any("keyring cannot be used" in n and "passphrase instead" in n for n in k.notices)


def test_without_a_keyring_or_a_passphrase_nothing_is_made() -> None:
    with pytest.raises(KeyUnavailable, match=PASSPHRASE_ENV):
        keys(None, NoKeyring()).new_wrapping("keyring")


def test_a_short_new_passphrase_is_refused() -> None:
    with pytest.raises(KeyUnavailable, match="too short"):
        keys("short", NoKeyring()).new_wrapping("passphrase")


def test_new_passphrase_keys_use_argon2id_at_the_documented_cost() -> None:
    kdf = default_kdf()
    assert (kdf["name"], kdf["m"], kdf["t"], kdf["p"]) == ("argon2id", 65536, 3, 4)


# ---- store encrypt ----


def test_store_encrypt_converts_every_session_and_backup_with_nothing_lost(tmp_path: Path) -> None:
    store = store_with_sessions(tmp_path)
    torn = store.path("s2")
    with open(torn, "ab") as handle:
        handle.write('{"kind":"noted","at":"t","text":"みどり精工の途中'.encode())  # a crash mid-write
    store.read("s2")  # a resume repairs it: backup s2.jsonl.bak1 (plaintext, torn line included)
    backup_bytes = (tmp_path / "s2.jsonl.bak1").read_bytes()
    (tmp_path / ".s1.jsonl.leftover.tmp").write_bytes('{"format":"locaben-session"} みどり精工'.encode())
    before = {sid: read_records(store.path(sid).read_bytes(), None, sid)[1] for sid in ("s1", "s2")}

    done = encrypt_store(store, keys())

    assert [(c.session_id, c.changed, c.events) for c in done] == [("s1", True, len(INTERVIEW)),
                                                                  ("s2", True, len(INTERVIEW))]
    assert done[1].sealed == ("s2.jsonl.bak1",) and done[0].removed == (".s1.jsonl.leftover.tmp",)
    assert_no_answer_text(tmp_path)
    for sid in ("s1", "s2"):
        assert read_records(store.path(sid).read_bytes(), keys(), sid)[1] == before[sid]
    assert open_sealed(tmp_path / "s2.jsonl.bak1", keys()) == backup_bytes
    assert read_store_wrapping(tmp_path) is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == [STORE_KEY_FILE, "s1.jsonl", "s2.jsonl", "s2.jsonl.bak1"]


def test_store_encrypt_run_again_changes_nothing(tmp_path: Path) -> None:
    store = store_with_sessions(tmp_path)
    encrypt_store(store, keys())
    before = snapshot(tmp_path)
    assert [c.changed for c in encrypt_store(store, keys())] == [False, False]
    assert snapshot(tmp_path) == before


def test_store_encrypt_with_a_wrong_passphrase_changes_nothing(tmp_path: Path) -> None:
    store = store_with_sessions(tmp_path, ("s1",))
    encrypt_store(store, keys())
    # a plaintext session added later (by an older version, which knows nothing of the store's key)
    store.path("s3").write_bytes(encode_journal(header("s3"), INTERVIEW, PlainCodec()))
    before = snapshot(tmp_path)
    with pytest.raises(WrongKey):
        encrypt_store(store, keys("a wrong passphrase"))
    assert snapshot(tmp_path) == before


def test_store_encrypt_refuses_a_journal_damaged_in_the_middle(tmp_path: Path) -> None:
    store = store_with_sessions(tmp_path, ("s1",))
    lines = store.path("s1").read_bytes().split(b"\n")
    lines[4] = b"garbage"
    store.path("s1").write_bytes(b"\n".join(lines))
    before = snapshot(tmp_path)
    with pytest.raises(Exception, match="damaged line"):
        encrypt_store(store, keys())
    assert {k: v for k, v in snapshot(tmp_path).items() if k != STORE_KEY_FILE} == before


# ---- store rekey ----


def test_rekey_moves_every_session_to_the_new_passphrase_and_keeps_every_line(tmp_path: Path) -> None:
    store = store_with_sessions(tmp_path)
    store.path("s1").with_name("s1.jsonl.bak1").write_bytes(b"plain backup")
    encrypt_store(store, keys())
    old_lines = {sid: lines_of(store.path(sid).read_bytes())[1:] for sid in ("s1", "s2")}

    wrapping, done = rekey_store(store, keys(), keys("the new passphrase 2027"), "passphrase")

    assert [(c.session_id, c.changed, c.sealed) for c in done] == [("s1", True, ("s1.jsonl.bak1",)),
                                                                  ("s2", True, ())]
    for sid in ("s1", "s2"):
        data = store.path(sid).read_bytes()
        assert lines_of(data)[1:] == old_lines[sid]  # event lines untouched, byte for byte
        assert read_records(data, keys("the new passphrase 2027"), sid)[1] == INTERVIEW
        with pytest.raises(WrongKey):
            read_records(data, keys(), sid)
    assert open_sealed(tmp_path / "s1.jsonl.bak1", keys("the new passphrase 2027")) == b"plain backup"
    assert read_store_wrapping(tmp_path) == wrapping and not (tmp_path / PENDING_KEY_FILE).exists()


def test_rekey_with_a_wrong_old_passphrase_changes_nothing(tmp_path: Path) -> None:
    store = store_with_sessions(tmp_path)
    encrypt_store(store, keys())
    before = snapshot(tmp_path)
    with pytest.raises(WrongKey):
        rekey_store(store, keys("not the passphrase"), keys("the new passphrase 2027"), "passphrase")
    assert snapshot(tmp_path) == before


def test_a_rekey_interrupted_half_way_is_finished_by_running_it_again(tmp_path: Path) -> None:
    from dialogue.store.convert import rekey_session
    from dialogue.store.keys import write_store_wrapping

    store = store_with_sessions(tmp_path)
    encrypt_store(store, keys())
    new = keys("the new passphrase 2027")
    wrapping, kek = new.new_wrapping("passphrase")
    write_store_wrapping(tmp_path, wrapping, PENDING_KEY_FILE)
    rekey_session(store, "s1", keys(), wrapping, kek)  # …and the power went off

    _, done = rekey_store(store, keys(), keys("the new passphrase 2027"), "passphrase")

    assert [(c.session_id, c.changed) for c in done] == [("s1", False), ("s2", True)]
    for sid in ("s1", "s2"):
        assert read_records(store.path(sid).read_bytes(), keys("the new passphrase 2027"), sid)[1] == INTERVIEW


def test_rekey_from_a_passphrase_to_the_keyring(tmp_path: Path) -> None:
    store = store_with_sessions(tmp_path, ("s1",))
    encrypt_store(store, keys())
    ring = MemoryKeyring()
    rekey_store(store, keys(), keys(None, ring), "keyring")
    assert read_records(store.path("s1").read_bytes(), keys(None, ring), "s1")[1] == INTERVIEW


def test_a_line_reformatted_by_a_json_tool_still_decodes() -> None:
    data, k = encrypted_journal()
    codec = open_codec(json.loads(lines_of(data)[0]), k, "s1")
    reformatted = json.dumps(json.loads(lines_of(data)[1]), indent=None, separators=(", ", ": ")).encode()
    assert codec.decode_line(reformatted + b"\r", 1) == INTERVIEW[0]

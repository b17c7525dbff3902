"""An encrypted store as the journal uses it: what is on disk holds no answer (journals, backups, temporary
files), a wrong key changes nothing, tampering is refused and never "repaired", and everything durable stays
durable — resume after a torn line, sync's chain, replacing a journal, format-1 journals converted.

Real AES-GCM, real Argon2id (at a cheap cost recorded in the key file), real files."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import pytest

from dialogue.errors import JournalError
from dialogue.model import Event
from dialogue.model.events import Noted, Started
from dialogue.store.convert import encode_journal, encrypt_store, read_records
from dialogue.store.crypto import ENCRYPTED_VERSION, PlainCodec, TamperedLine
from dialogue.store.journal import FORMAT_VERSION, Header, PolicyRefusal, Protection, SessionStore
from dialogue.store.keys import STORE_KEY_FILE, KeyUnavailable, WrongKey
from dialogue.store.live import SessionManager
from dialogue.store.server.chain import journal_chain
from tests.helpers import standard_bank, ticking_clock
from tests.protect_support import cheap_keys, encrypted_store

ANSWERS = ["株式会社みどり精工", "代表取締役 緑川 誠（二代目）", "納期は平均5日、不良率は0.1%以下です"]


def snapshot(root: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.iterdir()) if p.is_file()}


def assert_no_answer_text(*folders: Path) -> None:
    """Grep every file (journals, backups, temporary files, key files) for every answer, raw and escaped."""
    for folder in folders:
        for path in folder.rglob("*"):
            if not path.is_file():
                continue
            data = path.read_bytes()
            for text in ANSWERS:
                for form in (text.encode("utf-8"), json.dumps(text).encode(), text[:4].encode("utf-8")):
                    assert form not in data, f"{text!r} in {path}"


def interview(root: Path, answers: list[str] = ANSWERS) -> tuple[SessionManager, str]:
    manager = SessionManager(encrypted_store(root), ticking_clock())
    with manager.create(standard_bank(), Started(lang="ja")) as live:
        for raw in answers:
            live.answer(raw)
        return manager, live.session_id


def answered(store: SessionStore, session_id: str) -> list[str]:
    return [e.payload.raw for e in store.read(session_id).events if e.kind == "answered"]


def test_a_whole_interview_is_on_disk_without_its_answers_and_reads_back(tmp_path: Path) -> None:
    manager, sid = interview(tmp_path)
    path = manager.store.path(sid)
    first = json.loads(path.read_bytes().split(b"\n")[0])
    assert first["version"] == ENCRYPTED_VERSION == 3 and "crypto" in first
    journal = manager.store.read(sid)
    assert journal.encrypted and journal.header.version == FORMAT_VERSION  # the events' format
    assert answered(manager.store, sid) == ANSWERS
    assert_no_answer_text(tmp_path)


def test_a_torn_last_line_is_cut_after_an_encrypted_backup_and_the_next_answer_takes_its_place(tmp_path: Path
                                                                                                ) -> None:
    manager, sid = interview(tmp_path)
    path = manager.store.path(sid)
    whole = path.read_bytes()
    path.write_bytes(whole[:-25])  # a crash in the middle of the last write
    with manager.resume(sid) as live:
        assert "cut off" in live.warnings[0]
        live.answer("追記：本社工場は長野県上田市")
    (backup,) = tmp_path.glob("*.bak1")
    assert backup.read_bytes() == whole[:-25]
    events = manager.store.read(sid).events
    assert [e.payload.raw for e in events if e.kind == "answered"][-1] == "追記：本社工場は長野県上田市"
    assert_no_answer_text(tmp_path)


CRASH_WHILE_CREATING = """
import os, sys
from pathlib import Path
from dialogue.model import Event
from dialogue.model.events import Noted
from dialogue.store.journal import Header
from tests.protect_support import encrypted_store
store = encrypted_store(Path(sys.argv[1]))
os.link = lambda src, dst: os._exit(9)  # the process dies between writing the file and linking it in
store.create(Header("s1", "mini", "1", "h", "/b.yaml", "t"), [Event("t", Noted(None, sys.argv[2]))])
"""


def test_temporary_files_of_a_create_hold_no_answer(tmp_path: Path) -> None:
    """A process killed between writing a new journal and linking it into place leaves its temporary
    file behind: it is ciphertext too."""
    import subprocess
    import sys

    from tests.helpers import ROOT

    done = subprocess.run([sys.executable, "-c", CRASH_WHILE_CREATING, str(tmp_path), ANSWERS[0]], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 9, done.stderr
    (leftover,) = tmp_path.glob(".s1.jsonl.*.tmp")
    assert leftover.stat().st_size > 100
    assert_no_answer_text(tmp_path)


def test_a_wrong_passphrase_is_a_clear_error_and_changes_nothing_even_with_a_torn_line(tmp_path: Path) -> None:
    manager, sid = interview(tmp_path)
    path = manager.store.path(sid)
    path.write_bytes(path.read_bytes()[:-25])  # a repair would change the file: it must not happen
    before = snapshot(tmp_path)
    wrong = SessionStore(tmp_path, cheap_keys("not the passphrase at all"))
    with pytest.raises(WrongKey, match="does not open it .wrong passphrase.. Nothing was changed"):
        wrong.read(sid)
    with pytest.raises(WrongKey):
        SessionManager(wrong, ticking_clock()).resume(sid).__enter__()
    assert snapshot(tmp_path) == before


def test_without_any_key_the_store_says_so(tmp_path: Path) -> None:
    manager, sid = interview(tmp_path)
    with pytest.raises(JournalError, match="encrypted; it can be opened only with its key"):
        SessionStore(tmp_path).read(sid)
    with pytest.raises(KeyUnavailable, match="no key source"):
        SessionStore(tmp_path).create(Header("s2", "mini", "1", "h", "/b.yaml", "t"))


@pytest.mark.parametrize("damage", ["change", "remove", "swap"])
def test_a_tampered_line_is_refused_and_never_repaired(tmp_path: Path, damage: str) -> None:
    manager, sid = interview(tmp_path)
    path = manager.store.path(sid)
    lines = path.read_bytes().split(b"\n")
    if damage == "change":
        middle = len(lines[3]) // 2
        lines[3] = lines[3][:middle] + (b"A" if lines[3][middle:middle + 1] != b"A" else b"B") + lines[3][middle + 1:]
    elif damage == "remove":
        del lines[3]
    else:
        lines[3], lines[4] = lines[4], lines[3]
    path.write_bytes(b"\n".join(lines))
    before = snapshot(tmp_path)
    with pytest.raises(TamperedLine, match="event line 3 does not authenticate"):
        manager.store.read(sid)
    with pytest.raises(TamperedLine):
        manager.store.read(sid, repair=False)
    assert snapshot(tmp_path) == before  # no backup, no cut


@pytest.mark.parametrize("where", ["to the end", "one line earlier"])
def test_a_moved_line_holding_several_events_is_refused(tmp_path: Path, where: str) -> None:
    """One sealed line holds the events of one write (an answer and the question after it); moved as a
    whole, it is still bound to its old position and refused, naming where it was written."""
    manager, sid = interview(tmp_path)
    path = manager.store.path(sid)
    numbers = manager.store.read(sid).lines  # the file line of each event
    several = min(n for n in set(numbers) if numbers.count(n) >= 2)  # the first answer's line, 1-based
    lines = path.read_bytes().rstrip(b"\n").split(b"\n")
    seq = several - 1  # its sequence number (the header is 0) = its index in `lines`
    assert seq < len(lines) - 1  # not the last line: moving it changes its position
    moved = lines.pop(seq)
    to = len(lines) if where == "to the end" else seq - 1
    lines.insert(to, moved)
    path.write_bytes(b"\n".join(lines) + b"\n")
    before = snapshot(tmp_path)
    # the first line not where it was written: the one after it (moved back), or the moved one itself
    first_wrong, written_as = (seq, seq + 1) if to > seq else (to, seq)
    with pytest.raises(TamperedLine, match=f"event line {first_wrong} does not authenticate: it was written as "
                                           f"event line {written_as},"):
        manager.store.read(sid)
    with pytest.raises(TamperedLine):
        SessionManager(manager.store, ticking_clock()).resume(sid).__enter__()
    assert snapshot(tmp_path) == before  # nothing cut, no backup


def test_the_header_and_chain_are_those_of_the_plaintext_session(tmp_path: Path) -> None:
    """Sync compares hash chains across devices: an encrypted copy has the same chain as a plaintext one."""
    manager, sid = interview(tmp_path / "enc")
    journal = manager.store.read(sid)
    plain = SessionStore(tmp_path / "plain")
    plain.create(journal.header, journal.events).close()
    assert journal_chain(plain.read(sid)) == journal_chain(journal)


def test_replacing_a_journal_keeps_it_encrypted(tmp_path: Path) -> None:
    manager, sid = interview(tmp_path)
    journal = manager.store.read(sid)
    with manager.store.lock(sid):
        manager.store.replace(journal.header, journal.events[:3])
    again = manager.store.read(sid)
    assert again.encrypted and again.events == journal.events[:3]
    assert_no_answer_text(tmp_path)


def test_a_policy_that_requires_encryption_refuses_plaintext_and_encrypts_new_sessions(tmp_path: Path) -> None:
    plain = SessionStore(tmp_path)
    plain.create(Header("old", "mini", "1", "h", "/b.yaml", "t"), [Event("t", Noted(None, "平文のメモ"))]).close()
    strict = SessionStore(tmp_path, cheap_keys(), Protection(encrypt_new=True, require=True, scheme="passphrase"))
    before = snapshot(tmp_path)
    with pytest.raises(PolicyRefusal, match="requires encryption.*locaben store encrypt"):
        strict.read("old")
    assert snapshot(tmp_path) == before
    strict.create(Header("new", "mini", "1", "h", "/b.yaml", "t"), [Event("t", Noted(None, ANSWERS[0]))]).close()
    assert (tmp_path / STORE_KEY_FILE).is_file() and strict.read("new").encrypted
    encrypt_store(strict, cheap_keys())
    assert [e.payload.text for e in strict.read("old").events] == ["平文のメモ"]


def test_two_processes_making_the_store_key_at_once_agree_on_one(tmp_path: Path) -> None:
    stores = [SessionStore(tmp_path, cheap_keys(), Protection(encrypt_new=True, scheme="passphrase")) for _ in range(4)]
    made: list[object] = []
    threads = [threading.Thread(target=lambda s=s: made.append(s.wrapping(create=True))) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    on_disk = stores[0].wrapping()
    assert on_disk is not None and all(w is not None and w.kid == on_disk.kid for w in made)  # type: ignore[attr-defined]


def test_store_encrypt_upgrades_the_events_of_a_format_1_journal(tmp_path: Path) -> None:
    """Version 3 holds format-2 events, so a format-1 journal's `went_back {to}` is sealed as `{question}`."""
    engine_events = [Event("t0", Started(lang="ja")).to_json(), {"kind": "asked", "at": "t1", "question": "q1"},
                     {"kind": "asked", "at": "t2", "question": "q2"}, {"kind": "went_back", "at": "t3", "to": "q1"}]
    old = Header("old", "mini", "1", "h", "/b.yaml", "t", version=1).to_json()
    store = SessionStore(tmp_path, cheap_keys())
    store.path("old").write_bytes(encode_journal(old, engine_events, PlainCodec()))
    encrypt_store(store, cheap_keys(), "passphrase")
    _, records = read_records(store.path("old").read_bytes(), cheap_keys(), "old")
    assert records[-1] == {"kind": "went_back", "at": "t3", "question": "q1"}
    assert store.read("old").events[-1].question == "q1"

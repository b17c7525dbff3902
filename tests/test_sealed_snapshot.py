"""Sealed engine snapshots (dialogue.store.snapshot) in stores that encrypt: an encrypted session resumes from
its snapshot as a plaintext one does — the covered sealed lines are neither decrypted nor decoded — and the
snapshot says nothing in clear; one that does not open (changed, another key, the journal encrypted again)
is ignored and removed, and the journal replayed."""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogue.engine import Engine
from dialogue.errors import AnswerError, CommandError
from dialogue.model import Event
from dialogue.model.events import Started
from dialogue.store import snapshot as snapshots
from dialogue.store.convert import rekey_store
from dialogue.store.crypto import AeadCodec, TamperedLine
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
from dialogue.store.retention import delete
from tests.command_sequences import BANK, call, commands
from tests.helpers import iso_clock, run_cli, ticking_clock
from tests.protect_support import ENV, cheap_keys, encrypted_store
from tests.snapshot_support import figures, header, long_events, restore_is_replay, resumed_then_opened

ROOT = Path(__file__).resolve().parent.parent
COMPANY = "株式会社みどり精工"  # an answer of long_events
NOTE = "社長は技術の話になると熱が入る"  # in every note of long_events
decrypted_seqs: list[int] = []  # the sequence numbers of the sealed lines decrypted (the `counted` fixture)
WRITE_UP = "創業は1962年、精密加工の町工場として始まった"  # a sheet field's value


def batched(events: tuple[Event, ...] | list[Event]) -> list[list[Event]]:
    """The events as writes of one, two or three events (an answer and the question after it are one write):
    an encrypted journal holds one sealed line per write."""
    sizes, out, at = itertools.cycle((1, 2, 3)), [], 0
    while at < len(events):
        size = next(sizes)
        out.append(list(events[at:at + size]))
        at += size
    return out


def write_batches(store: SessionStore, session_id: str, batches: list[list[Event]]) -> Path:
    with store.create(header(session_id), batches[0]) as writer:
        for batch in batches[1:]:
            writer.append(batch)
    return store.path(session_id)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """How many events were decoded from JSON (Event.from_json) and how many sealed lines were decrypted
    (AeadCodec.decode_records; their sequence numbers in decrypted_seqs), counted on the real functions."""
    calls = {"events": 0, "lines": 0}
    decrypted_seqs.clear()
    from_json = Event.from_json.__func__  # type: ignore[attr-defined]
    decode_records = AeadCodec.decode_records

    def counting_events(cls: type[Event], obj: Any) -> Event:
        calls["events"] += 1
        return from_json(cls, obj)  # type: ignore[no-any-return]

    def counting_lines(self: AeadCodec, raw: bytes, seq: int) -> Any:
        calls["lines"] += 1
        decrypted_seqs.append(seq)
        return decode_records(self, raw, seq)

    monkeypatch.setattr(Event, "from_json", classmethod(counting_events))
    monkeypatch.setattr(AeadCodec, "decode_records", counting_lines)
    yield calls


def plaintext_in(data: bytes) -> list[str]:
    """Which of the session's texts (answers, notes, the bank's question text, a field value) appear in
    `data`, raw or JSON-escaped."""
    texts = [COMPANY, NOTE, "再開後のメモ", "みどり精工", WRITE_UP, "後継者は長男", BANK.questions()[0].text.get("ja")]
    found = []
    for text in texts:
        forms = {text.encode("utf-8"), json.dumps(text).strip('"').encode("ascii"),
                 text.encode("utf-16-le"), base64.b64encode(text.encode("utf-8"))}
        if any(form in data for form in forms):
            found.append(text)
    return found


# ---- restore == replay, on an encrypted store ----


def drive_writes(engine: Engine, script: list[Any]) -> list[int]:
    """Run the commands; the event count before them, then after each one that wrote something (a write's
    end)."""
    ends = [engine.event_count]
    for name, arg in script:
        with contextlib.suppress(AnswerError, CommandError):
            call(engine, name, arg)
        if ends[-1] != engine.event_count:
            ends.append(engine.event_count)
    return ends


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(commands, max_size=40), st.lists(commands, max_size=15), st.integers(0, 100),
       st.lists(commands, max_size=15))
def test_a_restored_encrypted_session_is_the_replayed_one_and_goes_on_alike(
        tmp_path_factory: Any, script: list[Any], later: list[Any], cut: int, after: list[Any]) -> None:
    """Any session written as a live one writes it (a sealed line per command), a snapshot at any write's end,
    then more sealed lines: the same step, figures and transcript as a replay of every line, the covered lines
    left sealed, and the next commands produce the same events."""
    live = Engine(BANK, iso_clock(), "p")
    live.start(Started(mode="meeting") if len(script) % 3 == 0 else Started())
    ends = drive_writes(live, script + later)
    events = live.events
    writes = [list(events[a:b]) for a, b in itertools.pairwise([0, *ends])]
    last = cut % len(writes)  # the snapshot covers writes[0 … last]
    k = ends[last]
    store = encrypted_store(tmp_path_factory.mktemp("s"))
    with store.create(header("p"), writes[0]) as writer:
        for batch in writes[1:last + 1]:
            writer.append(batch)
        assert snapshots.save(store, "p", Engine.replay(BANK, events[:k], iso_clock(), "p"))
        for batch in writes[last + 1:]:
            writer.append(batch)
    found = restore_is_replay(store, k, len(events), after)
    assert found.lines == len(writes[0]) + last  # the first write: a line per event (create), then one per write


# ---- through the session manager ----


LONG = snapshots.MIN_EVENTS + 150


@pytest.fixture(scope="module")
def long_writes() -> list[list[Event]]:
    return batched(long_events(LONG))


def events_of(writes: list[list[Event]]) -> list[Event]:
    return [e for batch in writes for e in batch]


def test_a_long_encrypted_resume_keeps_a_sealed_snapshot_and_the_next_resume_uses_it(
        tmp_path: Path, long_writes: list[list[Event]], counted: dict[str, int]) -> None:
    store = encrypted_store(tmp_path)
    write_batches(store, "long", long_writes)
    before, again = resumed_then_opened(store, lambda: counted.update(events=0, lines=0))
    assert again.replayed == 0 and counted == {"events": 0, "lines": 0}  # no covered line decrypted or decoded
    assert again.engine._events.undecoded == len(events_of(long_writes)) + 1
    full = Engine.replay(BANK, store.read("long").events, iso_clock(), "long")
    assert figures(again.engine) == figures(full) and again.warnings == before.warnings
    assert again.engine.transcript().notes[-1].text == "再開後のメモ"


def test_without_the_snapshot_every_sealed_line_is_decrypted(tmp_path: Path, long_writes: list[list[Event]],
                                                              counted: dict[str, int]) -> None:
    """The counters the other tests rely on do count: a plain read decrypts every line, decodes every event."""
    store = encrypted_store(tmp_path)
    write_batches(store, "long", long_writes)
    counted.update(events=0, lines=0)
    SessionManager(store, ticking_clock()).open("long", BANK)
    assert counted == {"events": len(events_of(long_writes)), "lines": len(long_writes)}


def test_the_sealed_snapshot_says_nothing_in_clear(tmp_path: Path, long_writes: list[list[Event]]) -> None:
    """Only the format marker is outside the seal: no answer, note, question text, hash or count."""
    store = encrypted_store(tmp_path)
    write_batches(store, "long", long_writes)
    with SessionManager(store, ticking_clock(), sensitive=False).resume("long", BANK) as live:
        live.note("再開後のメモ")
        live.write_up("business.history", WRITE_UP)
        live.park("management.succession", "後継者は長男、専務として修行中")
    data = snapshots.snapshot_path(store, "long").read_bytes()
    assert data.startswith(snapshots.SEALED) and len(data) > 10_000
    rest = data[len(snapshots.SEALED):]
    assert plaintext_in(data) == []
    for clear in (b"journal_hash", b"bank_hash", b"last_at", b"locaben", BANK.source_hash.encode()):
        assert clear not in rest
    # the same session in a plaintext store: the same test finds the texts (it can fail)
    plain = SessionStore(tmp_path / "plain")
    write_batches(plain, "long", long_writes)
    with SessionManager(plain, ticking_clock(), sensitive=False).resume("long", BANK) as live:
        live.note("再開後のメモ")
        live.write_up("business.history", WRITE_UP)
    assert set(plaintext_in(snapshots.snapshot_path(plain, "long").read_bytes())) >= {COMPANY, NOTE, "再開後のメモ",
                                                                                       WRITE_UP}
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_events_appended_after_the_sealed_snapshot_are_replayed_on_it(tmp_path: Path, long_writes: list[list[Event]],
                                                                       counted: dict[str, int]) -> None:
    """Another device or a team sync appended to the journal after the snapshot was written: the reader goes
    on with the sealed lines' sequence numbers after the covered ones."""
    store = encrypted_store(tmp_path)
    split = len(long_writes) - 20
    write_batches(store, "long", long_writes[:split])
    manager = SessionManager(store, ticking_clock())
    assert snapshots.save(store, "long", manager.open("long", BANK).engine)
    with store.append_to("long") as writer:
        for batch in long_writes[split:]:
            writer.append(batch)
    counted.update(events=0, lines=0)
    opened = manager.open("long", BANK)
    later = len(events_of(long_writes[split:]))
    assert opened.replayed == later and counted == {"events": later, "lines": 20}
    assert figures(opened.engine) == figures(Engine.replay(BANK, events_of(long_writes), iso_clock(), "long"))


def test_a_line_moved_after_the_snapshot_still_fails_to_authenticate(tmp_path: Path,
                                                                      long_writes: list[list[Event]]) -> None:
    """The lines after the covered prefix are checked at their own sequence numbers: two swapped are named."""
    store = encrypted_store(tmp_path)
    path = write_batches(store, "long", long_writes)
    manager = SessionManager(store, ticking_clock())
    assert snapshots.save(store, "long", manager.open("long", BANK).engine)
    with store.append_to("long") as writer:
        writer.append([long_writes[0][0]])
        writer.append([long_writes[1][0]])
    lines = path.read_bytes().split(b"\n")
    lines[-3], lines[-2] = lines[-2], lines[-3]
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(TamperedLine, match="was written as event line"):
        manager.open("long", BANK)


def _tamper(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit of the ciphertext
    path.write_bytes(bytes(data))


def _marker_only(path: Path) -> None:
    path.write_bytes(snapshots.SEALED)


def _cut(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-1])


def _plaintext(path: Path) -> None:
    path.write_bytes(b'{"format":"locaben-engine-snapshot","version":1}\n{}')


@pytest.mark.parametrize("damage", [_tamper, _marker_only, _cut, _plaintext])
def test_a_sealed_snapshot_that_does_not_open_is_ignored_and_removed(tmp_path: Path, long_writes: list[list[Event]],
                                                                     damage: Any) -> None:
    store = encrypted_store(tmp_path)
    write_batches(store, "long", long_writes)
    manager = SessionManager(store, ticking_clock())
    clean = manager.open("long", BANK)
    assert snapshots.save(store, "long", clean.engine)
    path = snapshots.snapshot_path(store, "long")
    damage(path)
    opened = manager.open("long", BANK)
    assert opened.replayed == len(events_of(long_writes)) and opened.warnings == clean.warnings == ()
    assert figures(opened.engine) == figures(clean.engine)
    assert not path.exists()


def test_a_journal_line_is_never_taken_for_a_snapshot_nor_the_reverse(tmp_path: Path,
                                                                       long_writes: list[list[Event]]) -> None:
    """The same key seals both, under different associated data: a journal line's nonce and ciphertext put
    in a snapshot file do not open as one, and a snapshot's put in a journal line do not open as a line."""
    store = encrypted_store(tmp_path)
    path = write_batches(store, "long", long_writes)
    manager = SessionManager(store, ticking_clock())
    assert snapshots.save(store, "long", manager.open("long", BANK).engine)
    state = snapshots.snapshot_path(store, "long")
    sealed = state.read_bytes()[len(snapshots.SEALED):]
    line = json.loads(path.read_bytes().split(b"\n")[-2])
    state.write_bytes(snapshots.SEALED + base64.b64decode(line["n"]) + base64.b64decode(line["c"]))
    assert manager.open("long", BANK).replayed == len(events_of(long_writes)) and not state.exists()
    forged = {"enc": 1, "n": base64.b64encode(sealed[:12]).decode(), "c": base64.b64encode(sealed[12:]).decode()}
    with open(path, "ab") as handle:
        handle.write(json.dumps(forged).encode() + b"\n")
    with pytest.raises(TamperedLine, match="event line"):
        manager.open("long", BANK)


def test_a_journal_encrypted_again_or_of_another_key_leaves_its_snapshot_unused(
        tmp_path: Path, long_writes: list[list[Event]]) -> None:
    """The journal replaced by the same events under a new data key (as a team sync replaces it), and a
    snapshot of the same session id from another encrypted store: neither opens; removed, full replay."""
    store = encrypted_store(tmp_path / "a")
    write_batches(store, "long", long_writes)
    manager = SessionManager(store, ticking_clock())
    assert snapshots.save(store, "long", manager.open("long", BANK).engine)
    state = snapshots.snapshot_path(store, "long")
    kept = state.read_bytes()
    store.replace(header("long"), events_of(long_writes))  # a new data key, the same events
    assert state.exists()
    opened = manager.open("long", BANK)
    assert opened.replayed == len(events_of(long_writes)) and not state.exists()

    other = encrypted_store(tmp_path / "b")  # another store, its own key; the same session id and events
    write_batches(other, "long", long_writes)
    other_manager = SessionManager(other, ticking_clock())
    assert snapshots.save(other, "long", other_manager.open("long", BANK).engine)
    snapshots.snapshot_path(other, "long").write_bytes(kept)
    assert other_manager.open("long", BANK).replayed == len(events_of(long_writes))
    assert not snapshots.snapshot_path(other, "long").exists()


def test_after_a_rekey_the_old_snapshot_is_dropped_and_a_new_one_kept(tmp_path: Path,
                                                                       long_writes: list[list[Event]]) -> None:
    """`store rekey` rewrites each journal's header (its data key wrapped anew; the lines unchanged): the
    snapshot's hash of the journal's start no longer holds, so it is removed; the next resume keeps a new one."""
    store = encrypted_store(tmp_path)
    write_batches(store, "long", long_writes)
    with SessionManager(store, ticking_clock(), sensitive=False).resume("long", BANK):
        pass
    state = snapshots.snapshot_path(store, "long")
    assert state.exists()
    new_keys = cheap_keys("あたらしい合言葉 battery staple")
    rekey_store(store, cheap_keys(), new_keys, "passphrase")
    rekeyed = SessionStore(tmp_path, new_keys)
    manager = SessionManager(rekeyed, ticking_clock(), sensitive=False)
    assert manager.open("long", BANK).replayed == len(events_of(long_writes)) and not state.exists()
    with manager.resume("long", BANK):
        pass
    assert state.exists() and manager.open("long", BANK).replayed == 0


def test_deleting_an_encrypted_session_removes_its_sealed_snapshot(tmp_path: Path,
                                                                   long_writes: list[list[Event]]) -> None:
    store = encrypted_store(tmp_path)
    write_batches(store, "long", long_writes)
    with SessionManager(store, ticking_clock(), sensitive=False).resume("long", BANK):
        pass
    assert snapshots.snapshot_path(store, "long").exists()
    delete(store, "long")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("long.", ".long."))) == []


def test_a_plaintext_journal_in_a_store_that_encrypts_keeps_no_snapshot(tmp_path: Path) -> None:
    """A session from before the store's key (not yet `store encrypt`ed): plaintext, so no snapshot at all."""
    plain = SessionStore(tmp_path)
    write_batches(plain, "s", batched(long_events(60)))
    store = encrypted_store(tmp_path)
    engine = SessionManager(store, ticking_clock()).open("s", BANK).engine
    assert not snapshots.save(store, "s", engine)
    assert not snapshots.snapshot_path(store, "s").exists()


# ---- killed while the snapshot is written ----


KILLED_WRITE = """
import os, signal, sys
from dialogue.store import journal_io
from dialogue.store.live import SessionManager
from tests.helpers import mini_bank, ticking_clock
from tests.protect_support import encrypted_store

where, root = sys.argv[1], sys.argv[2]
write_and_close = journal_io._write_and_close

def killed(fd, data, sync):
    if where == "half":  # half the snapshot's bytes in its temporary file, then the process dies
        os.write(fd, data[: len(data) // 2])
    else:  # written whole, killed before os.replace puts it in place
        write_and_close(fd, data, sync)
    os.kill(os.getpid(), signal.SIGKILL)

journal_io._write_and_close = killed
manager = SessionManager(encrypted_store(__import__("pathlib").Path(root)), ticking_clock(), sensitive=False)
with manager.resume("long", mini_bank()) as live:
    live.note("殺される前のメモ")
"""


@pytest.mark.parametrize("where", ["half", "whole"])
@pytest.mark.parametrize("first", [True, False])
def test_a_resume_killed_while_writing_the_snapshot_leaves_a_usable_session(
        tmp_path: Path, long_writes: list[list[Event]], where: str, first: bool) -> None:
    """SIGKILL in the middle of writing the sealed snapshot: at the resume's start (no snapshot yet), or at its
    close (after a note, with an older snapshot in place). The journal is whole, the session opens (from the
    older snapshot when there is one), the leftover temporary file holds no plaintext, and the next resume
    keeps a snapshot again."""
    store = encrypted_store(tmp_path)
    write_batches(store, "long", long_writes)
    manager = SessionManager(store, ticking_clock(), sensitive=False)
    if not first:
        with manager.resume("long", BANK):
            pass
    done = subprocess.run([sys.executable, "-c", KILLED_WRITE, where, str(tmp_path)], cwd=ROOT, capture_output=True,
                          timeout=120, check=False, env={**os.environ, **ENV})
    assert done.returncode == -9, done.stderr
    leftovers = list(tmp_path.glob(".long.state.*.tmp"))
    assert len(leftovers) == 1 and all(plaintext_in(p.read_bytes()) == [] for p in leftovers)
    opened = manager.open("long", BANK)
    count = len(events_of(long_writes))
    if first:  # killed before the note: nothing but the journal as it was
        assert opened.replayed == count and opened.engine.event_count == count
    else:  # the older snapshot, then the note written after it
        assert opened.replayed == 1 and opened.engine.transcript().notes[-1].text == "殺される前のメモ"
    with manager.resume("long", BANK) as live:
        live.note("再開後のメモ")
    again = manager.open("long", BANK)
    assert again.replayed == 0 and again.engine.transcript().notes[-1].text == "再開後のメモ"


# ---- the whole `locaben resume` ----


def test_locaben_resume_of_an_encrypted_session_decodes_none_of_the_covered_lines(
        tmp_path: Path, long_writes: list[list[Event]], counted: dict[str, int]) -> None:
    """The whole `locaben resume` (the key from the passphrase, its warnings, the question, the toolbar,
    /pause and the close): the second resume decrypts and decodes none of the lines the first one's sealed
    snapshot covers, and shows the same screen."""
    store = encrypted_store(tmp_path)
    write_batches(store, "long", long_writes)
    args = ["resume", "long", "--plain", "--same-visit", "--lang", "ja", "--sessions-dir", str(tmp_path)]
    code, first, err = run_cli(args, "/pause\n", ENV)
    assert code == 0, err
    assert snapshots.snapshot_path(store, "long").read_bytes().startswith(snapshots.SEALED)
    covered = snapshots.load(store, "long", store.read_bytes("long"))
    assert covered is not None and covered.lines == len(long_writes) + 1  # its /pause is covered too
    counted.update(events=0, lines=0)
    decrypted_seqs.clear()
    code, second, _ = run_cli(args, "/pause\n", ENV)
    assert code == 0 and counted["events"] == 0
    seqs = list(decrypted_seqs)
    written = store.read("long").lines[-1] - 1  # the journal's last event line now (no blank line): this resume's
    assert written > covered.lines and seqs == [written]  # only that one, when the close checks the journal's end
    assert second == first


def test_a_store_copied_elsewhere_keeps_its_sealed_snapshots_usable(tmp_path: Path,
                                                                     long_writes: list[list[Event]]) -> None:
    """The snapshot is bound to the session and its key, not to the folder: a copied store resumes fast."""
    store = encrypted_store(tmp_path / "a")
    write_batches(store, "long", long_writes)
    with SessionManager(store, ticking_clock(), sensitive=False).resume("long", BANK):
        pass
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    copied = SessionStore(tmp_path / "b", cheap_keys())
    assert SessionManager(copied, ticking_clock()).open("long", BANK).replayed == 0


def test_a_resume_after_blank_lines_and_a_torn_last_line_goes_on_with_the_right_sequence_numbers(
        tmp_path: Path, long_writes: list[list[Event]]) -> None:
    """The writer of a resume takes its next sequence number from the read that repaired the journal (not
    from counting its lines again): an editor's blank line and a cut-off last line do not put it off."""
    store = encrypted_store(tmp_path)
    path = write_batches(store, "long", long_writes)
    lines = path.read_bytes().split(b"\n")
    lines.insert(len(lines) // 2, b"  ")
    path.write_bytes(b"\n".join(lines) + b'{"enc":1,"n":"AAAA')
    manager = SessionManager(store, ticking_clock(), sensitive=False)
    with manager.resume("long", BANK) as live:
        live.note("空行のあとのメモ")
        live.note("もう一つ")
    assert not snapshots.snapshot_path(store, "long").exists()  # a blank line: no snapshot can describe it
    opened = manager.open("long", BANK)
    assert [n.text for n in opened.engine.transcript().notes[-2:]] == ["空行のあとのメモ", "もう一つ"]
    assert opened.engine.event_count == len(events_of(long_writes)) + 2


def test_the_first_and_last_covered_events_are_read_from_their_own_sealed_lines(
        tmp_path: Path, counted: dict[str, int]) -> None:
    """`events[0]` and `events[-1]` of a restored session decrypt only the first and the last covered line —
    the last one holding several events, the last of which is the one asked for."""
    events = long_events(LONG)
    writes = [*batched(events[:-3]), list(events[-3:])]  # the last write: three events on one sealed line
    store = encrypted_store(tmp_path)
    write_batches(store, "long", writes)
    manager = SessionManager(store, ticking_clock())
    assert snapshots.save(store, "long", manager.open("long", BANK).engine)
    full = events_of(writes)
    counted.update(events=0, lines=0)
    decrypted_seqs.clear()
    engine = manager.open("long", BANK).engine
    assert engine.events[0] == full[0] and engine.events[-1] == full[-1] != full[-2]
    assert decrypted_seqs == [1, len(writes)] and engine._events.undecoded == len(full)

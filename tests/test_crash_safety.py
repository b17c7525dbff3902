"""Crash safety: `kill -9` at random moments loses nothing that was acknowledged on screen.

The terminal test drives the real `locaben interview` in a pseudo-terminal, answers in Japanese, and kills
it with SIGKILL at random moments (while starting, while an answer is being saved, while idle, while
typing). After every kill the journal must replay, hold every answer whose *next* question had appeared on
screen, and `locaben resume` must continue exactly where the replayed journal says.

A kill in the middle of `write(2)` cannot be aimed at from outside, so the headless test cuts the journal
at every byte offset of its last write and checks the recovery.

Both run against a plaintext store and an encrypted one (`kind`), with the same assertions.

Reproduce a failing run with `LOCABEN_CRASH_SEED=<seed printed in the failure>`; `LOCABEN_CRASH_KILLS`
sets the number of kills (default 50).
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pexpect
import pytest

from dialogue.engine import Engine, Step
from dialogue.errors import AnswerError
from dialogue.i18n import say
from dialogue.model import Bank, Question
from dialogue.model.events import Started
from dialogue.store.keys import STORE_KEY_FILE
from dialogue.store.live import SessionManager
from tests.conftest import command_under_test
from tests.helpers import CODE, STANDARD_BANK, iso_clock, standard_bank, ticking_clock
from tests.protect_support import KINDS, environ_of_kind, store_of_kind

pytestmark = pytest.mark.e2e

KILLS = int(os.environ.get("LOCABEN_CRASH_KILLS", "50"))
DEADLINE_S = 240.0  # a hard stop: the run normally needs 20–35 s on two cores (it ends at KILLS); on two cores
#   shared with other test runs it needed more than 80 s
CHAINS = 2  # independent interviews driven side by side (one per core)


# ---- what the screen should show, predicted by a headless engine ----

BOLD = "\x1b[1m"  # rich still marks bold text with NO_COLOR; hints and guidance are dim or yellow
CURSOR_SHOWN = "\x1b[?25h"  # prompt-toolkit shows the cursor last, when the input line is ready


def marker(step: Step) -> str:
    """The start of the question or probe as printed in bold: on screen only once this step is shown.
    (Its words also occur in hints, so only the bold run counts; kept within one screen line.)"""
    if step.state == "at_end":
        return BOLD + say("ui.at_end", "ja")[:12]
    if step.state == "probing" and step.probe_text is not None:  # under its main question, after an arrow
        return BOLD + "↳ " + step.probe_text.get("ja").split()[0][:8]
    assert step.question is not None, step
    return BOLD + step.question.text.get("ja").split()[0][:8]


def an_answer(question: Question, rng: random.Random, n: int, probing: bool) -> str:
    """A valid answer in Japanese; short ones now and then, so that probes are triggered too."""
    if probing:
        return rng.choice([f"深掘り{n}：年間2,000個", f"深掘り{n}：具体的には主要顧客3社と20年以上の取引があります"])
    if question.type == "choice":
        return str(rng.randint(1, len(question.choices)))
    if question.type == "number":
        return rng.choice(["24", "２４", "1,200", "3"])
    if question.type == "list":
        return f"項目{n}イ；項目{n}ロ"
    if question.type == "group":
        return "｜".join(f"欄{i}の{n}" for i in range(len(question.fields)))
    return rng.choice([f"短い回答{n}", f"回答{n}：株式会社みどり精工では精密加工の技術を活かし、売上の6割を占める。",
                       f"回答{n}：創業は1978年、長野県上田市。半導体製造装置向けの部品が中心です。"
                       "（ＡＢＣ、全角スペース\u3000あり）"])


@dataclass
class Acked:
    """Answers whose next step appeared on screen: (question, raw) and (question, probe, text)."""

    answers: list[tuple[str, str]] = field(default_factory=list)
    probe_answers: list[tuple[str, int, str]] = field(default_factory=list)


@dataclass
class Tally:
    kills: int = 0
    answers: int = 0
    resumes: int = 0
    finished: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    sent_then_killed: dict[str, int] = field(default_factory=lambda: {"saved": 0, "not saved": 0})


class Chain:
    """One sessions directory driven through interviews, kills and resumes."""

    def __init__(self, directory: Path, bank: Bank, rng: random.Random, tally: Tally, lock: threading.Lock,
                 kind: str = "plain"):
        self.kind = kind
        self.sessions = directory / "sessions"
        self.cwd = directory  # where locaben is started: a folder of its own, not the checkout
        directory.mkdir(parents=True, exist_ok=True)
        store_of_kind(self.sessions, kind)  # an encrypted store has its key file before the first interview
        self.bank = bank
        self.rng = rng
        self.tally = tally
        self.lock = lock
        self.session_id: str | None = None
        self.engine: Engine | None = None  # what the journal says; predicts the screen
        self.acked = Acked()
        self.counter = 0
        self.log: list[str] = []
        self.in_flight: tuple[str, str] | None = None  # submitted, not yet acknowledged when killed

    # ---- processes ----

    def spawn(self) -> pexpect.spawn:
        env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm-256color", LANG="C.UTF-8",
                   COLUMNS="100", LINES="30", NO_COLOR="1", PYTHONPATH=str(CODE),  # never the checkout's code
                   **environ_of_kind(self.kind))
        args = (["resume", self.session_id] if self.session_id else ["interview"])
        self.log.append(" ".join(args))
        command = command_under_test()  # python -m dialogue, or the installed `locaben` CI names
        child = pexpect.spawn(command[0], [*command[1:], *args, "--lang", "ja",
                                           "--sessions-dir", str(self.sessions)],
                              cwd=str(self.cwd), env=env, encoding="utf-8", timeout=15, dimensions=(30, 100))
        child.delaybeforesend = None  # no 50 ms pause before each send: kills land where they are aimed
        return child

    def kill(self, child: pexpect.spawn, kind: str) -> None:
        child.kill(signal.SIGKILL)
        child.close(force=True)
        self.log.append(f"killed ({kind})")
        with self.lock:
            self.tally.kills += 1
            self.tally.kinds[kind] = self.tally.kinds.get(kind, 0) + 1
        self.check_after_kill()

    # ---- the checks ----

    def check_after_kill(self) -> None:
        store = store_of_kind(self.sessions, self.kind)
        ids = store.session_ids()
        if self.session_id is None:
            assert len(ids) <= 1, ids
            if not ids:
                assert not self.acked.answers
                return  # killed before the session file appeared: nothing had been shown
            self.session_id = ids[0]
        journal = store.read(self.session_id, repair=False)  # read only: `resume` repairs
        engine = Engine.replay(self.bank, journal.events, iso_clock(), self.session_id)  # always replays
        answered = {(e.payload.question, e.payload.raw) for e in journal.events if e.kind == "answered"}
        probed = {(e.payload.question, e.payload.probe, e.payload.text)
                  for e in journal.events if e.kind == "probe_answered"}
        lost = [a for a in self.acked.answers if a not in answered]
        lost += [p for p in self.acked.probe_answers if p not in probed]
        assert not lost, f"acknowledged on screen but not in {store.path(self.session_id)}: {lost}"
        if self.in_flight is not None:  # either outcome is correct; counted to show both happen
            saved = self.in_flight in answered or any(p[0] == self.in_flight[0] and p[2] == self.in_flight[1].strip()
                                                      for p in probed)
            with self.lock:
                self.tally.sent_then_killed["saved" if saved else "not saved"] += 1
            self.in_flight = None
        self.engine = engine

    # ---- one process: start or resume, answer a few, get killed ----

    def run_once(self) -> bool:
        """One process lifetime: start or resume, answer a few questions, get killed at a random moment.
        Returns False once the interview was finished instead."""
        kind = self.rng.choices(["starting", "typing", "saving", "idle"], [15, 10, 45, 30])[0]
        child = self.spawn()
        try:
            if kind == "starting":  # before, while or after the journal is opened, replayed, repaired
                time.sleep(self.rng.uniform(0.0, 0.35))
                self.kill(child, kind)
                return True
            child.expect_exact(marker(self.expected_step()))
            child.expect_exact(CURSOR_SHOWN)  # past the rest of the screen: only new output can match
            if self.engine is None:
                self.engine = self.fresh_engine()
            if self.session_id is not None:
                with self.lock:
                    self.tally.resumes += 1
            else:
                self.session_id = store_of_kind(self.sessions, self.kind).session_ids()[0]
            answers = self.rng.randint(1, 8)
            for number in range(1, answers + 1):
                step = self.expected_step()
                if step.state == "at_end":
                    return self.finish(child)
                raw, after = self.next_answer(step)
                if number == answers and kind == "typing":  # never submitted: must not be saved either
                    child.send(raw[: max(1, len(raw) // 2)])
                    time.sleep(self.rng.uniform(0.0, 0.03))
                    break
                child.send(raw + "\r")
                if number == answers and kind == "saving":  # while it is processed, saved, drawn (~5 ms)
                    assert step.question is not None
                    self.in_flight = (step.question.id, raw)
                    time.sleep(self.rng.choice([0.004, 0.012, 0.04]) * self.rng.random())
                    break
                child.expect_exact(marker(after.step()))  # acknowledged: the next step is on screen
                child.expect_exact(CURSOR_SHOWN)
                self.acknowledge(step, raw)
                self.engine = after
            else:
                time.sleep(self.rng.uniform(0.0, 0.02))
            self.kill(child, kind)
            return True
        finally:
            if child.isalive():
                child.kill(signal.SIGKILL)
                child.close(force=True)

    def finish(self, child: pexpect.spawn) -> bool:
        child.send("/finish\r")
        child.send("/skip\r")  # the write-up step offered before finishing: leave it for later
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0, self.log
        self.check_after_kill()  # not a kill, but the same checks
        assert self.engine is not None and self.engine.state == "finished"
        with self.lock:
            self.tally.finished += 1
        return False

    def fresh_engine(self) -> Engine:
        engine = Engine(self.bank, iso_clock())
        engine.start(Started(lang="ja"))
        return engine

    def expected_step(self) -> Step:
        if self.engine is None:  # a new interview: its first question
            return self.fresh_engine().step()
        if self.engine.state == "intro":  # a header without events resumes by starting
            self.engine.start(Started())
        return self.engine.step()

    def next_answer(self, step: Step) -> tuple[str, Engine]:
        """An answer the engine accepts, and the engine after it (a scratch copy of the shadow)."""
        assert step.question is not None and self.engine is not None
        for _ in range(20):
            self.counter += 1
            raw = an_answer(step.question, self.rng, self.counter, step.state == "probing")
            scratch = Engine.replay(self.bank, self.engine.events, iso_clock())
            try:
                scratch.answer(raw)
            except AnswerError:
                continue
            return raw, scratch
        raise AssertionError(f"no valid answer found for {step.question.id}")

    def acknowledge(self, step: Step, raw: str) -> None:
        assert step.question is not None
        if step.state == "probing":
            self.acked.probe_answers.append((step.question.id, step.probe, raw.strip()))
        else:
            self.acked.answers.append((step.question.id, raw))
        with self.lock:
            self.tally.answers += 1

    def new_interview(self) -> None:
        self.session_id = None
        self.engine = None
        self.acked = Acked()
        self.sessions = self.cwd / f"sessions{self.counter}"
        store_of_kind(self.sessions, self.kind)


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_sigkill_at_random_moments_loses_no_acknowledged_answer(tmp_path: Path, kind: str) -> None:
    seed = int(os.environ.get("LOCABEN_CRASH_SEED", "20261123"))  # fixed by default; set it to explore others
    bank = standard_bank()
    tally = Tally()
    lock = threading.Lock()
    stop_at = time.monotonic() + DEADLINE_S
    errors: list[BaseException] = []
    chains = [Chain(tmp_path / f"chain{i}", bank, random.Random(seed + i), tally, lock, kind) for i in range(CHAINS)]

    def drive(chain: Chain) -> None:
        try:
            while time.monotonic() < stop_at:
                with lock:
                    if tally.kills >= KILLS:
                        return
                if not chain.run_once():
                    chain.new_interview()
        except BaseException as exc:  # reported by the main thread
            exc.add_note(f"seed {seed}; chain log: {' | '.join(chain.log[-12:])}")
            errors.append(exc)

    threads = [threading.Thread(target=drive, args=(chain,)) for chain in chains]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    assert tally.kills >= KILLS, f"only {tally.kills} kills in {DEADLINE_S:.0f} s (seed {seed}): {tally}"
    assert tally.answers >= KILLS // 2 and tally.resumes >= KILLS // 2, tally
    if kind == "encrypted":  # every answer that reached the disk did so as ciphertext
        for journal in tmp_path.rglob("*.jsonl*"):
            assert "株式会社みどり精工".encode() not in journal.read_bytes() and "回答".encode() not in journal.read_bytes()
    print(f"\ncrash test ({kind}): seed {seed}, {tally}")


# ---- the write itself, cut at every byte ----

def _session_with_answers(tmp_path: Path, kind: str = "plain") -> tuple[SessionManager, str, list[int]]:
    """A session with a few Japanese answers; returns the byte offsets where each write started."""
    manager = SessionManager(store_of_kind(tmp_path / "sessions", kind), ticking_clock())
    bank = standard_bank()
    starts: list[int] = []
    with manager.create(bank, Started(lang="ja")) as live:
        path = manager.store.path(live.session_id)
        for raw in ["株式会社みどり精工", "代表取締役 緑川 誠（二代目）", "長野"]:  # the last one is thin: a probe
            starts.append(path.stat().st_size)
            live.answer(raw)
        session_id = live.session_id
    assert bank.source_path == str(STANDARD_BANK)
    return manager, session_id, starts


@pytest.mark.parametrize("kind", KINDS)
def test_a_journal_cut_at_every_byte_of_its_last_write_recovers(tmp_path: Path, kind: str) -> None:
    manager, session_id, starts = _session_with_answers(tmp_path, kind)
    bank = standard_bank()
    store = manager.store
    path = store.path(session_id)
    full = path.read_bytes()
    last_write = starts[-1]  # the last answer: `answered` + `probed`, written in one batch
    whole = store.read(session_id)
    every_event, line_of = whole.events, whole.lines  # (an encrypted journal seals a batch as one line)
    last_events = [n for n in line_of if n > full[:last_write].count(b"\n")]
    # plaintext: a line per event; encrypted: the write's events sealed as ONE line, so a cut anywhere in it
    # must drop all of them (and the resumed writer must reuse that line's sequence number)
    assert len(last_events) >= 2 and full[last_write:].count(b"\n") == (1 if kind == "encrypted" else len(last_events))
    for cut in range(last_write, len(full) + 1):
        for old in path.parent.glob("*.bak*"):
            old.unlink()
        damaged = full[:cut]
        path.write_bytes(damaged)
        torn = not damaged.endswith(b"\n")
        whole_record = torn and full[cut:cut + 1] == b"\n"  # only the line end is missing
        journal = store.read(session_id)  # never raises
        kept = sum(1 for n in line_of if n <= damaged.count(b"\n") + whole_record)  # events of whole lines
        assert journal.events == every_event[:kept], cut  # every earlier event is kept
        backups = list(path.parent.glob("*.bak*"))
        if torn:
            assert journal.warnings and str(path) in journal.warnings[0], cut
            assert [b.read_bytes() for b in backups] == [damaged], cut  # the original bytes, kept aside
            assert path.read_bytes() == full[:cut + 1] if whole_record else full[:damaged.rfind(b"\n") + 1]
        else:
            assert journal.warnings == () and backups == [] and path.read_bytes() == damaged, cut
        # …and the session resumes and takes a new answer after the repair
        with manager.resume(session_id, bank) as live:
            assert live.step().state in ("asking", "probing"), cut
            live.answer("追記：再開後の回答")
        assert store.read(session_id).events[-1].kind in ("asked", "probed", "probes_skipped")


@pytest.mark.parametrize("kind", KINDS)
def test_a_crash_while_creating_leaves_no_half_made_session(tmp_path: Path, monkeypatch, kind) -> None:  # type: ignore[no-untyped-def]
    """The header and the first question are written as one file that appears whole, or not at all."""
    manager = SessionManager(store_of_kind(tmp_path / "sessions", kind), ticking_clock())
    real_fsync = os.fsync

    def dying_fsync(fd: int) -> None:
        raise KeyboardInterrupt  # stands for a crash between writing and publishing the file

    monkeypatch.setattr(os, "fsync", dying_fsync)
    with pytest.raises(KeyboardInterrupt), manager.create(standard_bank(), Started(lang="ja")):
        pass
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert manager.store.session_ids() == []
    assert not [p for p in (tmp_path / "sessions").iterdir() if p.suffix in (".jsonl", ".tmp")]


@pytest.mark.parametrize("kind", KINDS)
def test_without_hard_links_sessions_and_locks_are_still_created(tmp_path: Path, monkeypatch, kind) -> None:  # type: ignore[no-untyped-def]
    """FAT-formatted USB sticks and some network drives have no hard links: fall back, don't fail."""

    def no_link(src: object, dst: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_link)
    manager = SessionManager(store_of_kind(tmp_path / "sessions", kind), ticking_clock())
    with manager.create(standard_bank(), Started(lang="ja")) as live:
        live.answer("株式会社みどり精工")
        session_id = live.session_id
    with manager.resume(session_id) as live:
        assert live.step().question is not None
    assert sorted(p.suffix for p in (tmp_path / "sessions").iterdir() if p.name != STORE_KEY_FILE) == [".jsonl"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_header_only_session_resumes_at_the_first_question(tmp_path: Path, kind: str) -> None:
    manager, session_id, _ = _session_with_answers(tmp_path, kind)
    path = manager.store.path(session_id)
    path.write_bytes(path.read_bytes().split(b"\n")[0] + b"\n")
    with manager.resume(session_id) as live:
        step = live.step()
        assert step.state == "asking" and step.question is not None
        assert step.question.id == standard_bank().questions()[0].id
    assert [e.kind for e in manager.store.read(session_id).events] == ["started", "asked"]


@pytest.mark.parametrize("kind", KINDS)
def test_events_of_one_write_are_never_split_by_a_kill(tmp_path: Path, kind: str) -> None:
    """Each batch goes out in one `write(2)`: SIGKILL lands before or after it, never inside."""
    manager, session_id, _ = _session_with_answers(tmp_path, kind)
    writes: list[bytes] = []
    real_write = os.write

    def recording_write(fd: int, data: bytes) -> int:
        writes.append(bytes(data))
        return real_write(fd, data)

    with manager.resume(session_id) as live:
        os.write = recording_write  # type: ignore[assignment]
        try:
            live.answer("所在地：長野県上田市。本社工場のほかに佐久市に第二工場があります。")
        finally:
            os.write = real_write
    assert len(writes) == 1 and writes[0].endswith(b"\n")
    # the batch (the answer and the question after it) is one line per event, or one sealed line for all
    assert writes[0].count(b"\n") >= 2 if kind == "plain" else writes[0].count(b"\n") == 1

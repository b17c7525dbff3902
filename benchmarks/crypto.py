"""What encryption at rest costs where a person waits: each answer, and resuming a long session.

    .venv/bin/python benchmarks/crypto.py [--answers 1500] [--events 10000] [--runs 7]

- per answer: `LiveSession.answer` in a plaintext store and in an encrypted one — the engine, the 機微情報
  check, encoding the events (sealing them), one write and one fsync — the two sessions taking turns answer
  by answer (the order swapped each time), so a busy neighbour on the machine slows both alike;
- resume: `SessionManager.open` of a 10,000-event session (the standard bank answered over and over, with
  notes, written as a live session writes it: one append per command, so an encrypted journal holds a
  sealed line per write) from its file: read, open the key, decode every line, `Event.from_json`, replay — what
  `locaben resume` pays before the question shows; and the read alone (`SessionStore.read`); wall time and
  the process's CPU time (on a machine shared with others, the CPU time is the steadier of the two);
- resume from the snapshot: the same `SessionManager.open` once the session has its engine snapshot
  (dialogue.store.snapshot: plaintext in the plaintext store, sealed in the encrypted one) — open the key,
  unseal, check the journal's hash, restore the engine; no covered line decoded (checked: `replayed == 0`);
  and with `SessionStore.append_to` after it, as `locaben resume` opens the journal for its next write;
- where the decoding time goes: base64, AES-GCM (and AES-OCB3, measured as the alternative) and JSON, per line;
- once per process: deriving the key-encryption key from a passphrase (Argon2id at the default cost).

Goals: encryption adds under 20% to the per-answer p99 and to resuming a 10,000-event session (issue 17);
an encrypted session resumes from its snapshot as fast as a plaintext one does (issue 18).
Never part of the pytest run.
"""

from __future__ import annotations

import argparse
import binascii
import contextlib
import itertools
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.ciphers.aead import AESGCM, AESOCB3  # noqa: E402

from dialogue.banks.builtin import standard_bank_path  # noqa: E402
from dialogue.banks.reader import load_bank  # noqa: E402
from dialogue.engine import Engine  # noqa: E402
from dialogue.errors import AnswerError  # noqa: E402
from dialogue.model import Bank, Event  # noqa: E402
from dialogue.model.events import Started  # noqa: E402
from dialogue.store.crypto import LineCodec, PlainCodec, dump_json, encrypt_header, load_json  # noqa: E402
from dialogue.store.journal import Header, Protection, SessionStore  # noqa: E402
from dialogue.store.keys import PASSPHRASE_ENV, Keys, default_kdf, derive  # noqa: E402
from dialogue.store.live import SessionManager  # noqa: E402
from dialogue.store.snapshot import save as save_snapshot  # noqa: E402

JST = timezone(timedelta(hours=9))


def iso_clock() -> Callable[[], str]:
    start = datetime(2026, 11, 23, 10, 0, tzinfo=JST)
    counter = iter(range(10**9))
    return lambda: (start + timedelta(milliseconds=next(counter))).isoformat(timespec="milliseconds")


def long_session(bank: Bank, wanted: int) -> list[list[Event]]:
    """`wanted` events of real interview traffic (answers in Japanese prose, re-answers via jumps, notes),
    as the writes a live session makes: the events of one command are one batch."""
    engine = Engine(bank, iso_clock(), "bench-crypto")
    step = engine.start(Started(lang="ja"))
    ids = [q.id for q in bank.questions()]
    ends = [0, len(engine.events)]
    n = 0
    while len(engine.events) < wanted:
        n += 1
        if step.state == "at_end":
            step = engine.jump(ids[n % len(ids)])
        else:
            if n % 7 == 0:
                engine.note(f"メモ{n}：社長は技術の話になると熱が入る")
                ends.append(len(engine.events))
            try:
                step = engine.answer(_answer(step, n))
            except AnswerError:
                step = engine.skip()
        ends.append(len(engine.events))
    events = list(engine.events)
    return [events[a:b] for a, b in itertools.pairwise(ends) if b > a]


def _answer(step: Any, n: int) -> str:
    question = step.question
    if step.state == "probing":
        return f"深掘り{n}：年間2,000個、納期は平均5日です。"
    if question.type == "choice":
        return "1"
    if question.type == "number":
        return "24"
    if question.type in ("list", "group"):
        return f"項目{n}イ；項目{n}ロ"
    return (f"回答{n}：株式会社みどり精工では、創業以来の精密加工の技術を活かし、主要顧客3社と20年以上の取引が"
            "あります。具体的な数字としては売上の6割を占めます。納期は平均5日、不良率は0.1%以下です。")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def codecs(session_id: str) -> tuple[dict[str, Any], LineCodec, Keys]:
    keys = Keys({PASSPHRASE_ENV: "bench passphrase 2026"}, kdf_cost={"m": 1024, "t": 1, "p": 1})
    wrapping, kek = keys.new_wrapping("passphrase")
    header = {"format": "locaben-session", "version": 1, "session_id": session_id}
    sealed, codec = encrypt_header(header, wrapping, kek)
    return sealed, codec, keys


def stores(directory: Path) -> dict[str, SessionStore]:
    """A plaintext store and an encrypted one (a passphrase key; its derivation is paid once, before timing)."""
    keys = Keys({PASSPHRASE_ENV: "bench passphrase 2026"}, kdf_cost={"m": 1024, "t": 1, "p": 1})
    encrypted = SessionStore(directory / "encrypted", keys, Protection(encrypt_new=True, scheme="passphrase"))
    encrypted.wrapping(create=True)
    return {"plaintext": SessionStore(directory / "plaintext"), "encrypted": encrypted}


def per_answer(bank: Bank, directory: Path, count: int) -> dict[str, list[float]]:
    """Seconds per `LiveSession.answer`, the two stores taking turns (same answers, same engine states)."""
    managers = {name: SessionManager(store, lambda: datetime.now(JST)) for name, store in stores(directory).items()}
    times: dict[str, list[float]] = {name: [] for name in managers}
    ids = [q.id for q in bank.questions()]
    with contextlib.ExitStack() as stack:
        lives = {name: stack.enter_context(m.create(bank, Started(lang="ja"))) for name, m in managers.items()}
        n = 0
        while len(times["plaintext"]) < count:
            n += 1
            order = ("plaintext", "encrypted") if n % 2 else ("encrypted", "plaintext")
            step = lives["plaintext"].step()
            if step.state == "at_end":
                for name in order:
                    lives[name].jump(ids[n % len(ids)])
                continue
            text = _answer(step, n)
            for name in order:
                started = time.perf_counter()
                try:
                    lives[name].answer(text)
                except AnswerError:
                    lives[name].skip()
                times[name].append(time.perf_counter() - started)
    return times


def resume(bank: Bank, batches: list[list[Event]], directory: Path, runs: int) -> dict[str, dict[str, float]]:
    """Median and fastest over `runs` of reading a long session, and of reading + replaying it. The session
    is written as a live one is: created with its first write, then one append per write."""
    results: dict[str, dict[str, list[float]]] = {}
    events = [e for batch in batches for e in batch]
    header = Header("bench-resume", bank.id, bank.version, bank.source_hash, bank.source_path,
                    events[0].at, extra={"question_ids": [q.id for q in bank.questions()]})
    made = stores(directory)  # the passphrase is derived once, as in one `locaben resume` process
    for name, store in made.items():
        with store.create(header, batches[0]) as writer:
            for batch in batches[1:]:
                writer.append(batch)
        results[name] = {"read": [], "resume": [], "read_cpu": [], "resume_cpu": []}
    for _ in range(runs):
        for name, store in made.items():
            manager = SessionManager(store, lambda: datetime.now(JST))
            started, started_cpu = time.perf_counter(), time.process_time()
            journal = store.read(header.session_id)
            middle, middle_cpu = time.perf_counter(), time.process_time()
            opened = manager.open(header.session_id, bank)
            results[name]["read"].append(middle - started)
            results[name]["resume"].append(time.perf_counter() - middle)
            results[name]["read_cpu"].append(middle_cpu - started_cpu)
            results[name]["resume_cpu"].append(time.process_time() - middle_cpu)
            assert journal.events == opened.journal.events and len(journal.events) == len(events)
    from_snapshot(bank, made, header.session_id, len(events), runs, results)
    return {n: {k: statistics.median(v) for k, v in r.items()} | {f"{k}_min": min(v) for k, v in r.items()}
            for n, r in results.items()}


def from_snapshot(bank: Bank, made: dict[str, SessionStore], session_id: str, count: int, runs: int,
                  results: dict[str, dict[str, list[float]]]) -> None:
    """`runs` resumes of each store's session from its engine snapshot (written first, as a long resume
    writes it), the stores taking turns; and the same followed by `append_to`, as `locaben resume` does."""
    for name, store in made.items():
        assert save_snapshot(store, session_id, SessionManager(store, lambda: datetime.now(JST)).open(
            session_id, bank).engine), f"no snapshot written in the {name} store"
        results[name] |= {"snapshot": [], "snapshot_cpu": [], "snapshot_append": []}
    for n in range(runs):
        for name in (("plaintext", "encrypted") if n % 2 else ("encrypted", "plaintext")):
            store, manager = made[name], SessionManager(made[name], lambda: datetime.now(JST))
            started, started_cpu = time.perf_counter(), time.process_time()
            opened = manager.open(session_id, bank)
            middle = time.perf_counter()
            results[name]["snapshot_cpu"].append(time.process_time() - started_cpu)
            store.append_to(session_id, opened.journal).close()
            results[name]["snapshot"].append(middle - started)
            results[name]["snapshot_append"].append(time.perf_counter() - started)
            assert opened.replayed == 0 and opened.engine.event_count == count, (name, opened.replayed)


def where_decoding_goes(records: list[dict[str, Any]]) -> dict[str, float]:
    """Microseconds per line of each step of decoding an encrypted line, and of a plaintext one."""
    _, aead, _ = codecs("bench-decode")
    lines = [aead.encode_line(r, seq).rstrip(b"\n") for seq, r in enumerate(records, 1)]
    plain = [PlainCodec().encode_line(r, seq).rstrip(b"\n") for seq, r in enumerate(records, 1)]
    key = AESGCM.generate_key(bit_length=256)
    texts = [dump_json(r) for r in records]
    nonces = [os.urandom(12) for _ in texts]
    gcm, ocb = AESGCM(key), AESOCB3(key)
    sealed = [gcm.encrypt(n, t, b"ad") for n, t in zip(nonces, texts, strict=True)]
    sealed_ocb = [ocb.encrypt(n, t, b"ad") for n, t in zip(nonces, texts, strict=True)]
    b64 = [binascii.b2a_base64(c, newline=False) for c in sealed]
    steps: dict[str, Callable[[], object]] = {
        "plaintext line: json.loads": lambda: [load_json(line) for line in plain],
        "encrypted line: decode_line (all of it)": lambda: [aead.decode_line(line, seq)
                                                            for seq, line in enumerate(lines, 1)],
        "· base64": lambda: [binascii.a2b_base64(x) for x in b64],
        "· AES-256-GCM decrypt": lambda: [gcm.decrypt(n, c, b"ad") for n, c in zip(nonces, sealed, strict=True)],
        "· AES-256-OCB3 decrypt (the alternative)": lambda: [ocb.decrypt(n, c, b"ad")
                                                            for n, c in zip(nonces, sealed_ocb, strict=True)],
        "· json.loads of the decrypted text": lambda: [load_json(t) for t in texts],
    }
    out = {}
    for label, step in steps.items():
        best = min(_timed(step) for _ in range(5))
        out[label] = best / len(records) * 1e6
    return out


def _timed(step: Callable[[], object]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def kdf_once() -> float:
    kdf = default_kdf()
    started = time.perf_counter()
    derive("bench passphrase 2026", kdf)
    return time.perf_counter() - started


def overhead(plain: float, enc: float) -> str:
    return f"{(enc / plain - 1) * 100:+.0f}%"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1500)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    bank = load_bank(standard_bank_path())
    batches = long_session(bank, args.events)
    events = [e for batch in batches for e in batch]
    directory = Path(tempfile.mkdtemp(prefix="locaben-crypto-", dir=os.environ.get("LOCABEN_BENCH_DIR")))
    try:
        answers = per_answer(bank, directory / "answers", args.answers)
        read = resume(bank, batches, directory / "resume", args.runs)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    decoding = where_decoding_goes([e.to_json() for e in events])
    ms = 1000
    print(f"Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; load average {os.getloadavg()[0]:.1f}; journal folder on "
          f"{directory.parent}")
    print(f"Command: {' '.join([Path(sys.executable).name, *sys.argv])}\n")
    print("| what | plaintext | encrypted | added |")
    print("|---|---|---|---|")
    plain, enc = answers["plaintext"], answers["encrypted"]
    for label, fn in (("median", statistics.median), ("p99", lambda v: percentile(v, 99))):
        print(f"| per answer, {label} ({len(plain)} answers each: engine + check + encode + write + fsync) | "
              f"{fn(plain) * ms:.3f} ms | {fn(enc) * ms:.3f} ms | {overhead(fn(plain), fn(enc))} |")
    for key, label in (("resume", "resume (read + decode + replay)"), ("read", "read and decode the journal"),
                       ("resume_cpu", "resume, CPU time of the process"), ("read_cpu", "read and decode, CPU time"),
                       ("snapshot", "resume, from the snapshot"), ("snapshot_cpu", "resume from the snapshot, CPU time"),
                       ("snapshot_append", "resume from the snapshot + open the journal to append")):
        for stat, name in ((key, f"median of {args.runs}"), (f"{key}_min", f"fastest of {args.runs}")):
            p, e = read["plaintext"][stat], read["encrypted"][stat]
            print(f"| {label}, {len(events):,} events, {name} | {p * ms:.1f} ms | {e * ms:.1f} ms | "
                  f"{overhead(p, e)} |")
    print(f"| once per process: passphrase → key (Argon2id, 64 MiB, t=3, p=4) | — | {kdf_once() * ms:.0f} ms | |")
    print("\n| decoding one line | µs |\n|---|---|")
    for label, micros in decoding.items():
        print(f"| {label} | {micros:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

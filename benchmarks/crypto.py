"""What encryption at rest costs where a person waits: each answer's append, and reading a long session.

    .venv/bin/python benchmarks/crypto.py [--appends 3000] [--events 10000] [--runs 7]

- per append: encode one event line + write + fsync, as `JournalWriter.append_json` does, plaintext codec
  vs AES-256-GCM codec, interleaved in blocks so a busy neighbour on the machine slows both alike;
- reading: decoding every line of a 10,000-event journal (the standard bank answered over and over, with
  notes), plaintext vs encrypted; and the same plus `Engine.replay`, which is what a resume pays;
- once per process: deriving the key-encryption key from a passphrase (Argon2id at the default cost).

Goal (issue 17): encryption adds under 20% to an append and to a resume. Never part of the pytest run.
"""

from __future__ import annotations

import argparse
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

from dialogue.banks.builtin import standard_bank_path  # noqa: E402
from dialogue.banks.reader import load_bank  # noqa: E402
from dialogue.engine import Engine  # noqa: E402
from dialogue.errors import AnswerError  # noqa: E402
from dialogue.model import Bank, Event  # noqa: E402
from dialogue.model.events import Started  # noqa: E402
from dialogue.store.crypto import LineCodec, PlainCodec, encrypt_header, open_codec  # noqa: E402
from dialogue.store.keys import PASSPHRASE_ENV, Keys, default_kdf, derive  # noqa: E402

JST = timezone(timedelta(hours=9))


def iso_clock() -> Callable[[], str]:
    start = datetime(2026, 11, 23, 10, 0, tzinfo=JST)
    counter = iter(range(10**9))
    return lambda: (start + timedelta(milliseconds=next(counter))).isoformat(timespec="milliseconds")


def long_session(bank: Bank, wanted: int) -> list[Event]:
    """`wanted` events of real interview traffic: answers (Japanese prose), re-answers via jumps, notes."""
    engine = Engine(bank, iso_clock(), "bench-crypto")
    step = engine.start(Started(lang="ja"))
    ids = [q.id for q in bank.questions()]
    n = 0
    while len(engine.events) < wanted:
        n += 1
        if step.state == "at_end":
            step = engine.jump(ids[n % len(ids)])
            continue
        if n % 7 == 0:
            engine.note(f"メモ{n}：社長は技術の話になると熱が入る")
        try:
            step = engine.answer(_answer(step, n))
        except AnswerError:
            step = engine.skip()
    return list(engine.events)


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


def appends(records: list[dict[str, Any]], directory: Path, count: int) -> dict[str, list[float]]:
    """Per-append times (encode + fstat + write + fsync), the two codecs taking turns append by append
    (the order swapped each round), so a busy neighbour on the machine slows both alike."""
    _, aead, _ = codecs("bench-append")
    modes: dict[str, LineCodec] = {"plaintext": PlainCodec(), "encrypted": aead}
    fds = {name: os.open(directory / f"{name}.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
           for name in modes}
    times: dict[str, list[float]] = {name: [] for name in modes}
    try:
        for seq in range(1, count + 1):
            record = records[seq % len(records)]
            for name in (("plaintext", "encrypted") if seq % 2 else ("encrypted", "plaintext")):
                started = time.perf_counter()
                data = modes[name].encode_line(record, seq)
                _ = os.fstat(fds[name]).st_size  # as the writer does, to cut back a failed write
                os.write(fds[name], data)
                os.fsync(fds[name])
                times[name].append(time.perf_counter() - started)
    finally:
        for fd in fds.values():
            os.close(fd)
    return times


def encode_only(records: list[dict[str, Any]]) -> dict[str, float]:
    _, aead, _ = codecs("bench-encode")
    out = {}
    for name, codec in (("plaintext", PlainCodec()), ("encrypted", aead)):
        started = time.perf_counter()
        for seq, record in enumerate(records, 1):
            codec.encode_line(record, seq)
        out[name] = (time.perf_counter() - started) / len(records)
    return out


def reading(bank: Bank, events: list[Event], runs: int) -> dict[str, dict[str, float]]:
    """Median over `runs` of: decode every line; decode + replay (what a resume pays)."""
    records = [e.to_json() for e in events]
    header, aead, keys = codecs("bench-read")
    journals = {"plaintext": [PlainCodec().encode_line(r, s) for s, r in enumerate(records, 1)],
                "encrypted": [aead.encode_line(r, s) for s, r in enumerate(records, 1)]}
    headers = {"plaintext": {"format": "locaben-session"}, "encrypted": header}
    data = {name: b"".join(lines) for name, lines in journals.items()}
    results: dict[str, dict[str, list[float]]] = {n: {"decode": [], "resume": []} for n in journals}
    for _ in range(runs):
        for name in journals:
            started = time.perf_counter()
            decoded = decode_all(data[name], headers[name], keys)
            middle = time.perf_counter()
            Engine.replay(bank, [Event.from_json(r) for r in decoded], iso_clock())
            results[name]["decode"].append(middle - started)
            results[name]["resume"].append(time.perf_counter() - started)
            assert decoded == records
    return {n: {k: statistics.median(v) for k, v in r.items()} | {f"{k}_min": min(v) for k, v in r.items()}
            for n, r in results.items()}


def decode_all(data: bytes, header: dict[str, Any], keys: Keys) -> list[dict[str, Any]]:
    codec = open_codec(header, keys, "bench")  # unwraps the data key (the KEK is cached, as in a process)
    out = []
    for seq, raw in enumerate(data.split(b"\n")[:-1], 1):
        record = codec.decode_line(raw, seq)
        assert record is not None
        out.append(record)
    return out


def kdf_once() -> float:
    kdf = default_kdf()
    started = time.perf_counter()
    derive("bench passphrase 2026", kdf)
    return time.perf_counter() - started


def overhead(plain: float, enc: float) -> str:
    return f"{(enc / plain - 1) * 100:+.0f}%"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=3000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    bank = load_bank(standard_bank_path())
    events = long_session(bank, args.events)
    records = [e.to_json() for e in events]
    directory = Path(tempfile.mkdtemp(prefix="locaben-crypto-", dir=os.environ.get("LOCABEN_BENCH_DIR")))
    try:
        times = appends(records, directory, args.appends)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    encode = encode_only(records)
    read = reading(bank, events, args.runs)
    ms = 1000
    print(f"Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; load average {os.getloadavg()[0]:.1f}; journal folder on "
          f"{directory.parent}")
    print(f"Command: {' '.join([Path(sys.executable).name, *sys.argv])}\n")
    print("| what | plaintext | encrypted | added |")
    print("|---|---|---|---|")
    plain, enc = times["plaintext"], times["encrypted"]
    for label, fn in (("per append, median", statistics.median), ("per append, p99", lambda v: percentile(v, 99))):
        print(f"| {label} ({len(plain)} appends each: encode + write + fsync) | {fn(plain) * ms:.3f} ms | "
              f"{fn(enc) * ms:.3f} ms | {overhead(fn(plain), fn(enc))} |")
    print(f"| encode one event line (no I/O) | {encode['plaintext'] * 1e6:.1f} µs | "
          f"{encode['encrypted'] * 1e6:.1f} µs | {overhead(encode['plaintext'], encode['encrypted'])} |")
    for key, label in (("decode", "decode every line"), ("resume", "decode + Engine.replay (a resume)")):
        for stat, name in ((key, f"median of {args.runs}"), (f"{key}_min", f"fastest of {args.runs}")):
            p, e = read["plaintext"][stat], read["encrypted"][stat]
            print(f"| {label}, {len(events):,} events, {name} | {p * ms:.1f} ms | {e * ms:.1f} ms | "
                  f"{overhead(p, e)} |")
    print(f"| once per process: passphrase → key (Argon2id, 64 MiB, t=3, p=4) | — | {kdf_once() * ms:.0f} ms | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How fast the team server is: syncing a laptop's sessions, and listing the team's sessions.

Starts its own PostgreSQL server (the distribution's binaries, default durability settings, a Unix socket in a
temporary folder; as root it runs as the `postgres` user), so nothing else is touched. Never part of pytest.

    .venv/bin/python benchmarks/team.py            # 1,000 sessions × ~52 events; 10,000 sessions listed
    .venv/bin/python benchmarks/team.py --quick    # 100 sessions; 2,000 listed (a smoke test of the script)

Measures:
1. `locaben sync` (the real command, its own process) sending 1,000 sessions of ~52 events each to the local
   server: wall time and events/s; then the same command again with nothing to send (the idempotent check).
2. The `sessions --team` query (`dialogue.store.server.queries.team_sessions`, through the row-level security)
   over 10,000 sessions as an admin (all of them), a reviewer (one branch) and an interviewer (their own);
   and the command `locaben sessions --team` end to end, in process and as its own process. Target: under 1 s.
3. `locaben report` over the whole period as an admin.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dialogue.model import Actor  # noqa: E402
from dialogue.store.journal import SessionStore  # noqa: E402
from dialogue.store.server import admin  # noqa: E402
from dialogue.store.server.queries import report, team_sessions  # noqa: E402
from dialogue.store.server.remote import Remote  # noqa: E402
from tests.server.cluster import Cluster, why_unavailable  # noqa: E402
from tests.server.devices import write_session  # noqa: E402

BRANCHES, STAFF_PER_BRANCH = 20, 10
STATES = ("started", "paused", "finished", "submitted", "approved")


def set_up(remote: Remote) -> None:
    admin.init(remote)
    for b in range(BRANCHES):
        admin.add_branch(remote, f"b{b:02d}", f"第{b}支店")
        for s in range(STAFF_PER_BRANCH):
            role = "reviewer" if s == 0 else "interviewer"
            admin.add_staff(remote, f"s{b:02d}{s}", f"行員{b:02d}{s}", f"b{b:02d}", role)
    admin.add_staff(remote, "boss", "本部", "b00", "admin")


def bench_sync(cluster: Cluster, sessions: int, work: Path) -> list[tuple[str, str]]:
    store = SessionStore(work / "laptop")
    officer = Actor("s001", "行員001", "0123456789abcdef")  # events signed as the CLI signs them
    for n in range(sessions):
        write_session(store, f"株式会社ベンチ{n:05d}", 45, f"20261123-1000{n:05d}", officer)
    events = sum(len(store.read(i, repair=False).events) for i in store.session_ids())
    env = {**os.environ, "LOCABEN_SERVER": cluster.url("s001"), "LOCABEN_USER": "s001",
           "LOCABEN_CONFIG_DIR": str(work / "config"), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "dialogue", "sync", "--sessions-dir", str(store.root)]
    first = _timed(command, env)
    again = _timed(command, env)
    return [(f"`locaben sync`: {sessions:,} new sessions, {events:,} events",
             f"{first:.1f} s = {events / first:,.0f} events/s, {sessions / first:,.1f} sessions/s"),
            (f"`locaben sync` again, nothing to send ({sessions:,} sessions compared)", f"{again:.2f} s")]


def _timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"sync failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


def add_light_sessions(remote: Remote, count: int) -> None:
    """More sessions for the list, written straight into the tables (one event each, a valid chain, the
    states spread out): the list reads the sessions' summary rows, whose number is what is measured."""
    remote.conn.execute("""
        INSERT INTO sessions (id, header, header_hash, owner_id, branch_id, created_by, company)
        SELECT 'bulk-' || g, h, sha256(convert_to(h, 'UTF8')), o, 'b' || substr(o, 2, 2), o, '株式会社リスト' || g
        FROM generate_series(1, %(count)s) g,
             LATERAL (SELECT 's' || lpad((g %% 20)::text, 2, '0') || (g %% 10)::text AS o) who,
             LATERAL (SELECT json_build_object('session_id', 'bulk-' || g, 'created',
                                               '2026-11-23T10:00:00+09:00')::text AS h) head""",
                        {"count": count})
    remote.conn.execute("""
        INSERT INTO events (session_id, seq, body, hash)
        SELECT id, 1, b, sha256(header_hash || convert_to(b, 'UTF8'))
        FROM sessions s, LATERAL (SELECT json_build_object('kind', (%(states)s::text[])[1 + abs(hashtext(id)) %% 5],
                                  'at', '2026-11-2' || (hashtext(id) & 7)::text || 'T10:00:00+09:00')::text AS b) e
        WHERE s.id LIKE 'bulk-%%'""", {"states": list(STATES)})


def bench_list(cluster: Cluster, total: int) -> list[tuple[str, str]]:
    rows = []
    for user, who in (("boss", "admin, all"), ("s030", "reviewer, one branch"), ("s033", "interviewer")):
        with Remote.connect(cluster.url(user)) as remote:
            times, found = _repeat(lambda r=remote: team_sessions(r), 5)
            rows.append((f"`sessions --team` query as {who} ({found:,} of {total:,} sessions)",
                         f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"))
            if user == "boss":
                filtered, found = _repeat(lambda r=remote: team_sessions(r, branch="b07", state="submitted"), 5)
                rows.append((f"… with --branch b07 --state submitted ({found:,} sessions)",
                             f"median {statistics.median(filtered) * 1000:.0f} ms"))
    rows += _bench_command(cluster, total)
    return rows


def _bench_command(cluster: Cluster, total: int) -> list[tuple[str, str]]:
    """`locaben sessions --team` as the admin types it: in this process (connect, query, JSON or the table
    printed), and as a process of its own (Python's start and the imports included)."""
    from dialogue.cli.main import Env
    from dialogue.cli.main import main as locaben

    environ = {"LOCABEN_SERVER": cluster.url("boss"), "LOCABEN_USER": "boss", "LOCABEN_CONFIG_DIR": tempfile.mkdtemp(),
               "NO_COLOR": "1", "COLUMNS": "160"}
    rows = []
    for extra, what, runs in ((["--json"], "--json: every session", 5), ([], "the table: the newest 100", 5),
                              (["--limit", "0"], "the table of every session, --limit 0", 1)):
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            assert locaben(["sessions", "--team", *extra], Env(stdout=io.StringIO(), environ=environ)) == 0
            times.append(time.perf_counter() - start)
        rows.append((f"`locaben sessions --team` as admin, in process, {what} of {total:,}: connect + query + "
                     "output", f"{'median ' if runs > 1 else ''}{statistics.median(times) * 1000:,.0f} ms"))
    # As its own process, with bytecode kept (as a wheel installs it; PYTHONDONTWRITEBYTECODE=1 would compile
    # every module at each start): the first run writes it and is not counted.
    compiled = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    process_env = {**compiled, **environ, "PYTHONPATH": str(ROOT)}
    for what, extra in (("--json", ["--json"]), ("the table", [])):
        command = [sys.executable, "-m", "dialogue", "sessions", "--team", *extra]
        _timed(command, process_env)
        times = [_timed(command, process_env) for _ in range(3)]
        rows.append((f"`locaben sessions --team` ({what}) as its own process ({total:,} sessions)",
                     f"median {statistics.median(times) * 1000:.0f} ms"))
    startup = [_timed([sys.executable, "-m", "dialogue", "--version"], process_env) for _ in range(3)]
    rows.append(("… of which starting Python and locaben (`locaben --version`)",
                 f"median {statistics.median(startup) * 1000:.0f} ms"))
    return rows


def _repeat(call, times: int) -> tuple[list[float], int]:  # type: ignore[no-untyped-def]
    elapsed, found = [], 0
    for _ in range(times):
        start = time.perf_counter()
        found = len(call())
        elapsed.append(time.perf_counter() - start)
    return elapsed, found


def bench_report(cluster: Cluster) -> tuple[str, str]:
    from datetime import datetime, timedelta, timezone

    jst = timezone(timedelta(hours=9))
    with Remote.connect(cluster.url("boss")) as remote:
        events = remote.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        times, found = _repeat(lambda: report(remote, datetime(2026, 4, 1, tzinfo=jst),
                                              datetime(2027, 4, 1, tzinfo=jst)), 3)
    return (f"`report` as admin over {events:,} events ({found} rows)", f"median {statistics.median(times) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 sessions synced, 2,000 listed")
    options = parser.parse_args()
    reason = why_unavailable()
    if reason:
        raise SystemExit(f"cannot start a PostgreSQL server here: {reason}")
    synced, listed = (100, 2_000) if options.quick else (1_000, 10_000)
    started = time.perf_counter()
    cluster = Cluster(durable=True).init()
    try:
        with Remote.connect(cluster.url()) as remote:
            set_up(remote)
        with tempfile.TemporaryDirectory(prefix="locaben-bench-") as work:
            rows = bench_sync(cluster, synced, Path(work))
        with Remote.connect(cluster.url()) as remote:
            add_light_sessions(remote, listed - synced)
            remote.conn.execute("ANALYZE")
        rows += bench_list(cluster, listed)
        rows.append(bench_report(cluster))
    finally:
        cluster.destroy()
    print(f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"PostgreSQL from {cluster.bin}, default durability (fsync on), Unix socket")
    print(f"Command: `.venv/bin/python benchmarks/team.py{' --quick' if options.quick else ''}`; "
          f"run took {time.perf_counter() - started:.0f} s\n")
    print("| measure | figure |\n|---|---|")
    for measure, figure in rows:
        print(f"| {measure} | {figure} |")


if __name__ == "__main__":
    main()

"""A real PostgreSQL server for the team tests: started once per test run, a fresh database per test.

Every test module here is marked `server` (`pytestmark`); without the PostgreSQL server binaries they are skipped with the
reason (`pytest -m "not server"` leaves them out on purpose) — unless LOCABEN_SERVER_TESTS=required (.ci/run
sets it): then a missing server is a failure. The bank of the tests has two branches and four staff:

| staff  | role        | branch      |
|--------|-------------|-------------|
| tanaka | interviewer | honten 本店 |
| yamada | interviewer | honten 本店 |
| suzuki | interviewer | minato 港支店 |
| sato   | reviewer    | honten 本店 |
| kimura | admin       | honten 本店 |
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.server.cluster import DATABASE, SUPERUSER, Cluster, why_unavailable

STAFF = (("tanaka", "田中 一郎", "honten", "interviewer"), ("yamada", "山田 花子", "honten", "interviewer"),
         ("suzuki", "鈴木 次郎", "minato", "interviewer"), ("sato", "佐藤 課長", "honten", "reviewer"),
         ("kimura", "木村 部長", "honten", "admin"))
TEMPLATE = "locaben_team_template"
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    reason = why_unavailable()
    if reason and os.environ.get("LOCABEN_SERVER_TESTS") == "required":  # CI (.ci/run): never a silent skip
        pytest.fail(f"the server tests are required here, and cannot run: {reason}")
    if reason:
        pytest.skip(reason)
    running = Cluster().init()
    try:
        _make_template(running)
        yield running
    finally:
        running.destroy()


def _make_template(running: Cluster) -> None:
    import psycopg

    from dialogue.store.server import admin
    from dialogue.store.server.remote import Remote

    with psycopg.connect(running.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {TEMPLATE}")
    with Remote.connect(running.url().replace(f"/{DATABASE}?", f"/{TEMPLATE}?")) as remote:
        admin.init(remote)
        admin.add_branch(remote, "honten", "本店")
        admin.add_branch(remote, "minato", "港支店")
        for staff_id, name, branch, role in STAFF:
            admin.add_staff(remote, staff_id, name, branch, role)


@dataclass
class Server:
    """One test's own database on the shared server; `url(staff)` connects as that staff member."""

    cluster: Cluster
    database: str

    def url(self, user: str = SUPERUSER) -> str:
        return self.cluster.url(user).replace(f"/{DATABASE}?", f"/{self.database}?")

    def remote(self, user: str = SUPERUSER):  # type: ignore[no-untyped-def]
        from dialogue.store.server.remote import Remote

        return Remote.connect(self.url(user))


@pytest.fixture
def server(cluster: Cluster) -> Iterator[Server]:
    import psycopg

    name = f"locaben_t{next(_numbers)}"
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    yield Server(cluster, name)
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

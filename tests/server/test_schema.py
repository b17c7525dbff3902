"""`locaben server init` creates the schema on an empty database, upgrades it, and is safe to repeat."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from dialogue.cli.main import Env, main
from dialogue.store.server.schema import MIGRATIONS, Migration, apply_migrations, schema_version
from tests.helpers import ticking_clock
from tests.server.cluster import DATABASE, Cluster

pytestmark = pytest.mark.server


@pytest.fixture
def empty_url(cluster: Cluster) -> Iterator[str]:
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS locaben_empty WITH (FORCE)")
        conn.execute("CREATE DATABASE locaben_empty")
    yield cluster.url().replace(f"/{DATABASE}?", "/locaben_empty?")
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS locaben_empty WITH (FORCE)")


def locaben(*args: str, tmp_path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    env = Env(stdout=out, stderr=err, clock=ticking_clock(),
              environ={"NO_COLOR": "1", "LOCABEN_CONFIG_DIR": str(tmp_path / "config")})
    return main(list(args), env), out.getvalue(), err.getvalue()


def test_init_creates_then_changes_nothing(empty_url: str, tmp_path: Path) -> None:
    versions = ", ".join(str(m.version) for m in MIGRATIONS)
    assert locaben("server", "init", "--url", empty_url, tmp_path=tmp_path)[1] == \
        f"チームサーバーのスキーマ: マイグレーション {versions} を適用しました\n"
    assert locaben("server", "init", "--url", empty_url, "--lang", "en", tmp_path=tmp_path)[1] == \
        "team server schema: already up to date\n"
    code, out, _ = locaben("server", "add-branch", "honten", "本店", "--url", empty_url, tmp_path=tmp_path)
    assert code == 0
    code, out, _ = locaben("server", "add-staff", "watanabe", "--name", "渡辺", "--branch", "honten", "--role",
                           "reviewer", "--url", empty_url, tmp_path=tmp_path)
    assert code == 0 and "行員 watanabe（承認者、honten）を作成しました" in out
    code, out, _ = locaben("server", "add-staff", "watanabe", "--name", "渡辺", "--branch", "honten", "--role",
                           "admin", "--url", empty_url, tmp_path=tmp_path)
    assert code == 0 and "行員 watanabe（管理者、honten）を更新しました" in out
    code, out, _ = locaben("server", "verify", "--url", empty_url, tmp_path=tmp_path)
    assert (code, out) == (0, "問題なし: 面談 0 件、イベント 0 件\n")


def test_a_later_version_upgrades_in_place_keeping_the_data(empty_url: str) -> None:
    with psycopg.connect(empty_url, autocommit=True) as conn:
        assert apply_migrations(conn) == [m.version for m in MIGRATIONS]
        conn.execute("INSERT INTO locaben.branches VALUES ('honten', '本店')")
        later = MIGRATIONS[-1].version + 1
        upgrade = Migration(later, "a test column", "ALTER TABLE branches ADD COLUMN region text NOT NULL DEFAULT ''")
        assert apply_migrations(conn, (*MIGRATIONS, upgrade)) == [later]
        assert apply_migrations(conn, (*MIGRATIONS, upgrade)) == []
        assert schema_version(conn) == later
        assert conn.execute("SELECT id, name, region FROM locaben.branches").fetchall() == [("honten", "本店", "")]


def test_a_failed_migration_leaves_the_database_as_it_was(empty_url: str) -> None:
    broken = Migration(MIGRATIONS[-1].version + 1, "broken", "ALTER TABLE branches ADD COLUMN x text; SELECT no_such_function();")
    with psycopg.connect(empty_url, autocommit=True) as conn:
        with pytest.raises(psycopg.Error):
            apply_migrations(conn, (*MIGRATIONS, broken))
        assert schema_version(conn) == 0
        assert conn.execute("SELECT to_regclass('locaben.sessions')").fetchone()[0] is None

"""A throwaway PostgreSQL server from the distribution's binaries, for the server tests and benchmarks.

`initdb` into a private temporary folder, `pg_ctl start` listening on a Unix socket in that folder only (no
TCP port), trust authentication on that socket (nobody else can reach it: the folder is 0700), stopped and
removed afterwards. PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user
(`runuser -u postgres --`).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

DATABASE = "locaben"
SUPERUSER = "locaben_admin"


def server_binaries() -> Path | None:
    """The newest /usr/lib/postgresql/*/bin holding initdb and pg_ctl, or the ones on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version)
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl and shutil.which("initdb") else None


def _version(path: str) -> float:
    try:
        return float(Path(path).parent.parent.name)
    except ValueError:
        return 0.0


def why_unavailable() -> str:
    """'' when a server can be started here, else the reason (used to skip the server tests)."""
    if server_binaries() is None:
        return "PostgreSQL server binaries not found (apt-get install postgresql)"
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        if shutil.which("runuser") is None:
            return "running as root without runuser"
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as"
    return ""


class Cluster:
    """One running PostgreSQL server; `url(user)` gives a connection URL for any role."""

    def __init__(self, durable: bool = False) -> None:
        """`durable=False` (tests) turns fsync off for speed; benchmarks use the server's default settings."""
        self.durable = durable
        self.bin = server_binaries()
        assert self.bin is not None, why_unavailable()
        self.root = Path(tempfile.mkdtemp(prefix="locaben-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.log = self.root / "server.log"

    def _as_server_user(self, argv: list[str]) -> list[str]:
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *argv]
        return argv

    def _run(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self._as_server_user(argv), check=check, capture_output=True, text=True,
                              timeout=120)

    def init(self) -> Cluster:
        os.chmod(self.root, 0o700)
        self.socket_dir.mkdir(mode=0o700)
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.socket_dir, "postgres")
        self._run([str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                   "--no-locale", *([] if self.durable else ["--no-sync"])])
        self.start()
        self._run([str(self.bin / "createdb"), "-h", str(self.socket_dir), "-U", SUPERUSER, DATABASE])
        return self

    def start(self) -> None:
        options = f"-k {self.socket_dir} -c listen_addresses='' -c max_connections=50"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
                   "-w", "-t", "60", "start"])

    def stop(self, mode: str = "fast") -> None:
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop"],
                  check=False)

    def url(self, user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@/{DATABASE}?host={self.socket_dir}"

    def destroy(self) -> None:
        self.stop("immediate")
        with contextlib.suppress(OSError):
            shutil.rmtree(self.root)

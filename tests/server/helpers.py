"""Helpers for the team-server tests: a staff member typing `locaben …` at their own computer."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from dialogue.cli.main import Env, main
from tests.helpers import MINI_BANK, ticking_clock
from tests.server.conftest import Server
from tests.server.devices import Device, later


class Officer:
    """A staff member at their computer: `locaben …` as they would type it."""

    def __init__(self, server: Server, staff_id: str, root: Path, when: datetime | None = None):
        self.staff_id = staff_id
        self.device = Device(root / staff_id / "sessions", when or later(0))
        self.environ = {"NO_COLOR": "1", "COLUMNS": "200", "LOCABEN_SERVER": server.url(staff_id), "LOCABEN_USER": staff_id,
                        "LOCABEN_CONFIG_DIR": str(root / staff_id / "config")}
        self.when = when or later(0)

    def run(self, *args: str, stdin: str = "") -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        env = Env(stdin=io.StringIO(stdin), stdout=out, stderr=err, clock=ticking_clock(self.when),
                  environ=self.environ)
        code = main([*args, "--sessions-dir", str(self.device.store.root)] if args[0] not in ("config",)
                    else list(args), env)
        return code, out.getvalue(), err.getvalue()

    def ok(self, *args: str) -> str:
        code, out, err = self.run(*args)
        assert code == 0, (args, out, err)
        return out

    def device_id(self) -> str:
        from dialogue.store.config import Config

        return Config.load(self.environ).identity()["device"]

    def team_list(self, *args: str) -> str:
        """`locaben sessions --team …`, the real command."""
        return self.ok("sessions", "--team", *args)

    def interview(self, *lines: str) -> tuple[str, str, str]:
        """`locaben interview --plain` on the test bank, answering `lines`: (session id, stdout, stderr)."""
        before = set(self.device.store.session_ids())
        code, out, err = self.run("interview", "--plain", "--lang", "ja", "--bank", str(MINI_BANK),
                                  stdin="\n".join(lines) + "\n")
        assert code == 0, (out, err)
        [sid] = set(self.device.store.session_ids()) - before
        return sid, out, err

    def kinds(self, session_id: str) -> list[str]:
        return [e["kind"] for e in self.device.events(session_id)]

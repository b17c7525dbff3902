"""`locaben sessions`: every session of the store, readable ones and the others with why.

Role-play and demo sessions are listed apart from interviews of real companies."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from dialogue.cli import team
from dialogue.cli.env import Env
from dialogue.cli.help import h
from dialogue.cli.main import manager, store_location
from dialogue.errors import ExitStatus, LocabenError
from dialogue.i18n import say

if TYPE_CHECKING:
    from dialogue.model import Transcript
    from dialogue.store.live import SessionManager

COMPANY_CHARS = 60  # a company name longer than this is cut in the table (the JSON has it whole)


def add_parsers(sub: Any, common: argparse.ArgumentParser, lang: str) -> None:
    p = sub.add_parser("sessions", parents=[common], help=h("sessions", lang), description=h("sessions", lang))
    p.add_argument("--json", action="store_true", help=h("json", lang))
    team.add_sessions_options(p, lang)
    p.set_defaults(handler=cmd_sessions)


def cmd_sessions(args: argparse.Namespace, env: Env) -> int:
    if team.wants_team_view(args):
        return team.cmd_sessions_team(args, env)
    sessions = manager(args, env)
    rows = session_summaries(sessions)
    if args.json:
        env.stdout.write(_json(rows) + "\n")
        return ExitStatus.OK
    from rich.console import Group

    from dialogue.ui.text import plain

    console = env.console()
    lang = args.ui_lang
    real = [r for r in rows if not r["training"]]
    training = [r for r in rows if r["training"]]
    shown: list[Any] = [_table(real, lang, console.width)]
    if training:
        shown += [plain(""), _table(training, lang, console.width, title=say("sessions.training_title", lang))]
    listing = Group(*shown)
    if not _paged(listing, console, env, lang):
        console.print(listing)
    console.print(plain(store_location(args, env).describe(lang)), soft_wrap=True)
    return ExitStatus.OK


def _paged(listing: Any, console: Any, env: Env, lang: str) -> bool:
    """A list taller than the terminal opens in the pager (`q` returns); True when it did."""
    if not (console.is_terminal and env.stdin_is_tty()):
        return False
    from dialogue.ui.pager import line_count, page, render_ansi

    if line_count(console, listing) <= console.height - 2:
        return False
    page(render_ansi(console, listing), lang)
    return True


def _json(rows: list[dict[str, Any]]) -> str:
    """JSON with Japanese kept readable; text that is not valid Unicode (a lone surrogate) escaped."""
    try:
        return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8").decode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(rows, ensure_ascii=True, indent=1)


HEADS = ("id", "company", "last", "progress", "chars", "filled", "state")
OPTIONAL = ("progress", "chars", "filled")  # left out in this order when the company would be too narrow
GAP = 2  # cells between two columns
COMPANY_MIN = 20  # cells the company column gets at least (10 Japanese characters) before others go


def _cells(row: dict[str, Any], lang: str) -> dict[str, str]:
    from dialogue.ui.text import cut

    filled = f"{row['fields_filled']}/{row['fields_total']}" if row["fields_total"] else ""
    return {"id": row["id"], "company": cut(row["company"], COMPANY_CHARS, lang), "last": _minute(row["last_activity"]),
            "progress": row["progress"], "chars": str(row["chars"]), "filled": filled,
            "state": say(f"state.{row['state']}", lang) if row["state"] else ""}


def _columns(cells: list[dict[str, str]], lang: str, width: int) -> list[str]:
    """The columns that fit `width`: the id whole, the company at least COMPANY_MIN cells wide when the
    terminal allows, the optional columns left out one by one until then."""
    from rich.cells import cell_len

    def natural(key: str) -> int:
        return max([cell_len(say(f"sessions.head_{key}", lang))] + [cell_len(c[key]) for c in cells]) + GAP

    columns = list(HEADS)
    for dropped in (None, *OPTIONAL):
        if dropped:
            columns.remove(dropped)
        room = width - sum(natural(k) for k in columns if k != "company")
        if room >= min(COMPANY_MIN, natural("company")):
            break
    return columns


def _table(rows: list[dict[str, Any]], lang: str, width: int = 80, title: str | None = None) -> Any:
    """The sessions as a table that fits the terminal: the id (which holds the start time) never wrapped,
    the company folded by the Japanese line-breaking rules, states in the UI language; a session that
    cannot be read says why below it."""
    from rich import box
    from rich.table import Table

    from dialogue.ui.text import plain

    cells = [_cells(row, lang) for row in rows]
    columns = _columns(cells, lang, width)
    table = Table(title=plain(title) if title else None, box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False,
                  collapse_padding=True)
    for key in columns:
        table.add_column(plain(say(f"sessions.head_{key}", lang)), overflow="fold", no_wrap=key != "company")
    for row, values in zip(rows, cells, strict=True):
        table.add_row(*(plain(values[key], limit=None) for key in columns))
        if row["problem"]:
            table.add_row("", plain(row["problem"], "red", limit=400), end_section=True)
    return table


def _minute(iso_time: str) -> str:
    """`2026-11-23T10:00:01.000+09:00` → `11-23 10:00`."""
    return iso_time[5:16].replace("T", " ")


def session_summaries(sessions: SessionManager) -> list[dict[str, Any]]:
    """One row per session; a session that cannot be read is listed with its problem, not skipped."""
    rows = []
    for session_id in sessions.store.session_ids():
        row: dict[str, Any] = {"id": session_id, "company": "", "started": "", "last_activity": "",
                               "progress": "", "state": "", "problem": "", "chars": 0, "fields_filled": 0,
                               "fields_total": 0, "richness": [], "training": ""}
        try:
            opened = sessions.open(session_id)  # migrates onto a changed bank, as resume does
            transcript = opened.engine.transcript()
            row["started"] = opened.journal.header.created
            row["last_activity"] = transcript.last_at or opened.journal.header.created
            row["company"] = str(transcript.field_value("company.name") or "")
            row["progress"] = f"{len(transcript.answers)}/{len(transcript.applicable)}"
            row["state"] = transcript.state
            row["training"] = transcript.meta.training
            row.update(_richness_summary(transcript))
        except LocabenError as exc:
            row["problem"] = str(exc)
            row["state"] = "unreadable"
        rows.append(row)
    return rows


def _richness_summary(transcript: Transcript) -> dict[str, Any]:
    """Information captured: characters and filled sheet fields, in total and per section."""
    from dialogue.sheet import build_sheet

    sheet = build_sheet(transcript)
    return {
        "chars": sum(r.chars for r in sheet.richness),
        "fields_filled": sum(1 for f in sheet.fields if f.status == "filled"),
        "fields_total": len(sheet.fields),
        "richness": [{"section": r.section_id, "chars": r.chars, "items": r.items,
                      "fields_filled": r.fields_filled, "fields_total": r.fields_total} for r in sheet.richness],
    }

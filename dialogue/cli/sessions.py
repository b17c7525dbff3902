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
    from dialogue.ui.text import plain

    console = env.console()
    lang = args.ui_lang
    real = [r for r in rows if not r["training"]]
    training = [r for r in rows if r["training"]]
    console.print(_table(real, lang))
    if training:
        console.print(_table(training, lang, title=say("sessions.training_title", lang)))
    console.print(plain(store_location(args, env).describe(lang)), soft_wrap=True)
    return ExitStatus.OK


def _json(rows: list[dict[str, Any]]) -> str:
    """JSON with Japanese kept readable; text that is not valid Unicode (a lone surrogate) escaped."""
    try:
        return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8").decode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(rows, ensure_ascii=True, indent=1)


def _table(rows: list[dict[str, Any]], lang: str, title: str | None = None) -> Any:
    """The sessions as a table that fits 80 columns: the id (which holds the start time) never wrapped,
    the company folded, states in the UI language; a session that cannot be read says why below it."""
    from rich import box
    from rich.table import Table

    from dialogue.ui.text import plain

    heads = ("id", "company", "last", "progress", "chars", "filled", "state")
    table = Table(*(say(f"sessions.head_{key}", lang) for key in heads), title=title, box=box.SIMPLE_HEAD,
                  pad_edge=False)
    for column in table.columns:
        column.overflow = "fold"
    for index in (0, 2, 3, 4, 5):
        table.columns[index].no_wrap = True
    for row in rows:
        filled = f"{row['fields_filled']}/{row['fields_total']}" if row["fields_total"] else ""
        state = say(f"state.{row['state']}", lang) if row["state"] else ""
        table.add_row(plain(row["id"]), plain(row["company"], limit=COMPANY_CHARS), _minute(row["last_activity"]),
                      row["progress"], str(row["chars"]), filled, plain(state))
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

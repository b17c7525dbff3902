"""The team's views from the server: `locaben sessions --team` and `locaben report` (選択ベンチマーク5), as a
table, CSV or JSON. Only argparse-level code at the top; the server modules are imported by the handlers."""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dialogue.cli.help import h
from dialogue.errors import ExitStatus, UsageError
from dialogue.i18n import say

if TYPE_CHECKING:
    from dialogue.cli.env import Env

SESSION_STATES = ("new", "in_progress", "paused", "finished", "submitted", "approved", "returned")
TEAM_FILTERS = ("branch", "staff", "state", "limit")
TABLE_ROWS = 100  # the table shows the newest sessions (rich lays out ~2 ms a row); --json gives them all


def plain_text(text: str) -> str:
    """Text with people's words in it, printable as it is (ESC sequences, bidi overrides made visible)."""
    from dialogue.ui.text import visible

    return visible(text)


def say_line(env: Env, lang: str, key: str, **values: object) -> None:
    """One line of the catalogue on standard output, people's text in it made visible."""
    env.stdout.write(plain_text(say(key, lang, **values)) + "\n")


# ---- sessions --team ----

def add_sessions_options(p: argparse.ArgumentParser, lang: str = "ja") -> None:
    """For `locaben sessions`: `--team [--branch B] [--staff S] [--state STATE]`."""
    p.add_argument("--team", action="store_true", help=h("sessions_team", lang))
    p.add_argument("--branch", metavar="B", help=h("sessions_branch", lang))
    p.add_argument("--staff", metavar="S", help=h("sessions_staff", lang))
    p.add_argument("--state", choices=SESSION_STATES, help=h("sessions_state", lang))
    p.add_argument("--limit", type=int, metavar="N", help=h("sessions_limit", lang, rows=TABLE_ROWS))


def wants_team_view(args: argparse.Namespace) -> bool:
    """`sessions` with --team or one of its filters (a filter alone is refused with the reason)."""
    return bool(getattr(args, "team", False) or any(getattr(args, f, None) is not None for f in TEAM_FILTERS))


def cmd_sessions_team(args: argparse.Namespace, env: Env) -> int:
    """`locaben sessions --team`: the team's sessions your role lets you see, as a table or --json."""
    from dialogue.cli.team_admin import connect
    from dialogue.store.server.queries import team_sessions

    lang = _lang(args)
    if not args.team:
        env.stderr.write(say("team.filters_need_team", lang) + "\n")
        return ExitStatus.USAGE
    as_json = bool(getattr(args, "json", False))
    limit = args.limit if args.limit is not None else (0 if as_json else TABLE_ROWS)
    with connect(env) as remote:
        rows = team_sessions(remote, args.branch, args.staff, args.state, limit + 1 if limit > 0 else None)
    more = 0 < limit < len(rows)
    rows = rows[:limit] if limit > 0 else rows
    if as_json:  # one session a line: the C encoder (an indented dump is pure Python, ~10× slower)
        env.stdout.write("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n]\n")
        return ExitStatus.OK
    heads = tuple(say(f"team.head.{k}", lang) for k in ("id", "company", "owner", "branch", "state", "events",
                                                         "last"))
    def cells(chosen: list[dict[str, Any]]) -> list[tuple[str, ...]]:
        return [(r["id"], r["company"], f"{r['owner_name'] or r['owner']} ({r['owner']})", r["branch"],
                 _state(r["state"], lang), str(r["events"]), _local_time(r["last_activity"], env)) for r in chosen]

    real = [r for r in rows if not r["training"]]
    training = [r for r in rows if r["training"]]  # role-play practice: a persona's company, listed apart
    if real or not training:
        _print_table(env, heads, cells(real))
    if training:
        env.stdout.write("\n" + say("sessions.training_title", lang) + "\n")
        _print_table(env, heads, cells(training))
    if more:
        env.stdout.write(say("team.more_sessions", lang, n=limit) + "\n")
    return ExitStatus.OK


def _lang(args: argparse.Namespace) -> str:
    return "en" if getattr(args, "ui_lang", None) == "en" or getattr(args, "lang", None) == "en" else "ja"


def _state(state: str, lang: str) -> str:
    """A session's state on the server in words (a state a newer server knows, as it is)."""
    from dialogue.i18n import CATALOGUES

    key = f"team.state.{state}"
    return say(key, lang) if key in CATALOGUES[lang] else state


# ---- report ----

def add_report_parser(sub: Any, common: argparse.ArgumentParser, lang: str) -> None:
    p = sub.add_parser("report", parents=[common], help=h("report", lang), description=h("report_description", lang))
    p.add_argument("--from", dest="date_from", metavar="DATE", help=h("report_from", lang))
    p.add_argument("--to", dest="date_to", metavar="DATE", help=h("report_to", lang))
    p.add_argument("--csv", metavar="FILE", help=h("report_csv", lang))
    p.add_argument("--json", action="store_true", help=h("report_json", lang))
    p.set_defaults(handler=cmd_report)


def cmd_report(args: argparse.Namespace, env: Env) -> int:
    from dialogue.cli.team_admin import connect
    from dialogue.store.server.queries import report

    lang = _lang(args)
    start, end = _period(args, env)
    with connect(env) as remote:
        rows = report(remote, _midnight(start, env), _midnight(end + timedelta(days=1), env))
    heads = tuple(say(f"team.report.{k}", lang) for k in ("branch", "staff", "interviewed", "approved"))
    table = [_report_cells(r, lang) for r in rows]
    if args.json:
        env.stdout.write(json.dumps({"from": start.isoformat(), "to": end.isoformat(),
                                     "rows": [asdict(r) for r in rows]}, ensure_ascii=False, indent=1) + "\n")
    elif args.csv == "-":
        env.stdout.write(_csv_text(heads, table))
    else:
        env.stdout.write(say("team.report.period", lang, start=start.isoformat(), end=end.isoformat()) + "\n")
        _print_table(env, heads, table)
    if args.csv and args.csv != "-":
        Path(args.csv).write_text(_csv_text(heads, table), encoding="utf-8-sig", newline="")
        env.stdout.write(plain_text(say("team.report.written", lang, path=args.csv)) + "\n")
    return ExitStatus.OK


def _report_cells(row: Any, lang: str) -> tuple[str, ...]:
    branch = f"{row.branch_name} ({row.branch})" if row.branch else say("team.report.total", lang)
    staff = f"{row.staff_name} ({row.staff})" if row.staff else (
        say("team.report.branch_total", lang) if row.branch else "")
    return branch, staff, str(row.interviewed), str(row.approved)


def _period(args: argparse.Namespace, env: Env) -> tuple[date, date]:
    today = env.clock().date()
    fiscal_start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)  # 4月始まりの年度
    return _date(args.date_from, fiscal_start, args), _date(args.date_to, today, args)


def _date(text: str | None, default: date, args: argparse.Namespace) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(say("team.not_a_date", _lang(args), text=text)) from None


def _midnight(day: date, env: Env) -> datetime:
    return datetime.combine(day, time(), tzinfo=env.clock().tzinfo)


def _csv_text(heads: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """CSV with every cell that could start a spreadsheet formula made inert (a leading ')."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(heads)
    for row in rows:
        writer.writerow(["'" + c if c[:1] in ("=", "+", "-", "@", "\t", "\r") else c for c in row])
    return out.getvalue()


# ---- printing ----

def _local_time(iso: str, env: Env) -> str:
    """A server timestamp as this computer's local 'YYYY-MM-DD HH:MM'."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(env.clock().tzinfo).strftime("%Y-%m-%d %H:%M")


def _print_table(env: Env, heads: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    """A table whose cells (people's text, from the server) are shown literally, folded, never cut."""
    from rich.table import Table

    from dialogue.ui.text import make_console, plain

    table = Table(*heads)
    for column in table.columns:
        column.overflow = "fold"
    for row in rows:
        table.add_row(*(plain(cell) for cell in row))
    columns = env.environ.get("COLUMNS", "")
    make_console(env.stdout, env.no_color(), width=int(columns) if columns.isdigit() else None).print(table)

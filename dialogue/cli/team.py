"""The team commands: `locaben config`, `server`, `sync`, `assign`, `submit`, `review`, `report`, and the
`sessions --team` view (an extension of dialogue.cli.main).

Only argparse-level code at the top: psycopg and the server modules are imported by the handlers, so a
laptop with no server configured (or without the `team` extra installed) never loads them.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dialogue.cli.main import Env

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
SESSION_STATES = ("new", "in_progress", "paused", "finished", "submitted", "approved", "returned")


def add_parsers(sub: Any, bank_sub: Any, common: argparse.ArgumentParser, lang: str = "ja") -> None:
    _config_parsers(sub)
    _server_parsers(sub)
    p = sub.add_parser("sync", parents=[common], help="send and fetch sessions with the team server / 同期",
                       description="Send this computer's new events to the team server and fetch the sessions "
                                   "assigned to you. Safe to repeat and to interrupt: nothing is lost, the next "
                                   "sync completes. A session continued on two devices is refused, never merged.")
    p.add_argument("--fork", metavar="ID", help="keep this computer's diverged version of session ID as a new "
                                                "session linked to it; ID becomes the server's version")
    p.add_argument("--session", metavar="ID", help="sync (or fetch) only this session")
    p.set_defaults(handler=cmd_sync)

    p = sub.add_parser("assign", parents=[common], help="hand a session over to another officer / 担当替え",
                       description="Hand a session over: its whole history stays, the new officer sees "
                                   "everything; the previous one keeps read access only if their role allows.")
    p.add_argument("session_id", metavar="ID")
    p.add_argument("--to", required=True, metavar="STAFF", help="the staff id of the new officer")
    p.set_defaults(handler=cmd_assign)

    p = sub.add_parser("submit", parents=[common], help="submit a session's sheet for review / 承認申請")
    p.add_argument("session_id", metavar="ID")
    p.set_defaults(handler=cmd_submit)

    p = sub.add_parser("review", parents=[common], help="approve or return a submitted sheet / 承認・差戻し")
    p.add_argument("session_id", metavar="ID")
    verdict = p.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--approve", action="store_true", help="approve the sheet")
    verdict.add_argument("--return", dest="return_comment", metavar="COMMENT",
                         help="return it to the officer with what to revise")
    p.add_argument("--comment", default="", help="a comment with an approval")
    p.set_defaults(handler=cmd_review)

    p = sub.add_parser("report", parents=[common], help="companies interviewed and sheets approved, per branch "
                                                        "and officer (選択ベンチマーク5) / 実績集計")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="first day, YYYY-MM-DD (default: 1 April "
                                                                     "of this fiscal year)")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="last day, YYYY-MM-DD (default: today)")
    p.add_argument("--csv", metavar="FILE", help="also write the table as CSV (UTF-8 with BOM, for Excel); "
                                                 "'-' for standard output instead of the table")
    p.add_argument("--json", action="store_true", help="print the rows as JSON")
    p.set_defaults(handler=cmd_report)


def _config_parsers(sub: Any) -> None:
    from dialogue.store.config import KEYS

    keys = ", ".join(k.name for k in KEYS)
    config = sub.add_parser("config", help="your settings: staff id, name, team server / 個人設定",
                            description="Your settings, kept in your user config folder (`locaben config path`). "
                                        "Settings: " + "; ".join(f"{k.name} ({k.type_name}): {k.help}"
                                                                 for k in KEYS))
    config.set_defaults(handler=lambda args, env: _usage(env, "config", "list, get, set, unset, path"))
    actions = config.add_subparsers(dest="config_command", metavar="ACTION")
    p = actions.add_parser("list", help="every setting, its value and where it comes from")
    p.set_defaults(handler=cmd_config_list)
    p = actions.add_parser("get", help="print one setting")
    p.add_argument("key", metavar="KEY", help=keys)
    p.set_defaults(handler=cmd_config_get)
    p = actions.add_parser("set", help="change one setting")
    p.add_argument("key", metavar="KEY", help=keys)
    p.add_argument("value", metavar="VALUE")
    p.set_defaults(handler=cmd_config_set)
    p = actions.add_parser("unset", help="forget one setting (back to its default)")
    p.add_argument("key", metavar="KEY", help=keys)
    p.set_defaults(handler=cmd_config_unset)
    p = actions.add_parser("path", help="where the settings file is")
    p.set_defaults(handler=cmd_config_path)


def _server_parsers(sub: Any) -> None:
    server = sub.add_parser("server", help="set up the team server (administrators) / サーバー管理",
                            description="Set up the team server (PostgreSQL). Run as its administrator.")
    server.set_defaults(handler=lambda args, env: _usage(env, "server", "init, add-branch, add-staff, verify"))
    url = argparse.ArgumentParser(add_help=False)
    url.add_argument("--url", metavar="URL", help="postgresql://[USER@]HOST[:PORT]/DATABASE (default: the "
                                                  "configured server.url)")
    actions = server.add_subparsers(dest="server_command", metavar="ACTION")
    p = actions.add_parser("init", parents=[url], help="create or upgrade the schema (safe to repeat)")
    p.set_defaults(handler=cmd_server_init)
    p = actions.add_parser("add-branch", parents=[url], help="add a branch, or rename it")
    p.add_argument("branch_id", metavar="ID")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(handler=cmd_server_add_branch)
    p = actions.add_parser("add-staff", parents=[url], help="add a staff member (a login role), or change "
                                                            "their branch, role or name")
    p.add_argument("staff_id", metavar="ID", help="their staff id, also their PostgreSQL user name")
    p.add_argument("--name", required=True)
    p.add_argument("--branch", required=True)
    p.add_argument("--role", required=True, choices=("interviewer", "reviewer", "admin"))
    p.set_defaults(handler=cmd_server_add_staff)
    p = actions.add_parser("verify", parents=[url], help="recompute every session's hash chain; report any "
                                                         "row changed on the server")
    p.set_defaults(handler=cmd_server_verify)


def add_sessions_options(p: argparse.ArgumentParser) -> None:
    """For the lead's `sessions` parser: `sessions --team [--branch B] [--staff S] [--state STATE]`."""
    p.add_argument("--team", action="store_true", help="the team's sessions on the server (what your role may "
                                                       "see) instead of this computer's / チームの面談一覧")
    p.add_argument("--branch", metavar="B", help="with --team: only this branch")
    p.add_argument("--staff", metavar="S", help="with --team: only sessions assigned to this staff id")
    p.add_argument("--state", choices=SESSION_STATES, help="with --team: only sessions in this state")


def _usage(env: Env, command: str, actions: str) -> int:
    env.stderr.write(f"locaben {command}: choose an action: {actions}\n")
    return EXIT_USAGE


# ---- config ----

def _config(env: Env) -> Any:
    from dialogue.store.config import Config

    return Config.load(env.environ)


def cmd_config_list(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.config import KEYS

    config = _config(env)
    for spec in KEYS:
        value, source = config.lookup(spec.name)
        shown = "" if value is None else _plain(json.dumps(value, ensure_ascii=False) if isinstance(value, bool)
                                                else str(value))
        env.stdout.write(f"{spec.name} = {shown}  ({source})\n")
    env.stdout.write(f"device = {config.identity()['device']}  ({config.folder})\n")
    return EXIT_OK


def cmd_config_get(args: argparse.Namespace, env: Env) -> int:
    value = _config(env).get(args.key)
    env.stdout.write(("" if value is None else _plain(str(value).lower() if isinstance(value, bool) else str(value)))
                     + "\n")
    return EXIT_OK


def cmd_config_set(args: argparse.Namespace, env: Env) -> int:
    config = _config(env)
    config.set(args.key, args.value)
    env.stdout.write(f"{args.key} saved in {config.path}\n")
    return EXIT_OK


def cmd_config_unset(args: argparse.Namespace, env: Env) -> int:
    _config(env).unset(args.key)
    return EXIT_OK


def cmd_config_path(args: argparse.Namespace, env: Env) -> int:
    env.stdout.write(f"{_config(env).path}\n")
    return EXIT_OK


# ---- connecting ----

def _connect(env: Env, url: str | None = None) -> Any:
    """The team server as this user; a clear error when no server is configured or the extra is missing."""
    config = _config(env)
    try:
        from dialogue.store.server.remote import Remote
    except ImportError:
        from dialogue.store.server import ServerError

        raise ServerError("the team server needs the 'team' extra: pip install 'locaben-dialogue[team]'") from None
    return Remote.connect(url or config.get("server.url") or "", str(config.get("user.id") or ""))


def _manager(args: argparse.Namespace, env: Env) -> Any:
    from dialogue.cli.main import manager

    return manager(args, env)


def _company_of(manager: Any) -> Any:
    def company(session_id: str) -> str:
        return str(manager.transcript(session_id).field_value("company.name") or "")

    return company


def _now(env: Env) -> str:
    return env.clock().isoformat(timespec="milliseconds")


# ---- server ----

def cmd_server_init(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.server import admin

    with _connect(env, args.url) as remote:
        applied = admin.init(remote)
    done = f"applied migration(s) {', '.join(map(str, applied))}" if applied else "already up to date"
    env.stdout.write(f"team server schema: {done}\n")
    return EXIT_OK


def cmd_server_add_branch(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.server import admin

    with _connect(env, args.url) as remote:
        admin.add_branch(remote, args.branch_id, args.name)
    env.stdout.write(f"branch {_plain(args.branch_id)} saved\n")
    return EXIT_OK


def cmd_server_add_staff(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.server import admin

    with _connect(env, args.url) as remote:
        created = admin.add_staff(remote, args.staff_id, args.name, args.branch, args.role)
    what = "created; set their password as the server's administrator (psql: \\password)" if created else "updated"
    env.stdout.write(f"staff {_plain(args.staff_id)} ({args.role}, {_plain(args.branch)}) {what}\n")
    return EXIT_OK


def cmd_server_verify(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.server import admin

    with _connect(env, args.url) as remote:
        sessions, events, problems = admin.verify(remote)
    for problem in problems:
        env.stderr.write(f"locaben: session {problem.session_id} event {problem.seq}: {problem.problem}\n")
    status = "ok" if not problems else "TAMPERED"
    env.stdout.write(f"{status}: {sessions} session(s), {events} event(s), {len(problems)} problem(s)\n")
    return EXIT_OK if not problems else EXIT_ERROR


# ---- sync ----

SYNC_WORDS = {"pushed": "sent", "pulled": "updated here", "fetched": "fetched", "in_step": "in step",
              "forked": "forked", "diverged": "REFUSED", "not_yours": "not yours", "in_use": "in use",
              "failed": "FAILED"}
SYNC_PROBLEMS = ("diverged", "not_yours", "failed")


def cmd_sync(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.server import sync

    manager = _manager(args, env)
    company_of = _company_of(manager)
    counts: dict[str, int] = {}
    with _connect(env) as remote:
        remote.me()  # a clear message when this user is not staff, before anything is sent
        outcomes: Any
        if args.fork:
            outcomes = sync.fork(manager.store, remote, args.fork, env.clock().strftime("%Y%m%d-%H%M%S"),
                                 company_of)
        elif args.session:
            outcomes = [_sync_session(manager.store, remote, args.session, company_of)]
        else:
            outcomes = sync.sync_all(manager.store, remote, company_of)
        for outcome in outcomes:
            counts[outcome.action] = counts.get(outcome.action, 0) + 1
            _report_outcome(outcome, env)
            if outcome.action in ("pushed", "forked") and outcome.events:  # sent to the server: audited
                manager.audit.record("export", outcome.session_id, [manager.store.path(outcome.session_id)],
                                     to="server", events=outcome.events)
        audit_failed = _send_audit(manager, remote, env)
    summary = ", ".join(f"{n} {SYNC_WORDS.get(a, a)}" for a, n in sorted(counts.items()))
    env.stdout.write(f"sync: {summary or 'nothing to do'}\n")
    return EXIT_ERROR if audit_failed or any(a in SYNC_PROBLEMS for a in counts) else EXIT_OK


def _send_audit(manager: Any, remote: Any, env: Env) -> bool:
    """The audit log's new entries go to the server too (dialogue/store/server/audit_copy.py); True when
    this computer's log no longer matches the copy there, or the server refused it."""
    from dialogue.store.server import ServerError, audit_copy

    try:
        sent = audit_copy.send(manager.audit, remote)
    except ServerError as exc:
        env.stderr.write(f"locaben: audit log: {_plain(str(exc))}\n")
        return True
    if sent:
        env.stdout.write(f"audit log: {sent} entr{'y' if sent == 1 else 'ies'} sent\n")
    return False


def _sync_session(store: Any, remote: Any, session_id: str, company_of: Any) -> Any:
    from dialogue.store.server import sync

    if store.exists(session_id):
        return sync.sync_one(store, remote, session_id, company_of)
    return sync.fetch(store, remote, session_id)


def _report_outcome(outcome: Any, env: Env) -> None:
    if outcome.action == "in_step":
        return
    line = f"{outcome.session_id}: {SYNC_WORDS.get(outcome.action, outcome.action)}"
    if outcome.events and outcome.action not in ("diverged",):
        line += f" ({outcome.events} event(s))"
    if outcome.detail:
        line += f" — {_plain(outcome.detail)}"
    stream = env.stderr if outcome.action in SYNC_PROBLEMS else env.stdout
    stream.write(line + "\n")


# ---- assign / submit / review ----

def _identity(env: Env) -> dict[str, str]:
    return _config(env).identity()


def cmd_assign(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.server import team

    manager = _manager(args, env)
    with _connect(env) as remote:
        remote.me()
        manager.audit.record("assign", args.session_id, [manager.store.path(args.session_id)], to=args.to)
        team.assign(manager.store, remote, args.session_id, args.to, _now(env), _identity(env),
                    _company_of(manager))
    env.stdout.write(f"{args.session_id}: assigned to {_plain(args.to)}\n")
    return EXIT_OK


def cmd_submit(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.server import team

    manager = _manager(args, env)
    with _connect(env) as remote:
        remote.me()
        manager.audit.record("review", args.session_id, [manager.store.path(args.session_id)], outcome="submitted")
        team.submit(manager.store, remote, args.session_id, _now(env), _identity(env), _company_of(manager))
    env.stdout.write(f"{args.session_id}: submitted for review\n")
    return EXIT_OK


def cmd_review(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.server import team

    approve = bool(args.approve)
    comment = args.comment if approve else args.return_comment
    if not approve and not comment.strip():
        env.stderr.write("locaben review: --return needs a comment saying what to revise\n")
        return EXIT_USAGE
    manager = _manager(args, env)
    with _connect(env) as remote:
        manager.audit.record("review", args.session_id, [manager.store.path(args.session_id)],
                             outcome="approved" if approve else "returned")
        team.review(manager.store, remote, args.session_id, approve, _clean_text(comment), _now(env),
                    _identity(env), _company_of(manager))
    env.stdout.write(f"{args.session_id}: {'approved' if approve else 'returned'}\n")
    return EXIT_OK


# ---- sessions --team ----

TEAM_HEADS = {"ja": ("ID", "会社", "担当", "支店", "状態", "件数", "最終更新"),
              "en": ("ID", "Company", "Officer", "Branch", "State", "Events", "Last activity")}


def cmd_sessions_team(args: argparse.Namespace, env: Env) -> int:
    """`locaben sessions --team`: the team's sessions from the server, as a table or --json."""
    from dialogue.store.server.queries import team_sessions

    with _connect(env) as remote:
        rows = team_sessions(remote, args.branch, args.staff, args.state)
    if getattr(args, "json", False):
        env.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        return EXIT_OK
    lang = "en" if getattr(args, "lang", None) == "en" else "ja"
    cells = [(r["id"], r["company"], f"{r['owner_name'] or r['owner']} ({r['owner']})", r["branch"], r["state"],
              str(r["events"]), _local_time(r["last_activity"], env)) for r in rows]
    _print_table(env, TEAM_HEADS[lang], cells)
    return EXIT_OK


# ---- report ----

REPORT_HEADS = {"ja": ("支店", "担当者", "面談した企業数", "承認されたシート数"),
                "en": ("Branch", "Officer", "Companies interviewed", "Sheets approved")}


def cmd_report(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.server.queries import report

    start, end = _period(args, env)
    with _connect(env) as remote:
        rows = report(remote, _midnight(start, env), _midnight(end + timedelta(days=1), env))
    lang = "en" if args.lang == "en" else "ja"
    table = [_report_cells(r, lang) for r in rows]
    period = f"{start.isoformat()} … {end.isoformat()}"
    if args.json:
        env.stdout.write(json.dumps({"from": start.isoformat(), "to": end.isoformat(),
                                     "rows": [asdict(r) for r in rows]}, ensure_ascii=False, indent=1) + "\n")
    elif args.csv == "-":
        env.stdout.write(_csv_text(REPORT_HEADS[lang], table))
    else:
        env.stdout.write(f"{period}\n")
        _print_table(env, REPORT_HEADS[lang], table)
    if args.csv and args.csv != "-":
        Path(args.csv).write_text(_csv_text(REPORT_HEADS[lang], table), encoding="utf-8-sig", newline="")
        env.stdout.write(f"{args.csv}\n")
    return EXIT_OK


def _report_cells(row: Any, lang: str) -> tuple[str, ...]:
    total = "合計" if lang == "ja" else "Total"
    branch_total = "（支店計）" if lang == "ja" else "(branch total)"
    branch = f"{row.branch_name} ({row.branch})" if row.branch else total
    staff = f"{row.staff_name} ({row.staff})" if row.staff else (branch_total if row.branch else "")
    return branch, staff, str(row.interviewed), str(row.approved)


def _period(args: argparse.Namespace, env: Env) -> tuple[date, date]:
    today = env.clock().date()
    fiscal_start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)  # 4月始まりの年度
    return _date(args.date_from, fiscal_start), _date(args.date_to, today)


def _date(text: str | None, default: date) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        from dialogue.store.config import ConfigError

        raise ConfigError(f"not a date: {text!r} (expected YYYY-MM-DD)") from None


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


# ---- printing people's text ----

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _plain(text: str) -> str:
    """Text from people or the server, printable as it is: control characters (ESC sequences, bidi
    overrides) shown as '?', line breaks kept."""
    return _CONTROL.sub("?", text)


def _clean_text(text: str) -> str:
    """A comment typed on the command line: undecodable bytes (lone surrogates) replaced."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _local_time(iso: str, env: Env) -> str:
    """A server timestamp as this computer's local 'YYYY-MM-DD HH:MM'."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(env.clock().tzinfo).strftime("%Y-%m-%d %H:%M")


def _print_table(env: Env, heads: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(*heads)
    for column in table.columns:
        column.overflow = "fold"
    for row in rows:
        table.add_row(*(Text(_plain(cell)) for cell in row))
    columns = env.environ.get("COLUMNS", "")
    Console(file=env.stdout, highlight=False, no_color="NO_COLOR" in env.environ, emoji=False,
            width=int(columns) if columns.isdigit() else None).print(table)

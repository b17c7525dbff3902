"""The team commands: `locaben config`, `server`, `sync`, `assign`, `submit`, `review` (the lists and the
report are in team_views.py), and the team's part of the other commands: who writes the events
(`identity`), the automatic sync after an interview (`auto_sync`), a returned sheet's comment at resume.

Only argparse-level code at the top: psycopg and the server modules are imported by the handlers, so a
laptop with no server configured (or without the `team` extra installed) never loads them. Every word is
in the message catalogue (`help.*` for the help, `team.*`, `sync.*`, `server.*`, `config.*` for the rest).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from dialogue.cli.help import h
from dialogue.cli.team_views import (
    add_report_parser,
    add_sessions_options,
    cmd_report,
    cmd_sessions_team,
    plain_text,
    wants_team_view,
)
from dialogue.errors import ExitStatus
from dialogue.i18n import say

if TYPE_CHECKING:
    from dialogue.cli.env import Env
    from dialogue.model import Actor, Event
    from dialogue.store.live import SessionManager
    from dialogue.store.server.sync import Outcome

__all__ = ["add_parsers", "add_sessions_options", "auto_sync", "cmd_report", "cmd_sessions_team", "identity",
           "returned_notice", "wants_team_view"]

ROLES = ("interviewer", "reviewer", "admin")  # as in dialogue/store/server/admin.py (not imported: psycopg)


def add_parsers(sub: Any, bank_sub: Any, common: argparse.ArgumentParser, lang: str = "ja") -> None:
    language = argparse.ArgumentParser(add_help=False)  # config and server have no sessions folder
    language.add_argument("--lang", choices=("ja", "en"), help=h("lang", lang))
    _config_parsers(sub, language, lang)
    _server_parsers(sub, language, lang)
    p = sub.add_parser("sync", parents=[common], help=h("sync", lang), description=h("sync_description", lang))
    p.add_argument("--fork", metavar="ID", help=h("sync_fork", lang))
    p.add_argument("--session", metavar="ID", help=h("sync_session", lang))
    p.set_defaults(handler=cmd_sync)

    p = sub.add_parser("assign", parents=[common], help=h("assign", lang), description=h("assign_description", lang))
    p.add_argument("session_id", metavar="ID", help=h("session_id", lang))
    p.add_argument("--to", required=True, metavar="STAFF", help=h("assign_to", lang))
    p.set_defaults(handler=cmd_assign)

    p = sub.add_parser("submit", parents=[common], help=h("submit", lang), description=h("submit_description", lang))
    p.add_argument("session_id", metavar="ID", help=h("session_id", lang))
    p.set_defaults(handler=cmd_submit)

    p = sub.add_parser("review", parents=[common], help=h("review", lang), description=h("review_description", lang))
    p.add_argument("session_id", metavar="ID", help=h("session_id", lang))
    verdict = p.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--approve", action="store_true", help=h("review_approve", lang))
    verdict.add_argument("--return", dest="return_comment", metavar="COMMENT", help=h("review_return", lang))
    p.add_argument("--comment", metavar="COMMENT", default="", help=h("review_comment", lang))
    p.set_defaults(handler=cmd_review)
    add_report_parser(sub, common, lang)


def _config_parsers(sub: Any, language: argparse.ArgumentParser, lang: str) -> None:
    from dialogue.store.config import KEYS

    keys = ", ".join(k.name for k in KEYS)
    settings = "; ".join(f"{k.name}: {say(k.help_key, lang)}" for k in KEYS)
    config = sub.add_parser("config", parents=[language], help=h("config", lang),
                            description=h("config_description", lang, settings=settings))
    config.set_defaults(handler=lambda args, env: _usage(args, env, "config", "list, get, set, unset, path"))
    actions = config.add_subparsers(dest="config_command", metavar="ACTION")
    p = actions.add_parser("list", parents=[language], help=h("config_list", lang), description=h("config_list", lang))
    p.set_defaults(handler=cmd_config_list)
    p = actions.add_parser("get", parents=[language], help=h("config_get", lang), description=h("config_get", lang))
    p.add_argument("key", metavar="KEY", help=h("config_key", lang, keys=keys))
    p.set_defaults(handler=cmd_config_get)
    p = actions.add_parser("set", parents=[language], help=h("config_set", lang), description=h("config_set", lang))
    p.add_argument("key", metavar="KEY", help=h("config_key", lang, keys=keys))
    p.add_argument("value", metavar="VALUE", help=h("config_value", lang))
    p.set_defaults(handler=cmd_config_set)
    p = actions.add_parser("unset", parents=[language], help=h("config_unset", lang),
                           description=h("config_unset", lang))
    p.add_argument("key", metavar="KEY", help=h("config_key", lang, keys=keys))
    p.set_defaults(handler=cmd_config_unset)
    p = actions.add_parser("path", parents=[language], help=h("config_path", lang), description=h("config_path", lang))
    p.set_defaults(handler=cmd_config_path)


def _server_parsers(sub: Any, language: argparse.ArgumentParser, lang: str) -> None:
    server = sub.add_parser("server", parents=[language], help=h("server", lang),
                            description=h("server_description", lang))
    server.set_defaults(handler=lambda args, env: _usage(args, env, "server", "init, add-branch, add-staff, verify"))
    url = argparse.ArgumentParser(add_help=False, parents=[language])
    url.add_argument("--url", metavar="URL", help=h("server_url", lang))
    actions = server.add_subparsers(dest="server_command", metavar="ACTION")
    p = actions.add_parser("init", parents=[url], help=h("server_init", lang), description=h("server_init", lang))
    p.set_defaults(handler=cmd_server_init)
    p = actions.add_parser("add-branch", parents=[url], help=h("server_add_branch", lang),
                           description=h("server_add_branch", lang))
    p.add_argument("branch_id", metavar="ID", help=h("server_branch_id", lang))
    p.add_argument("name", metavar="NAME", help=h("server_branch_name", lang))
    p.set_defaults(handler=cmd_server_add_branch)
    p = actions.add_parser("add-staff", parents=[url], help=h("server_add_staff", lang),
                           description=h("server_add_staff", lang))
    p.add_argument("staff_id", metavar="ID", help=h("server_staff_id", lang))
    p.add_argument("--name", required=True, metavar="NAME", help=h("server_staff_name", lang))
    p.add_argument("--branch", required=True, metavar="BRANCH", help=h("server_staff_branch", lang))
    p.add_argument("--role", required=True, choices=ROLES, help=h("server_staff_role", lang))
    p.set_defaults(handler=cmd_server_add_staff)
    p = actions.add_parser("verify", parents=[url], help=h("server_verify", lang),
                           description=h("server_verify", lang))
    p.set_defaults(handler=cmd_server_verify)


def _usage(args: argparse.Namespace, env: Env, command: str, actions: str) -> int:
    env.stderr.write(say("team.choose_action", args.ui_lang, command=command, actions=actions) + "\n")
    return ExitStatus.USAGE


def _out(env: Env, args: argparse.Namespace, key: str, **values: object) -> None:
    """One line of the catalogue on standard output, people's text in it made visible."""
    env.stdout.write(plain_text(say(key, args.ui_lang, **values)) + "\n")


# ---- who writes the events ----

def identity(args: argparse.Namespace, env: Env) -> Actor | None:
    """Who the new events are written by: `user.id`/`user.name` (LOCABEN_USER; the OS user by default) and
    this install's device id. A damaged settings file is reported as a warning, and the events then carry
    no identity: an interview is never refused for it."""
    from dialogue.model import Actor
    from dialogue.store.config import Config, ConfigError

    try:
        who = Config.load(env.environ).identity()
    except ConfigError as exc:
        lang = getattr(args, "ui_lang", "ja")
        env.stderr.write(plain_text(say("cli.warning", lang, text=exc.text(lang))) + "\n")
        return None
    return Actor(**who) if who["id"] else None


# ---- config ----

def _config(env: Env) -> Any:
    from dialogue.store.config import Config

    return Config.load(env.environ)


def cmd_config_list(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.config import KEYS

    config = _config(env)
    for spec in KEYS:
        value, source = config.lookup(spec.name)
        _out(env, args, "team.config_line", name=spec.name, value=_shown(value),
             source=say(f"team.config_source.{source}", args.ui_lang))
    _out(env, args, "team.config_device", device=config.identity()["device"], folder=config.folder)
    return ExitStatus.OK


def _shown(value: object) -> str:
    if value is None:
        return ""
    return json.dumps(value) if isinstance(value, bool) else str(value)


def cmd_config_get(args: argparse.Namespace, env: Env) -> int:
    env.stdout.write(plain_text(_shown(_config(env).get(args.key))) + "\n")
    return ExitStatus.OK


def cmd_config_set(args: argparse.Namespace, env: Env) -> int:
    config = _config(env)
    config.set(args.key, args.value)
    _out(env, args, "team.config_saved", name=args.key, path=config.path)
    return ExitStatus.OK


def cmd_config_unset(args: argparse.Namespace, env: Env) -> int:
    _config(env).unset(args.key)
    return ExitStatus.OK


def cmd_config_path(args: argparse.Namespace, env: Env) -> int:
    env.stdout.write(plain_text(str(_config(env).path)) + "\n")
    return ExitStatus.OK


# ---- connecting ----

def connect(env: Env, url: str | None = None) -> Any:
    """The team server as this user; a clear error when no server is configured or the extra is missing."""
    config = _config(env)
    try:
        from dialogue.store.server.remote import Remote
    except ImportError:
        from dialogue.store.server import ServerError

        raise ServerError("server.needs_extra") from None
    return Remote.connect(url or config.get("server.url") or "", str(config.get("user.id") or ""))


def _company_of(manager: SessionManager) -> Any:
    def company(session_id: str) -> str:
        return str(manager.transcript(session_id).field_value("company.name") or "")

    return company


def _now(env: Env) -> str:
    return env.clock().isoformat(timespec="milliseconds")


# ---- server ----

def cmd_server_init(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.server import admin

    with connect(env, args.url) as remote:
        applied = admin.init(remote)
    if applied:
        _out(env, args, "team.server_init_applied", versions=", ".join(map(str, applied)))
    else:
        _out(env, args, "team.server_init_current")
    return ExitStatus.OK


def cmd_server_add_branch(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.server import admin

    with connect(env, args.url) as remote:
        admin.add_branch(remote, args.branch_id, args.name)
    _out(env, args, "team.branch_saved", branch=args.branch_id, name=args.name)
    return ExitStatus.OK


def cmd_server_add_staff(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.server import admin

    with connect(env, args.url) as remote:
        created = admin.add_staff(remote, args.staff_id, args.name, args.branch, args.role)
    _out(env, args, "team.staff_created" if created else "team.staff_updated", staff=args.staff_id,
         role=say(f"team.role.{args.role}", args.ui_lang), branch=args.branch)
    return ExitStatus.OK


def cmd_server_verify(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.server import admin

    with connect(env, args.url) as remote:
        sessions, events, problems = admin.verify(remote)
    for problem in problems:
        env.stderr.write(plain_text(say("team.verify_problem", args.ui_lang, id=problem.session_id,
                                        seq=problem.seq, problem=problem.problem.text(args.ui_lang))) + "\n")
    _out(env, args, "team.verify_tampered" if problems else "team.verify_ok", sessions=sessions, events=events,
         problems=len(problems))
    return ExitStatus.ERROR if problems else ExitStatus.OK


# ---- sync ----

SYNC_PROBLEMS = ("diverged", "not_yours", "failed")


def cmd_sync(args: argparse.Namespace, env: Env) -> int:
    from dialogue.cli.main import manager
    from dialogue.store.server import sync

    sessions = manager(args, env)
    company_of = _company_of(sessions)
    counts: dict[str, int] = {}
    with connect(env) as remote:
        remote.me()  # a clear message when this user is not staff, before anything is sent
        outcomes: Any
        if args.fork:
            outcomes = sync.fork(sessions.store, remote, args.fork, env.clock().strftime("%Y%m%d-%H%M%S"),
                                 company_of)
        elif args.session:
            outcomes = [_sync_session(sessions.store, remote, args.session, company_of)]
        else:
            outcomes = sync.sync_all(sessions.store, remote, company_of)
        for outcome in outcomes:
            counts[outcome.action] = counts.get(outcome.action, 0) + 1
            _report_outcome(outcome, args, env)
    lang = args.ui_lang
    summary = say("team.sync_separator", lang).join(
        say("team.sync_count", lang, action=say(f"sync.action.{a}", lang), n=n) for a, n in sorted(counts.items()))
    _out(env, args, "team.sync_summary", summary=summary or say("team.sync_nothing", lang))
    return ExitStatus.ERROR if any(a in SYNC_PROBLEMS for a in counts) else ExitStatus.OK


def _sync_session(store: Any, remote: Any, session_id: str, company_of: Any) -> Outcome:
    from dialogue.store.server import sync

    if store.exists(session_id):
        return sync.sync_one(store, remote, session_id, company_of)
    return sync.fetch(store, remote, session_id)


def _report_outcome(outcome: Outcome, args: argparse.Namespace, env: Env) -> None:
    if outcome.action == "in_step":
        return
    lang = args.ui_lang
    line = say("team.sync_line", lang, id=outcome.session_id, action=say(f"sync.action.{outcome.action}", lang))
    if outcome.events and outcome.action != "diverged":
        line += say("team.sync_events", lang, n=outcome.events)
    if outcome.message is not None:
        line += say("team.sync_detail", lang, detail=outcome.text(lang))
    stream = env.stderr if outcome.action in SYNC_PROBLEMS else env.stdout
    stream.write(plain_text(line) + "\n")


SAID_BEFORE_RESUME = ("pulled", "diverged", "not_yours")  # what is worth a line before an interview goes on


def auto_sync(sessions: SessionManager, session_id: str, lang: str, env: Env, before_resume: bool = False) -> None:
    """When a team server is configured, sync one session. After an interview or a role-play (paused or
    finished) it is sent and the outcome said in one line. Before a resume, the server's newer events (a
    returned sheet's comment) are taken in, and only news is said: offline, nothing. Never raises and never
    waits long: a server that is down or unreachable costs at most a few seconds, and the next
    `locaben sync` sends what is left."""
    from dialogue.store.config import ConfigError

    try:
        config = _config(env)
        url = str(config.get("server.url") or "")
        user = str(config.get("user.id") or "")
    except ConfigError as exc:
        env.stderr.write(plain_text(say("cli.warning", lang, text=exc.text(lang))) + "\n")
        return
    if not url:
        return
    try:
        from dialogue.store.server.sync import try_sync
    except ImportError:
        env.stderr.write(say("team.auto_sync.needs_extra", lang) + "\n")
        return
    outcome = try_sync(sessions.store, session_id, url, user, _company_of(sessions), timeout=3)
    if before_resume and outcome.action not in SAID_BEFORE_RESUME:
        return
    key = f"team.auto_sync.{outcome.action}"
    stream = env.stderr if outcome.action in SYNC_PROBLEMS else env.stdout
    stream.write(plain_text(say(key, lang, n=outcome.events, id=session_id, detail=outcome.text(lang))) + "\n")


# ---- assign / submit / review ----

def _signed(sessions: SessionManager, remote: Any) -> Actor:
    """Who signs a team event: this install's identity, with the name the server's staff table gives when no
    `user.name` is set (a clear message first when this user is not staff on the server)."""
    from dataclasses import replace

    from dialogue.model import Actor

    me = remote.me()
    actor = sessions.actor or Actor(me.id)
    return replace(actor, name=me.name) if me.name and actor.name in ("", actor.id) else actor


def cmd_assign(args: argparse.Namespace, env: Env) -> int:
    from dialogue.cli.main import manager
    from dialogue.store.server import team

    sessions = manager(args, env)
    with connect(env) as remote:
        team.assign(sessions.store, remote, args.session_id, args.to, _now(env), _signed(sessions, remote),
                    _company_of(sessions))
    _out(env, args, "team.assigned", id=args.session_id, staff=args.to)
    return ExitStatus.OK


def cmd_submit(args: argparse.Namespace, env: Env) -> int:
    from dialogue.cli.main import manager
    from dialogue.store.server import team

    sessions = manager(args, env)
    with connect(env) as remote:
        team.submit(sessions.store, remote, args.session_id, _now(env), _signed(sessions, remote),
                    _company_of(sessions))
    _out(env, args, "team.submitted", id=args.session_id)
    return ExitStatus.OK


def cmd_review(args: argparse.Namespace, env: Env) -> int:
    from dialogue.cli.main import manager
    from dialogue.store.server import team

    approve = bool(args.approve)
    comment = _clean_text(args.comment if approve else args.return_comment)
    if not approve and not comment.strip():
        env.stderr.write(say("team.return_needs_comment", args.ui_lang) + "\n")
        return ExitStatus.USAGE
    sessions = manager(args, env)
    with connect(env) as remote:
        team.review(sessions.store, remote, args.session_id, approve, comment, _now(env), _signed(sessions, remote),
                    _company_of(sessions))
    _out(env, args, "team.approved" if approve else "team.returned", id=args.session_id)
    return ExitStatus.OK


def _clean_text(text: str) -> str:
    """A comment typed on the command line: undecodable bytes (lone surrogates) replaced."""
    return text.encode("utf-8", "replace").decode("utf-8")


# ---- a returned sheet, at resume ----

def returned_notice(review: Event | None, lang: str) -> str | None:
    """The reviewer's comment, who returned the sheet and when, if the latest team event of a session
    returned it (else None): shown when the session is resumed, until it is submitted again."""
    from dialogue.model.events import Returned
    from dialogue.sheet.transcript_view import local_time

    if review is None or not isinstance(review.payload, Returned):
        return None
    who = (review.by.name or review.by.id) if review.by else ""
    return say("team.returned_notice", lang, by=who or say("team.someone", lang), at=local_time(review.at),
               comment=review.payload.comment)

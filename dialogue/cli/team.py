"""The team commands: `locaben sync`, `assign`, `submit`, `review` (`config` and `server` are in
team_admin.py, the lists and the report in team_views.py), and the team's part of the other commands: the
automatic sync after an interview (`auto_sync`) and a returned sheet's comment at resume. (Who writes the
events, `identity`, is in protect.py: every command needs it before its first question.)

Only argparse-level code at the top: psycopg and the server modules are imported by the handlers, so a
laptop with no server configured (or without the `team` extra installed) never loads them. Every word is
in the message catalogue (`help.*` for the help, `team.*`, `sync.*`, `server.*`, `config.*` for the rest).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from dialogue.cli.help import h
from dialogue.cli.team_admin import add_admin_parsers, connect, settings
from dialogue.cli.team_views import (
    add_report_parser,
    add_sessions_options,
    cmd_report,
    cmd_sessions_team,
    plain_text,
    say_line,
    wants_team_view,
)
from dialogue.errors import ExitStatus
from dialogue.i18n import Message, say

if TYPE_CHECKING:
    from dialogue.cli.env import Env
    from dialogue.model import Actor, Event
    from dialogue.store.live import SessionManager
    from dialogue.store.server.sync import Outcome

__all__ = ["add_parsers", "add_sessions_options", "auto_sync", "cmd_report", "cmd_sessions_team",
           "returned_notice", "wants_team_view"]


def add_parsers(sub: Any, bank_sub: Any, common: argparse.ArgumentParser, lang: str = "ja") -> None:
    add_admin_parsers(sub, lang)
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


# ---- who writes the events ----

# ---- shared ----

def _company_of(manager: SessionManager) -> Any:
    def company(session_id: str) -> str:
        return str(manager.transcript(session_id).field_value("company.name") or "")

    return company


def _now(env: Env) -> str:
    return env.clock().isoformat(timespec="milliseconds")


def _audit(sessions: SessionManager, action: str, session_id: str, files: list[Any], **detail: Any) -> None:
    """An entry in the store's audit log (dialogue.store.audit), when the store keeps one."""
    if sessions.audit is not None:
        sessions.audit.record(action, session_id, files, **detail)


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
            if outcome.action in ("pushed", "forked") and outcome.events:  # sent to the server: audited
                _audit(sessions, "export", outcome.session_id, [sessions.store.path(outcome.session_id)],
                                      to="server", events=outcome.events)
        audit_failed = _send_audit(sessions, remote, args, env)
    lang = args.ui_lang
    summary = say("team.sync_separator", lang).join(
        say("team.sync_count", lang, action=say(f"sync.action.{a}", lang), n=n) for a, n in sorted(counts.items()))
    say_line(env, args.ui_lang, "team.sync_summary", summary=summary or say("team.sync_nothing", lang))
    return ExitStatus.ERROR if audit_failed or any(a in SYNC_PROBLEMS for a in counts) else ExitStatus.OK


def _send_audit(sessions: Any, remote: Any, args: argparse.Namespace, env: Env) -> bool:
    """The audit log's new entries go to the server too (dialogue/store/server/audit_copy.py); True when
    this computer's log no longer matches the copy there, or the server refused it."""
    from dialogue.store.server import ServerError, audit_copy

    try:
        sent = audit_copy.send(sessions.audit, remote)
    except ServerError as exc:
        env.stderr.write(plain_text(say("team.audit_not_sent", args.ui_lang, reason=exc.text(args.ui_lang))) + "\n")
        return True
    if sent:
        say_line(env, args.ui_lang, "team.audit_sent", n=sent)
    return False


def _sync_session(store: Any, remote: Any, session_id: str, company_of: Any) -> Outcome:
    from dialogue.store.server import sync

    if store.exists(session_id):
        return sync.sync_one(store, remote, session_id, company_of)
    return sync.fetch(store, remote, session_id)


def _report_outcome(outcome: Outcome, args: argparse.Namespace, env: Env) -> None:
    if outcome.action == "in_step" or (outcome.action == "demo" and not args.session):
        return  # (demo sessions, never sent, are counted in the summary line)
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
        config = settings(env)
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
    if outcome.action in ("pushed", "forked") and outcome.events and sessions.audit is not None:
        _audit(sessions, "export", session_id, [sessions.store.path(session_id)], to="server",
                              events=outcome.events)  # sent to the server: audited, as by `locaben sync`
    if before_resume and outcome.action not in SAID_BEFORE_RESUME:
        return
    reason = outcome.message
    if reason is not None and reason.key == "server.unreachable":  # the line itself says the session is safe
        reason = Message("server.unreachable_short", reason.values)
    detail = reason.text(lang) if reason is not None else ""
    stream = env.stderr if outcome.action in SYNC_PROBLEMS else env.stdout
    stream.write(plain_text(say(f"team.auto_sync.{outcome.action}", lang, n=outcome.events, detail=detail)) + "\n")


# ---- assign / submit / review ----

def _signed(sessions: SessionManager, remote: Any) -> Actor:
    """Who signs a team event: the staff member connected to the server (it accepts events only from their
    author), with this install's device, and `user.name` when `user.id` is that staff member — else the name
    the server's staff table gives (a clear message first when this user is not staff on the server)."""
    from dialogue.model import Actor

    me = remote.me()
    actor = sessions.actor
    if actor is None or actor.id != me.id:
        return Actor(me.id, me.name, actor.device if actor else "")
    return Actor(me.id, me.name, actor.device) if me.name and actor.name in ("", actor.id) else actor


def cmd_assign(args: argparse.Namespace, env: Env) -> int:
    from dialogue.cli.main import manager
    from dialogue.store.server import team

    sessions = manager(args, env)
    now = _now(env)  # the moment of the action: the event and its audit entry
    with connect(env) as remote:
        _audit(sessions, "assign", args.session_id, [sessions.store.path(args.session_id)], to=args.to)
        team.assign(sessions.store, remote, args.session_id, args.to, now, _signed(sessions, remote),
                    _company_of(sessions))
    say_line(env, args.ui_lang, "team.assigned", id=args.session_id, staff=args.to)
    return ExitStatus.OK


def cmd_submit(args: argparse.Namespace, env: Env) -> int:
    from dialogue.cli.main import manager
    from dialogue.store.server import team

    sessions = manager(args, env)
    now = _now(env)  # the moment of the action: the event and its audit entry
    with connect(env) as remote:
        _audit(sessions, "review", args.session_id, [sessions.store.path(args.session_id)],
                              outcome="submitted")
        team.submit(sessions.store, remote, args.session_id, now, _signed(sessions, remote),
                    _company_of(sessions))
    say_line(env, args.ui_lang, "team.submitted", id=args.session_id)
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
    now = _now(env)  # the moment of the action: the event and its audit entry
    with connect(env) as remote:
        _audit(sessions, "review", args.session_id, [sessions.store.path(args.session_id)],
                              outcome="approved" if approve else "returned")
        team.review(sessions.store, remote, args.session_id, approve, comment, now, _signed(sessions, remote),
                    _company_of(sessions))
    say_line(env, args.ui_lang, "team.approved" if approve else "team.returned", id=args.session_id)
    return ExitStatus.OK


def _clean_text(text: str) -> str:
    """A comment typed on the command line: undecodable bytes (lone surrogates) replaced."""
    return text.encode("utf-8", "replace").decode("utf-8")


# ---- a returned sheet, at resume ----

def returned_notice(review: Event | None, lang: str) -> str | None:
    """The reviewer's comment, who returned the sheet and when, if the latest team event of a session
    returned it (else None): shown when the session is resumed, until it is submitted again."""
    from dialogue.model.events import Returned

    if review is None or not isinstance(review.payload, Returned):
        return None
    from dialogue.sheet.transcript_view import local_time  # (only here: it imports the sheet's data)

    who = (review.by.name or review.by.id) if review.by else ""
    return say("team.returned_notice", lang, by=who or say("team.someone", lang), at=local_time(review.at),
               comment=review.payload.comment)

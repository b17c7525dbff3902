"""`locaben config` (the user's settings) and `locaben server` (setting up the team server), and the one way
the team commands connect to the server. Only argparse-level code at the top: psycopg and the server modules
are imported by the handlers."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from dialogue.cli.help import h
from dialogue.cli.team_views import plain_text, say_line
from dialogue.errors import ExitStatus
from dialogue.i18n import say

if TYPE_CHECKING:
    from dialogue.cli.env import Env

ROLES = ("interviewer", "reviewer", "admin")  # as in dialogue/store/server/admin.py (not imported: psycopg)


def add_admin_parsers(sub: Any, lang: str) -> None:
    language = argparse.ArgumentParser(add_help=False)  # config and server have no sessions folder
    language.add_argument("--lang", choices=("ja", "en"), help=h("lang", lang))
    _config_parsers(sub, language, lang)
    _server_parsers(sub, language, lang)


def _config_parsers(sub: Any, language: argparse.ArgumentParser, lang: str) -> None:
    from dialogue.store.config import KEYS

    keys = ", ".join(k.name for k in KEYS)
    described = "; ".join(f"{k.name}: {say(k.help_key, lang)}" for k in KEYS)
    config = sub.add_parser("config", parents=[language], help=h("config", lang),
                            description=h("config_description", lang, settings=described))
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


# ---- connecting ----

def settings(env: Env) -> Any:
    """The user's settings (dialogue/store/config.py), with the environment's overrides."""
    from dialogue.store.config import Config

    return Config.load(env.environ)


def connect(env: Env, url: str | None = None) -> Any:
    """The team server as this user; a clear error when no server is configured or the extra is missing."""
    config = settings(env)
    try:
        from dialogue.store.server.remote import Remote
    except ImportError:
        from dialogue.store.server import ServerError

        raise ServerError("server.needs_extra") from None
    return Remote.connect(url or config.get("server.url") or "", str(config.get("user.id") or ""))


# ---- config ----

def cmd_config_list(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.config import KEYS

    config = settings(env)
    for spec in KEYS:
        value, source = config.lookup(spec.name)
        say_line(env, args.ui_lang, "team.config_line", name=spec.name, value=_shown(value),
             source=say(f"team.config_source.{source}", args.ui_lang))
    say_line(env, args.ui_lang, "team.config_device", device=config.identity()["device"], folder=config.folder)
    return ExitStatus.OK


def _shown(value: object) -> str:
    if value is None:
        return ""
    return json.dumps(value) if isinstance(value, bool) else str(value)


def cmd_config_get(args: argparse.Namespace, env: Env) -> int:
    env.stdout.write(plain_text(_shown(settings(env).get(args.key))) + "\n")
    return ExitStatus.OK


def cmd_config_set(args: argparse.Namespace, env: Env) -> int:
    config = settings(env)
    config.set(args.key, args.value)
    say_line(env, args.ui_lang, "team.config_saved", name=args.key, path=config.path)
    return ExitStatus.OK


def cmd_config_unset(args: argparse.Namespace, env: Env) -> int:
    settings(env).unset(args.key)
    return ExitStatus.OK


def cmd_config_path(args: argparse.Namespace, env: Env) -> int:
    env.stdout.write(plain_text(str(settings(env).path)) + "\n")
    return ExitStatus.OK


# ---- server ----

def cmd_server_init(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.server import admin

    with connect(env, args.url) as remote:
        applied = admin.init(remote)
    if applied:
        say_line(env, args.ui_lang, "team.server_init_applied", versions=", ".join(map(str, applied)))
    else:
        say_line(env, args.ui_lang, "team.server_init_current")
    return ExitStatus.OK


def cmd_server_add_branch(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.server import admin

    with connect(env, args.url) as remote:
        admin.add_branch(remote, args.branch_id, args.name)
    say_line(env, args.ui_lang, "team.branch_saved", branch=args.branch_id, name=args.name)
    return ExitStatus.OK


def cmd_server_add_staff(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.server import admin

    with connect(env, args.url) as remote:
        created = admin.add_staff(remote, args.staff_id, args.name, args.branch, args.role)
    say_line(env, args.ui_lang, "team.staff_created" if created else "team.staff_updated", staff=args.staff_id,
         role=say(f"team.role.{args.role}", args.ui_lang), branch=args.branch)
    return ExitStatus.OK


def cmd_server_verify(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.server import admin

    with connect(env, args.url) as remote:
        sessions, events, problems = admin.verify(remote)
    for problem in problems:
        env.stderr.write(plain_text(say("team.verify_problem", args.ui_lang, id=problem.session_id,
                                        seq=problem.seq, problem=problem.problem.text(args.ui_lang))) + "\n")
    say_line(env, args.ui_lang, "team.verify_tampered" if problems else "team.verify_ok", sessions=sessions, events=events,
         problems=len(problems))
    return ExitStatus.ERROR if problems else ExitStatus.OK

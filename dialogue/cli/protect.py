"""Protecting customer data: `locaben store encrypt|rekey|status`, `locaben audit [--verify]`,
`locaben delete ID`, `locaben purge --older-than 5y`; and the wiring every command shares — the session
store with its keys and the administrator's policy, the audit log and who is acting (docs/security.md).

Keys: the OS keyring, or a passphrase typed at a terminal (no echo), or `LOCABEN_PASSPHRASE` for scripts
(the weaker choice; a policy can forbid it). `store rekey` takes the new passphrase from
`LOCABEN_NEW_PASSPHRASE` the same way.
"""

from __future__ import annotations

import argparse
import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dialogue.cli.env import Env
from dialogue.cli.help import h
from dialogue.errors import ExitStatus, LocabenError
from dialogue.i18n import say

if TYPE_CHECKING:
    from dialogue.model import Actor as EventActor
    from dialogue.store.audit import Actor, AuditLog
    from dialogue.store.journal import SessionStore
    from dialogue.store.keys import Keys
    from dialogue.store.live import SessionManager
    from dialogue.store.policy import Policy
    from dialogue.store.retention import DeletionPlan

NEW_PASSPHRASE_ENV = "LOCABEN_NEW_PASSPHRASE"


class OutputNotPrivate(LocabenError):
    """An encrypted store's sheet would go into a folder other users can read."""

    exit_status = ExitStatus.USAGE


def add_parsers(sub: Any, bank_sub: Any, common: argparse.ArgumentParser, lang: str = "ja") -> None:
    store = sub.add_parser("store", help=h("store_cmd", lang), description=h("store_cmd", lang))
    store.set_defaults(handler=lambda args, env: _choose(env, args, "store", "encrypt, rekey, status"))
    actions = store.add_subparsers(dest="store_command", metavar="ACTION")
    p = actions.add_parser("encrypt", parents=[common], help=h("store_encrypt", lang),
                           description=h("store_encrypt", lang))
    p.add_argument("--passphrase", action="store_true", help=h("use_passphrase", lang))
    p.set_defaults(handler=cmd_store_encrypt)
    p = actions.add_parser("rekey", parents=[common], help=h("store_rekey", lang), description=h("store_rekey", lang))
    p.add_argument("--passphrase", action="store_true", help=h("use_passphrase", lang))
    p.set_defaults(handler=cmd_store_rekey)
    p = actions.add_parser("status", parents=[common], help=h("store_status", lang), description=h("store_status", lang))
    p.set_defaults(handler=cmd_store_status)

    p = sub.add_parser("audit", parents=[common], help=h("audit", lang), description=h("audit", lang))
    p.add_argument("--verify", action="store_true", help=h("audit_verify", lang))
    p.add_argument("--session", metavar="ID", help=h("audit_session", lang))
    p.add_argument("--json", action="store_true", help=h("json", lang))
    p.set_defaults(handler=cmd_audit)

    p = sub.add_parser("delete", parents=[common], help=h("delete", lang), description=h("delete", lang))
    p.add_argument("session_id", metavar="ID", help=h("session_id", lang))
    p.add_argument("--yes", action="store_true", help=h("yes", lang))
    p.add_argument("-o", "--output", metavar="DIR", action="append", default=[], help=h("delete_output", lang))
    p.set_defaults(handler=cmd_delete)

    p = sub.add_parser("purge", parents=[common], help=h("purge", lang), description=h("purge", lang))
    p.add_argument("--older-than", required=True, metavar="AGE", help=h("older_than", lang))
    p.add_argument("--apply", action="store_true", help=h("apply", lang))
    p.add_argument("-o", "--output", metavar="DIR", action="append", default=[], help=h("delete_output", lang))
    p.set_defaults(handler=cmd_purge)


def _choose(env: Env, args: argparse.Namespace, command: str, actions: str) -> int:
    env.stderr.write(say("protect.choose_action", args.ui_lang, command=command, actions=actions) + "\n")
    return ExitStatus.USAGE


# ---- the wiring every command shares ----

def policy_of(env: Env, lang: str) -> Policy:
    """The administrator's policy (dialogue/store/policy.py); what is wrong with its file is said once."""
    from dialogue.store.policy import load_policy

    policy = load_policy(env.environ)
    for problem in policy.problems:
        _warn(env, lang, problem)
    return policy


def keys_of(env: Env, lang: str, policy: Policy, environ: dict[str, str] | None = None) -> Keys:
    """Where keys come from: the keyring; a passphrase typed at a terminal; LOCABEN_PASSPHRASE unless the
    policy forbids it."""
    from dialogue.store.keys import PASSPHRASE_ENV, Keys

    source = dict(env.environ if environ is None else environ)
    if not policy.allow_env_passphrase:
        source.pop(PASSPHRASE_ENV, None)
    return Keys(source, _prompt(env), notify=lambda text: _warn(env, lang, text), lang=lang)


def _prompt(env: Env) -> Callable[[str], str] | None:
    if not env.stdin_is_tty():
        return None

    def ask(question: str) -> str:
        import getpass

        return getpass.getpass(question, stream=env.stderr)  # type: ignore[arg-type]  # any text stream

    return ask


def store_of(args: argparse.Namespace, env: Env) -> SessionStore:
    """The session store of this command: its folder, its keys, and whether it encrypts (`store.encrypt`
    in the user's settings, or the policy) and refuses plaintext (the policy)."""
    from dialogue.cli.main import sessions_dir
    from dialogue.store.config import Config, ConfigError
    from dialogue.store.journal import Protection, SessionStore

    lang = getattr(args, "ui_lang", "ja")
    policy = policy_of(env, lang)
    try:
        encrypt = bool(Config.load(env.environ).get("store.encrypt"))
    except ConfigError:  # a damaged settings file is said once (identity, below); a store that is encrypted
        encrypt = False  # stays so (its key description), and the policy still applies
    protection = Protection(encrypt or policy.require_encryption, policy.require_encryption)
    return SessionStore(sessions_dir(args, env), keys_of(env, lang, policy), protection)


def actor_of(env: Env) -> Actor:
    """Who acts, for the audit log: the staff id and name from `locaben config`, and this install's device."""
    from dialogue.store.audit import Actor, current_actor
    from dialogue.store.config import Config, ConfigError

    try:
        who = Config.load(env.environ).identity()
    except ConfigError:
        return current_actor()
    return Actor(who["id"] or current_actor().id, who["name"], who["device"])


def audit_of(store: SessionStore, env: Env) -> AuditLog:
    """The store's audit log (`audit.log` beside the sessions)."""
    from dialogue.store.audit import LOG_NAME, AuditLog

    return AuditLog(store.root / LOG_NAME, env.clock, actor_of(env))


def identity(args: argparse.Namespace, env: Env) -> EventActor | None:
    """Who the new events are written by: `user.id`/`user.name` (LOCABEN_USER; the OS user by default) and
    this install's device id. A damaged settings file is reported as a warning, and the events then carry
    no identity: an interview is never refused for it."""
    from dialogue.model import Actor as EventActor
    from dialogue.store.config import Config, ConfigError

    try:
        who = Config.load(env.environ).identity()
    except ConfigError as exc:
        from dialogue.ui.text import visible  # (only here: a compile does not load rich)

        lang = getattr(args, "ui_lang", "ja")
        env.stderr.write(visible(say("cli.warning", lang, text=exc.text(lang))) + "\n")
        return None
    return EventActor(**who) if who["id"] else None


def manager_of(args: argparse.Namespace, env: Env) -> SessionManager:
    """The session manager every command uses: the store above, audited."""
    from dialogue.store.live import SessionManager

    store = store_of(args, env)
    return SessionManager(store, env.clock, actor=identity(args, env), audit=audit_of(store, env))


def private_output(store: SessionStore, folder: Path, lang: str) -> Path:
    """`folder`, unless the store is encrypted and other users could read the folder: the sheet would undo
    the encryption. (Windows has no such mode bits: there the per-user folders' ACLs are the protection.)"""
    import os

    if os.name == "nt" or store.wrapping() is None or not folder.exists():
        return folder  # a new folder is created 0700 by write_outputs
    mode = folder.stat().st_mode
    if mode & (stat.S_IROTH | stat.S_IWOTH):
        raise OutputNotPrivate(say("protect.output_not_private", lang, path=folder, mode=f"{stat.S_IMODE(mode):o}"))
    return folder


def audited_compile(sessions: SessionManager, session_id: str, folder: Path, files: dict[str, bytes],
                    formats: list[str], events: int) -> None:
    """Record the compile before the files are written: no sheet leaves the store unrecorded."""
    audited_compiles(sessions, folder, [(session_id, list(files), events)], formats)


def audited_compiles(sessions: SessionManager, folder: Path, compiled: list[tuple[str, list[str], int]],
                     formats: list[str]) -> None:
    """Record several compiles (session id, file names, events) before their files are written, durably at
    once (a part of `compile --all`)."""
    if sessions.audit is not None and compiled:
        sessions.audit.record_many([("compile", session_id, [folder / name for name in names],
                                     {"formats": formats, "events": events})
                                    for session_id, names, events in compiled])


# ---- store encrypt / rekey / status ----

def cmd_store_encrypt(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.convert import encrypt_store

    store = store_of(args, env)
    scheme = "passphrase" if args.passphrase else "keyring"
    _check_key(store)
    audit_of(store, env).record("encrypt", None, [store.root], scheme=scheme)
    assert store.keys is not None
    done = encrypt_store(store, store.keys, scheme)
    for converted in done:
        key = "protect.encrypted_one" if converted.changed else "protect.already_encrypted"
        env.stdout.write(say(key, args.ui_lang, id=converted.session_id, events=converted.events,
                             backups=len(converted.sealed)) + "\n")
    wrapping = store.wrapping()
    env.stdout.write(say("protect.encrypt_done", args.ui_lang, changed=sum(c.changed for c in done), total=len(done),
                         scheme=wrapping.scheme if wrapping else scheme, path=store.root) + "\n")
    return ExitStatus.OK


def cmd_store_rekey(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.convert import rekey_store
    from dialogue.store.keys import PASSPHRASE_ENV
    from dialogue.store.policy import load_policy

    store = store_of(args, env)
    lang = args.ui_lang
    policy = load_policy(env.environ)  # its problems were said by store_of
    new_source = {PASSPHRASE_ENV: env.environ[NEW_PASSPHRASE_ENV]} if NEW_PASSPHRASE_ENV in env.environ else {}
    scheme = "passphrase" if args.passphrase else "keyring"
    _check_key(store)
    audit_of(store, env).record("rekey", None, [store.root], scheme=scheme)
    assert store.keys is not None
    wrapping, done = rekey_store(store, store.keys, keys_of(env, lang, policy, new_source), scheme)
    env.stdout.write(say("protect.rekey_done", lang, changed=sum(c.changed for c in done), total=len(done),
                         scheme=wrapping.scheme, kid=wrapping.kid) + "\n")
    return ExitStatus.OK


def _check_key(store: SessionStore) -> None:
    """A wrong key stops a conversion here: before anything is written, the audit log included."""
    wrapping = store.wrapping()
    if wrapping is not None and store.keys is not None:
        store.keys.kek(wrapping, str(store.root))


def cmd_store_status(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.crypto import load_json
    from dialogue.ui.text import plain

    store = store_of(args, env)
    lang = args.ui_lang
    wrapping = store.wrapping()
    encrypted = plain_count = 0
    for session_id in store.session_ids():
        with open(store.path(session_id), "rb") as handle:
            first = load_json(handle.readline()) or {}
        encrypted += "crypto" in first
        plain_count += "crypto" not in first
    lines = [say("protect.status_store", lang, path=store.root),
             say("protect.status_key", lang, scheme=wrapping.scheme, kid=wrapping.kid) if wrapping
             else say("protect.status_no_key", lang),
             say("protect.status_sessions", lang, encrypted=encrypted, plain=plain_count),
             say("protect.status_settings", lang, encrypt=store.protection.encrypt_new,
                 require=store.protection.require)]
    env.console().print(plain("\n".join(lines)), soft_wrap=True)
    return ExitStatus.OK if not (store.protection.require and plain_count) else ExitStatus.ERROR


# ---- audit ----

def cmd_audit(args: argparse.Namespace, env: Env) -> int:
    from dialogue.ui.text import plain

    log = audit_of(store_of(args, env), env)
    entries = [e for e in log.entries() if args.session is None or e.get("session") == args.session]
    if args.json:
        env.stdout.write(json.dumps(entries, ensure_ascii=False, indent=1) + "\n")
    else:
        console = env.console()
        for entry in entries:
            console.print(plain(_audit_line(entry, args.ui_lang)), soft_wrap=True)
    if not args.verify:
        return ExitStatus.OK
    verdict = log.verify()
    for warning in verdict.warnings:
        _warn(env, args.ui_lang, warning)
    if not verdict.ok:
        env.stderr.write(say("protect.audit_broken", args.ui_lang, problem=verdict.problem,
                             line=verdict.line or "-", message=verdict.message, path=log.path) + "\n")
        return ExitStatus.ERROR
    env.stdout.write(say("protect.audit_ok", args.ui_lang, entries=verdict.entries, path=log.path) + "\n")
    return _compare_with_server(log, env, args.ui_lang)


def _compare_with_server(log: AuditLog, env: Env, lang: str) -> int:
    """With a team server configured: the log here must start with exactly the entries sent there (a chain
    rebuilt on this computer passes the local check, not this one). An unreachable server is only said."""
    from dialogue.store.config import Config

    config = Config.load(env.environ)
    url = str(config.get("server.url") or "")
    if not url:
        return ExitStatus.OK
    try:
        from dialogue.store.server.audit_copy import compare_with_server
        from dialogue.store.server.remote import Remote

        with Remote.connect(url, str(config.get("user.id") or "")) as remote:
            compared = compare_with_server(log, remote)
    except (ImportError, LocabenError) as exc:
        error = exc.text(lang) if isinstance(exc, LocabenError) else str(exc)
        _warn(env, lang, say("protect.audit_server_unchecked", lang, error=error))
        return ExitStatus.OK
    if not compared.ok:
        why = compared.message.text(lang) if compared.message else ""
        env.stderr.write(say("protect.audit_server_differs", lang, message=why) + "\n")
        return ExitStatus.ERROR
    env.stdout.write(say("protect.audit_server_ok", lang, entries=compared.on_server) + "\n")
    return ExitStatus.OK


def _audit_line(entry: dict[str, Any], lang: str) -> str:
    by: dict[str, Any] = entry["by"] if isinstance(entry.get("by"), dict) else {}
    detail: dict[str, Any] = entry["detail"] if isinstance(entry.get("detail"), dict) else {}
    files: list[Any] = entry["files"] if isinstance(entry.get("files"), list) else []
    return say("protect.audit_line", lang, seq=entry.get("seq", "?"), at=str(entry.get("at", ""))[:19],
               who=by.get("name") or by.get("id", "?"), action=entry.get("action", "?"),
               session=entry.get("session") or "-",
               detail=" ".join(f"{k}={v}" for k, v in detail.items()), files=len(files))


# ---- delete / purge ----

def cmd_delete(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.retention import delete, plan_delete

    store = store_of(args, env)
    audit = audit_of(store, env)
    lang = args.ui_lang
    folders = {Path(o) for o in args.output} | audit.output_dirs(args.session_id)
    plan = plan_delete(store.root, args.session_id, folders)
    _show_plan(env, plan, lang)
    if not args.yes and not _confirmed(env, say("protect.delete_confirm", lang, id=args.session_id,
                                                files=len(plan.files))):
        env.stderr.write(say("protect.cancelled", lang) + "\n")
        return ExitStatus.ERROR
    done = delete(store, args.session_id, folders, audit, reason="request")
    env.stdout.write(say("protect.deleted", lang, id=args.session_id, files=len(done.files)) + "\n")
    return ExitStatus.OK


def cmd_purge(args: argparse.Namespace, env: Env) -> int:
    from dialogue.store.retention import parse_age, purge

    store = store_of(args, env)
    audit = audit_of(store, env)
    lang = args.ui_lang
    folders = {Path(o) for o in args.output}
    plans = purge(store, parse_age(args.older_than), env.clock(), lambda sid: folders, audit,
                  dry_run=not args.apply)
    for plan in plans:
        _show_plan(env, plan, lang)
    key = "protect.purged" if args.apply else "protect.purge_dry_run"
    env.stdout.write(say(key, lang, count=len(plans), age=args.older_than) + "\n")
    return ExitStatus.OK


def _show_plan(env: Env, plan: DeletionPlan, lang: str) -> None:
    from dialogue.ui.text import plain

    console = env.console()
    when = plan.last_activity.strftime("%Y-%m-%d") if plan.last_activity else "-"
    console.print(plain(say("protect.plan_head", lang, id=plan.session_id, files=len(plan.files), last=when)),
                  soft_wrap=True)
    for path in plan.files:
        console.print(plain(f"  {path}"), soft_wrap=True)
    for manifest, names in plan.manifests:
        console.print(plain(say("protect.plan_manifest", lang, path=manifest, count=len(names))), soft_wrap=True)
    for note in plan.notes:
        console.print(plain(f"  {note}"), soft_wrap=True)


def _confirmed(env: Env, question: str) -> bool:
    """Ask on the terminal (or read the answer a script pipes in); only y / yes / はい deletes."""
    env.stderr.write(question + " ")
    env.stderr.flush()
    answer = env.stdin.readline().strip().lower()
    return answer in {word for lang in ("ja", "en") for word in say("protect.yes_words", lang).split()}


def _warn(env: Env, lang: str, text: str) -> None:
    from dialogue.ui.text import visible

    env.stderr.write(visible(say("cli.warning", lang, text=text)) + "\n")

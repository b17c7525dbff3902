"""`locaben write ID`: write up (清書) the boxes of the filed sheet after the interview — a prompt-toolkit screen
that walks the boxes in sheet order with the same editor and advice as `/write` in the interview.

It starts at the first box still 未記入 (so a write-up interrupted by Ctrl-C, a closed window or a crash
continues where it stopped: every box is saved as it is entered), or at `--box`; `/back` and `/box` reach the
others. Each entry is a `written_up` event carrying who wrote it (the user's identity, dialogue.store.config).
The session's state is left as it is: a finished interview stays finished.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dialogue.cli.env import Env
from dialogue.cli.help import h
from dialogue.cli.main import command_hint, language, manager
from dialogue.errors import ExitStatus
from dialogue.i18n import say

if TYPE_CHECKING:
    from dialogue.store.live import LiveSession
    from dialogue.ui.writeup_desk import WriteUpDesk


def add_parsers(sub: Any, common: argparse.ArgumentParser, lang: str) -> None:
    p = sub.add_parser("write", parents=[common], help=h("write", lang), description=h("write_description", lang))
    p.add_argument("session_id", metavar="ID", help=h("session_id", lang))
    p.add_argument("--box", metavar="BOX", help=h("write_box", lang))
    p.add_argument("--plain", action="store_true", help=h("plain", lang))
    p.set_defaults(handler=cmd_write)


def cmd_write(args: argparse.Namespace, env: Env) -> int:
    from dialogue.ui.text import plain

    if not (args.plain or env.stdin_is_tty()):
        env.stderr.write(say("ui.not_a_tty", args.ui_lang) + "\n")
        return ExitStatus.USAGE
    with manager(args, env).resume(args.session_id) as live:
        lang = language(args, live.engine.bank.languages, env)
        for warning in live.warnings:
            env.stderr.write(say("cli.warning", lang, text=warning) + "\n")
        console = env.console()
        desk = _desk(live, console, lang, args, env)
        start = _start(desk, args.box, lang)
        if start is None:
            console.print(plain(say("writeup.unknown_box", lang, box=args.box, boxes=""), "red"))
            return ExitStatus.USAGE
        console.print(plain(say("writeup.welcome", lang, company=_company(live), n=len(_order()),
                                written=_written(live)), "bold"))
        try:
            desk.walk(_order(), start)
        except KeyboardInterrupt:
            console.print(plain(say("writeup.stopped", lang, command=desk.resume_hint), limit=None), soft_wrap=True)
            return ExitStatus.INTERRUPTED
        except EOFError:
            pass
        console.print(plain(say("writeup.done", lang, written=_written(live), total=len(_order())), "bold"))
        console.print(plain(say("writeup.compile_hint", lang,
                                command=command_hint(args, env, "compile", live.session_id) + " --filing"),
                            limit=None), soft_wrap=True)
    return ExitStatus.OK


def _desk(live: LiveSession, console: Any, lang: str, args: argparse.Namespace, env: Env) -> WriteUpDesk:
    from dialogue.ui.writeup_desk import WriteUpDesk

    made: list[WriteUpDesk] = []
    source = _source(args, env, lambda: made[0].toolbar() if made else "", lang)
    made.append(WriteUpDesk(live, console, lang, source, live.engine.actor,
                            resume_hint=command_hint(args, env, "write", live.session_id)))
    return made[0]


def _source(args: argparse.Namespace, env: Env, toolbar: Callable[[], str], lang: str) -> Any:
    if args.plain:
        from dialogue.ui.terminal import PlainInput

        return PlainInput(env.stdin, env.stdout)
    from dialogue.ui.terminal import TerminalInput, make_completer
    from dialogue.ui.writeup_desk import DESK_NAMES, find_boxes

    def boxes(query: str) -> list[tuple[str, str, str]]:
        return [(b, "field", label) for b, label in find_boxes(query, lang)] if query else [
            (b, "field", b) for b in _order()]

    return TerminalInput(make_completer(lambda: DESK_NAMES, boxes, {"box": "field"}), toolbar)


def _order() -> tuple[str, ...]:
    from dialogue.model.writing import WALK_ORDER

    return WALK_ORDER


def _start(desk: WriteUpDesk, box: str | None, lang: str) -> int | None:
    """Where the walk starts: `--box`, else the first box still 未記入, else the first box."""
    from dialogue.ui.writeup_desk import find_boxes, unwritten

    order = _order()
    if box:
        found = [b for b, _ in find_boxes(box, lang) if b in order]
        return order.index(found[0]) if found else None
    missing = unwritten(desk.live.transcript(), order, lang)
    return order.index(missing[0]) if missing else 0


def _written(live: LiveSession) -> int:
    writeups = live.transcript().writeups
    return sum(1 for box in _order() if box in writeups and writeups[box].text)


def _company(live: LiveSession) -> str:
    return str(live.transcript().field_value("company.name") or live.session_id)

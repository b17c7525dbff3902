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
    from collections.abc import Callable

    from rich.text import Text

    from dialogue.model import Transcript
    from dialogue.store.journal import SessionStore
    from dialogue.store.live import SessionManager
    from dialogue.store.summary import Summary

COMPANY_CHARS = 60  # a company name longer than this is cut in the table (the JSON has it whole)


def add_parsers(sub: Any, common: argparse.ArgumentParser, lang: str) -> None:
    p = sub.add_parser("sessions", parents=[common], help=h("sessions", lang), description=h("sessions", lang))
    p.add_argument("--json", action="store_true", help=h("json", lang))
    team.add_sessions_options(p, lang)
    p.set_defaults(handler=cmd_sessions)


def cmd_sessions(args: argparse.Namespace, env: Env) -> int:
    if team.wants_team_view(args):
        return team.cmd_sessions_team(args, env)
    from dialogue.cli.protect import store_of

    rows = session_summaries(store_of(args, env), lambda: manager(args, env))  # the policy holds here too
    if args.json:
        env.stdout.write(_json(rows) + "\n")
        return ExitStatus.OK
    from dialogue.ui.text import plain

    console = env.console()
    lang = args.ui_lang
    real = [r for r in rows if not r["training"]]
    training = [r for r in rows if r["training"]]
    listing = _table(real, lang, console.width) if real or not training else []  # no empty table above practice
    if training:
        listing += ([("\n\n", "")] if listing else []) + _table(training, lang, console.width,
                                                                 title=say("sessions.training_title", lang))
    if not console.is_terminal:
        console.file.write("".join(text for text, _ in listing).rstrip() + "\n")  # no styles to draw
    else:
        styled = _styled(listing)
        if not _paged(styled, console, env, lang):
            console.print(styled)
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


def _table(rows: list[dict[str, Any]], lang: str, width: int = 80, title: str | None = None
           ) -> list[tuple[str, str]]:
    """The sessions as a table that fits the terminal: the id (which holds the start time) never wrapped,
    the company folded by the Japanese line-breaking rules, states in the UI language; a session that
    cannot be read says why below it. Laid out here, line by line, rather than by a rich `Table`, which
    took seconds to measure and draw a thousand rows: (text, style) parts, every text already made visible
    (`_styled` makes them a rich Text for a terminal; a pipe gets the text as it is)."""
    from rich.cells import cell_len

    from dialogue.ui.text import cut, visible
    from dialogue.ui.wrap import wrap

    cells = [{k: visible(v) for k, v in _cells(row, lang).items()} for row in rows]
    columns = _columns(cells, lang, width)
    heads = {key: visible(say(f"sessions.head_{key}", lang)) for key in columns}
    widths = {key: max([cell_len(heads[key])] + [cell_len(c[key]) for c in cells]) for key in columns}
    others = sum(w for key, w in widths.items() if key != "company") + GAP * (len(columns) - 1)
    widths["company"] = max(1, min(widths["company"], width - others))
    indent = sum(widths[key] + GAP for key in columns[:columns.index("company")])
    total = sum(widths.values()) + GAP * (len(columns) - 1)
    parts: list[tuple[str, str]] = []  # (text, style), made one Text at the end (appending is slow)
    if title:
        parts.append((" " * max(0, (total - cell_len(visible(title))) // 2) + visible(title) + "\n", "italic"))
    parts.append((_line([wrap(heads[key], widths[key]) for key in columns], columns, widths) + "\n", "bold"))
    parts.append(("─" * total + "\n", ""))
    folded: dict[str, list[str]] = {}  # company → its lines: the sessions of one company fold it once
    for row, values in zip(rows, cells, strict=True):
        company = values["company"]
        if company not in folded:
            folded[company] = [company] if cell_len(company) <= widths["company"] else wrap(company, widths["company"])
        lines = [folded[company] if key == "company" else [values[key]] for key in columns]
        parts.append((_line(lines, columns, widths) + "\n", ""))
        if row["problem"]:
            problem = wrap(visible(cut(row["problem"], 400)), max(1, total - indent))
            parts.append(("\n".join(" " * indent + line for line in problem) + "\n", "red"))
            parts.append(("\n", ""))
    return parts


def _styled(parts: list[tuple[str, str]]) -> Text:
    """One rich Text of these (text, style) parts, without a trailing line end."""
    from rich.text import Span, Text

    spans, at = [], 0
    for text, style in parts:
        if style:
            spans.append(Span(at, at + len(text), style))
        at += len(text)
    out = Text("".join(text for text, _ in parts), no_wrap=True, overflow="ignore", spans=spans)
    out.rstrip()
    return out


def _line(cells: list[list[str]], columns: list[str], widths: dict[str, int]) -> str:
    """One table row (several screen lines when a cell was folded), each cell padded to its column."""
    from rich.cells import cell_len

    height = max(len(lines) for lines in cells)
    out = []
    for i in range(height):
        parts = [(lines[i] if i < len(lines) else "") for lines in cells]
        out.append((" " * GAP).join(p + " " * max(0, widths[k] - cell_len(p)) for p, k in zip(parts, columns,
                                                                                            strict=True)).rstrip())
    return "\n".join(out)


def _minute(iso_time: str) -> str:
    """`2026-11-23T10:00:01.000+09:00` → `11-23 10:00`."""
    return iso_time[5:16].replace("T", " ")


def session_summaries(store: SessionStore, sessions: Callable[[], SessionManager]) -> list[dict[str, Any]]:
    """One row per session; a session that cannot be read is listed with its problem, not skipped. Rows of
    sessions unchanged since the last listing come from the store's summary index (dialogue.store.summary);
    `sessions` makes the manager that reads the others (only when one is needed: it loads the engine)."""
    from dialogue.store.summary import summaries

    made: list[SessionManager] = []

    def compute(session_id: str) -> Summary:
        if not made:
            made.append(sessions())
        return _summary(made[0], session_id)

    return summaries(store, compute)


def _summary(sessions: SessionManager, session_id: str) -> Summary:
    """The row of one session, read and replayed, and the bank files it depends on."""
    from dialogue.banks.builtin import bank_files
    from dialogue.store.summary import Summary

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
        return Summary(row, keep=False)  # read again next time: the cause (a missing bank …) may be gone
    header = opened.journal.header
    builtin = bank_files().get(header.bank_id)
    return Summary(row, (header.bank_path, *((str(builtin),) if builtin else ())))


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

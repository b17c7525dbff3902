"""What the write-up screens show beside the editor: the box's official label and what it should contain, the
answers, probe answers and notes it is written from, the key facts, the current write-up, and the advice on
it — worded from the catalogue, never as a block. Pure rendering: every value comes in, rich renderables go out,
and every text from a person is printed literally (dialogue.ui.text.plain)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text as RichText

from dialogue.i18n import has, say
from dialogue.model.facts import Fact
from dialogue.model.sheet_fields import HEADER_FIELDS_BY_ID, WRITEUP_BOXES_BY_ID, LengthTarget
from dialogue.model.transcript import WriteUp
from dialogue.model.writing import (
    Advice,
    MissingFacts,
    PoliteEndings,
    SourceLine,
    TooLong,
    TooShort,
    writeup_length,
)
from dialogue.ui.text import plain

FACTS_SHOWN = 12  # key facts listed beside the editor (the rest are counted)


@dataclass(frozen=True)
class BoxView:
    """Everything shown for one box: computed by the desk, laid out here."""

    box_id: str
    label: str
    number: int  # 1-based, in this walk
    count: int
    sources: tuple[SourceLine, ...]
    facts: tuple[Fact, ...]
    current: WriteUp | None
    versions: int
    derived: str = ""  # a header field's value from the session (without a write-up)
    target: LengthTarget | None = None


def about(box_id: str, lang: str) -> str:
    """What a box should contain (the catalogue's `writeup.about.<field>`)."""
    box = WRITEUP_BOXES_BY_ID.get(box_id)
    if box is not None and box.voice == "supporter":
        return say("writeup.about.supporter", lang)
    key = f"writeup.about.{box.field_id if box else box_id}"
    return say(key, lang) if has(key) else say("writeup.about.header", lang)


def box_panel(view: BoxView, lang: str, show_sources: bool = True) -> RenderableType:
    """The panel above the editor."""
    parts: list[RenderableType] = [plain(about(view.box_id, lang), "italic")]
    if view.target is not None:
        parts.append(plain(say("writeup.target", lang, min=view.target.min, max=view.target.max), "dim"))
    if show_sources:
        parts += _sources(view, lang)
    parts += _current(view, lang)
    title = say("writeup.panel_title", lang, n=view.number, m=view.count, label=view.label, id=view.box_id)
    return Panel(Group(*parts), title=plain(title, "bold"), title_align="left", border_style="magenta")


def _sources(view: BoxView, lang: str) -> list[RenderableType]:
    if not view.sources:
        return [plain(say("writeup.no_sources", lang), "dim")]
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="cyan")
    grid.add_column(overflow="fold")
    for line in view.sources:
        grid.add_row(say(f"writeup.kind_{line.kind}", lang), plain(line.text))
    parts: list[RenderableType] = [plain(say("writeup.sources_title", lang, n=len(view.sources)), "bold"), grid]
    if view.facts:
        shown = "、".join(f.text for f in view.facts[:FACTS_SHOWN]) if lang == "ja" else ", ".join(
            f.text for f in view.facts[:FACTS_SHOWN])
        more = len(view.facts) - FACTS_SHOWN
        parts.append(plain(say("writeup.facts", lang, facts=shown) + (say("writeup.more", lang, n=more)
                                                                       if more > 0 else ""), "green"))
    return parts


def _current(view: BoxView, lang: str) -> list[RenderableType]:
    if view.current is not None and view.current.text:
        by = view.current.by.name if view.current.by is not None and view.current.by.name else "—"
        head = say("writeup.current", lang, by=by, at=local_time(view.current.at), n=view.versions,
                   chars=writeup_length(view.current.text))
        return [plain(head, "bold"), plain(view.current.text)]
    if view.derived:
        return [plain(say("writeup.derived", lang, value=view.derived), "bold")]
    return [plain(say("writeup.none_yet", lang), "yellow")]


def local_time(at: str) -> str:
    """An event's time in the computer's local time, to the minute."""
    try:
        return datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return at


# ---- advice, worded ----


def advice_lines(advice: tuple[Advice, ...], lang: str, length: int) -> list[RichText]:
    """The advice on a saved write-up, one line each, in yellow: advice, never a refusal."""
    if not advice:
        return [plain(say("writeup.advice_ok", lang, length=length), "green")]
    return [plain(_advice_text(a, lang), "yellow") for a in advice]


def _advice_text(advice: Advice, lang: str) -> str:
    sep = "、" if lang == "ja" else ", "
    match advice:
        case TooShort(length=length, target=target):
            return say("writeup.advice_short", lang, length=length, min=target.min, max=target.max)
        case TooLong(length=length, target=target):
            return say("writeup.advice_long", lang, length=length, min=target.min, max=target.max)
        case MissingFacts():
            return say("writeup.advice_missing", lang, facts=sep.join(advice.texts))
        case PoliteEndings(sentences=sentences):
            return say("writeup.advice_polite", lang, sentence=sentences[0].text, n=len(sentences))
    return ""  # pragma: no cover — every kind of advice is worded above


def header_advice(box_id: str, text: str, lang: str) -> list[RichText]:
    """A header value that does not look like its kind of data (advice only)."""
    from dialogue.model.sheet_fields import INDUSTRIES, industry_label

    kind = HEADER_FIELDS_BY_ID[box_id].kind
    value = text.strip()
    if kind == "number" and not value.replace(",", "").isdigit():
        return [plain(say("writeup.advice_number", lang), "yellow")]
    if kind == "industry" and industry_label(value, lang) is None:
        names = "、".join(ja for _, ja, _ in INDUSTRIES) if lang == "ja" else ", ".join(en for _, _, en in INDUSTRIES)
        return [plain(say("writeup.advice_industry", lang, industries=names), "yellow")]
    return []


# ---- lists ----


def box_list(rows: list[tuple[str, str, str, int]], lang: str) -> Table:
    """Every box of a walk: (box id, label, mark ● / ○ / ・, characters)."""
    table = Table(title=say("writeup.list_title", lang), show_header=False, box=None, pad_edge=False, expand=True)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold", ratio=5)
    table.add_column(overflow="fold", ratio=3, style="dim")
    table.add_column(no_wrap=True, justify="right")
    for number, (box_id, label, mark, chars) in enumerate(rows, 1):
        table.add_row(f"{number:>2} {mark}", plain(label), box_id, str(chars) if chars else "")
    return table


def history(label: str, versions: tuple[WriteUp, ...], lang: str) -> RenderableType:
    """Every version of one box's write-up, oldest first, with who wrote it and when."""
    if not versions:
        return plain(say("writeup.no_history", lang), "dim")
    parts: list[RenderableType] = [plain(say("writeup.history_title", lang, label=label), "bold")]
    for number, version in enumerate(versions, 1):
        by = version.by.name if version.by is not None and version.by.name else "—"
        parts.append(plain(say("writeup.history_line", lang, n=number, at=local_time(version.at), by=by,
                               chars=writeup_length(version.text)), "cyan"))
        parts.append(plain(version.text or say("writeup.cleared_mark", lang), "" if version.text else "dim"))
    return Group(*parts)

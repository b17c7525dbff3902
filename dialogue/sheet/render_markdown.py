"""SheetData → Markdown (the sheet) and Transcript → Markdown (every event with its time)."""

from __future__ import annotations

from functools import cache

from dialogue.model import Transcript
from dialogue.sheet.data import LABELS, SheetData
from dialogue.sheet.transcript_view import transcript_rows


@cache
def _environment():  # jinja2 is imported only when compiling
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dialogue.sheet", "templates"),
        undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["md_cell"] = md_cell
    env.filters["md_block"] = md_block
    return env


def _no_html(text: object) -> str:
    """Answer text never becomes HTML in a Markdown viewer: `&` and `<` as entities (shown as typed)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;")


def md_cell(text: object) -> str:
    """Text safe inside a Markdown table cell: no HTML, pipes escaped, line breaks as <br>."""
    return _no_html(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def md_block(text: object) -> str:
    """Multi-line text kept as written (no HTML): each line becomes a quoted line."""
    lines = _no_html(text).replace("\r", "").split("\n")
    return "\n".join("> " + line if line else ">" for line in lines)


def render_sheet_markdown(sheet: SheetData) -> str:
    return _environment().get_template("sheet.md.j2").render(s=sheet, L=sheet.labels)


def render_transcript_markdown(transcript: Transcript, lang: str) -> str:
    labels = LABELS.get(lang, LABELS["en"])
    rows = transcript_rows(transcript, lang)
    return _environment().get_template("transcript.md.j2").render(
        t=transcript, rows=rows, L=labels, with_by=any(r.by for r in rows))

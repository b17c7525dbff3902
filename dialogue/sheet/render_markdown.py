"""SheetData → Markdown (the sheet) and Transcript → Markdown (every event with its time)."""

from __future__ import annotations

from functools import cache
from typing import Any

from dialogue.model import Transcript
from dialogue.sheet.data import LABELS, SheetData, extra_lines
from dialogue.sheet.markdown_text import md_block, md_code, md_finalize, md_inline, trusted
from dialogue.sheet.templating import template_environment
from dialogue.sheet.transcript_view import transcript_rows


@cache
def _environment() -> Any:  # jinja2 is imported only when compiling
    env = template_environment("md", autoescape=False, finalize=md_finalize)  # every printed value is escaped
    env.filters["md_cell"] = md_inline
    env.filters["md_block"] = md_block
    env.filters["md_code"] = md_code
    env.globals["extra_lines"] = extra_lines
    return env


def render_sheet_markdown(sheet: SheetData) -> str:
    return str(_environment().get_template("sheet.md.j2").render(s=sheet, L=trusted(sheet.labels)))


def render_transcript_markdown(transcript: Transcript, lang: str) -> str:
    labels = LABELS.get(lang, LABELS["en"])
    rows = transcript_rows(transcript, lang)
    return str(_environment().get_template("transcript.md.j2").render(
        t=transcript, rows=rows, L=trusted(labels), with_by=any(r.by for r in rows)))

"""Which files `locaben compile` writes for each format, rendered from one SheetData."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from dialogue.model import Transcript
from dialogue.sheet.data import SheetData, build_sheet


def _markdown(sheet: SheetData, transcript: Transcript, lang: str) -> tuple[str, bytes]:
    from dialogue.sheet.render_markdown import render_sheet_markdown

    return "sheet.md", render_sheet_markdown(sheet).encode("utf-8", "replace")


def _transcript(sheet: SheetData, transcript: Transcript, lang: str) -> tuple[str, bytes]:
    from dialogue.sheet.render_markdown import render_transcript_markdown

    return "transcript.md", render_transcript_markdown(transcript, lang).encode("utf-8", "replace")


def _html(sheet: SheetData, transcript: Transcript, lang: str) -> tuple[str, bytes]:
    from dialogue.sheet.render_html import render_sheet_html

    return "sheet.html", render_sheet_html(sheet).encode("utf-8", "replace")


def _xlsx(sheet: SheetData, transcript: Transcript, lang: str) -> tuple[str, bytes]:
    from dialogue.sheet.render_xlsx import render_sheet_xlsx

    return "sheet.xlsx", render_sheet_xlsx(sheet)


def _json(sheet: SheetData, transcript: Transcript, lang: str) -> tuple[str, bytes]:
    from dialogue.sheet.render_json import render_sheet_json

    return "sheet.json", render_sheet_json(sheet).encode("utf-8", "replace")


# format name -> renderer returning (file suffix, bytes). Renderers import their libraries lazily.
RENDERERS: dict[str, Callable[[SheetData, Transcript, str], tuple[str, bytes]]] = {
    "md": _markdown,
    "html": _html,
    "xlsx": _xlsx,
    "json": _json,
    "transcript": _transcript,
}
FORMATS: tuple[str, ...] = tuple(RENDERERS)
# format name -> the suffix of its file (what its renderer returns; tests/test_sheet_formats.py checks)
SUFFIXES: dict[str, str] = {"md": "sheet.md", "html": "sheet.html", "xlsx": "sheet.xlsx", "json": "sheet.json",
                            "transcript": "transcript.md"}


def file_names(session_id: str, formats: list[str]) -> list[str]:
    """The files `render_files` makes for a session, known before rendering it."""
    return [f"{session_id}-{SUFFIXES[fmt]}" for fmt in formats]


def render_files(transcript: Transcript, formats: list[str], lang: str, aside: bool = False) -> dict[str, bytes]:
    """File name -> content for each requested format, named `<session id>-<suffix>`. With `aside`, the
    workbook is rendered on another core while the other formats are (dialogue.sheet.aside); the files are
    the same either way."""
    sheet = build_sheet(transcript, lang)
    rendered: dict[str, tuple[str, bytes]] = {}
    with _workbook_aside(sheet, transcript, lang, aside and ASIDE_FORMAT in formats and len(formats) > 1) as child:
        for fmt in sorted(formats, key=lambda f: f == ASIDE_FORMAT):  # the child's format last: it works meanwhile
            data = child.result() if fmt == ASIDE_FORMAT and child is not None else None
            rendered[fmt] = (SUFFIXES[fmt], data) if data is not None else RENDERERS[fmt](sheet, transcript, lang)
    return {f"{transcript.session_id}-{rendered[fmt][0]}": rendered[fmt][1] for fmt in formats}


ASIDE_FORMAT = "xlsx"  # the renderer worth a core of its own: its library and its work are the largest


@contextlib.contextmanager
def _workbook_aside(sheet: SheetData, transcript: Transcript, lang: str, wanted: bool) -> Iterator[Any]:
    """The workbook rendering in a child (an `Aside`) when `wanted` (asked for, with other formats to render
    meanwhile) and the machine has a core for it; else None."""
    from dialogue.sheet.aside import Aside, can_fork

    if not wanted or not can_fork():
        yield None
        return
    with Aside(lambda: RENDERERS[ASIDE_FORMAT](sheet, transcript, lang)[1]) as child:
        yield child

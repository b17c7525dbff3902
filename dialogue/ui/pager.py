"""Long output in a scrollable view: the review, the outline, /help, the score report, a long sessions list.

A full-screen prompt-toolkit view (the same on Windows, no external pager): ↑↓ / j k a line, Space / b or
PgDn / PgUp a page, g / G or Home / End the ends, `q` returns to where you were (the view goes, the screen
comes back as it was). What is shown is rendered by rich at the terminal's width first, so the lines
and their line breaks are the same as they would be printed.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from rich.console import Console, RenderableType

from dialogue.i18n import say

STATUS_ROWS = 1  # the line that says where you are and how to return


def render_ansi(console: Console, renderable: RenderableType) -> str:
    """`renderable` as the console would print it (colours as escape codes), at the console's width."""
    buffer = io.StringIO()
    colours: Any = console.color_system  # the same colours as the terminal's console ("256", "truecolor" …)
    copy = Console(file=buffer, width=console.width, height=console.height, force_terminal=colours is not None,
                   color_system=colours, no_color=console.no_color, markup=False, highlight=False, emoji=False)
    copy.print(renderable)
    return buffer.getvalue()


def line_count(console: Console, renderable: RenderableType) -> int:
    return len(console.render_lines(renderable, console.options.update(height=None), pad=False))


class Pager:
    """One text, shown page by page until `q`. `top` is the first line shown (for tests and the caller)."""

    def __init__(self, text: str, lang: str, input: Any = None, output: Any = None):  # noqa: A002
        self.lines = text.rstrip("\n").split("\n")
        self.lang = lang
        self.top = 0
        self.seen_last = False  # whether the last line was on screen at some point
        self._app = self._build(input, output)

    def rows(self) -> int:
        rows: int = self._app.output.get_size().rows
        return max(1, rows - STATUS_ROWS)

    def scroll(self, lines: int) -> None:
        self.top = max(0, min(self.top + lines, len(self.lines) - self.rows()))

    def run(self) -> int:
        self._app.run()
        return self.top

    def _body(self) -> Any:
        from prompt_toolkit.formatted_text import ANSI, to_formatted_text

        shown = self.lines[self.top:self.top + self.rows()]
        if self.top + self.rows() >= len(self.lines):
            self.seen_last = True
        return to_formatted_text(ANSI("\n".join(shown)))

    def _status(self) -> str:
        last = min(self.top + self.rows(), len(self.lines))
        return " " + say("ui.pager_status", self.lang, first=self.top + 1, last=last, total=len(self.lines))

    def _build(self, input: Any, output: Any) -> Any:  # noqa: A002
        from prompt_toolkit.application import Application
        from prompt_toolkit.layout import HSplit, Layout, Window
        from prompt_toolkit.layout.controls import FormattedTextControl

        body = Window(FormattedTextControl(self._body), wrap_lines=False)
        status = Window(FormattedTextControl(self._status), height=STATUS_ROWS, style="reverse")
        return Application(layout=Layout(HSplit([body, status])), key_bindings=self._keys(), full_screen=True,
                           input=input, output=output)

    def _keys(self) -> Any:
        from prompt_toolkit.key_binding import KeyBindings

        keys = KeyBindings()
        moves = {("down",): 1, ("j",): 1, ("enter",): 1, ("c-m",): 1, ("up",): -1, ("k",): -1}
        pages = {("pagedown",): 1, ("space",): 1, ("f",): 1, ("c-f",): 1, ("pageup",): -1, ("b",): -1, ("c-b",): -1}
        for names, step in moves.items():
            keys.add(*names)(lambda event, step=step: self.scroll(step))
        for names, step in pages.items():
            keys.add(*names)(lambda event, step=step: self.scroll(step * self.rows()))
        for name in ("home", "g", "<"):
            keys.add(name)(lambda event: self.scroll(-len(self.lines)))
        for name in ("end", "G", ">"):
            keys.add(name)(lambda event: self.scroll(len(self.lines)))
        for name in ("q", "Q", "c-c", "c-d"):
            keys.add(name)(lambda event: event.app.exit())
        return keys


def page(text: str, lang: str, input: Any = None, output: Any = None) -> int:  # noqa: A002
    """Show `text` (lines with escape codes for colour) until `q`; returns the top line last shown."""
    return Pager(text, lang, input, output).run()


def show_long(console: Console, renderable: RenderableType, source: Any, lang: str, reserved: int = 2) -> None:
    """A long view: in the pager when the input comes from a terminal (`source.page`) and the view is taller
    than the screen less `reserved` rows; else printed."""
    page = getattr(source, "page", None)
    if page is not None and line_count(console, renderable) > console.height - reserved:
        page(render_ansi(console, renderable), lang)
    else:
        console.print(renderable)


def save_view(renderable: RenderableType, directory: Path, name: str, width: int = 100) -> Path:
    """`renderable` as plain text (no colours), written privately into `directory` as `name` (through
    dialogue.sheet.files.write_outputs: whole or not at all, 0600, recorded in the folder's manifest)."""
    from dialogue.sheet.files import write_outputs
    from dialogue.ui.text import make_console

    buffer = io.StringIO()
    make_console(buffer, no_color=True, width=width).print(renderable)
    return write_outputs(directory, {name: buffer.getvalue().encode("utf-8")}, force=True)[0]

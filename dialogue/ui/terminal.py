"""Reading the interviewer's input: prompt-toolkit in a terminal, or plain lines from a pipe (--plain).

What is offered for a question (the answer so far, an interrupted draft, parked text, last time's answer)
is never put into the input line: it is shown as a placeholder, Enter on an empty line keeps it, ↑ copies
it into the line to edit it, and anything typed replaces it. So a slash command always arrives as typed.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from typing import IO, Any, Protocol

HINTS_COMMAND = "/hint"  # what F2 sends
REDRAW_SECONDS = 20  # the toolbar's minutes move on while nobody types
MENU_ROWS = 6  # rows made free under the input line while a command is typed (for the completion menu)
_SURROGATE = re.compile("[\ud800-\udfff]")


class Interrupted(KeyboardInterrupt):
    """Ctrl-C at the prompt; `text` is what was in the input line (kept as a draft)."""

    def __init__(self, text: str = ""):
        super().__init__()
        self.text = text


def clean_input(text: str) -> str:
    """Bytes a wrong terminal encoding let through arrive as lone surrogates: decode what is UTF-8 and
    replace the rest, so every answer can be saved and compiled."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if _has_surrogates(text) else text


def _has_surrogates(text: str) -> bool:
    """Whether a lone surrogate is in `text` (a regular-expression scan: a pasted answer has thousands of
    characters, and this runs on every answer)."""
    return not text.isascii() and _SURROGATE.search(text) is not None


class LineSource(Protocol):
    def read(self, offered: str = "", placeholder: str = "") -> str:
        """One answer or command. An empty line returns `offered`. Raises EOFError (Ctrl-D, end of
        input) or KeyboardInterrupt (`Interrupted` with the line typed so far)."""
        ...


def typed_now() -> str:
    """The text in the input line while prompt-toolkit draws the screen (a toolbar asks it at every key);
    empty outside a prompt, and in plain mode, which never imports prompt-toolkit."""
    current = sys.modules.get("prompt_toolkit.application.current")
    app = current.get_app_or_none() if current is not None else None
    return str(app.current_buffer.text) if app is not None and app.is_running else ""


class PlainInput:
    """One line per answer from a stream; `\\n` inside a line stands for a line break."""

    def __init__(self, stream: IO[str] | None = None, echo: IO[str] | None = None):
        self.stream = stream or sys.stdin
        self.echo = echo

    def read(self, offered: str = "", placeholder: str = "") -> str:
        line = self.stream.readline()
        if not line:
            raise EOFError
        text = clean_input(line.rstrip("\n").replace("\\n", "\n"))
        if not text.strip() and offered:
            text = offered  # an empty line keeps what was offered (an earlier answer, parked text)
        if self.echo is not None:
            self.echo.write(f"> {text}\n")
            self.echo.flush()
        return text


Targets = Callable[[str], Iterable[tuple[str, str, str]]]


def make_completer(commands: Callable[[], Iterable[str]], targets: Targets,
                   target_commands: dict[str, str] | None = None) -> Any:
    """Completes `/command`, and the argument of the commands in `target_commands` (name → "any" or
    "field"): a few letters of a section, question or sheet-field name in Japanese or English.
    `targets(query)` gives (id, kind, label)."""
    from prompt_toolkit.completion import Completer, Completion

    wanted = target_commands if target_commands is not None else {"jump": "any", "edit": "any", "park": "field"}

    class SlashCompleter(Completer):
        def get_completions(self, document, complete_event):  # type: ignore[no-untyped-def]  # prompt-toolkit key handler: event is its KeyPressEvent  # prompt-toolkit's signature
            text = document.text_before_cursor
            if not text.startswith("/"):
                return
            name, space, rest = text[1:].partition(" ")
            if not space:
                for command in commands():
                    if command.startswith(name):
                        yield Completion(command, start_position=-len(name))
            elif name in wanted and " " not in rest:
                for target_id, kind, label in targets(rest):
                    if wanted[name] == "field" and kind != "field":
                        continue
                    yield Completion(target_id, start_position=-len(rest), display_meta=label)

    return SlashCompleter()


class TerminalInput:
    """prompt-toolkit: Enter sends, Esc then Enter inserts a line break, Tab completes commands, ↑ on an
    empty line edits what is offered, F2 toggles the hints, Ctrl-C stops with the line kept. Completion
    (and the rows its menu needs) only while a slash command is typed: an answer has no blank rows under it.
    `page(text, lang)` shows a long text in the pager on the same terminal."""

    def __init__(self, completer: Any, toolbar: Callable[[], str], input: Any = None, output: Any = None):  # noqa: A002
        from prompt_toolkit import PromptSession
        from prompt_toolkit.filters import Condition
        from prompt_toolkit.key_binding import KeyBindings

        bindings = KeyBindings()
        self._offered = ""
        self._kept = ""
        self._input, self._output = input, output

        @bindings.add("enter")
        @bindings.add("c-j")
        def _send(event):  # type: ignore[no-untyped-def]  # prompt-toolkit key handler: event is its KeyPressEvent
            buffer = event.current_buffer
            if buffer.complete_state and buffer.complete_state.current_completion:
                buffer.apply_completion(buffer.complete_state.current_completion)
                return
            buffer.validate_and_handle()

        @bindings.add("escape", "enter")
        def _newline(event):  # type: ignore[no-untyped-def]  # prompt-toolkit key handler: event is its KeyPressEvent
            event.current_buffer.insert_text("\n")

        @bindings.add("up", filter=_empty_buffer())
        def _edit_offered(event):  # type: ignore[no-untyped-def]  # prompt-toolkit key handler: event is its KeyPressEvent
            if self._offered:
                event.current_buffer.insert_text(self._offered)

        @bindings.add("f2")
        def _toggle_hints(event):  # type: ignore[no-untyped-def]  # prompt-toolkit key handler: event is its KeyPressEvent
            # F2 runs /hint; what was typed so far is put back in the line afterwards
            self._kept = event.current_buffer.text
            event.current_buffer.text = HINTS_COMMAND
            event.current_buffer.validate_and_handle()

        @bindings.add("c-c")
        def _interrupt(event):  # type: ignore[no-untyped-def]  # prompt-toolkit key handler: event is its KeyPressEvent
            event.app.exit(exception=Interrupted(event.current_buffer.text))

        typing_command = Condition(lambda: self._session.default_buffer.text.startswith("/"))
        self._session: Any = PromptSession(
            multiline=True, key_bindings=bindings, completer=completer, complete_while_typing=typing_command,
            bottom_toolbar=toolbar, prompt_continuation=lambda width, line, wrap: ". ".rjust(width),
            input=input, output=output, reserve_space_for_menu=MENU_ROWS, refresh_interval=REDRAW_SECONDS,
        )

    def page(self, text: str, lang: str) -> None:
        """`text` (rendered lines) in the scrollable view until `q`."""
        from dialogue.ui.pager import page

        page(text, lang, self._input, self._output)

    def read(self, offered: str = "", placeholder: str = "") -> str:
        from prompt_toolkit.formatted_text import FormattedText

        kept, self._kept = self._kept, ""
        self._offered = offered
        # never None: prompt-toolkit keeps the last prompt's placeholder when given None, and an old
        # 「Enter: …」 would promise a keep that this prompt does not offer
        shown = FormattedText([("class:placeholder fg:ansibrightblack", placeholder)] if placeholder else [])
        text = clean_input(self._session.prompt("> ", default=kept, placeholder=shown))
        if not text.strip() and offered:
            return offered
        return text


def _empty_buffer() -> Any:
    from prompt_toolkit.application.current import get_app
    from prompt_toolkit.filters import Condition

    return Condition(lambda: not get_app().current_buffer.text)

"""Reading the interviewer's input: prompt-toolkit in a terminal, or plain lines from a pipe (--plain)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import IO, Protocol

SLASH_COMMANDS = ("back", "skip", "next", "jump", "edit", "hint", "note", "own", "unknown", "declined", "na", "source",
                  "flag", "unflag", "park", "outline", "review", "pause", "finish", "help")


def clean_input(text: str) -> str:
    """Bytes a wrong terminal encoding let through arrive as lone surrogates: decode what is UTF-8 and
    replace the rest, so every answer can be saved and compiled."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if _has_surrogates(text) else text


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


class LineSource(Protocol):
    def read(self, default: str = "") -> str:
        """One answer or command; raises EOFError (Ctrl-D / end of input) or KeyboardInterrupt."""
        ...


class PlainInput:
    """One line per answer from a stream; `\\n` inside a line stands for a line break."""

    def __init__(self, stream: IO[str] | None = None, echo: IO[str] | None = None):
        self.stream = stream or sys.stdin
        self.echo = echo

    def read(self, default: str = "") -> str:
        line = self.stream.readline()
        if not line:
            raise EOFError
        text = clean_input(line.rstrip("\n").replace("\\n", "\n"))
        if not text.strip() and default:
            text = default  # an empty line keeps what was offered (an earlier answer, parked text)
        if self.echo is not None:
            self.echo.write(f"> {text}\n")
            self.echo.flush()
        return text


def make_completer(commands: Callable[[], Iterable[str]], targets: Callable[[str], Iterable[tuple[str, str, str]]]):
    """Completes `/command`, and the target of `/jump`, `/edit` and `/park`: a few letters of a section,
    question or sheet-field name in Japanese or English. `targets(query)` gives (id, kind, label)."""
    from prompt_toolkit.completion import Completer, Completion

    class SlashCompleter(Completer):
        def get_completions(self, document, complete_event):  # type: ignore[no-untyped-def]
            text = document.text_before_cursor
            if not text.startswith("/"):
                return
            name, space, rest = text[1:].partition(" ")
            if not space:
                for command in commands():
                    if command.startswith(name):
                        yield Completion(command, start_position=-len(name))
            elif name in ("jump", "edit", "park") and " " not in rest:
                for target_id, kind, label in targets(rest):
                    if name == "park" and kind != "field":
                        continue
                    yield Completion(target_id, start_position=-len(rest), display_meta=label)

    return SlashCompleter()


class TerminalInput:
    """prompt-toolkit: Enter sends, Esc then Enter inserts a line break, Tab completes commands."""

    def __init__(self, completer, toolbar: Callable[[], str], input=None, output=None):  # type: ignore[no-untyped-def]  # noqa: A002
        from prompt_toolkit import PromptSession
        from prompt_toolkit.key_binding import KeyBindings

        bindings = KeyBindings()

        @bindings.add("enter")
        @bindings.add("c-j")
        def _send(event):  # type: ignore[no-untyped-def]
            buffer = event.current_buffer
            if buffer.complete_state and buffer.complete_state.current_completion:
                buffer.apply_completion(buffer.complete_state.current_completion)
                return
            buffer.validate_and_handle()

        @bindings.add("escape", "enter")
        def _newline(event):  # type: ignore[no-untyped-def]
            event.current_buffer.insert_text("\n")

        @bindings.add("f2")
        def _toggle_hints(event):  # type: ignore[no-untyped-def]
            # F2 runs /hint; what was typed so far is kept and offered again
            self._kept = event.current_buffer.text
            event.current_buffer.text = "/hint"
            event.current_buffer.validate_and_handle()

        self._session = PromptSession(
            multiline=True, key_bindings=bindings, completer=completer, complete_while_typing=True,
            bottom_toolbar=toolbar, prompt_continuation=lambda width, line, wrap: ". ".rjust(width),
            input=input, output=output,
        )

    _kept = ""

    def read(self, default: str = "") -> str:
        kept, self._kept = self._kept, ""
        return clean_input(self._session.prompt("> ", default=kept or default))

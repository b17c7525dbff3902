"""Text from people (answers, notes, persona and bank text, ids read from a journal) into Markdown.

`md_escape` is the one escaping function; `md_inline` and `md_block` only lay its result out. The Markdown
templates escape every `{{ … }}` by default (jinja2 `finalize=md_finalize`), so a value that reaches the page
without a filter is escaped too; only `Markdown` values (already escaped, or our own syntax) pass as they are.

What escaping guarantees, in every CommonMark/GFM viewer (GitHub's cmark-gfm, markdown-it with linkify):
the text is shown as typed and never becomes structure (headings, lists, tables, quotes, code, rules), a link,
an image, an autolink or raw HTML. Only the characters that can have a meaning are touched, so Japanese text
and ordinary prose stay readable in the file itself:
- everywhere: backslash, backtick and `* _ [ ] # | ~ $` are backslash-escaped (CommonMark shows an escaped ASCII punctuation
  character as itself); `<` and `&` become `&lt;` and `&amp;` (no tag, no entity, no `<http://…>`);
- at the start of a line: `- + = >` and the `.`/`)` after digits (list items, setext underlines, quotes);
  leading spaces and tabs become character references, so indentation never makes a code block;
- `.` before a letter or digit and `:` before `/`: GFM and linkify turn `www.x`, `x.jp` and `http://` into links;
- `@` goes into a code span: GFM links e-mail addresses (and `mailto:`, `xmpp:`) even through backslash escapes
  and entities, never across a code span;
- U+0000, which CommonMark shows as U+FFFD anyway, is dropped (the Excel sheet drops it too).
"""

from __future__ import annotations

import re

_ALWAYS = {"\\": "\\\\", "`": "\\`", "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]", "#": "\\#",
           "|": "\\|", "~": "\\~", "$": "\\$", "<": "&lt;", "&": "&amp;", "@": "`@`", "\x00": ""}
_INLINE = re.compile(r"[\\`*_\[\]#|~$<&@\x00]|\.(?=[A-Za-z0-9])|:(?=/)")
_LINE_START = frozenset("-+=>")
_LIST_NUMBER = re.compile(r"\d{1,9}[.)]")


class Markdown(str):
    """Text that is already Markdown (escaped people's text, or our own syntax): never escaped again."""

    __slots__ = ()


def md_escape(text: object) -> str:
    """People's text as literal Markdown text; line breaks stay `\\n` for the layouts below to place."""
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(_escape_line(line) for line in lines)


def _escape_line(line: str) -> str:
    body = line.lstrip(" \t")
    lead = line[: len(line) - len(body)].replace(" ", "&#32;").replace("\t", "&#9;")
    marker = _LIST_NUMBER.match(body)
    if marker:
        lead, body = lead + body[: marker.end() - 1] + "\\" + body[marker.end() - 1], body[marker.end():]
    elif body[:1] in _LINE_START and body:
        lead, body = lead + "\\" + body[0], body[1:]
    return lead + _INLINE.sub(_escape_match, body)


def _escape_match(match: re.Match[str]) -> str:
    char = match.group(0)
    return _ALWAYS.get(char, "\\" + char)


def md_inline(text: object) -> Markdown:
    """One line, safe anywhere (a table cell, a heading, a list item): line breaks become `<br>`."""
    if isinstance(text, Markdown):
        return text
    return Markdown(md_escape(text).replace("\n", "<br>"))


def md_block(text: object) -> Markdown:
    """A block quote that keeps every line of the text, each line literal."""
    lines = md_escape(text).split("\n")
    return Markdown("\n".join("> " + line if line else ">" for line in lines))


def md_code(text: object) -> Markdown:
    """An identifier as a code span, literal whatever it holds: the fence is one backtick longer than any
    run of backticks in it, and line breaks (which a code span cannot hold) become spaces."""
    source = str(text).replace("\x00", "").replace("\r", " ").replace("\n", " ")
    fence = "`" * (max((len(run) for run in re.findall("`+", source)), default=0) + 1)
    pad = " " if source.startswith("`") or source.endswith("`") or not source.strip() else ""
    return Markdown(f"{fence}{pad}{source}{pad}{fence}")


def trusted(labels: dict[str, str]) -> dict[str, Markdown]:
    """Our own label table, printed as written (it is Markdown we wrote, not text from people)."""
    return {key: Markdown(value) for key, value in labels.items()}


def md_finalize(value: object) -> object:
    """jinja2 `finalize`: every value a template prints is escaped unless it is already `Markdown`."""
    if value is None or isinstance(value, Markdown | int | float):
        return value
    return md_inline(value)

"""sheet.md and transcript.md as a Markdown viewer shows them: text from people (answers, notes, follow-ups,
flag notes, parked text, source documents, bank and persona text) is shown as typed and never becomes an
image, a link, raw HTML or document structure; and each voice's follow-ups stay under that voice."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from markdown_it import MarkdownIt

from dialogue.banks.reader import load_bank
from dialogue.engine import Engine
from dialogue.model import Bank, Question, Transcript
from dialogue.model.events import Started
from dialogue.sheet.data import build_sheet
from dialogue.sheet.markdown_text import md_block, md_code, md_escape, md_inline
from dialogue.sheet.outputs import render_files
from tests.helpers import MINI_BANK, iso_clock, mini_bank, sample_answer, standard_bank

# Each line tries one way for typed text to become something else in a Markdown viewer.
HOSTILE_LINES = (
    "![t](http://evil.example/track.png)",
    "[click](http://evil.example/x) and [ref][r] and [r]: http://evil.example/def",
    "<img src=http://evil.example/i.png> <script>alert(1)</script> <a href=http://evil.example>a</a>",
    "bare http://evil.example/bare and https://evil.example/s and www.evil.example and ftp://evil.example/f",
    "mail info@evil.example mailto:x@evil.example xmpp:y@evil.example <http://evil.example/auto>",
    "fuzzy midori.co.jp and 3.5 and sheet.md at 10:30",
    "# injected heading",
    "## second heading",
    "- injected item",
    "* star item",
    "+ plus item",
    "1. ordered item",
    "2) paren item",
    "> injected quote",
    "| a | b |",
    "|---|---|",
    "| c | d |",
    "```",
    "fenced code",
    "~~~",
    "    indented code",
    "\tTAB code",
    "***",
    "setext",
    "===",
    "setext two",
    "---",
    "**bold** _em_ ~~strike~~ `code` $x^2$ &amp; &lt;b&gt; &#60;i&#62; \\* \\",
    "<div>html block</div>",
    "<!-- comment -->",
    "- [ ] task",
    "[^1] footnote and [^1]: note",
)
HOSTILE = "\n".join(HOSTILE_LINES)
ONE_LINE = " ".join(HOSTILE_LINES)  # for the places that take one line (notes, records, company name)
STRUCTURE_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "tr", "td", "th", "pre",
                  "hr", "blockquote", "p", "input", "del", "em", "strong", "sup", "section")
FORBIDDEN_TAGS = ("img", "a", "script", "div", "iframe", "style")


class Tags(HTMLParser):
    """Counts the elements of rendered HTML and collects its visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.counts: dict[str, int] = {}
        self.text: list[str] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.counts[tag] = self.counts.get(tag, 0) + 1
        if tag == "br":
            self.text.append("\n")

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def github(markdown: str) -> str:
    """GitHub's renderer (cmark-gfm) with every GFM extension on, raw HTML kept (as many viewers do)."""
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def markdown_it(markdown: str) -> str:
    """markdown-it (VS Code's renderer) in CommonMark mode with tables and strikethrough, HTML on."""
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(markdown)


def markdown_it_linkify(markdown: str) -> str:
    """markdown-it's GFM-like preset with linkify (bare `x.jp`, `www.x`, e-mail addresses become links)."""
    return MarkdownIt("gfm-like", {"html": True}).render(markdown)


RENDERERS: dict[str, Callable[[str], str]] = {"github": github, "markdown-it": markdown_it,
                                              "linkify": markdown_it_linkify}


def parsed(rendered: str) -> Tags:
    tags = Tags()
    tags.feed(rendered)
    return tags


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def hostile_bank(tmp_path: Path) -> Bank:
    """The mini bank with hostile text in a question, a probe, a section title and a choice label."""
    text = MINI_BANK.read_text(encoding="utf-8")
    quoted = json.dumps(ONE_LINE, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    for plain in ("ja: 会社名を教えてください。", "ja: 具体的には？", "ja: 沿革", "ja: いない"):
        assert plain in text
        text = text.replace(plain, f"ja: {quoted}")
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return load_bank(path)


def walk(bank: Bank, answer_for: Callable[[Question], str], probe_for: Callable[[Question, int], str],
         note_for: Callable[[Question], str | None] = lambda q: None,
         before: Callable[[Engine, Question], None] = lambda e, q: None) -> Transcript:
    """The whole bank, answered and probed through the engine, as an interviewer would."""
    engine = Engine(bank, iso_clock(), "md-safety")
    step = engine.start(Started(lang="ja"))
    for _ in range(2_000):
        if step.state == "at_end":
            return engine.transcript()
        question = step.question
        assert question is not None
        if step.state == "probing":
            step = engine.answer(probe_for(question, step.probe))
            continue
        note = note_for(question)
        if note:
            engine.note(note)
        before(engine, question)
        step = engine.answer(answer_for(question))
    raise AssertionError("the interview did not end")


def hostile_session(bank: Bank, text: str, line: str) -> Transcript:
    def answer(q: Question) -> str:
        return {"number": "24", "choice": "none", "list": f"{line}；二つ目 {line}",
                "group": f"{line}|{line}|{line}\n二行目|{line}|{line}"}.get(q.type, text)

    def extras(engine: Engine, q: Question) -> None:
        if q.id == "company_name":
            engine.park("internal.rnd_ip", line)
        if q.id == "employees":
            engine.flag(line)
        if q.id == "history_story":
            engine.follow_up(1, line)
            engine.set_source("document", line, "company_name")

    return walk(bank, answer, lambda q, i: text, note_for=lambda q: line, before=extras)


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    bank = hostile_bank(tmp_path_factory.mktemp("bank"))
    files = render_files(hostile_session(bank, HOSTILE, ONE_LINE), ["md", "transcript"], "ja")
    return {name: data.decode("utf-8") for name, data in files.items()}


@pytest.fixture(scope="module")
def plain_files() -> dict[str, str]:
    """The same session with plain text of the same line pattern: the structure a viewer must show."""
    bank = load_bank(MINI_BANK)
    plain = re.sub(r"[^\n]+", "ふつうの回答", HOSTILE)
    files = render_files(hostile_session(bank, plain, "ふつうのメモ"), ["md", "transcript"], "ja")
    return {name: data.decode("utf-8") for name, data in files.items()}


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("name", ["md-safety-sheet.md", "md-safety-transcript.md"])
def test_no_image_link_or_html_from_people_in_markdown(hostile_files: dict[str, str], name: str,
                                                        renderer: str) -> None:
    tags = parsed(RENDERERS[renderer](hostile_files[name]))
    for tag in FORBIDDEN_TAGS:
        assert tag not in tags.counts, (tag, name, renderer)
    assert not tags.comments
    assert "evil.example" in "".join(tags.text)  # the text is there, as text


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("name", ["md-safety-sheet.md", "md-safety-transcript.md"])
def test_text_from_people_never_changes_the_documents_structure(hostile_files: dict[str, str],
                                                                plain_files: dict[str, str], name: str,
                                                                renderer: str) -> None:
    hostile = parsed(RENDERERS[renderer](hostile_files[name])).counts
    plain = parsed(RENDERERS[renderer](plain_files[name])).counts
    assert {t: hostile.get(t, 0) for t in STRUCTURE_TAGS} == {t: plain.get(t, 0) for t in STRUCTURE_TAGS}


@pytest.mark.parametrize("renderer", RENDERERS)
def test_every_hostile_line_is_shown_as_typed(hostile_files: dict[str, str], renderer: str) -> None:
    seen = flat("".join(parsed(RENDERERS[renderer](hostile_files["md-safety-sheet.md"])).text))
    for line in HOSTILE_LINES:
        assert flat(line) in seen, (line, renderer)
    assert flat(ONE_LINE) in seen


@pytest.mark.parametrize("text", HOSTILE_LINES + (HOSTILE, ONE_LINE, "a@b.jp", "10:30〜", "  lead", "\\"))
def test_each_layout_renders_the_text_alone_as_one_paragraph_of_literal_text(text: str) -> None:
    for renderer in RENDERERS.values():
        block = parsed(renderer(md_block(text)))
        assert set(block.counts) <= {"blockquote", "p", "code", "br"}, (text, block.counts)
        assert flat("".join(block.text)) == flat(text)
        cell = parsed(renderer(f"| x |\n|---|\n| {md_inline(text)} |\n"))
        assert set(cell.counts) <= {"table", "thead", "tbody", "tr", "th", "td", "code", "br"}, (text, cell.counts)
        assert flat("".join(cell.text)) == flat("x " + text)
        heading = parsed(renderer(f"# {md_inline(text)}\n"))
        assert set(heading.counts) <= {"h1", "code", "br"}, (text, heading.counts)


def test_plain_japanese_is_left_as_it_is() -> None:
    text = "株式会社みどり精工（創業1978年）、従業員48人。主要顧客は3社、売上の6割を占める。"
    assert md_escape(text) == text


# ---- the owner's words stay under the owner's view (issue 12, item 17) ----

def test_each_voices_follow_ups_and_notes_are_printed_under_that_voice() -> None:
    """Every field that has both an owner's and a supporter's question: each answer's follow-ups and notes
    come right after it, under its voice's heading, never under the other voice's."""
    bank = standard_bank()
    index = {q.id: i for i, q in enumerate(bank.questions())}
    fields = {f for q in bank.questions() if q.voice == "supporter" for f in q.fills}
    assert fields, "the standard bank asks for the supporter's view somewhere"
    short = {q.id for q in bank.questions() if set(q.fills) & fields}

    transcript = walk(bank, lambda q: "短い" if q.id in short else sample_answer(q),
                      lambda q, i: f"深掘り{index[q.id]:03d}の{i}", note_for=lambda q: f"メモ{index[q.id]:03d}")
    sheet = build_sheet(transcript, "ja")
    markdown = render_files(transcript, ["md"], "ja")["md-safety-sheet.md"].decode("utf-8")
    for field_id in sorted(fields):
        field = sheet.field(field_id)
        assert field.owner_entries and field.supporter_entries, field_id
        section = markdown.split(f"### {field.label}\n", 1)[1].split("\n### ", 1)[0]
        owner_at, supporter_at = section.index("**経営者の認識**"), section.index("**支援者の見立て**")
        for voice, entries in (("owner", field.owner_entries), ("supporter", field.supporter_entries)):
            for entry in entries:
                marks = [f"メモ{index[entry.question_id]:03d}"] + [a for _, a in entry.followups]
                assert len(marks) > 1, (field_id, entry.question_id)  # it was probed
                for mark in marks:
                    at = section.index(mark)
                    assert (owner_at < at < supporter_at) if voice == "owner" else at > supporter_at, \
                        (field_id, voice, mark)
        # and a viewer shows the supporter's heading as its own paragraph, not inside the owner's list
        rendered = github(section)
        assert "<p><strong>支援者の見立て</strong></p>" in rendered, field_id


@pytest.mark.parametrize("text", ["company_name", "a`b", "``x", "x`", "<b>[l](http://e.x)</b> a@b.jp", " ", "a|b"])
def test_an_identifier_in_a_code_span_is_shown_exactly_as_it_is(text: str) -> None:
    for renderer in RENDERERS.values():
        code = parsed(renderer(f"- {md_code(text)} (id)\n"))
        assert set(code.counts) <= {"ul", "li", "code"}, (text, code.counts)
        assert "".join(code.text).strip() == f"{text} (id)".strip() or text.isspace()


def test_markdown_sheet_never_turns_answers_into_html() -> None:
    engine = Engine(mini_bank(), iso_clock(), "md")
    engine.start()
    engine.answer("<script>alert(1)</script> & 株式会社")
    md = render_files(engine.transcript(), ["md", "transcript"], "ja")
    for data in md.values():
        text = data.decode("utf-8")
        assert "<script>" not in text and "&lt;script>alert(1)&lt;/script> &amp; 株式会社" in text

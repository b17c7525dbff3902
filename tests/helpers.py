"""Shared test helpers: a fixed clock, banks, and one call that runs a whole interview headless."""

from __future__ import annotations

import contextlib
import io
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import dialogue
from dialogue.banks.reader import load_bank
from dialogue.engine import Engine
from dialogue.model import Bank, Question, Text, Transcript
from dialogue.model.events import Started

ROOT = Path(__file__).resolve().parent.parent
# Where the `dialogue` under test was imported from: the checkout, or an installed wheel's site-packages (CI
# stage 3). A child Python process is given this folder (PYTHONPATH), never the checkout, so it runs the same
# code as the test that started it.
CODE = Path(dialogue.__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
STANDARD_BANK = ROOT / "question_banks" / "locaben_standard.yaml"  # the source file (the same one the package ships)
MINI_BANK = FIXTURES / "mini_bank.yaml"
JST = timezone(timedelta(hours=9))


def ticking_clock(start: datetime | None = None, step_seconds: float = 1.0) -> Callable[[], datetime]:
    """A clock that moves `step_seconds` on every call: deterministic timestamps."""
    start = start or datetime(2026, 11, 23, 10, 0, 0, tzinfo=JST)
    counter = itertools.count()
    return lambda: start + timedelta(seconds=step_seconds * next(counter))


def iso_clock() -> Callable[[], str]:
    clock = ticking_clock()
    return lambda: clock().isoformat(timespec="milliseconds")


def standard_bank() -> Bank:
    return load_bank(STANDARD_BANK)


def mini_bank() -> Bank:
    return load_bank(MINI_BANK)


def sample_answer(question: Question) -> str:
    """A plausible, rich answer for any question of the standard bank (fictional company)."""
    if question.type == "choice":
        return "1"
    if question.type == "number":
        return "24"
    if question.type == "list":
        return "項目A；項目B"
    if question.type == "group":
        rows = []
        for i in range(1, 6):
            rows.append(" | ".join(f"{f.label.get('ja')}{i}（みどり精工のこだわり）" for f in question.fields))
        return "\n".join(rows)
    return (f"{question.text.get('ja')[:12]}について：株式会社みどり精工では、創業以来の精密加工の技術を活かし、"
            "主要顧客3社と20年以上の取引があります。具体的な数字としては売上の6割を占めます。")


def run_interview(bank: Bank, answers: dict[str, str] | None = None,
                  answer_for: Callable[[Question], str] = sample_answer,
                  session_id: str = "test-session", finish: bool = True) -> tuple[Engine, Transcript]:
    """Walk the whole bank, answering each question (probes answered too); return the engine and transcript."""
    answers = answers or {}
    engine = Engine(bank, iso_clock(), session_id)
    step = engine.start(Started(lang="ja"))
    for _ in range(10_000):
        if step.state == "at_end":
            break
        assert step.question is not None
        if step.state == "probing":
            step = engine.answer("深掘りの回答：具体的には年間2,000個、納期は平均5日です。")
            continue
        step = engine.answer(answers.get(step.question.id, answer_for(step.question)))
    if finish:
        engine.finish()
    return engine, engine.transcript()


def events_json(engine: Engine) -> list[dict[str, Any]]:
    return [e.to_json() for e in engine.events]


@contextlib.contextmanager
def read_only_folder(path: Path) -> Iterator[Path]:
    """A folder nobody can write to — root included: without root its permissions say so; as root (how CI runs)
    a read-only tmpfs is mounted there, since root ignores permissions. Skips only when neither is possible."""
    import os
    import subprocess

    import pytest

    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        path.chmod(0o500)
        try:
            yield path
        finally:
            path.chmod(0o700)
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(path)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"root, and no read-only tmpfs can be mounted here: {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=False)


def run_cli(args: list[str], stdin: str = "", environ: dict[str, str] | None = None,
            clock: Callable[[], datetime] | None = None) -> tuple[int, str, str]:
    """`locaben ARGS` in-process with its own streams (NO_COLOR plus `environ`): (exit status, stdout, stderr)."""
    import io

    from dialogue.cli.main import Env, main

    out, err = io.StringIO(), io.StringIO()
    env = Env(stdin=io.StringIO(stdin), stdout=out, stderr=err, clock=clock or ticking_clock(),
              environ={"NO_COLOR": "1", **(environ or {})})
    return main(args, env), out.getvalue(), err.getvalue()


def plain_interview(store: Path, answers: list[str], bank: Path = MINI_BANK) -> Path:
    """An interview through `locaben interview --plain` with these lines typed; its journal."""
    code, _, err = run_cli(["interview", "--plain", "--bank", str(bank), "--sessions-dir", str(store)],
                           "\n".join(answers) + "\n")
    assert code == 0, err
    return max(store.glob("*.jsonl"), key=lambda p: p.stat().st_mtime_ns)


def cli_interview(tmp_path: Path, lines: list[str], bank: Path = MINI_BANK) -> tuple[int, str, str]:
    """`locaben interview --plain --lang ja` into tmp_path/s with these lines typed: (status, stdout, stderr)."""
    return run_cli(["interview", "--plain", "--lang", "ja", "--bank", str(bank),
                    "--sessions-dir", str(tmp_path / "s")], "\n".join(lines) + "\n")


def session_id(tmp_path: Path) -> str:
    """The id of the one session journalled in tmp_path/s."""
    return next((tmp_path / "s").glob("*.jsonl")).stem


# An answer long and concrete enough that the mini bank's probe is not asked.
LONG = "創業は1978年で、父が町工場として始めました。2001年に医療機器向けに転換したのが転機です。"


def started(session: str = "s", **meta: Any) -> Engine:
    """An engine on the mini bank, started with these `Started` fields, at its first question."""
    engine = Engine(mini_bank(), iso_clock(), session)
    engine.start(Started(**meta))
    return engine


def changed_bank() -> Bank:
    """mini bank v0.2: `employees` renamed `staff_count`, `suppliers` removed, `customer_value` added."""
    bank = mini_bank()
    sections = []
    for section in bank.sections:
        questions = []
        for q in section.questions:
            if q.id == "employees":
                q = replace(q, id="staff_count", replaces=("employees",))
            if q.id == "suppliers":
                continue
            questions.append(q)
        if section.id == "flow":
            questions.append(Question(id="customer_value", text=Text.of(ja="お客様にとっての価値は？", en="Value?"),
                                      type="text", fills=("business_flow.customer_value",), section_id="flow"))
        sections.append(replace(section, questions=tuple(questions)))
    return replace(bank, version="0.2", sections=tuple(sections))


def at(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """The (line, column), both from 1, where the `nth` `needle` starts in `text`."""
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def replace_once(old: str, new: str) -> Callable[[str], str]:
    """An edit that replaces `old`, which must occur exactly once, by `new`."""
    def edit(text: str) -> str:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        return text.replace(old, new)
    return edit


class _HTMLText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def texts_of(name: str, data: bytes) -> str:
    """What a reader of the file sees, as plain text."""
    if name.endswith(".xlsx"):
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(data))
        values = [str(c.value) for ws in workbook for row in ws.iter_rows() for c in row if c.value is not None]
        return "\n".join(values + [str(workbook.properties.title)])
    text = data.decode("utf-8")
    if name.endswith(".json"):
        strings: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, str):
                strings.append(node)
            elif isinstance(node, dict):
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(json.loads(text))
        return "\n".join(strings)
    if name.endswith(".html"):
        parser = _HTMLText()
        parser.feed(text)
        return "".join(parser.parts)
    if name.endswith(".md"):  # what a Markdown viewer shows: rendered, then its text (line breaks kept)
        from markdown_it import MarkdownIt

        rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
        parser = _HTMLText()
        parser.feed(rendered.replace("<br>", "\n"))
        return "".join(parser.parts)
    return text


SENSITIVE_EXTENSION = """\
format: locaben-sensitive/1
language: ja
categories:
  - id: medical
    not: [通院送迎]
  - id: personal_debt
    label: {ja: 個人の借入, en: personal debt}
    words: [多重債務, 自己破産]
"""


def bank_with_sensitive(folder: Path, extension: str, key: str = "sensitive: extra_sensitive.yaml\n") -> Path:
    """A bank file whose `sensitive:` key names a word-list extension (written beside it as
    extra_sensitive.yaml): the bank's own 機微情報 words."""
    (folder / "extra_sensitive.yaml").write_text(extension, encoding="utf-8")
    bank = folder / "taxi_bank.yaml"
    bank.write_text("format: locaben-bank/1\nid: taxi\n" + key, encoding="utf-8")
    return bank


def parsed(argv: list[str], only: str | None, lang: str) -> tuple[object, str]:
    """What `build_parser(lang, only=only)` makes of `argv`: its namespace (the handler by its qualified name,
    so a one-command parser and the whole one compare alike), or how it exited; and what it wrote to stderr."""
    from dialogue.cli.main import build_parser

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            args = vars(build_parser(lang, only=only).parse_args(argv))
        except SystemExit as exc:
            return f"exit {exc.code}", err.getvalue()
    if "handler" in args:
        args["handler"] = args["handler"].__qualname__
    return args, err.getvalue()

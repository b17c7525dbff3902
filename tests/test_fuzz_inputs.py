"""Hostile or broken input: bank and persona YAML that people edit by hand, answers pasted from anywhere,
and session ids typed on the command line.

- The bank loader either gives a bank or problems with positions — never another exception (hypothesis,
  over random text and over mutations of the shipped standard bank).
- Alias bombs, deep nesting and huge files are refused quickly, with a message.
- Answers with control characters, a 10,000-character paste and text in many scripts survive
  engine → journal → replay → every format in `dialogue.sheet.outputs.FORMATS` (read at run time).
- Session ids cannot leave the sessions directory.
"""

from __future__ import annotations

import io
import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dialogue.banks.reader import check_bank
from dialogue.cli.main import Env, main
from dialogue.errors import Position, Problem
from dialogue.model import Bank
from dialogue.model.events import Started
from dialogue.sheet.outputs import FORMATS, render_files
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
from dialogue.training.persona import check_persona
from tests.helpers import MINI_BANK, ROOT, STANDARD_BANK, mini_bank, standard_bank, texts_of, ticking_clock

STANDARD_TEXT = STANDARD_BANK.read_text(encoding="utf-8")
STANDARD_LINES = STANDARD_TEXT.splitlines(keepends=True)
PERSONA = ROOT / "question_banks" / "personas" / "kozuchi_seiko.yaml"


def fuzz(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def checked(path: Path, text: str | bytes) -> tuple[Any, list[Problem]]:
    """Run the validator on `text`; any exception other than a returned problem list fails the test."""
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    bank, problems = check_bank(path)
    assert_problems_have_positions(problems, path, bank)
    return bank, problems


def assert_problems_have_positions(problems: list[Problem], path: Path, result: Any) -> None:
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Problem) and isinstance(problem.position, Position)
        assert problem.position.line >= 1 and problem.position.column >= 1, problem
        assert problem.position.file.endswith(path.name) or "import" in problem.message, problem
        assert problem.render()  # renders without error, caret and all
    if result is None:
        assert any(p.severity.value == "error" for p in problems), "no bank and no error to say why"


# ---- bank YAML: property tests ----

@fuzz(150)
@given(text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_random_text_never_raises(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    checked(tmp_path_factory.mktemp("fuzz") / "bank.yaml", text)


@fuzz(60)
@given(data=st.binary(max_size=300))
def test_random_bytes_never_raise(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    checked(tmp_path_factory.mktemp("fuzz") / "bank.yaml", data)


NASTY = ["\u3000", "：", "\x00", "\x07", "\x1b", "\t", "\r", "\ufeff", "\u2028", "\x85", "&a ", "*a", "!!", "{",
         "[", "- ", ": ", "#", "'", '"', "|", ">", "%", "@", "`", "yes", "NO", "0123", "12:30", "1.10", "~",
         "\\", "\U0001f468\u200d\U0001f469", "e\u0301", "\u202e", "<<: ", "? "]


@st.composite
def mutated_standard_bank(draw: st.DrawFn) -> str:
    lines = list(STANDARD_LINES)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "indent", "dedent", "cut"]))
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "swap" and len(line) > 2:
            j = draw(st.integers(0, len(line) - 2))
            lines[i] = line[:j] + line[j + 1] + line[j] + line[j + 2:]
        elif op == "insert":
            j = draw(st.integers(0, len(line)))
            lines[i] = line[:j] + draw(st.sampled_from(NASTY) | st.text(max_size=3)) + line[j:]
        elif op == "indent":
            lines[i] = draw(st.sampled_from(["\u3000", " ", "  ", "\t"])) + line
        elif op == "dedent":
            lines[i] = line.lstrip(" ")
        elif op == "cut":
            lines = lines[: i + 1]
            lines[-1] = line[: draw(st.integers(0, len(line)))]
    text = "".join(lines)
    assume("\ud800" not in text)
    return text


@fuzz(150)
@given(text=mutated_standard_bank())
def test_mutations_of_the_standard_bank_never_raise(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    bank, problems = checked(tmp_path_factory.mktemp("fuzz") / "bank.yaml", text)
    if bank is not None:
        assert isinstance(bank, Bank) and bank.questions()


STANDARD_DATA = yaml.safe_load(STANDARD_TEXT)
WEIRD_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 10**12), st.floats(allow_nan=True),
                         st.text(max_size=8), st.lists(st.integers(), max_size=3),
                         st.dictionaries(st.sampled_from(["ja", "en", "id", "question", "all", "not", "in", "x"]),
                                         st.one_of(st.none(), st.text(max_size=4), st.integers()), max_size=3))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, prefix + (i,))
    return out


STANDARD_PATHS = _paths(STANDARD_DATA)


@st.composite
def structurally_mutated_bank(draw: st.DrawFn) -> str:
    """The standard bank as data with values replaced by values of the wrong type, keys removed or
    renamed: reaches the validator's type checks rather than the YAML parser."""
    data = json.loads(json.dumps(STANDARD_DATA))
    for _ in range(draw(st.integers(1, 5))):
        path = draw(st.sampled_from(STANDARD_PATHS[1:]))
        parent = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            op = draw(st.sampled_from(["replace", "delete", "rename"]))
            if op == "replace":
                parent[path[-1]] = draw(WEIRD_VALUES)
            elif op == "delete":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[draw(st.sampled_from(["when", "type", "fills", "probes", "choices", "fields", "use",
                                             "min", "thin_below", "imports", "id", "text"]))] = parent.pop(path[-1])
        except (KeyError, IndexError, TypeError):
            continue
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@fuzz(60)
@given(text=structurally_mutated_bank())
def test_wrong_types_anywhere_in_the_bank_never_raise(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    checked(tmp_path_factory.mktemp("fuzz") / "bank.yaml", text)


PERSONA_LINES = PERSONA.read_text(encoding="utf-8").splitlines(keepends=True)


@fuzz(40)
@given(ops=st.lists(st.tuples(st.integers(0, len(PERSONA_LINES) - 1), st.sampled_from(["delete", "duplicate"]),
                              st.sampled_from(NASTY)), min_size=1, max_size=4))
def test_mutations_of_a_persona_never_raise(tmp_path_factory: pytest.TempPathFactory,
                                            ops: list[tuple[int, str, str]]) -> None:
    lines = list(PERSONA_LINES)
    for i, op, nasty in ops:
        i = min(i, len(lines) - 1)
        if op == "delete":
            lines[i] = nasty + lines[i][len(nasty):]
        else:
            lines.insert(i, lines[i])
    path = tmp_path_factory.mktemp("fuzz") / PERSONA.name
    path.write_text("".join(lines), encoding="utf-8")
    persona, problems = check_persona(path, _standard())
    assert_problems_have_positions(problems, path, persona)


_BANK_CACHE: dict[str, Bank] = {}


def _standard() -> Bank:
    if "standard" not in _BANK_CACHE:
        _BANK_CACHE["standard"] = standard_bank()
    return _BANK_CACHE["standard"]


# ---- bank YAML: bombs and giants, refused quickly ----

def billion_laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def alias_bomb_inside_a_condition() -> str:
    """Anchors where the validator walks (a `when:` condition), doubling 40 times: 2**40 nodes if followed."""
    when = "&w0 {question: company_name, answered: true}"
    for i in range(1, 40):
        when = f"&w{i} {{all: [{when}, *w{i - 1}]}}"
    return STANDARD_TEXT.replace("        fills: [company.representative]\n",
                                 f"        fills: [company.representative]\n        when: {when}\n", 1)


def deeply_nested_condition(depth: int = 3000) -> str:
    when = "{question: company_name, answered: true}"
    for _ in range(depth):
        when = "{not: " + when + "}"
    return STANDARD_TEXT.replace("        fills: [company.representative]\n",
                                 f"        fills: [company.representative]\n        when: {when}\n", 1)


def run_isolated(text: str, timeout: float = 10.0) -> tuple[int | None, str, float]:
    """check_bank in a child process: a hang or a crash of the interpreter cannot take pytest with it."""
    code = ("import sys; from dialogue.banks.reader import check_bank\n"
            "bank, problems = check_bank(sys.argv[1])\n"
            "print(bank is not None); print('\\n'.join(p.render() for p in problems[:5]))\n")
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".yaml", encoding="utf-8", delete=False) as handle:
        handle.write(text)
    started = time.monotonic()
    try:
        result = subprocess.run([sys.executable, "-c", code, handle.name], capture_output=True, text=True,
                                timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return None, "timed out", time.monotonic() - started
    finally:
        Path(handle.name).unlink()
    return result.returncode, result.stdout + result.stderr, time.monotonic() - started


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    started = time.monotonic()
    bank, problems = checked(tmp_path / "bomb.yaml", billion_laughs())
    assert time.monotonic() - started < 2
    assert bank is None and any(p.code == "E104" and "alias" in p.message for p in problems)


def test_alias_bomb_inside_a_condition_is_refused_quickly() -> None:
    code, output, seconds = run_isolated(alias_bomb_inside_a_condition(), timeout=3)
    assert code == 0 and seconds < 2 and "E104" in output, output


def test_a_deeply_nested_condition_is_refused() -> None:
    code, output, _ = run_isolated(deeply_nested_condition())
    # refused as a condition nested too deeply (E122) or, deeper still, as YAML nested too deeply (E104)
    assert code == 0 and "Traceback" not in output and ("E122" in output or "E104" in output), output


def test_deep_nesting_is_refused_not_a_crash() -> None:
    code, output, seconds = run_isolated("[" * 60_000, timeout=10)
    assert code == 0 and seconds < 2 and "E104" in output, (code, output)


def test_a_file_over_4_mib_is_refused_quickly(tmp_path: Path) -> None:
    big = STANDARD_TEXT + "# " + "あ" * (4 * 1024 * 1024 // 3) + "\n"
    started = time.monotonic()
    bank, problems = checked(tmp_path / "big.yaml", big)
    assert time.monotonic() - started < 2
    assert bank is None and [p.code for p in problems] == ["E104"] and "4 MiB" in problems[0].message


def test_a_huge_file_through_the_cli_says_so(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: [" + "1, " * 1_500_000 + "1]\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    code = main(["bank", "validate", str(path)], Env(stdout=out, stderr=err, environ={}))
    assert time.monotonic() - started < 2
    assert code == 3 and f"{path}:1:1" in err.getvalue() and "larger than 4 MiB" in err.getvalue()


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f"])
def test_a_control_character_in_a_bank_is_reported(tmp_path: Path, char: str) -> None:
    text = STANDARD_TEXT.replace("ja: 導入・会社概要", f"ja: 導入{char}会社概要", 1)
    bank, problems = checked(tmp_path / "bank.yaml", text)
    if char == "\x7f":  # DEL is printable as far as YAML 1.1 is concerned
        return
    assert bank is None and problems[0].code == "E100"


def test_a_control_character_is_reported_at_its_line(tmp_path: Path) -> None:
    text = STANDARD_TEXT.replace("ja: 導入・会社概要", "ja: 導入\x07会社概要", 1)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "\x07" in t)
    _, problems = checked(tmp_path / "bank.yaml", text)
    assert problems[0].position.line == line


# ---- answers: every script, control characters, long pastes → every output format ----

PAYLOADS = {
    "scripts": ("日本語の回答（全角スペース\u3000と半角ｶﾅ） العربية שלום हिन्दी ไทย 한국어 Ελληνικά "
                "👩\u200d👩\u200d👧\u200d👦 🇯🇵 e\u0301 \u202eRTL-override\u202c 𠮷野家 髙橋 ①②"),
    "controls": "株式会社\x07ベル\x1b[31m赤\x1b[0m\x00ヌル\x08\x0b\x0c\x7f\u0085\u2028\u2029終わり",
    "paste": "".join(random.Random(7).choice("あいうえお漢字カナABC123、。 ") for _ in range(10_000)),
    "markup": "{{ 7*7 }} {% for i in range(3) %}繰{% endfor %} ${HOME} $(id) <b>太字</b> &amp; =1+1",
}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def visible(text: str) -> str:
    return CONTROL.sub("", text)


def compiled_session(tmp_path: Path, payload: str, company: str | None = None) -> tuple[SessionManager, str]:
    """A session on the mini bank whose company name, story and a note carry `payload`; via the journal."""
    manager = SessionManager(SessionStore(tmp_path / "sessions"), ticking_clock())
    with manager.create(mini_bank(), Started(lang="ja")) as live:
        live.answer(payload if company is None else company)  # company_name
        live.answer("24")
        live.note(payload)
        live.answer(payload)  # history_story: long enough not to be probed, or probed
        session_id = live.session_id
    return manager, session_id


@pytest.mark.parametrize(("kind", "in_company_name"), [
    ("scripts", True), ("paste", True), ("markup", True), ("controls", False),
    ("controls", True)])
def test_answers_survive_journal_replay_and_every_format(tmp_path: Path, kind: str, in_company_name: bool) -> None:
    payload = PAYLOADS[kind]
    company = payload if in_company_name else "株式会社みどり精工"
    manager, session_id = compiled_session(tmp_path, payload, company)
    journal = manager.store.read(session_id)
    raws = [e.payload.raw for e in journal.events if e.kind == "answered"]
    assert raws[0] == company and raws[-1] == payload  # the journal holds exactly what was typed
    transcript = manager.transcript(session_id)  # replayed from disk
    assert transcript.answers["company_name"].value == company.strip()
    assert transcript.answers["history_story"].value == payload.strip()
    files = render_files(transcript, list(FORMATS), "ja")
    assert len(files) == len(FORMATS)
    expected = [line for line in visible(payload.strip()).split("\n") if line.strip()]
    for name, data in files.items():
        seen = visible(texts_of(name, data))
        for line in expected:
            assert line.strip() in seen, f"{kind}: {name} lost {line[:40]!r}…"


LONE_SURROGATE = "株式会社\udc83\udc65テスト"  # Shift-JIS bytes typed into a UTF-8 terminal (surrogateescape)


def test_undecodable_terminal_input_is_journalled_not_crashed(tmp_path: Path) -> None:
    manager = SessionManager(SessionStore(tmp_path / "sessions"), ticking_clock())
    with manager.create(mini_bank(), Started(lang="ja")) as live:
        live.answer(LONE_SURROGATE)
        session_id = live.session_id
    raw = manager.store.path(session_id).read_bytes()
    raw.decode("utf-8")  # the journal stays valid UTF-8
    journal = manager.store.read(session_id)
    assert [e.payload.raw for e in journal.events if e.kind == "answered"] == [LONE_SURROGATE]


def test_undecodable_terminal_input_still_compiles(tmp_path: Path) -> None:
    manager = SessionManager(SessionStore(tmp_path / "sessions"), ticking_clock())
    with manager.create(mini_bank(), Started(lang="ja")) as live:
        live.answer(LONE_SURROGATE)
        session_id = live.session_id
    files = render_files(manager.transcript(session_id), list(FORMATS), "ja")
    assert sorted(name.split("-", 3)[-1] for name in files) == sorted(
        ["sheet.md", "sheet.html", "sheet.xlsx", "sheet.json", "transcript.md"])
    sheet = json.loads(files[f"{session_id}-sheet.json"])
    shown = sheet["fields"]["company.name"]["value"]  # what was readable is kept, the undecodable bytes marked
    assert shown.startswith("株式会社") and shown.endswith("テスト") and len(shown) == len(LONE_SURROGATE)


def test_html_output_escapes_markup(tmp_path: Path) -> None:
    assert "html" in FORMATS  # the format this test guards must exist: renaming it must fail here, not skip
    manager, session_id = compiled_session(tmp_path, "<script>alert(1)</script><img src=x onerror=alert(2)>")
    files = render_files(manager.transcript(session_id), ["html"], "ja")
    html = next(iter(files.values())).decode("utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# ---- session ids from the command line ----

@pytest.mark.parametrize("command", ["resume", "compile"])
@pytest.mark.parametrize("bad_id", ["../x", "../../etc/passwd", "/tmp/x", "x/../../y", "..", ".x", "x\x00y",
                                    "..\\x", "%2e%2e%2fx"])
def test_session_ids_cannot_escape_the_sessions_directory(tmp_path: Path, command: str, bad_id: str) -> None:
    sessions = tmp_path / "sessions"
    manager, session_id = compiled_session(tmp_path / "elsewhere", "外の会社")
    outside = tmp_path / "x.jsonl"  # a valid session file one level up: `../x` must not reach it
    outside.write_bytes(manager.store.path(session_id).read_bytes())
    before = sorted(p.name for p in tmp_path.iterdir())
    out, err = io.StringIO(), io.StringIO()
    args = [command, bad_id, "--sessions-dir", str(sessions), "--lang", "ja"]
    args += ["--plain"] if command == "resume" else ["-o", str(tmp_path / "out")]
    code = main(args, Env(stdin=io.StringIO("/pause\n"), stdout=out, stderr=err, environ={}))
    assert code == 4, err.getvalue()
    assert "not a session id" in err.getvalue() and "Traceback" not in err.getvalue()
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no lock, no output, nothing written
    assert outside.read_bytes() == manager.store.path(session_id).read_bytes()


def test_mini_bank_fixture_is_valid() -> None:
    bank, problems = check_bank(MINI_BANK)
    assert bank is not None and not [p for p in problems if p.severity.value == "error"]

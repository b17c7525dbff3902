"""The team's part of every command, without a server: who writes each event, the help and messages in
Japanese, and an interview that ends the same whether the team server is up, down or hanging."""

from __future__ import annotations

import argparse
import io
import json
import re
import socket
import string
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dialogue.cli.help import localise_argparse
from dialogue.cli.main import Env, build_parser, main
from tests.helpers import MINI_BANK, ticking_clock


def run(args: list[str], environ: dict[str, str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, Env(stdin=io.StringIO(stdin), stdout=out, stderr=err, clock=ticking_clock(),
                          environ={"NO_COLOR": "1", **environ}))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def environ(tmp_path: Path) -> dict[str, str]:
    return {"LOCABEN_CONFIG_DIR": str(tmp_path / "config"), "LOCABEN_USER": "tanaka"}


def interview(tmp_path: Path, environ: dict[str, str], lines: list[str]) -> tuple[int, str, str]:
    return run(["interview", "--plain", "--lang", "ja", "--bank", str(MINI_BANK), "--sessions-dir",
                str(tmp_path / "s")], environ, "\n".join(lines) + "\n")


def journal(tmp_path: Path) -> tuple[str, list[dict]]:
    [path] = (tmp_path / "s").glob("*.jsonl")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return path.stem, lines[1:]


# ---- who wrote each event ----

def test_an_interviews_events_say_who_and_on_which_device(tmp_path: Path, environ: dict[str, str]) -> None:
    assert run(["config", "set", "user.name", "田中 一郎"], environ)[0] == 0
    assert interview(tmp_path, environ, ["株式会社みどり精工", "24", "/note 決算書で確認", "/pause"])[0] == 0
    device = (tmp_path / "config" / "device").read_text(encoding="utf-8").strip()
    sid, events = journal(tmp_path)
    assert len(device) == 16 and len(events) > 5
    assert all(e["by"] == {"id": "tanaka", "name": "田中 一郎", "device": device} for e in events)

    code, _, err = run(["compile", sid, "--format", "transcript", "-o", str(tmp_path / "out"), "--sessions-dir",
                        str(tmp_path / "s")], environ)
    assert code == 0, err
    record = (tmp_path / "out" / f"{sid}-transcript.md").read_text(encoding="utf-8")
    assert "| 記録者 |" in record
    rows = [r for r in record.splitlines() if r.startswith("| ") and "株式会社みどり精工" in r]
    assert rows and all(r.rstrip().endswith("| 田中 一郎 |") for r in rows)  # who asked and who answered


def test_the_filed_sheet_names_who_wrote_it_up(tmp_path: Path, environ: dict[str, str]) -> None:
    from dialogue.cli.main import manager
    from dialogue.sheet.filing import build_filing

    run(["config", "set", "user.id", "tanaka"], environ)
    run(["config", "set", "user.name", "田中 一郎"], environ)
    interview(tmp_path, environ, ["株式会社みどり精工", "/pause"])
    sid, _ = journal(tmp_path)
    args = argparse.Namespace(sessions_dir=str(tmp_path / "s"), ui_lang="ja")
    env = Env(stdout=io.StringIO(), stderr=io.StringIO(), clock=ticking_clock(),
              environ={**environ, "LOCABEN_USER": "sato"})  # another officer, at the same computer, writes it up
    sessions = manager(args, env)
    with sessions.resume(sid) as live:
        live.resume()
        live.write_up("company.name", "株式会社みどり精工（精密部品）")
        live.pause()
    transcript = sessions.transcript(sid)
    author = next(h.value for h in build_filing(transcript, {}).header if h.id == "header.author")
    assert author == "sato"  # sato's own id, never the file's name (田中 一郎) for another staff id
    assert transcript.events[0].by is not None and transcript.events[0].by.name == "田中 一郎"


def test_a_damaged_settings_file_is_reported_and_the_interview_goes_on(tmp_path: Path,
                                                                      environ: dict[str, str]) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.json").write_text("{damaged", encoding="utf-8")
    code, out, err = interview(tmp_path, environ, ["株式会社みどり精工", "/pause"])
    assert code == 0 and "locaben resume" in out
    assert "注意" in err and "正しい JSON ではありません" in err
    _, events = journal(tmp_path)
    assert events and all("by" not in e for e in events)
    assert (tmp_path / "config" / "config.json").read_text(encoding="utf-8") == "{damaged"  # left for the user


def test_a_device_id_that_cannot_be_made_is_left_out_and_nothing_else(tmp_path: Path,
                                                                          environ: dict[str, str]) -> None:
    (tmp_path / "config" / "device").mkdir(parents=True)  # the device file can be neither read nor made
    code, _, err = interview(tmp_path, environ, ["株式会社みどり精工", "/pause"])
    assert code == 0 and err == ""
    _, events = journal(tmp_path)
    assert all(e["by"] == {"id": "tanaka", "name": "tanaka"} for e in events)


# ---- the automatic sync, with no server, a server that is down, one that never answers ----

def test_with_no_server_configured_nothing_is_said_about_one(tmp_path: Path, environ: dict[str, str]) -> None:
    code, out, err = interview(tmp_path, environ, ["株式会社みどり精工", "/pause"])
    assert code == 0 and err == ""
    assert "チームサーバー" not in out


def test_a_server_that_is_down_costs_one_line_and_no_time(tmp_path: Path, environ: dict[str, str]) -> None:
    down = {**environ, "LOCABEN_SERVER": f"postgresql://tanaka@/locaben?host={tmp_path / 'no-server-here'}"}
    started = time.monotonic()
    code, out, err = interview(tmp_path, down, ["株式会社みどり精工", "/pause"])
    assert code == 0 and "locaben resume" in out  # the interview ended as always
    assert time.monotonic() - started < 3
    [line] = err.splitlines()
    assert line.startswith("チームサーバーに送れませんでした（チームサーバーに接続できません: ")
    assert line.endswith("記録はこの端末に保存されていて、次の locaben sync で送ります。")
    assert journal(tmp_path)[1][-1]["kind"] == "paused"


def test_a_roleplay_ends_the_same_way_and_says_it_was_not_sent(tmp_path: Path, environ: dict[str, str]) -> None:
    down = {**environ, "LOCABEN_SERVER": f"postgresql://tanaka@/locaben?host={tmp_path / 'no-server-here'}"}
    code, out, err = run(["roleplay", "--persona", "kozuchi_seiko", "--plain", "--lang", "ja", "--sessions-dir",
                          str(tmp_path / "s")], down, "/ask strengths_tech\n精度が強み\n/finish\n")
    assert code == 0 and "採点 — 株式会社小槌精工" in out.replace("\n", "")
    assert err.startswith("チームサーバーに送れませんでした") and len(err.splitlines()) == 1


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never answers (a server hung, or a firewall eating packets)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(timeout=5)
    for connection in accepted:
        connection.close()
    listener.close()


def test_a_server_that_never_answers_holds_the_end_of_an_interview_a_few_seconds_at_most(
        tmp_path: Path, environ: dict[str, str], silent_server: int) -> None:
    hung = {**environ, "LOCABEN_SERVER": f"postgresql://tanaka@127.0.0.1:{silent_server}/locaben"}
    started = time.monotonic()
    code, out, err = interview(tmp_path, hung, ["株式会社みどり精工", "/pause"])
    elapsed = time.monotonic() - started
    assert code == 0 and "locaben resume" in out
    assert 2.5 < elapsed < 8, elapsed  # the 3-second connection timeout, not a hang
    assert err.startswith("チームサーバーに送れませんでした") and len(err.splitlines()) == 1


# ---- every word in the user's language ----

def parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """The parser and every subcommand's, each once."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from parsers(sub)


# Words that stay as they are in Japanese text: product and format names, and `--format all`'s value.
NAMES = {"locaben", "pip", "Excel", "Markdown", "Mermaid", "PostgreSQL", "mermaid", "all"}


def english_lines(lang: str) -> list[tuple[list[str], str]]:
    """Every help line of the whole CLI that holds an English word: an ASCII word of lower-case letters
    (capitalised or not) that is none of the program's own names — command names, option names and their
    choices — nor a product name. Metavars (FILE, ID), acronyms (CSV, UTF-8), paths, URLs, setting names
    (user.id) and dates (YYYY-MM-DD) are not words of prose."""
    localise_argparse(lang)
    try:
        root = build_parser(lang)
        allowed = set(NAMES)
        for p in parsers(root):
            allowed.update(p.prog.split())
            for action in p._actions:
                allowed.update(action.option_strings)
                allowed.update(map(str, action.choices or ()))
        found = []
        for p in parsers(root):
            for line in p.format_help().splitlines():
                words = [w for w in re.split(r"[\s\[\](){}|,;（）「」、。・：]+", line) if w]
                english = [w for w in words if re.fullmatch(r"[A-Za-z][a-z]+(?:'[a-z]+)?[.,:]?", w)
                           and w.rstrip(".,:") not in allowed]
                if english:
                    found.append((english, line.strip()))
        return found
    finally:
        localise_argparse("ja")


def test_the_japanese_help_of_every_command_has_no_english_prose() -> None:
    assert english_lines("ja") == []


def test_the_check_would_see_english() -> None:
    found = english_lines("en")
    assert len(found) > 100
    assert any("the team server" in line for _, line in found)


def test_every_message_exists_in_both_languages_with_the_same_placeholders() -> None:
    from dialogue.i18n import en, ja

    assert ja.MESSAGES.keys() == en.MESSAGES.keys()
    fields = string.Formatter()
    for key in ja.MESSAGES:
        names = [{name for _, name, _, _ in fields.parse(catalogue.MESSAGES[key]) if name}
                 for catalogue in (ja, en)]
        assert names[0] == names[1], key


def test_team_errors_and_sync_outcomes_are_worded_in_the_users_language(tmp_path: Path,
                                                                       environ: dict[str, str]) -> None:
    code, _, err = run(["sync", "--sessions-dir", str(tmp_path / "s")], environ)
    assert code == 7 and err.startswith("locaben: チームサーバーが設定されていません")
    code, _, err = run(["sync", "--lang", "en", "--sessions-dir", str(tmp_path / "s")], environ)
    assert code == 7 and err.startswith("locaben: no team server is configured")
    code, _, err = run(["sessions", "--staff", "sato", "--sessions-dir", str(tmp_path / "s")], environ)
    assert code == 2 and "--team と一緒に使います" in err
    code, _, err = run(["review", "X", "--return", " ", "--sessions-dir", str(tmp_path / "s")], environ)
    assert code == 2 and "直してほしい点" in err

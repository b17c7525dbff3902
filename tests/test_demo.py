"""`locaben demo`: a whole interview on a persona, unattended, printed as it goes; the compiled sheet in
every format, with every canonical field filled."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from dialogue.cli.main import Env, main
from dialogue.model.events import Started
from dialogue.model.sheet_fields import FIELDS_BY_ID
from dialogue.sheet import build_sheet
from dialogue.sheet.outputs import FORMATS
from dialogue.store.journal import SessionStore
from dialogue.training.persona import available_personas, load_persona, persona_path
from dialogue.training.scoring import unattended
from tests.helpers import standard_bank, ticking_clock


def demo(tmp_path: Path, *extra: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    env = Env(stdin=io.StringIO(), stdout=out, stderr=err, clock=ticking_clock(),
              environ={"NO_COLOR": "1"})
    code = main(["demo", "-o", str(tmp_path / "out"), "--sessions-dir", str(tmp_path / "s"), *extra], env)
    return code, out.getvalue(), err.getvalue()


def test_demo_writes_a_complete_sheet_in_every_format_and_says_where(tmp_path: Path) -> None:
    started = time.monotonic()
    code, out, err = demo(tmp_path, "--lang", "ja")
    assert code == 0, err
    assert time.monotonic() - started < 5  # a newcomer's first run: seconds, not minutes
    sid = SessionStore(tmp_path / "s").session_ids()[0]
    flat = out.replace("\n", "")
    assert "デモ：架空の会社「株式会社小槌精工」" in flat
    assert "■ 沿革・経営者" in flat and "銀行員（深掘り）：" in flat and "社長：" in flat
    suffixes = {"md": "sheet.md", "html": "sheet.html", "xlsx": "sheet.xlsx", "json": "sheet.json",
                "transcript": "transcript.md"}
    for fmt in FORMATS:
        path = tmp_path / "out" / f"{sid}-{suffixes.get(fmt, fmt)}"
        assert path.is_file() and path.stat().st_size > 0, fmt
        assert str(path) in out
    sheet = json.loads((tmp_path / "out" / f"{sid}-sheet.json").read_text(encoding="utf-8"))
    assert {fid: f["status"] for fid, f in sheet["fields"].items()} == {fid: "filled" for fid in FIELDS_BY_ID}
    assert sheet["metadata"]["company"] == "株式会社小槌精工"
    assert "工場長の村井に任せられたら" in json.dumps(sheet["fields"]["management.succession"], ensure_ascii=False)
    started = SessionStore(tmp_path / "s").read(sid).events[0].payload
    assert isinstance(started, Started) and (started.persona, started.training) == ("kozuchi_seiko", "demo")


def test_demo_in_english_on_another_persona(tmp_path: Path) -> None:
    code, out, err = demo(tmp_path, "--lang", "en", "--persona", "minamo_service")
    assert code == 0, err
    words = " ".join(out.split())
    assert "Demo: a model interviewer talks with the owner of the fictional Minamo Living Services" in words
    assert "Banker (Follow-up): " in words


@pytest.mark.parametrize("name", available_personas())
def test_every_persona_fills_every_canonical_field(name: str) -> None:
    bank = standard_bank()
    persona = load_persona(persona_path(name), bank)
    sheet = build_sheet(unattended(bank, persona, "model", "ja"), "ja")
    assert {f.id: f.status for f in sheet.fields} == {fid: "filled" for fid in FIELDS_BY_ID}
    assert not [m for m in sheet.missing if m.reason == "empty_required"]


def test_unknown_persona_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = demo(tmp_path, "--persona", "nobody")
    assert code == 1 and "no persona 'nobody'" in err and "kozuchi_seiko" in err

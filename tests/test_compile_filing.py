"""`locaben compile ID --filing` (the two pages a bank files, from the session's write-ups), `--audience owner`,
and `--template FORM.xlsx --map MAP.yaml` (a bank's own form): what is written, every 未記入 box listed, a map
error refused with every problem and nothing written (exit 3), a form's warnings printed after writing; and
`locaben demo -o DIR` files the sheet as well."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dialogue.cli.main import Env, main
from dialogue.model.sheet_fields import WRITEUP_BOXES
from dialogue.store.journal import SessionStore
from dialogue.training.persona import load_persona, persona_path
from tests.filing_support import MAP, bank_form, finished_interview
from tests.helpers import standard_bank


def run(args: list[str], stdin: str = "", config: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    environ = {"NO_COLOR": "1", "LOCABEN_USER": "aoba"} | ({"LOCABEN_CONFIG_DIR": str(config)} if config else {})
    code = main(args, Env(stdin=io.StringIO(stdin), stdout=out, stderr=err, environ=environ))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """`locaben demo -o DIR`: (the folder, the session id, what it printed)."""
    folder = tmp_path_factory.mktemp("demo")
    code, out, err = run(["demo", "-o", str(folder / "out"), "--sessions-dir", str(folder / "s"), "--lang", "ja"])
    assert code == 0, err
    return folder, SessionStore(folder / "s").session_ids()[0], out


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")}


def test_the_demo_files_the_sheet_with_the_model_write_ups(demo: tuple[Path, str, str]) -> None:
    folder, sid, out = demo
    filed = {f"{sid}-filing.html", f"{sid}-filing.xlsx", f"{sid}-followup.html", f"{sid}-interview-record.html"}
    assert filed <= names(folder / "out")
    assert all(str(folder / "out" / name) in out for name in filed)
    written = len(load_persona(persona_path("kozuchi_seiko"), standard_bank()).writeups)
    assert f"模範の清書を{written}欄に記録しました" in "".join(out.split())
    html = (folder / "out" / f"{sid}-filing.html").read_text(encoding="utf-8")
    assert "未記入" not in html and "売上の9割以上がリピート" in html and "代表取締役 小槌 正夫" in html
    ws = load_workbook(folder / "out" / f"{sid}-filing.xlsx").worksheets[1]
    assert any("1000分の5ミリの公差に対応する精密加工" in str(c.value) for row in ws.iter_rows() for c in row)


def test_compile_filing_writes_the_pages_and_lists_every_box_not_written(tmp_path: Path) -> None:
    sid = finished_interview(tmp_path)
    store = ["--sessions-dir", str(tmp_path / "s")]
    code, out, err = run(["write", sid, "--plain", "--box", "business.strengths", *store],
                         "1000分の5ミリの公差に対応する精密加工が強みである。\n\n/done\n", tmp_path / "cfg")
    assert code == 0
    code, out, err = run(["compile", sid, "--filing", "-o", str(tmp_path / "out"), *store])
    assert code == 0, err
    assert out.split() == [str(tmp_path / "out" / f"{sid}-{n}") for n in
                           ("filing.html", "filing.xlsx", "followup.html", "interview-record.html")]
    listed = [line for line in err.splitlines() if line.startswith("未記入: ")]
    assert "未記入: 技術力・販売力の弱み（business.weaknesses）" in listed
    assert "未記入: 技術力・販売力の強み（business.strengths）" not in listed
    assert "未記入: 面談相手（氏名）（header.interviewee_name）" in listed  # the header too
    required = [b for b in WRITEUP_BOXES if b.required]
    assert len(listed) == 2 + len(required) - 1  # 面談相手 ×2 (作成者 is who wrote 強み); every required box but 強み
    assert f"write {sid}" in err
    html = (tmp_path / "out" / f"{sid}-filing.html").read_text(encoding="utf-8")
    assert "1000分の5ミリの公差に対応する精密加工が強みである。" in html


def test_the_owners_copy_leaves_out_the_supporters_view_and_the_internal_pages(demo: tuple[Path, str, str],
                                                                              tmp_path: Path) -> None:
    folder, sid, _ = demo
    code, out, err = run(["compile", sid, "--audience", "owner", "-o", str(tmp_path), "--sessions-dir",
                          str(folder / "s")])
    assert code == 0, err
    assert names(tmp_path) == {f"{sid}-filing-owner.html", f"{sid}-filing-owner.xlsx"}
    html = (tmp_path / f"{sid}-filing-owner.html").read_text(encoding="utf-8")
    assert "ご確認用" in html and "支援者の見立て" not in html and "本質は技術と判断の属人化" not in html
    assert "未記入" not in err


def test_a_banks_form_is_filled_and_its_warnings_come_after_writing(demo: tuple[Path, str, str],
                                                                    tmp_path: Path) -> None:
    folder, sid, _ = demo
    form = bank_form(tmp_path / "様式.xlsx")
    before = form.read_bytes()
    (tmp_path / "map.yaml").write_text(MAP.replace("cell: B14:H16}", "cell: B14:H16, max_length: 20}"),
                                       encoding="utf-8")
    out_dir = tmp_path / "out"
    code, out, err = run(["compile", sid, "--template", str(form), "--map", str(tmp_path / "map.yaml"),
                          "-o", str(out_dir), "--sessions-dir", str(folder / "s")])
    assert code == 0, err
    assert form.read_bytes() == before  # the form itself is only read
    filled = out_dir / f"{sid}-様式.xlsx"
    assert out.split() == [str(filled)]  # the form only (no --filing)
    ws = load_workbook(filled)["事業性評価シート"]
    assert ws["C3"].value == "株式会社小槌精工" and ws["C5"].value == 19 and ws["G5"].value == "=C5+E5"
    assert "W301" in err and "map.yaml:9:" in err  # the box longer than max_length, after the file is written


def test_a_map_with_errors_is_refused_with_every_problem_and_nothing_is_written(demo: tuple[Path, str, str],
                                                                                tmp_path: Path) -> None:
    folder, sid, _ = demo
    form = bank_form(tmp_path / "様式.xlsx")
    (tmp_path / "map.yaml").write_text(MAP.replace("business.strengths:", "business.strenghts:")
                                       .replace("sheet: 商流, cell: B3}", "sheet: 商流フロー, cell: B3}"), encoding="utf-8")
    out_dir = tmp_path / "out"
    code, out, err = run(["compile", sid, "--template", str(form), "--map", str(tmp_path / "map.yaml"),
                          "-o", str(out_dir), "--sessions-dir", str(folder / "s")])
    assert code == 3 and out == ""
    assert "map.yaml:8:3: error E301" in err and "did you mean 'business.strengths'" in err
    assert not out_dir.exists() or names(out_dir) == set()
    code, _, err = run(["compile", sid, "--template", str(form), "-o", str(out_dir), "--sessions-dir",
                        str(folder / "s")])
    assert code == 2 and "--template と --map は一緒に" in err



HOSTILE = "[/]株式会社\udcffみどり\x1b]0;t\x07<script>=SUM(A1)\u202e\x00精工"


def test_the_filed_sheet_and_a_banks_form_take_any_text(tmp_path: Path) -> None:
    """Issue 12, items 2, 3 and 9: markup, escapes, NUL and a lone surrogate in an answer and a write-up — the
    filed pages of both audiences and a bank's form are written, never a traceback."""
    from dialogue.model.events import Started
    from dialogue.store.live import SessionManager
    from tests.helpers import ticking_clock

    with SessionManager(SessionStore(tmp_path / "s"), ticking_clock()).create(standard_bank(), Started()) as live:
        live.answer(HOSTILE)
        live.write_up("business.strengths", HOSTILE * 3)
        sid = live.session_id
    for audience in ("bank", "owner"):
        code, out, err = run(["compile", sid, "--filing", "--audience", audience, "-o", str(tmp_path / audience),
                              "--sessions-dir", str(tmp_path / "s")])
        assert code == 0 and "Traceback" not in err, err
        page = next((tmp_path / audience).glob("*-filing*.html")).read_text(encoding="utf-8")
        assert "<script>" not in page and "&lt;script&gt;" in page  # escaped; the text is otherwise kept as typed
        assert load_workbook(next((tmp_path / audience).glob("*-filing*.xlsx"))).worksheets
    form = bank_form(tmp_path / "様式.xlsx")
    (tmp_path / "map.yaml").write_text(MAP, encoding="utf-8")
    code, _, err = run(["compile", sid, "--template", str(form), "--map", str(tmp_path / "map.yaml"), "-o",
                        str(tmp_path / "form"), "--sessions-dir", str(tmp_path / "s")])
    assert code == 0 and "Traceback" not in err, err
    assert "株式会社" in str(load_workbook(tmp_path / "form" / f"{sid}-様式.xlsx")["事業性評価シート"]["C3"].value)

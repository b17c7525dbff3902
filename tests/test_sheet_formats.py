"""The compiled sheet in every format: what a supporter files, prints or hands over, checked as they would see it."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable

import jsonschema
import openpyxl
import pytest

from dialogue.engine import Engine
from dialogue.model import Bank, Question, Transcript
from dialogue.model.events import Started
from dialogue.model.sheet_fields import SHEET_FIELDS
from dialogue.sheet import build_sheet
from dialogue.sheet.data import SheetData
from dialogue.sheet.outputs import FORMATS, RENDERERS, render_files
from dialogue.sheet.render_html import html_environment, render_sheet_html
from dialogue.sheet.render_json import sheet_json
from dialogue.sheet.render_markdown import _environment as markdown_environment
from dialogue.sheet.render_xlsx import CELL_OF_FIELD, box_column, render_sheet_xlsx
from tests.helpers import CODE, iso_clock, run_interview, sample_answer, standard_bank

# the package data of the code under test (the checkout's, or an installed wheel's: both ship them)
SCHEMA = json.loads((CODE / "dialogue" / "sheet" / "sheet.schema.json").read_text(encoding="utf-8"))
TEMPLATES = CODE / "dialogue" / "sheet" / "templates"
SCRIPT = "<script>alert(1)</script>"
QUOTES = "\"&'"


def interview(bank: Bank, answers: dict[str, str] | None = None, skip: tuple[str, ...] = (),
              notes: dict[str, str] | None = None, limit: int | None = None,
              answer_for: Callable[[Question], str] = sample_answer) -> Transcript:
    """Walk the bank like run_interview, but able to skip, take notes and stop after `limit` answers."""
    answers, notes = answers or {}, notes or {}
    engine = Engine(bank, iso_clock(), "partial-session")
    step = engine.start(Started(lang="ja"))
    answered = 0
    while step.state != "at_end" and (limit is None or answered < limit):
        assert step.question is not None
        qid = step.question.id
        if step.state == "probing":
            step = engine.answer("深掘りの回答：年間2,000個、納期は平均5日です。")
            continue
        if qid in notes:
            engine.note(notes.pop(qid))
        if qid in skip:
            step = engine.skip()
            continue
        step = engine.answer(answers.get(qid, answer_for(step.question)))
        answered += 1
    return engine.transcript()


@pytest.fixture(scope="module")
def bank() -> Bank:
    return standard_bank()


@pytest.fixture(scope="module")
def full(bank: Bank) -> Transcript:
    return run_interview(bank)[1]


@pytest.fixture(scope="module")
def full_files(full: Transcript) -> dict[str, bytes]:
    return render_files(full, list(FORMATS), "ja")


@pytest.fixture(scope="module")
def partial(bank: Bank) -> Transcript:
    return interview(bank, limit=3)


def validate(document: dict) -> None:
    jsonschema.Draft202012Validator(SCHEMA).validate(document)


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def cell_text(wb: openpyxl.Workbook, field_id: str) -> str:
    index, cell = CELL_OF_FIELD[field_id]
    return str(wb.worksheets[index][cell].value or "")


def all_text(wb: openpyxl.Workbook, index: int) -> str:
    return "\n".join(str(c.value) for row in wb.worksheets[index].iter_rows() for c in row if c.value is not None)


# ---- registry ----

def test_compile_writes_every_format_with_its_suffix(full_files: dict[str, bytes]) -> None:
    assert set(FORMATS) >= {"md", "html", "xlsx", "json", "transcript"}
    assert sorted(full_files) == sorted(f"test-session-{s}" for s in
                                        ("sheet.md", "sheet.html", "sheet.xlsx", "sheet.json", "transcript.md"))
    assert all(full_files.values())


def test_every_template_loads() -> None:
    names = sorted(p.name for p in TEMPLATES.glob("*.j2"))
    assert "sheet.html.j2" in names
    for name in names:
        env = html_environment() if name.endswith(".html.j2") else markdown_environment()
        env.get_template(name)


def test_the_same_session_gives_the_same_bytes(full: Transcript) -> None:
    sheet = build_sheet(full, "ja")
    for fmt in ("html", "xlsx", "json"):
        assert RENDERERS[fmt](sheet, full, "ja") == RENDERERS[fmt](sheet, full, "ja"), fmt


# ---- JSON ----

def test_json_of_a_full_session_validates_and_fills_every_canonical_field(full_files: dict[str, bytes]) -> None:
    document = json.loads(full_files["test-session-sheet.json"])
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    validate(document)
    assert list(document["fields"]) == [f.id for f in SHEET_FIELDS]
    assert {f["status"] for f in document["fields"].values()} == {"filled"}
    assert document["metadata"]["session_id"] == "test-session"
    assert document["metadata"]["bank"]["id"] == "locaben_standard"
    assert document["metadata"]["state"] == "finished"
    assert document["next_visit"] == []
    assert all(r["fields_filled"] == r["fields_total"] for r in document["richness"])


def test_json_values_are_typed_by_shape(full_files: dict[str, bytes]) -> None:
    fields = json.loads(full_files["test-session-sheet.json"])["fields"]
    assert fields["company.employees"]["value"] == 24
    steps = fields["business_flow.steps"]["value"]
    assert len(steps) == 5 and set(steps[0]) == {"name", "content", "differentiation"}
    assert steps[0]["name"].startswith("業務名1")
    assert set(fields["commercial_flow.suppliers"]["value"][0]) == {"name", "reason"}
    assert set(fields["commercial_flow.end_users"]["value"][0]) == {"who", "reason"}
    motivation = fields["management.motivation"]["value"]
    assert motivation["choice"] == {"id": "growth", "label": "積極的に事業を拡大したい（成長志向）"}
    assert motivation["text"].startswith("そのようにお考えになる理")
    assert isinstance(fields["business.history"]["value"], str)


def test_json_keeps_owner_and_supporter_views_apart(full_files: dict[str, bytes]) -> None:
    issues = json.loads(full_files["test-session-sheet.json"])["fields"]["summary.issues"]
    assert issues["views"]["owner"] and issues["views"]["supporter"]
    assert issues["views"]["supporter"].startswith("（支援者の見立て）")
    assert [e["voice"] for e in issues["entries"]] == ["owner", "supporter"]


def test_json_carries_followups_and_notes(bank: Bank) -> None:
    transcript = interview(bank, answers={"history_story": "祖父が創業。"}, notes={"history_story": "倉庫を見学"})
    field = sheet_json(build_sheet(transcript))["fields"]["business.history"]
    entry = field["entries"][0]
    assert entry["followups"] and entry["followups"][0]["answer"].startswith("深掘りの回答")
    assert entry["notes"] == ["倉庫を見学"]


def test_json_schema_lists_every_canonical_field() -> None:
    assert SCHEMA["properties"]["fields"]["required"] == [f.id for f in SHEET_FIELDS]


# ---- Excel ----

def test_xlsx_has_every_field_value_in_its_cell(full: Transcript, full_files: dict[str, bytes]) -> None:
    sheet = build_sheet(full, "ja")
    wb = workbook(full_files["test-session-sheet.xlsx"])
    for f in sheet.fields:
        text = cell_text(wb, f.id)
        if f.shape == "steps":
            flow = wb.worksheets[0]
            for i, step in enumerate(f.records):
                column = box_column(i)
                assert flow[f"{column}7"].value == step["name"]
                assert flow[f"{column}8"].value == step["content"]
                assert flow[f"{column}9"].value == step["differentiation"]
        elif f.shape in ("parties", "end_users"):
            index, cell = CELL_OF_FIELD[f.id]
            reasons = str(wb.worksheets[index][cell.rstrip("0123456789") + "15"].value)
            for record in f.records:
                assert record.get("name", record.get("who")) in text
                assert record["reason"] in reasons
        elif f.id.startswith("summary."):
            owner = "\n".join(e.display for e in f.owner_entries)
            assert owner in text, f.id
        else:
            for entry in f.entries:
                assert entry.display in text, f.id


def test_xlsx_cell_map_matches_the_documented_layout() -> None:
    assert CELL_OF_FIELD["company.name"] == (0, "B3")
    assert CELL_OF_FIELD["company.employees"] == (0, "G4")
    assert CELL_OF_FIELD["commercial_flow.customers"] == (0, "H14")
    assert CELL_OF_FIELD["management.philosophy"] == (1, "C4")
    assert CELL_OF_FIELD["internal.hr_development"] == (1, "C18")
    assert CELL_OF_FIELD["summary.current_state"] == (2, "B5")
    assert CELL_OF_FIELD["summary.actions"] == (2, "E5")
    assert set(CELL_OF_FIELD) == {f.id for f in SHEET_FIELDS}


def test_xlsx_prints_each_sheet_on_one_a4_landscape_page(full_files: dict[str, bytes]) -> None:
    wb = workbook(full_files["test-session-sheet.xlsx"])
    assert wb.sheetnames == ["商流・業務フロー", "4つの視点", "現状認識・将来目標・課題・対応策", "次回確認事項・情報量"]
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        # 1 is the file format's default for both (ECMA-376 CT_PageSetup): a writer may leave it out
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight or 1) == (1, 1)
        assert ws.print_area
        assert ws["A1"].font.name == "游ゴシック" and ws["A1"].font.charset == 128


def test_xlsx_boxes_are_merged_wrapped_and_tall_enough(full_files: dict[str, bytes]) -> None:
    wb = workbook(full_files["test-session-sheet.xlsx"])
    flow, views = wb.worksheets[0], wb.worksheets[1]
    merged = {str(r) for r in flow.merged_cells.ranges}
    assert {"B3:E3", "B7:C7", "J9:K9", "B14:C14", "A19:K19"} <= merged
    assert "A4:A6" in {str(r) for r in views.merged_cells.ranges}  # 経営者 over its three items
    strengths = views["C8"]
    assert strengths.alignment.wrap_text
    lines = len(strengths.value.split("\n"))
    assert views.row_dimensions[8].height >= lines * 15


def test_xlsx_keeps_answers_as_plain_text(bank: Bank) -> None:
    transcript = interview(bank, answers={"company_name": "=HYPERLINK(\"http://x\")", "history_story": "a\x0bb\x00c"},
                           limit=[q.id for q in bank.questions()].index("history_story") + 2)
    wb = workbook(render_sheet_xlsx(build_sheet(transcript)))
    name = wb.worksheets[0]["B3"]
    assert name.value == "=HYPERLINK(\"http://x\")" and name.data_type == "s"  # never a formula
    assert cell_text(wb, "business.history").startswith("abc\n")  # control characters dropped, not a crash


def test_xlsx_shows_the_supporters_view_in_its_own_row(full: Transcript, full_files: dict[str, bytes]) -> None:
    wb = workbook(full_files["test-session-sheet.xlsx"])
    supporter = build_sheet(full).field("summary.issues").supporter_entries[0].display
    assert wb.worksheets[2]["D6"].value.split("\n")[0] == supporter  # then what its probes added, if any
    assert wb.worksheets[2]["A6"].value == "支援者の見立て"


# ---- HTML ----

def test_html_escapes_every_answer(bank: Bank) -> None:
    transcript = interview(bank, answers={"company_name": SCRIPT, "history_story": f"{QUOTES}\n二行目 {SCRIPT}",
                                          "flow_steps": f"{SCRIPT}｜{QUOTES}｜<b>x</b>"},
                           notes={"philosophy": f"メモ {SCRIPT}"})
    html = render_sheet_html(build_sheet(transcript))
    assert SCRIPT not in html and "<b>x</b>" not in html and QUOTES not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&amp;&#39;\n二行目" in html  # escaped, line break kept for white-space: pre-wrap
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<script" not in html.lower()


def test_html_is_one_printable_self_contained_file(full_files: dict[str, bytes]) -> None:
    html = full_files["test-session-sheet.html"].decode("utf-8")
    assert "@page { size: A4 landscape" in html
    assert "white-space: pre-wrap" in html and "Noto Sans CJK JP" in html
    for outside in ("http://", "https://", "<link", "<script", "<img", "@import"):
        assert outside not in html


def test_html_lays_out_the_official_sheet(full: Transcript, full_files: dict[str, bytes]) -> None:
    html = full_files["test-session-sheet.html"].decode("utf-8")
    sheet = build_sheet(full)
    assert html.count('class="box step"') == 5
    order = [html.index(label) for label in ("仕入先（選定理由）", "協力先（選定理由）", ">自社<",
                                             "得意先（選ばれている理由）", "エンドユーザー（選ばれている理由）")]
    assert order == sorted(order)
    chain = [html.index(f'<p class="title">{label}</p>') for label in ("現状認識", "将来目標", "課題", "対応策")]
    assert chain == sorted(chain)
    for group in ("経営者", "事業", "企業を取り巻く環境・関係者", "内部管理体制"):
        assert re.search(rf'<th class="perspective" rowspan="[34]">{group}</th>', html), group
    assert "経営者の認識" in html and "支援者の見立て" in html
    for f in sheet.fields:
        for e in f.entries:
            if f.shape not in ("steps", "parties", "end_users"):
                assert e.display in html, f.id
    assert "次回確認事項" in html and "情報量" in html


# ---- an unfinished session ----

def test_unfinished_session_compiles_in_every_format_and_lists_what_is_missing(partial: Transcript) -> None:
    files = render_files(partial, list(FORMATS), "ja")
    document = json.loads(files["partial-session-sheet.json"])
    validate(document)
    status = {fid: f["status"] for fid, f in document["fields"].items()}
    assert [fid for fid, s in status.items() if s == "filled"] == [
        "company.name", "company.representative", "company.location"]
    assert document["fields"]["business.history"]["value"] is None
    missing = {m["field_id"] for m in document["next_visit"]}
    assert {"company.industry", "business_flow.steps", "summary.actions"} <= missing

    html = files["partial-session-sheet.html"].decode("utf-8")
    assert html.count("（未聴取）") >= len(SHEET_FIELDS) - 3
    assert "企業及び事業沿革" in html.split("次回確認事項")[-1]

    wb = workbook(files["partial-session-sheet.xlsx"])
    assert cell_text(wb, "business.history") == "（未聴取）"
    assert cell_text(wb, "business_flow.steps") == "（未聴取）"
    assert "企業及び事業沿革" in all_text(wb, 3)
    assert "必須項目が未記入" in all_text(wb, 3)
    assert "企業及び事業沿革" in files["partial-session-sheet.md"].decode("utf-8").split("次回確認事項")[-1]


def test_a_skipped_field_is_shown_as_skipped(bank: Bank) -> None:
    transcript = interview(bank, skip=("banks",), limit=None)
    sheet = build_sheet(transcript)
    assert sheet.field("environment.banks").status == "skipped"
    html = render_sheet_html(sheet)
    assert "（スキップ — 次回確認）" in html
    wb = workbook(render_sheet_xlsx(sheet))
    assert cell_text(wb, "environment.banks") == "（スキップ — 次回確認）"
    assert sheet_json(sheet)["next_visit"][0]["reason"] == "skipped"


# ---- languages ----

@pytest.mark.parametrize("fmt", ["html", "xlsx", "json"])
def test_english_labels_come_from_the_field_table(full: Transcript, fmt: str) -> None:
    sheet: SheetData = build_sheet(full, "en")
    _, data = RENDERERS[fmt](sheet, full, "en")
    text = all_text(workbook(data), 0) if fmt == "xlsx" else data.decode("utf-8")
    assert "Suppliers (why chosen)" in text
    assert "Business flow" in text
    if fmt != "json":
        assert "Our company" in text


# ---- strict JSON whatever the journal holds (issue 12, item 9) ----

def strict_json(text: str) -> dict:
    """Parse as RFC 8259 JSON: NaN, Infinity and -Infinity are refused, as other languages' parsers do."""
    def refuse(name: str) -> None:
        raise ValueError(f"bare {name} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_a_journal_holding_non_finite_numbers_is_refused_with_its_line(tmp_path, number: str) -> None:  # type: ignore[no-untyped-def]
    """NaN/Infinity are not JSON: a journal hand-edited to hold one is refused at its line, and compile
    never writes a bare NaN (issue 12, item 9)."""
    from tests.helpers import cli_interview, run_cli, session_id

    cli_interview(tmp_path, ["株式会社みどり精工", "24", "創業からの歩みを伺いました。", "/pause"])
    journal = next((tmp_path / "s").glob("*.jsonl"))
    text = journal.read_text(encoding="utf-8")  # hand-edited: Python's json module reads these back
    assert '"value":24,' in text
    line = text[:text.index('"value":24,')].count("\n") + 1
    journal.write_text(text.replace('"value":24,', f'"value":{number},'), encoding="utf-8")
    code, _, err = run_cli(["compile", session_id(tmp_path), "--format", "json", "-o", str(tmp_path / "out"),
                        "--sessions-dir", str(tmp_path / "s")])
    assert code == 4 and f"{journal}:{line}: 'value' of an answered event" in err and "JSON does not allow" in err
    assert "Traceback" not in err and not list((tmp_path / "out").glob("*-sheet.json"))


def test_a_lone_surrogate_or_a_control_character_leaves_a_workbook_that_opens() -> None:
    """A lone surrogate in an answer (a broken paste) was written as a character reference no XML reader takes:
    the workbook would not open. It is shown as U+FFFD, control characters are left out (issue 12, item 9)."""
    import io

    from openpyxl import load_workbook

    bank = standard_bank()
    answer = "株式会社みどり\udcff精工\x00\x1b"
    _, transcript = run_interview(bank, {"company_name": answer})
    workbook = load_workbook(io.BytesIO(render_sheet_xlsx(build_sheet(transcript, "ja"))))
    cells = [c.value for ws in workbook.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "株式会社みどり\ufffd精工" in cells
    assert workbook.properties.title.endswith("株式会社みどり\ufffd精工")

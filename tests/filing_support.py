"""Shared by the filing tests: a demo interview's transcript (the fictional 株式会社小槌精工) and its model
write-ups (the persona's `writeup:` block, question_banks/personas/kozuchi_seiko.yaml); a finished interview
with no write-ups yet; a fictional bank's own Excel form and its form map."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from dialogue.cli.main import Env, main
from dialogue.model import Transcript
from dialogue.model.events import Started
from dialogue.store.journal import SessionStore
from dialogue.store.live import LiveSession, SessionManager
from tests.helpers import sample_answer, standard_bank, ticking_clock


def demo_transcript(folder: Path, lang: str = "ja") -> Transcript:
    """Run `locaben demo` into `folder` and replay its session."""
    env = Env(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(), clock=ticking_clock(),
              environ={"NO_COLOR": "1"})
    code = main(["demo", "-o", str(folder / "out"), "--sessions-dir", str(folder / "s"), "--lang", lang], env)
    assert code == 0, env.stderr.getvalue()  # type: ignore[attr-defined]
    store = SessionStore(folder / "s")
    transcript, _ = SessionManager(store, ticking_clock()).transcript_and_warnings(store.session_ids()[0])
    return transcript


def example_writeups(lang: str = "ja") -> tuple[dict[str, str], dict[str, str]]:
    """(write-ups by box id, header fields) of the demo persona's model write-up."""
    from dialogue.training.persona import load_persona, persona_path

    written = load_persona(persona_path("kozuchi_seiko"), standard_bank()).writeups_in(lang)
    boxes = {k: v for k, v in written.items() if not k.startswith("header.")}
    header = {k: v for k, v in written.items() if k.startswith("header.")}
    return boxes, header


def live_session(tmp_path: Path) -> contextlib.AbstractContextManager[LiveSession]:
    """A new live session on the standard bank, journalled in tmp_path/s."""
    return SessionManager(SessionStore(tmp_path / "s"), ticking_clock()).create(standard_bank(), Started(lang="ja"))


HEADER_ANSWERS = {"company_name": "株式会社みどり精工", "representative_person": "代表取締役 | 緑川 誠",
                  "head_office": "美波県緑川市工業団地3-12", "industry_class": "e", "employees_regular": "20",
                  "employees_part_time": "4"}


def finished_interview(tmp_path: Path) -> str:
    """A finished standard-bank interview, journalled in tmp_path/s, with no write-ups yet."""
    with live_session(tmp_path) as live:
        step = live.step()
        while step.state in ("asking", "probing"):
            assert step.question is not None
            raw = "深掘りの回答：年間2,000個、納期は平均5日です。" if step.state == "probing" else \
                HEADER_ANSWERS.get(step.question.id, sample_answer(step.question))
            step = live.answer(raw)
        live.finish()
        return live.session_id


MAP = """\
format: locaben-form-map/1
form: 美波銀行 事業性評価シート（架空の様式）
fields:
  header.company_name: {sheet: 事業性評価シート, cell: C3}
  header.representative: {sheet: 事業性評価シート, cell: C4}
  header.employees_regular: {sheet: 事業性評価シート, cell: C5}
  header.employees_part_time: {sheet: 事業性評価シート, cell: E5}
  business.strengths: {sheet: 事業性評価シート, cell: B8:H12}
  business.weaknesses: {sheet: 事業性評価シート, cell: B14:H16}
  business_flow.steps[1].name: {sheet: 商流, cell: B3}
  business_flow.steps[1].differentiation: {sheet: 商流, cell: B4}
  business_flow.steps[5].name: {sheet: 商流, cell: F3}
  business_flow.steps[6].name: {sheet: 商流, cell: G3}
  commercial_flow.customers: {sheet: 商流, cell: B7, join: "\\n"}
  commercial_flow.customers[2].reason: {sheet: 商流, cell: B8}
  summary.issues: {sheet: 事業性評価シート, cell: B20}
  summary.issues.supporter: {sheet: 事業性評価シート, cell: B21}
"""


def bank_form(path: Path) -> Path:
    """A fictional bank's 事業性評価シート: styled input cells, merged boxes, formulas on two worksheets."""
    wb = Workbook()
    ws = wb.active
    ws.title = "事業性評価シート"
    ws["A1"] = "事業性評価シート（美波銀行）"
    for row, label in ((3, "商号"), (4, "代表者"), (5, "従業員数（正社員）")):
        ws[f"A{row}"] = label
    ws.merge_cells("C3:H3")
    ws["C3"].fill = PatternFill("solid", fgColor="FFFFCC")  # the pale-yellow input cell
    ws["C3"].font = Font(name="ＭＳ Ｐゴシック", size=11, bold=True)
    ws["D5"] = "パート"
    ws["G5"] = "=C5+E5"  # 合計: a formula that reads the filled cells
    ws["A8"] = "強み"
    ws.merge_cells("B8:H12")
    ws["B8"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("B14:H16")
    ws["B20"] = "（記入してください）"
    ws.column_dimensions["B"].width = 12
    flow = wb.create_sheet("商流")
    flow["A1"] = "業務フロー"
    flow["H3"] = '=COUNTA(B3:G3)&"工程"'
    summary = wb.create_sheet("集計")
    summary["A1"] = "=事業性評価シート!G5*1000"
    wb.save(path)
    return path

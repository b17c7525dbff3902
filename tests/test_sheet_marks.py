"""What a credit officer reads on the compiled sheet: status codes, sources, flags, parked text,
previous answers after a bank change, and what changed since the earlier interview."""

from __future__ import annotations

import json

from dialogue.engine import Engine
from dialogue.model.events import Started
from dialogue.sheet import build_sheet
from dialogue.sheet.outputs import FORMATS, render_files
from dialogue.store.migration import migrate
from tests.helpers import LONG, changed_bank, iso_clock, mini_bank


def session() -> Engine:
    engine = Engine(mini_bank(), iso_clock(), "trust")
    engine.start()
    engine.park("business_flow.steps", "検品は全数、三次元測定機で")
    engine.answer("株式会社みどり精工")
    engine.set_source("document", "登記簿")
    engine.mark("declined")  # employees
    engine.answer(LONG)
    engine.set_source("estimate")  # the history answer, now that the engine has moved on
    engine.flag("後継者の話は次回ご本人がいるときに")  # the current question: successor_status
    return engine


def all_outputs(engine: Engine, lang: str = "ja") -> dict[str, str]:
    files = render_files(engine.transcript(), list(FORMATS), lang)
    texts = {}
    for name, data in files.items():
        if name.endswith(".xlsx"):
            import io

            import openpyxl

            book = openpyxl.load_workbook(io.BytesIO(data))
            texts[name] = "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows()
                                    for c in row if c.value is not None)
        else:
            texts[name] = data.decode("utf-8")
    return texts


def test_status_code_is_on_the_sheet_and_in_the_next_visit_list_never_blank() -> None:
    sheet = build_sheet(session().transcript())
    assert sheet.field("company.employees").status == "declined"
    reasons = {m.field_id: m.reason for m in sheet.missing}
    assert reasons["company.employees"] == "declined"
    for name, text in all_outputs(session()).items():
        if name.endswith(".json"):
            assert json.loads(text)["fields"]["company.employees"]["status"] == "declined"
        elif not name.endswith("transcript.md"):
            assert "回答を控えたい" in text, name


def test_source_marks_and_legend_in_every_format() -> None:
    texts = all_outputs(session())
    for name, text in texts.items():
        if name.endswith("transcript.md"):
            continue
        assert "［資料: 登記簿］" in text, name
        assert "［推定］" in text, name
    data = json.loads(next(t for n, t in texts.items() if n.endswith(".json")))
    entry = data["fields"]["company.name"]["entries"][0]
    assert (entry["source"], entry["source_detail"]) == ("document", "登記簿")
    assert "出所の印" in next(t for n, t in texts.items() if n.endswith("sheet.md"))


def test_flag_and_parked_text_are_listed_for_the_next_visit() -> None:
    sheet = build_sheet(session().transcript())
    whys = {m.reason: m.why(sheet.labels) for m in sheet.missing}
    assert whys["flagged"] == "次回確認の印: 後継者の話は次回ご本人がいるときに"
    assert "検品は全数、三次元測定機で" in whys["parked"]
    assert sheet.field("management.succession").flagged


def test_previous_answers_after_a_bank_change_are_kept_on_the_sheet() -> None:
    engine = Engine(mini_bank(), iso_clock(), "m")
    engine.start()
    engine.jump("suppliers")
    engine.answer("山田鋼材；佐藤商事")
    migration = migrate(engine.events, changed_bank())
    resumed = Engine.replay(changed_bank(), migration.events, iso_clock(), "m", migration.previous_answers)
    texts = all_outputs(resumed)
    for name, text in texts.items():
        if name.endswith((".md", ".html", ".json")) and not name.endswith("transcript.md"):
            assert "山田鋼材" in text, name


def test_prefilled_interview_marks_what_changed() -> None:
    earlier = {"company_name": {"raw": "株式会社みどり精工", "value": "株式会社みどり精工"},
               "employees": {"raw": "24", "value": 24}}
    engine = Engine(mini_bank(), iso_clock(), "p")
    engine.start(Started(prefill=earlier))
    engine.answer("株式会社みどり精工")  # confirmed as it was
    engine.answer("31")  # updated
    sheet = build_sheet(engine.transcript())
    assert sheet.field("company.name").entries[0].changed is False
    assert sheet.field("company.employees").entries[0].changed is True
    md = next(t for n, t in all_outputs(engine).items() if n.endswith("sheet.md"))
    assert "31 ［前回から変更］" in md  # the mini bank gives employees no unit
    assert "株式会社みどり精工 ［前回どおり］" in md


def test_english_sheet_shows_status_and_source_in_english() -> None:
    texts = all_outputs(session(), "en")
    md = next(t for n, t in texts.items() if n.endswith("sheet.md"))
    assert "[declined to answer]" in md and "［doc: 登記簿］" in md


def test_source_marks_stay_out_of_the_company_name_in_titles() -> None:
    sheet = build_sheet(session().transcript())
    assert sheet.company == "株式会社みどり精工"
    assert sheet.field("company.name").entries[0].display == "株式会社みどり精工 ［資料: 登記簿］"

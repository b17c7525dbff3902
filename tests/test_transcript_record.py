"""The interview record (transcript.md): every event in the sheet's language with its content, in the
interviewer's local time, with who recorded it (issue 12, item 16)."""

from __future__ import annotations

from dialogue.engine import Engine
from dialogue.model import Actor
from dialogue.model.events import EventKind, Started
from dialogue.sheet.render_markdown import render_transcript_markdown
from dialogue.sheet.transcript_view import transcript_rows
from tests.helpers import iso_clock, mini_bank


def session() -> Engine:
    engine = Engine(mini_bank(), iso_clock(), "t", Actor("tanaka", "田中 一郎", "pc-1"))
    engine.start(Started(lang="ja"))
    engine.answer("株式会社みどり精工")
    engine.set_source("document", "登記簿")
    engine.mark("declined")
    engine.flag("人数は次回に確認")
    engine.park("business.history", "納期の短さが評判")
    engine.draft("書きかけの")
    engine.set_hints(False)
    engine.write_up("business.history", "1978年創業。2001年に医療機器部品へ転換した。")
    engine.note("工場見学を次回に")
    return engine


def test_every_event_kind_is_named_and_carries_its_content_in_japanese() -> None:
    engine = session()
    rows = {row.kind: row for row in transcript_rows(engine.transcript(), "ja")}
    assert rows["出所"].text.endswith("資料: 登記簿")
    assert rows["記録区分"].text.endswith("回答を控えたい")
    assert rows["次回確認の印"].text.endswith("人数は次回に確認")
    assert rows["順番外の話を控える"].text == "企業及び事業沿革 — 納期の短さが評判"
    assert rows["入力途中で中断"].text == "書きかけの"
    assert rows["ヒント表示"].text == "ヒント表示: オフ"
    assert rows["清書"].text.startswith("企業及び事業沿革 — 1978年創業")
    assert all(row.by == "田中 一郎" for row in rows.values())
    assert all(" " in row.at and "T" not in row.at and len(row.at) == 19 for row in rows.values())


def test_no_event_kind_is_left_without_a_name_in_either_language() -> None:
    from dialogue.i18n import CATALOGUES

    for lang, catalogue in CATALOGUES.items():
        missing = [kind.value for kind in EventKind if f"event.{kind.value}" not in catalogue]
        assert not missing, (lang, missing)


def test_the_markdown_record_has_the_columns_in_the_sheets_language() -> None:
    text = render_transcript_markdown(session().transcript(), "ja")
    assert "| # | 日時 | 出来事 | 内容 | 記録者 |" in text
    assert "status_marked" not in text and "source_set" not in text and "parked" not in text
    english = render_transcript_markdown(session().transcript(), "en")
    assert "| # | Time | Event | Content | By |" in english and "| source |" in english

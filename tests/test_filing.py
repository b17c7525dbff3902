"""The sheet a bank files: the two official non-financial pages with the supporter's write-ups, in HTML and
XLSX; 未記入 boxes listed; header data, not spoken sentences; the owner's copy without 支援者の見立て; the
follow-up page and the interview record kept apart."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import openpyxl
import pytest

from dialogue.model import Event
from dialogue.model.events import Started, VisitStarted
from dialogue.model.sheet_fields import (
    INDUSTRIES,
    OFFICIAL_ITEM_LABELS,
    WRITEUP_BOXES,
    official_lines,
)
from dialogue.sheet.filing import build_filing, is_data_like
from dialogue.sheet.interview_record import interview_dates, interview_record
from dialogue.sheet.render_filing_html import render_filing_html, render_followup_html, render_record_html
from dialogue.sheet.render_filing_xlsx import MAX_ROW_HEIGHT, render_filing_workbook, render_filing_xlsx
from tests.filing_support import demo_transcript, example_writeups


@pytest.fixture(scope="module")
def transcript(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return demo_transcript(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def written() -> tuple[dict[str, str], dict[str, str]]:
    return example_writeups()


class _Text(HTMLParser):
    """The text a reader sees (no tags, no <style>), and the page sections."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = False

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        self.skip = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self.skip = False

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


# ---- the view model ----


def test_a_box_without_a_write_up_shows_mikinyu_and_is_listed(transcript, written) -> None:  # type: ignore[no-untyped-def]
    boxes, header = written
    complete = build_filing(transcript, boxes, header)
    assert complete.missing == () and "未記入" not in visible(render_filing_html(complete))
    boxes = {k: v for k, v in boxes.items() if k not in ("business.weaknesses", "commercial_flow.partners")}
    filing = build_filing(transcript, boxes, header)
    assert [box_id for box_id, _ in filing.missing] == ["commercial_flow.partners", "business.weaknesses"]
    assert dict(filing.missing)["business.weaknesses"] == "技術力・販売力の弱み"
    html = visible(render_filing_html(filing))
    assert html.count("未記入") == 2


def test_with_no_write_ups_every_box_and_the_header_say_mikinyu(transcript) -> None:  # type: ignore[no-untyped-def]
    filing = build_filing(transcript, {}, {})
    required = [b.id for b in WRITEUP_BOXES if b.required]
    assert [i for i, _ in filing.missing if not i.startswith("header.")] == required
    header_missing = {i for i, _ in filing.missing if i.startswith("header.")}
    # the interview's structured answers gave 商号, 代表者名, 所在地, 業種 and 従業員数; who wrote it up (作成者) every
    # event names; whom the interviewer met the session cannot know
    assert header_missing == {"header.interviewee_name", "header.interviewee_title"}
    author = next(h.value for h in filing.header if h.id == "header.author")
    written = [e for e in transcript.events if e.kind == "written_up"]
    assert author and author == written[-1].by.name  # who wrote the boxes up (every event names its author)
    spoken = without_header_answers(transcript)
    assert {i for i, _ in build_filing(spoken, {}, {}).missing if i.startswith("header.")} == {
        "header.interviewee_name", "header.interviewee_title", "header.representative_title",
        "header.representative_name", "header.location", "header.industry", "header.employees_regular"}


def without_header_answers(transcript):  # type: ignore[no-untyped-def]
    """The demo interview as if the bank had not asked for the header data (only spoken answers)."""
    from dataclasses import replace

    asked = {q.id for q in transcript.bank.questions() if q.header and q.id != "company_name"}
    return replace(transcript, answers={k: v for k, v in transcript.answers.items() if k not in asked})


def test_header_fields_are_data_never_the_owners_sentences(transcript) -> None:  # type: ignore[no-untyped-def]
    filing = build_filing(transcript, {}, {})
    # the bank's header questions (`header:`) were answered as data: 「代表取締役 | 小槌 正夫」, 19, 4
    assert filing.header_value("header.company_name").value == "株式会社小槌精工"
    assert filing.header_value("header.representative").value == "代表取締役 小槌 正夫"
    assert filing.header_value("header.location").value == "美波県東浜市 港南工業団地（本社・工場）"
    assert filing.header_value("header.employees_regular").value == "19"
    assert filing.header_value("header.employees_part_time").value == "4"
    assert filing.header_value("header.interview_dates").value == "2026年11月23日"
    assert filing.header_value("header.created_on").value == "2026年11月23日"
    # 代表者 and 所在地 answered only as sentences (「代表取締役の小槌正夫です。父から…」) stay empty
    spoken = build_filing(without_header_answers(transcript), {}, {})
    assert spoken.header_value("header.representative").value == ""
    assert spoken.header_value("header.location").value == ""
    # the head count includes part-timers: it is never printed as the regular staff
    assert spoken.header_value("header.employees_regular").value == ""
    given = build_filing(transcript, {"header.location": "美波県東浜市"}, {"header.employees_regular": "20",
                                                                         "header.representative_title": "取締役社長",
                                                                         "header.representative_name": "小槌 正夫"})
    assert given.header_value("header.location").value == "美波県東浜市"
    assert given.header_value("header.representative").value == "取締役社長 小槌 正夫"
    assert given.header_value("header.employees_regular").value == "20"


@pytest.mark.parametrize(("text", "data"), [("株式会社小槌精工", True), ("美波県東浜市港南1-2-3", True),
                                            ("代表取締役の小槌正夫です。父から継ぎました。", False),
                                            ("東浜市にあります", False), ("", False), ("x" * 41, False)])
def test_what_counts_as_data(text: str, data: bool) -> None:
    assert is_data_like(text) is data


def test_the_industry_is_a_choice_from_the_jsic_list(transcript) -> None:  # type: ignore[no-untyped-def]
    assert [code for code, _, _ in INDUSTRIES] == list("ABCDEFGHIJKLMNOPQRST")
    filing = build_filing(transcript, {"header.industry": "建設業"}, {})
    assert filing.header_value("header.industry").value == "建設業"  # a write-up wins over the answer
    assert build_filing(transcript, {}, {}).header_value("header.industry").value == "製造業"  # the choice `e`
    assert build_filing(transcript, {}, {}, lang="en").header_value("header.industry").value == "Manufacturing"
    spoken = without_header_answers(transcript)
    assert build_filing(spoken, {}, {}).header_value("header.industry").value == ""  # 「金属部品の…です」 is no industry


def test_interview_dates_list_each_visit_in_local_time(transcript) -> None:  # type: ignore[no-untyped-def]
    events = (Event("2026-11-23T01:30:00.000+00:00", Started()),  # UTC in the journal: 10:30 in Tokyo
              Event("2026-12-01T15:30:00.000+00:00", VisitStarted(2)))  # 00:30 on 2 Dec in Tokyo
    from dataclasses import replace

    t = replace(transcript, events=(Event("2026-11-23T10:00:00.000+09:00", Started()),) + events[1:])
    assert interview_dates(t) == ("2026年11月23日", "2026年12月2日")
    assert interview_dates(t, "en") == ("2026-11-23", "2026-12-02")


def test_the_owner_copy_leaves_out_the_supporters_view_and_the_internal_pages(transcript, written) -> None:  # type: ignore[no-untyped-def]
    boxes, header = written
    bank = build_filing(transcript, boxes, header)
    owner = build_filing(transcript, boxes, header, audience="owner")
    supporter = boxes["summary.issues.supporter"]
    assert supporter in visible(render_filing_html(bank))
    html = visible(render_filing_html(owner))
    assert "支援者の見立て" not in html and supporter not in html
    assert boxes["summary.issues"] in html and "ご確認用" in html
    assert owner.internal is None and all(link.supporter is None for link in owner.chain)
    with pytest.raises(ValueError):
        render_followup_html(owner)
    wb = openpyxl.load_workbook(io.BytesIO(render_filing_xlsx(owner)))
    cells = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value)
    assert supporter not in cells and "支援者の見立て" not in cells and boxes["summary.issues"] in cells
    with pytest.raises(ValueError):
        build_filing(transcript, boxes, header, audience="public")


# ---- HTML ----


def test_filing_html_has_exactly_the_two_official_pages_with_the_labels_verbatim(transcript, written) -> None:  # type: ignore[no-untyped-def]
    html = render_filing_html(build_filing(transcript, *written))
    assert html.count('<section class="page"') == 2
    text = visible(html)
    for label in OFFICIAL_ITEM_LABELS.values():
        assert label in text
    for label in ("経営理念・ビジョン 経営哲学・考え方等", "後継者の有無 後継者の育成状況 承継のタイミング・関係",
                  "企業及び事業沿革 ※ターニングポイントの把握", "商流・業務フロー", "4つの視点", "差別化ポイント",
                  "顧客提供価値", "仕入先（選定理由）", "得意先（選ばれている理由）", "エンドユーザー（選ばれている理由）",
                  "現状認識", "将来目標", "課題", "対応策", "作成日", "面談日", "作成者（担当者）", "面談相手", "代表者名",
                  "従業員数（正社員）", "パート・アルバイト", "業種"):
        assert label in text, label
    assert official_lines("management.succession") == ("後継者の有無", "後継者の育成状況", "承継のタイミング・関係")
    # the chain sits on the 4つの視点 page, in order
    page2 = html.split('id="perspectives"')[1]
    assert [page2.index(w) for w in ("現状認識", "将来目標", "課題", "対応策")] == \
        sorted(page2.index(w) for w in ("現状認識", "将来目標", "課題", "対応策"))
    flow = html.split('id="perspectives"')[0]
    assert flow.count('class="num"') == 5  # five steps
    assert flow.index("顧客提供価値") > flow.index("検査・納品")  # at the end of the flow


def test_filing_html_prints_a4_landscape_with_japanese_fonts_and_strict_line_breaks(transcript, written) -> None:  # type: ignore[no-untyped-def]
    html = render_filing_html(build_filing(transcript, *written))
    assert "@page { size: A4 landscape;" in html
    assert "line-break: strict" in html
    fonts = re.search(r"font-family: ([^;]+);", html).group(1)  # type: ignore[union-attr]
    assert fonts.split(",")[0].strip() == '"Noto Sans CJK JP"' and '"Yu Gothic"' in fonts and "sans-serif" in fonts
    assert "<script" not in html and "http" not in html.replace("http-equiv", "")


def test_no_probes_notes_sources_or_session_metadata_on_the_filed_pages(transcript, written) -> None:  # type: ignore[no-untyped-def]
    text = visible(render_filing_html(build_filing(transcript, *written)))
    probe = transcript.bank.question("customer_trend").probes[0].get("ja")
    assert probe not in text
    assert transcript.session_id not in text and "locaben_standard" not in text
    assert "深掘り" not in text and "メモ" not in text and "［発言］" not in text
    owner_said = "10年以上のお付き合いのお客さんばかりで"
    assert owner_said not in text  # the conversation is the record, not the sheet


def test_write_ups_are_escaped_and_kept_line_for_line(transcript) -> None:  # type: ignore[no-untyped-def]
    nasty = "<script>alert(1)</script> & 「精度は信用」\n二行目"
    html = render_filing_html(build_filing(transcript, {"business.strengths": nasty}, {}))
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 「精度は信用」" in html
    assert "&lt;/script&gt; &amp; 「精度は信用」\n二行目" in html


def test_more_than_five_steps_continue_in_a_second_row(transcript) -> None:  # type: ignore[no-untyped-def]
    steps = "\n".join(f"工程{i} | 内容{i} | こだわり{i}" for i in range(1, 8))
    filing = build_filing(transcript, {"business_flow.steps": steps}, {})
    rows = filing.step_rows()
    assert len(rows) == 2 and [s.name if s else None for s in rows[1]] == ["工程6", "工程7", None, None, None]
    html = visible(render_filing_html(filing))
    assert "工程7" in html and "こだわり7" in html


def test_follow_up_page_and_interview_record_are_separate_files(transcript, written) -> None:  # type: ignore[no-untyped-def]
    boxes, header = written
    del boxes["business.weaknesses"]
    filing = build_filing(transcript, boxes, header)
    follow = visible(render_followup_html(filing))
    assert "未記入の欄" in follow and "技術力・販売力の弱み" in follow and "次回確認事項" in follow and "情報量" in follow
    record = visible(render_record_html(filing))
    assert "面談記録" in record and "1回目の面談" in record
    assert "2026年11月23日 10:00" in record  # local time, in Japanese
    assert "上位3社で売上の7割です。" in record  # word for word
    probed = next(e.payload for e in transcript.events if e.kind == "probed")  # a follow-up asked, word for word
    assert transcript.bank.question(probed.question).probes[probed.probe].get("ja") in record
    lines = interview_record(transcript)
    assert lines[0].visit == 1 and all(line.at.startswith("2026年") for line in lines)
    assert not any("T10:" in line.at or "+09:00" in line.at for line in lines)


# ---- XLSX ----


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def all_text(wb: openpyxl.Workbook, sheet: int | None = None) -> str:
    sheets = wb.worksheets if sheet is None else [wb.worksheets[sheet]]
    return "\n".join(str(c.value) for ws in sheets for row in ws.iter_rows() for c in row if c.value is not None)


def test_filing_xlsx_is_the_two_pages_with_the_official_labels_and_mikinyu(transcript, written) -> None:  # type: ignore[no-untyped-def]
    boxes, header = written
    del boxes["business.weaknesses"]
    rendered = render_filing_workbook(build_filing(transcript, boxes, header))
    wb = workbook(rendered.data)
    assert wb.sheetnames == ["商流・業務フロー", "4つの視点"]
    perspectives = all_text(wb, 1)
    for label in OFFICIAL_ITEM_LABELS.values():
        assert label in perspectives
    sheet, cell = rendered.cells["business.weaknesses"]
    assert wb.worksheets[sheet][cell].value == "未記入"
    sheet, cell = rendered.cells["business.strengths"]
    assert wb.worksheets[sheet][cell].value == boxes["business.strengths"]
    sheet, cell = rendered.cells["header.employees_regular"]
    assert wb.worksheets[sheet][cell].value == 19  # a number, as a number
    assert "顧客提供価値" in all_text(wb, 0) and "得意先（選ばれている理由）" in all_text(wb, 0)
    assert transcript.session_id not in all_text(wb)


def test_filing_xlsx_prints_readably(transcript, written) -> None:  # type: ignore[no-untyped-def]
    wb = workbook(render_filing_xlsx(build_filing(transcript, *written)))
    from openpyxl.styles.fonts import Font

    assert wb._fonts[0].name == "游ゴシック" and isinstance(wb._fonts[0], Font)  # the Normal style's font
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert (setup.orientation, str(setup.paperSize)) == ("landscape", "9")
        assert ws.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert int(setup.scale) >= 85
        assert ws.print_title_rows
        sizes = {c.font.sz for row in ws.iter_rows() for c in row if c.value not in (None, "")}
        assert min(sizes) >= 9
        assert {c.font.name for row in ws.iter_rows() for c in row if c.value} == {"游ゴシック"}
        assert max(d.height or 0 for d in ws.row_dimensions.values()) <= MAX_ROW_HEIGHT


def test_a_long_write_up_continues_on_following_rows_never_above_409_pt(transcript) -> None:  # type: ignore[no-untyped-def]
    long = "".join(f"{i:03d}番目の文で、技術力の強みを具体的に述べる。" for i in range(120))
    rendered = render_filing_workbook(build_filing(transcript, {"business.strengths": long}, {}))
    ws = workbook(rendered.data).worksheets[1]
    first = int(rendered.cells["business.strengths"][1][1:])
    row = int(rendered.cells["business.weaknesses"][1][1:])  # the next item begins below the continuation
    pieces = [str(ws[f"J{r}"].value) for r in range(first, row)]
    assert len(pieces) > 1, "one row cannot hold it"
    assert "".join(pieces).replace("\n", "") == long  # nothing lost, nothing repeated
    assert all((ws.row_dimensions[r].height or 0) <= MAX_ROW_HEIGHT for r in range(first, row))
    label = next(r for r in ws.merged_cells.ranges if r.min_col == 3 and r.min_row == first)
    assert (label.min_row, label.max_row) == (first, row - 1)  # the item's label spans its rows
    assert ws[f"C{first}"].value == OFFICIAL_ITEM_LABELS["business.strengths"]


def test_the_filing_workbook_is_the_same_bytes_for_the_same_filing(transcript, written) -> None:  # type: ignore[no-untyped-def]
    import time

    filing = build_filing(transcript, *written)
    first = render_filing_xlsx(filing)
    time.sleep(2.1)  # zip entries carry times in 2-second steps: a clock leaking into them would show
    assert render_filing_xlsx(filing) == first


def test_the_files_compile_filing_writes(transcript, written, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import stat

    from dialogue.sheet.files import write_outputs
    from dialogue.sheet.filing import filing_files

    sid = transcript.session_id
    bank = filing_files(build_filing(transcript, *written))
    assert sorted(bank) == sorted([f"{sid}-filing.html", f"{sid}-filing.xlsx", f"{sid}-followup.html",
                                   f"{sid}-interview-record.html"])
    owner = filing_files(build_filing(transcript, *written, audience="owner"))
    assert sorted(owner) == [f"{sid}-filing-owner.html", f"{sid}-filing-owner.xlsx"]
    for path in write_outputs(tmp_path, bank | owner):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_filing_in_english(transcript) -> None:  # type: ignore[no-untyped-def]
    filing = build_filing(transcript, {"business.strengths": "Tolerances of five microns."}, {}, lang="en")
    text = visible(render_filing_html(filing))
    assert "Commercial and business flow" in text and "Four perspectives" in text
    assert "Strengths (technology, sales)" in text and "not written" in text and "Tolerances of five microns." in text
    assert filing.header_value("header.interview_dates").value == "2026-11-23"
    wb = workbook(render_filing_xlsx(filing))
    assert "Tolerances of five microns." in all_text(wb, 1)

"""The filed sheet's header as data: the bank asks for it with structured answers (`header:` on a question —
代表者 as 役職 | 氏名, 本社の住所, 業種 from the JSIC list, 正社員 and パート as two numbers), the key is validated
like the rest of a bank, prefill offers last time's header answers, and sessions written with the bank before
these questions (1.0.0, a fixture journal) still resume and compile."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dialogue.banks.reader import check_bank
from dialogue.model.sheet_fields import HEADER_FIELDS, INDUSTRIES
from dialogue.sheet.filing import session_filing
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
from tests.helpers import FIXTURES, run_cli, standard_bank, ticking_clock

OLD_SESSION = "20261123-100000-ae04"  # written with locaben_standard 1.0.0, before the header questions


def flat(text: str) -> str:
    return "".join(text.split())


# ---- the standard bank asks for the header ----


def test_the_standard_bank_asks_for_every_header_field_the_interview_can_give() -> None:
    bank = standard_bank()
    asked = {h: q.id for q in bank.questions() for h in q.header}
    assert asked == {"header.company_name": "company_name", "header.representative_title": "representative_person",
                     "header.representative_name": "representative_person", "header.location": "head_office",
                     "header.industry": "industry_class", "header.employees_regular": "employees_regular",
                     "header.employees_part_time": "employees_part_time"}
    not_asked = {h.id for h in HEADER_FIELDS} - set(asked)
    # the dates come from the session, who wrote it from the write-ups, whom we met from the interviewer
    assert not_asked == {"header.created_on", "header.interview_dates", "header.author", "header.interviewee_name",
                         "header.interviewee_title", "header.founded"}
    industry = bank.question("industry_class")
    assert [(c.id, c.label.get("ja"), c.label.get("en")) for c in industry.choices] == [
        (code.lower(), ja, en) for code, ja, en in INDUSTRIES]
    assert bank.question("employees_regular").type == "number" and bank.question("employees_part_time").type == "number"
    assert [f.id for f in bank.question("representative_person").fields] == ["title", "name"]


def test_structured_answers_fill_the_header_cleanly(tmp_path: Path) -> None:
    with SessionManager(SessionStore(tmp_path / "s"), ticking_clock()).create(standard_bank()) as live:
        for qid, raw in (("representative_person", "代表取締役 | 緑川 誠"), ("head_office", "長野県上田市常入1-2-3"),
                         ("industry_class", "5"), ("employees_regular", "２０"), ("employees_part_time", "4人")):
            live.jump(qid)
            live.answer(raw)
        filing = session_filing(live.transcript())
    values = {h.id: h.value for h in filing.header}
    assert values["header.representative_title"] == "代表取締役" and values["header.representative_name"] == "緑川 誠"
    assert values["header.location"] == "長野県上田市常入1-2-3" and values["header.industry"] == "製造業"
    assert values["header.employees_regular"] == "20" and values["header.employees_part_time"] == "4"
    assert filing.header_value("header.representative").value == "代表取締役 緑川 誠"


# ---- the `header:` key is validated like the rest of the bank ----


BANK = """\
format: locaben-bank/1
id: header_test
version: "1"
title: {ja: 見出し, en: Header}
languages: [ja, en]
sections:
  - id: basics
    title: {ja: 基本, en: Basics}
    questions:
      - id: name
        text: {ja: 商号, en: Name}
        type: text
        fills: [company.name]
        header: [header.company_nam]
      - id: staff
        text: {ja: 従業員, en: Staff}
        type: text
        fills: [company.employees]
        header: [header.employees_regular]
      - id: kind
        text: {ja: 業種, en: Industry}
        type: choice
        fills: [company.industry]
        header: [header.industry]
        choices:
          - {id: e, label: {ja: 製造業, en: Manufacturing}}
          - {id: metal, label: {ja: 金属加工, en: Metalwork}}
      - id: person
        text: {ja: 代表者, en: Representative}
        type: group
        fills: [company.representative]
        header: [header.representative_name]
        fields:
          - {id: title, label: {ja: 役職, en: Title}}
          - {id: name, label: {ja: 氏名, en: Name}}
      - id: day
        text: {ja: 面談日, en: Day}
        type: text
        fills: [company.founded]
        header: [header.interview_dates]
"""


def test_header_mistakes_are_reported_with_positions_and_fixes(tmp_path: Path) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text(BANK, encoding="utf-8")
    bank, problems = check_bank(path)
    assert bank is None
    found = [(p.code, p.position.line, p.message) for p in problems]
    assert found[0][:2] == ("E116", 14) and "header.company_nam" in found[0][2]
    assert problems[0].hint == "did you mean 'header.company_name'?"
    assert found[1][:2] == ("E118", 19) and "needs a question of type number, not text" in found[1][2]
    assert found[2][:2] == ("E118", 24) and "the choices metal are not industries" in found[2][2]
    assert found[3][:2] == ("E118", 32) and "a group question gives one header field per record field" in found[3][2]
    assert found[4][:2] == ("E118", 40) and "taken from the session's dates, never asked" in found[4][2]
    assert len(found) == 5


# ---- prefill ----


def test_an_interview_from_an_earlier_session_offers_its_header_answers(tmp_path: Path) -> None:
    sessions = ["--sessions-dir", str(tmp_path / "s")]
    code, _, _ = run_cli(["interview", "--plain", "--lang", "ja", *sessions],
                     "株式会社みどり精工\n/jump representative_person\n代表取締役 | 緑川 誠\n/jump employees_regular\n20\n/pause\n")
    assert code == 0
    first = SessionStore(tmp_path / "s").session_ids()[0]
    code, out, _ = run_cli(["interview", "--plain", "--lang", "ja", "--from", first, *sessions],
                       "\n/jump representative_person\n\n/jump employees_regular\n\n/pause\n")
    assert code == 0 and "前回の回答があります" in out
    second = next(i for i in SessionStore(tmp_path / "s").session_ids() if i != first)
    transcript = SessionManager(SessionStore(tmp_path / "s"), ticking_clock()).transcript(second)
    assert transcript.answers["representative_person"].value == [{"title": "代表取締役", "name": "緑川 誠"}]
    assert transcript.answers["employees_regular"].value == 20
    filing = session_filing(transcript)
    assert filing.header_value("header.representative").value == "代表取締役 緑川 誠"
    assert filing.header_value("header.company_name").value == "株式会社みどり精工"


# ---- sessions of the bank before the header questions ----


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    store = tmp_path / "s"
    store.mkdir(mode=0o700)
    shutil.copy(FIXTURES / "old_bank_session" / f"{OLD_SESSION}.jsonl", store)
    (store / f"{OLD_SESSION}.jsonl").chmod(0o600)
    return store


def test_a_session_of_the_old_bank_resumes_and_is_asked_the_header_questions(old_store: Path) -> None:
    code, out, err = run_cli(["resume", OLD_SESSION, "--plain", "--lang", "ja", "--same-visit",
                          "--sessions-dir", str(old_store)],
                         "/jump representative_person\n代表取締役 | 緑川 誠\n/pause\n")
    assert code == 0, err
    assert "representative_person" in err and "No answer was dropped" in err  # the new questions are said
    transcript = SessionManager(SessionStore(old_store), ticking_clock()).transcript(OLD_SESSION)
    assert transcript.answers["representative"].raw == "代表取締役 緑川 誠（二代目、2012年就任）"  # nothing lost
    assert transcript.answers["history_story"].raw.startswith("父が1978年に町工場として創業し")
    assert transcript.answers["representative_person"].value == [{"title": "代表取締役", "name": "緑川 誠"}]
    assert transcript.bank.version == "1.1.0" and transcript.previous_answers == ()


def test_a_session_of_the_old_bank_compiles_the_sheet_and_the_filing(old_store: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    code, out, err = run_cli(["compile", OLD_SESSION, "-o", str(out_dir), "--sessions-dir", str(old_store)])
    assert code == 0, err
    assert {p.name for p in out_dir.iterdir() if not p.name.startswith(".")} >= {
        f"{OLD_SESSION}-sheet.md", f"{OLD_SESSION}-sheet.json", f"{OLD_SESSION}-sheet.xlsx"}
    code, out, err = run_cli(["compile", OLD_SESSION, "--filing", "-o", str(out_dir), "--sessions-dir", str(old_store)])
    assert code == 0, err
    html = (out_dir / f"{OLD_SESSION}-filing.html").read_text(encoding="utf-8")
    assert "株式会社みどり精工" in html  # 商号 was plain data in 1.0.0 as well
    assert "1978年創業の町工場。2009年に医療機器向けに転換し、売上は10年で2倍になった。" in html  # its write-up
    listed = flat(err)
    assert "未記入:従業員数（正社員）（header.employees_regular）" in listed  # the old head count included part-timers
    assert "未記入:代表者名（header.representative_name）" in listed

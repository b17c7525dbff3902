"""Personas carry the expert's model write-up of every box (`writeup:`): the shipped ones follow the advice they
illustrate, each check has its code and position, the owner answers the bank's header questions from it, and
role-play scores a trainee's write-up against it (key facts kept)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogue.banks.builtin import personas_dir
from dialogue.model.sheet_fields import HEADER_FIELDS_BY_ID, WRITEUP_BOXES, WRITEUP_BOXES_BY_ID
from dialogue.model.writing import polite_sentences, writeup_length
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
from dialogue.training.persona import available_personas, check_persona, load_persona, persona_path
from dialogue.training.scoring import Owner, unattended
from dialogue.training.writeup_score import score_writeups
from tests.helpers import at, replace_once, run_cli, standard_bank, ticking_clock

BANK = standard_bank()
BASE = (personas_dir() / "kozuchi_seiko.yaml").read_text(encoding="utf-8")


def problems_of(tmp_path: Path, text: str) -> list[tuple[str, int, int, str]]:
    path = tmp_path / "kozuchi_seiko.yaml"
    path.write_text(text, encoding="utf-8")
    return [(p.code, p.position.line, p.position.column, p.message) for p in check_persona(path, BANK)[1]]


# ---- the shipped personas ----


@pytest.mark.parametrize("name", available_personas())
def test_every_shipped_persona_writes_up_every_box_the_sheet_needs(name: str) -> None:
    persona = load_persona(persona_path(name), BANK)
    for lang in ("ja", "en"):
        written = persona.writeups_in(lang)
        assert {b.id for b in WRITEUP_BOXES if b.required} <= set(written), name
        assert {"header.interviewee_title", "header.interviewee_name"} <= set(written)
        for box_id, text in written.items():
            box = WRITEUP_BOXES_BY_ID.get(box_id)
            if box is None:
                assert box_id in HEADER_FIELDS_BY_ID
                continue
            target = box.target.for_lang(lang)
            assert target.min <= writeup_length(text) <= target.max, (name, lang, box_id)
            assert lang == "en" or not polite_sentences(text), (name, box_id)


def test_the_owner_answers_the_header_questions_from_the_write_up() -> None:
    persona = load_persona(persona_path("kozuchi_seiko"), BANK)
    owner = Owner(persona, BANK, "ja")
    assert owner.answer("representative_person").value == "代表取締役 | 小槌 正夫"
    assert owner.answer("industry_class").value == "e"
    assert owner.answer("employees_regular").value == "19" and owner.answer("employees_part_time").value == "4"
    # the conversational question keeps the owner's own words (and the facts scored on them)
    assert owner.answer("representative").value.startswith("代表取締役の小槌正夫です。父から継いだ二代目")
    assert persona.choices(BANK)["industry_class"] == "e"
    transcript = unattended(BANK, persona, "model", "en")
    assert transcript.answers["representative_person"].value == [{"title": "President", "name": "Masao Kozuchi"}]


# ---- each check, at its position ----


def test_an_unknown_box_is_named_with_a_suggestion(tmp_path: Path) -> None:
    text = replace_once("  business.strengths:\n    ja: 1000分", "  business.strenghts:\n    ja: 1000分")(BASE)
    found = problems_of(tmp_path, text)
    line, column = at(text, "business.strenghts:")
    assert found[0][:3] == ("P160", line, column) and "'business.strenghts'" in found[0][3]
    assert found[-1][0] == "P165" and "business.strengths" in found[-1][3]  # and the box is then missing


def test_polite_endings_a_length_outside_the_target_and_a_stray_fact_are_reported(tmp_path: Path) -> None:
    polite = replace_once("利益率を以前の5％に戻したい意向はある。", "利益率を以前の5％に戻したいそうです。")(BASE)
    assert [p[0] for p in problems_of(tmp_path, polite)] == ["P161"]
    long = replace_once("    ja: 人手不足と後継者の不在。工場長への承継は、断られることを恐れて切り出せていない。",
                        "    ja: " + "人手不足と後継者の不在。" * 8)(BASE)
    found = problems_of(tmp_path, long)
    assert [p[0] for p in found] == ["P162"] and "96 characters, the target is 30–80" in found[0][3]
    stray = replace_once("上位3社で売上の7割（東浜精機1社で4割）", "上位3社で売上の8割（東浜精機1社で4割）")(BASE)
    found = problems_of(tmp_path, stray)
    assert [p[0] for p in found] == ["P163"] and "states 8割, which the persona never says" in found[0][3]
    assert found[0][1:3] == at(stray, "ja: 10年以上の取引先が中心")


def test_header_values_are_data(tmp_path: Path) -> None:
    text = replace_once('header.employees_regular: {ja: "19", en: "19"}',
                        'header.employees_regular: {ja: 19人, en: "19"}')(BASE)
    text = replace_once("header.industry: {ja: 製造業, en: Manufacturing}",
                        "header.industry: {ja: 精密加工, en: Manufacturing}")(text)
    found = problems_of(tmp_path, text)
    assert [p[0] for p in found] == ["P164", "P164"]
    messages = " / ".join(p[3] for p in found)
    assert "'19人' is not a number" in messages and "'精密加工' is not an industry of the list" in messages


def test_a_missing_box_is_reported_once_the_persona_has_a_write_up(tmp_path: Path) -> None:
    block = BASE[BASE.index("  summary.actions:\n    ja:"):BASE.index("  summary.actions.supporter:")]
    found = problems_of(tmp_path, BASE.replace(block, ""))
    assert [(p[0], p[3]) for p in found] == [("P165", "no model write-up for summary.actions")]


# ---- role-play scores the trainee's write-up ----


def test_roleplay_scores_the_write_up_against_the_model_one(tmp_path: Path) -> None:
    lines = ["/ask strengths_tech", "精度。1000分の5ミリ", "/write 強み",
             "1000分の5ミリの公差に対応する精密加工が強みで、売上の9割以上がリピートである。", "", "/finish"]
    code, out, err = run_cli(["roleplay", "--persona", "kozuchi_seiko", "--plain", "--lang", "ja",
                          "--sessions-dir", str(tmp_path / "s")], "\n".join(lines) + "\n")
    assert code == 0, err
    flat = "".join(out.split())
    assert "清書（要点の保持）" in flat
    persona = load_persona(persona_path("kozuchi_seiko"), BANK)
    sid = SessionStore(tmp_path / "s").session_ids()[0]
    transcript = SessionManager(SessionStore(tmp_path / "s"), ticking_clock()).transcript(sid)
    scores = {s.box_id: s for s in score_writeups(transcript, persona, "ja")}
    strengths = scores["business.strengths"]
    assert strengths.written and {f.text for f in strengths.kept} == {"1000分", "9割"}
    assert {f.text for f in strengths.missed} >= {"2週間", "3日", "東浜精機"}
    assert not scores["business.weaknesses"].written
    kept = sum(len(s.kept) for s in scores.values())
    total = sum(len(s.kept) + len(s.missed) for s in scores.values())
    assert f"模範の清書の要点{total}件のうち{kept}件をあなたの清書が押さえています（清書した欄1/" in flat
    assert "技術力・販売力の強み:抜けている要点" in flat


def test_a_model_interview_with_the_model_write_up_keeps_every_fact() -> None:
    persona = load_persona(persona_path("ushioya_foods"), BANK)
    transcript = unattended(BANK, persona, "model", "ja")
    from dataclasses import replace

    from dialogue.model.transcript import WriteUp

    written = {b: (WriteUp(b, t, transcript.last_at),) for b, t in persona.writeups_in("ja").items()}
    scores = score_writeups(replace(transcript, writeup_history=written), persona, "ja")
    assert scores and all(s.written and not s.missed for s in scores)

"""`locaben roleplay` end to end through plain input, in-process: what the trainee sees, what is saved,
and that the session compiles and can be scored again later."""

from __future__ import annotations

import json
from pathlib import Path

from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from dialogue.banks.builtin import personas_dir
from dialogue.model.events import Noted, Started
from dialogue.store.journal import SessionStore
from dialogue.training.roleplay import completer
from tests.helpers import run_cli, standard_bank

SCRIPT = [
    "/ask company_name",
    "株式会社小槌精工",
    "strengths_tech",                    # a bare question id asks it too
    "精度が強み。1000分の5ミリまで",
    "/probe 2",
    "村井さんと二人で一から作り上げた条件表が財産",
    "/ask successor_status",
    "4 息子さんは東京、後継者は決まっていない",  # a choice number, then a note
    "/ask employees",
    "23人 正社員19人",
    "/probe 1",                          # employees has no follow-ups
    "/probe",
    "/frobnicate",
    "/note 社長は67歳",
    "/list",
    "/probes",
    "/review",
    "/finish",
]


def roleplay(tmp_path: Path, lines: list[str], persona: str = "kozuchi_seiko", lang: str = "ja"
             ) -> tuple[int, str, str]:
    return run_cli(["roleplay", "--persona", persona, "--plain", "--lang", lang, "--sessions-dir", str(tmp_path / "s")],
               "\n".join(lines) + "\n")


def only_session(tmp_path: Path) -> str:
    ids = SessionStore(tmp_path / "s").session_ids()
    assert len(ids) == 1
    return ids[0]


def test_a_roleplay_from_questions_to_score(tmp_path: Path) -> None:
    code, out, err = roleplay(tmp_path, SCRIPT)
    assert code == 0, err
    flat = out.replace("\n", "")
    assert "ロールプレイ研修 — 株式会社小槌精工" in flat
    assert "社長：精度ですね。" in flat  # the terse owner: one sentence
    assert "社長：1000分の5ミリの公差まで対応できます。リーマンショックの後" in flat  # the rest, at probe 2
    assert "この質問には深掘りがありません" in flat
    assert "/probe には引数が必要です" in flat and "不明なコマンド: /frobnicate" in flat
    assert "strengths_tech" in flat and "シートの下書き" in flat  # /list and /review
    assert "採点 — 株式会社小槌精工" in flat
    assert "聞き漏らした事実と、引き出せたはずの質問" in flat
    assert "/ask weaknesses → /probe 2" in flat  # advice names the probe that reveals a missed fact
    assert "locaben compile" in flat
    sid = only_session(tmp_path)
    journal = SessionStore(tmp_path / "s").read(sid)
    started = journal.events[0].payload
    assert isinstance(started, Started)
    assert (started.persona, started.training, started.mode) == ("kozuchi_seiko", "roleplay", "meeting")
    kinds = [e.kind for e in journal.events]
    assert kinds.count("followed_up") == 1 and kinds[-1] == "finished"
    notes = [e.payload for e in journal.events if e.kind == "noted"]
    assert Noted("employees", "社長は67歳") in notes
    answered = {e.payload.question: e.payload.value for e in journal.events if e.kind == "answered"}
    assert answered["successor_status"] == "none" and answered["employees"] == 23


def test_the_saved_roleplay_compiles_and_scores_again(tmp_path: Path) -> None:
    roleplay(tmp_path, SCRIPT)
    sid = only_session(tmp_path)
    code, _, err = run_cli(["compile", sid, "--format", "json", "-o", str(tmp_path / "out"),
                        "--sessions-dir", str(tmp_path / "s")])
    assert code == 0, err
    sheet = json.loads((tmp_path / "out" / f"{sid}-sheet.json").read_text(encoding="utf-8"))
    assert sheet["fields"]["company.name"]["value"] == "株式会社小槌精工"
    assert "条件表" in json.dumps(sheet["fields"]["business.strengths"], ensure_ascii=False)
    code, out, _ = run_cli(["roleplay", "--score", sid, "--lang", "en", "--sessions-dir", str(tmp_path / "s")])
    assert code == 0
    assert "Score — Kozuchi Seiko Co., Ltd." in out.replace("\n", "")


def test_end_of_input_finishes_and_scores(tmp_path: Path) -> None:
    code, out, _ = roleplay(tmp_path, ["/ask company_name", "Kozuchi Seiko"], lang="en")
    assert code == 0
    assert "Score — Kozuchi Seiko Co., Ltd." in out.replace("\n", "")
    assert "Owner: Kozuchi Seiko Co., Ltd." in out


def test_notes_before_any_question_and_conditional_questions_are_explained(tmp_path: Path) -> None:
    _, out, _ = roleplay(tmp_path, ["メモだけ", "/ask succession_options", "/finish"])
    flat = out.replace("\n", "")
    assert "まず質問を選んでください" in flat
    assert "この質問は、先に successor_status を記録するとシートに載ります" in flat


def test_persona_text_is_printed_literally_never_as_markup(tmp_path: Path) -> None:
    text = (personas_dir() / "kozuchi_seiko.yaml").read_text(encoding="utf-8")
    text = text.replace("      ja: 株式会社小槌精工\n", "      ja: \"[bold red]株式会社小槌精工[/] {company}\"\n", 1)
    path = tmp_path / "kozuchi_seiko.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = roleplay(tmp_path, ["/ask company_name", "/finish"], persona=str(path))
    assert code == 0, err
    assert "社長：[bold red]株式会社小槌精工[/] {company}" in out


def test_usage_errors(tmp_path: Path) -> None:
    code, _, err = run_cli(["roleplay", "--plain", "--sessions-dir", str(tmp_path)])
    assert code == 2 and "--persona NAME" in err
    code, _, err = run_cli(["roleplay", "--persona", "kozuchi", "--plain", "--sessions-dir", str(tmp_path)])
    assert code == 1 and "did you mean 'kozuchi_seiko'" in err
    code, _, err = run_cli(["roleplay", "--persona", "kozuchi_seiko", "--sessions-dir", str(tmp_path)])
    assert code == 2 and "--plain" in err  # stdin is not a terminal
    code, out, _ = run_cli(["roleplay", "--list"])
    assert code == 0 and "kozuchi_seiko\t株式会社小槌精工" in out


def test_completion_offers_questions_after_ask_and_bare_ids() -> None:
    complete = completer(standard_bank())

    def words(text: str) -> list[str]:
        return [c.text for c in complete.get_completions(Document(text), CompleteEvent())]

    assert "strengths_tech" in words("/ask strengths_t")
    assert "strengths_tech" in words("strengths_t")
    assert words("/pro") == ["probe", "probes"]
    assert words("精度が") == []  # a note is not completed
    assert "successor_status" in words("/ask 事業の引継ぎ")  # a few words of the question in Japanese


def test_a_question_quoting_earlier_answers_reads_them_or_its_fallback_never_braces(tmp_path: Path) -> None:
    """/jump and /ask completion, /list, /ask and the report: 「御社は{customers.name|…}」 never shows its
    braces — the answers recorded so far are quoted, or the fallback wording is read."""
    meta = {c.text: c.display_meta_text for c in completer(standard_bank()).get_completions(
        Document("/ask customer_value_c"), CompleteEvent())}
    assert meta["customer_value_confirm"].startswith("ここまでのお話をまとめますと、御社は（主な得意先）")
    _, out, _ = roleplay(tmp_path, ["/list", "/ask customers", "東浜精機株式会社 | 試作が早い",
                                    "/ask customer_value_confirm", "/finish"])
    flat = out.replace("\n", "")
    assert "{" not in flat and "御社は（主な得意先）に対して" in flat  # /list, before any answer
    assert "御社は「東浜精機株式会社」に対して" in flat  # /ask, after the customers were recorded


def test_a_fact_no_probe_reaches_is_reported_as_a_follow_up_of_your_own(tmp_path: Path) -> None:
    _, out, _ = roleplay(tmp_path, ["/ask history_story", "/finish"], persona="asagi_printing")
    flat = out.replace("\n", "")
    assert "/ask history_story のあと、自分の言葉で深掘りする" in flat  # business.history#4: probe: none
    _, out, _ = roleplay(tmp_path / "en", ["/ask history_story", "/finish"], persona="asagi_printing", lang="en")
    assert "/ask history_story, then a follow-up of your own" in out.replace("\n", "")

"""機微情報 caught at entry, through the live session and the real `locaben` commands: the screen warns at
once (「機微情報の可能性: 健康」), the question is flagged in the same write as the answer, the text stays out
of every compiled file and of the owner's copy until the interviewer confirms it (/confirm, an event), and
a bank's own word list (the `sensitive:` key) is read, checked and used."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from dialogue.banks.reader import load_bank
from dialogue.banks.sensitive_reader import load_checker
from dialogue.engine import NoticeKind
from dialogue.errors import BankError, CommandError, Refusal
from dialogue.model.events import Started
from dialogue.sheet.filing import build_filing
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
from tests.helpers import MINI_BANK, run_cli, ticking_clock
from tests.protect_support import KINDS, environ_of_kind, store_of_kind

STORY = "創業は1978年、長野県上田市。先代は持病の糖尿病が悪化し、承継を急いでいる。"
PLAIN_STORY = "創業は1978年、長野県上田市。父が旋盤2台で始め、今は従業員24名です。"


def manager(root: Path, kind: str = "plain") -> SessionManager:
    return SessionManager(store_of_kind(root, kind), ticking_clock())


def to_history(live):  # type: ignore[no-untyped-def]
    live.answer("株式会社みどり精工")
    live.answer("24")
    assert live.step().question.id == "history_story"


def test_a_sensitive_answer_warns_and_is_flagged_in_the_same_write(tmp_path: Path) -> None:
    sessions = manager(tmp_path)
    with sessions.create(load_bank(MINI_BANK), Started(lang="ja")) as live:
        to_history(live)
        writes: list[bytes] = []
        real_write = os.write
        os.write = lambda fd, data: writes.append(bytes(data)) or real_write(fd, data)  # type: ignore[assignment]
        try:
            step = live.answer(STORY)
        finally:
            os.write = real_write
        sid = live.session_id
    (notice,) = [n for n in step.notices if n.kind is NoticeKind.SENSITIVE]
    assert (notice.question, notice.detail) == ("history_story", "健康")
    assert len(writes) == 1 and b'"kind":"answered"' in writes[0] and b'"kind":"flagged"' in writes[0]
    flagged = [e for e in sessions.store.read(sid).events if e.kind == "flagged"]
    assert [(e.question, e.payload.note, e.payload.sensitive) for e in flagged] == [
        ("history_story", "機微情報の可能性: 健康", "medical")]
    assert sessions.transcript(sid).flags == {"history_story": "機微情報の可能性: 健康"}


def test_an_ordinary_answer_is_not_flagged(tmp_path: Path) -> None:
    sessions = manager(tmp_path)
    with sessions.create(load_bank(MINI_BANK), Started(lang="ja")) as live:
        to_history(live)
        step = live.answer(PLAIN_STORY)
        assert not step.notices and live.engine.events[-1].kind != "flagged"
        assert "flagged" not in [e.kind for e in live.engine.events]


def test_notes_and_probe_answers_are_checked_too_in_english_as_well(tmp_path: Path) -> None:
    sessions = manager(tmp_path)
    with sessions.create(load_bank(MINI_BANK), Started(lang="en")) as live:
        to_history(live)
        step = live.answer("Founded 1978.")  # thin: a probe follows
        assert step.state == "probing"
        step = live.answer("The founder was diagnosed with dementia last year")
        assert [(n.kind, n.detail) for n in step.notices] == [(NoticeKind.SENSITIVE, "health")]
        step = live.note("社長は熱心なキリスト教徒で日曜は店を閉める")
        assert [n.detail for n in step.notices] == ["creed / religion"]
        notes = [e.payload.sensitive for e in live.engine.events if e.kind == "flagged"]
    assert notes == ["medical", "creed"]


def test_confirming_is_an_event_and_only_what_waits_can_be_confirmed(tmp_path: Path) -> None:
    sessions = manager(tmp_path)
    with sessions.create(load_bank(MINI_BANK), Started(lang="ja")) as live:
        with pytest.raises(CommandError) as refused:
            live.confirm_sensitive()
        assert refused.value.refusal is Refusal.NOTHING_TO_CONFIRM
        to_history(live)
        live.answer(STORY)
        assert "confirm_sensitive" in live.engine.legal_commands()
        step = live.confirm_sensitive()
        assert [n.kind for n in step.notices] == [NoticeKind.SENSITIVE_CONFIRMED]
        assert live.engine.events[-1].to_json()["kind"] == "sensitive_confirmed"
        assert "confirm_sensitive" not in live.engine.legal_commands()
        sid = live.session_id
    with sessions.resume(sid) as live:  # replayed: nothing waits any more
        assert "confirm_sensitive" not in live.engine.legal_commands()


def test_text_recorded_before_the_check_existed_can_be_confirmed_on_its_question(tmp_path: Path) -> None:
    """A session written before the entry check (no flag) is still left out when compiled; /confirm on the
    question checks its text then, and flags and confirms it in one write."""
    sessions = SessionManager(SessionStore(tmp_path), ticking_clock(), sensitive=False)  # as an older locaben
    with sessions.create(load_bank(MINI_BANK), Started(lang="ja")) as live:
        to_history(live)
        live.answer(STORY)
        sid = live.session_id
    sessions = manager(tmp_path)
    assert "持病" not in str(sessions.export_transcript(sid)[0].answers["history_story"].raw)
    with sessions.resume(sid) as live:
        with pytest.raises(CommandError):
            live.confirm_sensitive()  # on the current question (the successor one): nothing there
        live.jump("history_story")
        step = live.confirm_sensitive()
        assert [n.kind for n in step.notices] == [NoticeKind.SENSITIVE_CONFIRMED]
        assert [e.kind for e in live.engine.events[-2:]] == ["flagged", "sensitive_confirmed"]
    assert sessions.export_transcript(sid)[0].answers["history_story"].raw == STORY


# ---- through `locaben`: the screen, the compiled files, /confirm ----

def interview(tmp_path: Path, kind: str, *extra: str) -> tuple[str, str]:
    sessions = tmp_path / "s"
    store_of_kind(sessions, kind)
    code, out, err = run_cli(["interview", "--plain", "--lang", "ja", "--bank", str(MINI_BANK), "--sessions-dir",
                          str(sessions)], "\n".join(["株式会社みどり精工", "24", STORY, *extra, "/pause"]) + "\n",
                         environ_of_kind(kind))
    assert code == 0, err
    return next(sessions.glob("*.jsonl")).stem, out.replace("\n", "")  # as read, not as wrapped at 80 columns


def compiled(tmp_path: Path, kind: str, sid: str) -> tuple[dict[str, bytes], str]:
    out = tmp_path / "out"
    code, _, err = run_cli(["compile", sid, "-o", str(out), "--sessions-dir", str(tmp_path / "s")], "",
                       environ_of_kind(kind))
    assert code == 0, err
    files = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    for name, data in list(files.items()):
        if name.endswith(".xlsx"):  # the cells' text, for the grep below
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                files[name] = b"".join(book.read(n) for n in book.namelist())
    return files, err


@pytest.mark.parametrize("kind", KINDS)
def test_the_screen_warns_and_the_compiled_files_leave_the_text_out_until_confirmed(tmp_path: Path, kind: str
                                                                                      ) -> None:
    sid, out = interview(tmp_path, kind)
    assert "機微情報の可能性: 健康" in out and "/confirm" in out
    files, err = compiled(tmp_path, kind, sid)
    assert "1 text(s) that may be sensitive" in err
    assert set(files) >= {f"{sid}-sheet.md", f"{sid}-sheet.json", f"{sid}-sheet.xlsx", f"{sid}-transcript.md"}
    for name, data in files.items():
        assert "糖尿病".encode() not in data and "持病".encode() not in data, name
    assert "機微情報の可能性（健康）があるため省略".encode() in files[f"{sid}-sheet.md"]
    assert "機微情報の可能性（健康）があるため省略".encode() in files[f"{sid}-transcript.md"]


def test_after_confirm_the_text_is_compiled(tmp_path: Path) -> None:
    sid, out = interview(tmp_path, "plain", "/confirm")
    assert "確認済みにしました" in out
    files, err = compiled(tmp_path, "plain", sid)
    assert "sensitive" not in err
    assert "糖尿病".encode() in files[f"{sid}-sheet.md"] and "糖尿病".encode() in files[f"{sid}-sheet.json"]


def test_the_owners_copy_leaves_out_an_unconfirmed_box(tmp_path: Path) -> None:
    sessions = manager(tmp_path)
    with sessions.create(load_bank(MINI_BANK), Started(lang="ja")) as live:
        to_history(live)
        live.answer(STORY)
        sid = live.session_id
    transcript = sessions.transcript(sid)
    writeups = {"business.history": "先代の持病（糖尿病）のため承継を急ぐ。", "business.strengths": "精密加工"}
    checker = load_checker(MINI_BANK)
    owner = build_filing(transcript, writeups, lang="ja", audience="owner", sensitive=checker)
    assert "糖尿病" not in owner.box("business.history").text and "省略" in owner.box("business.history").text
    assert owner.box("business.strengths").text == "精密加工"
    bank_copy = build_filing(transcript, writeups, lang="ja", audience="bank", sensitive=checker)
    assert "糖尿病" in bank_copy.box("business.history").text  # the bank's own copy keeps it
    with sessions.resume(sid) as live:
        live.confirm_sensitive("history_story")
    owner = build_filing(sessions.transcript(sid), writeups, lang="ja", audience="owner", sensitive=checker)
    assert "糖尿病" in owner.box("business.history").text


# ---- a bank's own list ----

def bank_with_list(tmp_path: Path, text: str) -> Path:
    bank = tmp_path / "bank.yaml"
    shutil.copy(MINI_BANK, bank)
    source = bank.read_text(encoding="utf-8")
    bank.write_text(source.replace("\nsections:", "\nsensitive: [extra_words.yaml]\nsections:", 1), encoding="utf-8")
    (tmp_path / "extra_words.yaml").write_text(text, encoding="utf-8")
    return bank


def test_a_bank_names_its_own_list_and_the_interview_uses_it(tmp_path: Path) -> None:
    bank = bank_with_list(tmp_path, "format: locaben-sensitive/1\nlanguage: ja\ncategories:\n"
                                    "  - {id: medical, not: [糖尿病]}\n"
                                    "  - id: family_money\n    label: {ja: 家計, en: household money}\n"
                                    "    words: [住宅ローン]\n")
    loaded = load_bank(bank)  # accepted: no E110 for `sensitive`
    sessions = SessionManager(SessionStore(tmp_path / "s"), ticking_clock())
    with sessions.create(loaded, Started(lang="ja")) as live:
        to_history(live)
        assert not live.answer("先代は糖尿病の治療薬を開発").notices  # the bank's `not:` (a drug maker, say)
        step = live.note("社長個人の住宅ローンが残っている")
        assert [n.detail for n in step.notices] == ["家計"]


def test_problems_in_a_banks_list_are_reported_at_their_place(tmp_path: Path) -> None:
    bank = bank_with_list(tmp_path, "format: locaben-sensitive/1\ncategories:\n  - id: new_one\n    words: [x]\n")
    with pytest.raises(BankError) as failed:
        load_bank(bank)
    (problem,) = failed.value.problems
    assert problem.code == "E111" and problem.position.file.endswith("extra_words.yaml")
    (tmp_path / "extra_words.yaml").unlink()
    with pytest.raises(BankError) as failed:
        load_bank(bank)
    assert [p.code for p in failed.value.problems] == ["E140"]
    assert "extra_words.yaml" in failed.value.problems[0].message


def test_the_new_words_are_in_both_catalogues_with_the_same_placeholders() -> None:
    import string

    from dialogue.i18n import en, ja

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    new = [k for k in ja.MESSAGES if k.startswith(("protect.", "keys.", "output.", "help.store", "help.audit"))
           or "sensitive" in k or k in ("cmd.confirm", "sheet.withheld", "help.delete", "help.purge")]
    assert len(new) >= 30
    for key in new:
        assert fields(ja.MESSAGES[key]) == fields(en.MESSAGES[key]), key
    assert ja.MESSAGES["notice.sensitive_flag"].format(detail="健康") == "機微情報の可能性: 健康"

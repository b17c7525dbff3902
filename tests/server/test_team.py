"""Team work through the real `locaben` commands against a real server: submit → return → revise →
submit → approve, a handover, and the report's counts against the events behind them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.server.conftest import Server
from tests.server.helpers import Officer

pytestmark = pytest.mark.server


@pytest.fixture
def office(server: Server, tmp_path: Path) -> dict[str, Officer]:
    return {s: Officer(server, s, tmp_path) for s in ("tanaka", "yamada", "suzuki", "sato", "kimura")}


def test_submit_return_revise_and_approve_round_trip(office: dict[str, Officer]) -> None:
    tanaka, sato = office["tanaka"], office["sato"]
    tanaka.ok("config", "set", "user.name", "田中 一郎")
    sid = tanaka.device.interview()
    assert "同期: 送信 1 件" in tanaka.ok("sync")
    assert f"{sid}: 承認を申請しました" in tanaka.ok("submit", sid)

    code, _, err = tanaka.run("review", sid, "--approve")  # an interviewer may not review
    assert code == 7 and "tanaka の役割は面談担当です。シートの承認・差戻しができるのは承認者と管理者だけです" in err
    code, _, err = tanaka.run("review", sid, "--approve", "--lang", "en")
    assert code == 7 and "tanaka is an interviewer: only a reviewer or an admin may approve" in err

    sato.ok("review", sid, "--return", "強みの根拠（数字）を追記してください")
    tanaka.ok("sync")
    returned = tanaka.device.events(sid)[-1]
    assert returned["kind"] == "returned" and returned["comment"] == "強みの根拠（数字）を追記してください"
    assert returned["by"]["id"] == "sato"
    assert tanaka.kinds(sid)[-2] == "submitted"
    assert tanaka.device.events(sid)[-2]["by"] == {"id": "tanaka", "name": "田中 一郎", "device": tanaka.device_id()}

    tanaka.device.continue_(sid, "強み：主要顧客3社で売上の6割、取引20年以上")  # the revision, offline
    code, _, err = sato.run("review", sid, "--approve")
    assert code == 7 and "承認待ちではありません（状態: 差戻し）" in err  # nothing to approve until submitted again
    tanaka.ok("submit", sid)  # sends the revision first, then the submission
    sato.ok("review", sid, "--approve", "--comment", "確認しました")
    tanaka.ok("sync")
    kinds = tanaka.kinds(sid)
    assert kinds[-1] == "approved" and kinds.count("submitted") == 2 and "returned" in kinds
    tanaka.device.continue_(sid, "承認後も再開できる")  # a journal with team events still resumes
    out = tanaka.device.store.root.parent / "out"
    tanaka.ok("compile", sid, "--format", "transcript", "-o", str(out))
    record = (out / f"{sid}-transcript.md").read_text(encoding="utf-8")  # who submitted, returned, approved
    assert "| 承認申請 |  | 田中 一郎 |" in record
    assert "| 差戻し | 強みの根拠（数字）を追記してください | 佐藤 課長 |" in record
    assert "| 承認 | 確認しました | 佐藤 課長 |" in record


def test_a_handover_keeps_the_history_and_moves_access(office: dict[str, Officer]) -> None:
    tanaka, suzuki, sato = office["tanaka"], office["suzuki"], office["sato"]
    sid = tanaka.device.interview()
    tanaka.ok("sync")
    before = tanaka.device.events(sid)
    sato.ok("sync", "--session", sid)  # the reviewer of 本店 reads it
    assert f"{sid}: suzuki に担当替えしました" in tanaka.ok("assign", sid, "--to", "suzuki")
    assert "受け取り" in suzuki.ok("sync")  # the new officer gets the whole history
    assert suzuki.device.events(sid)[: len(before)] == before
    assignment = suzuki.device.events(sid)[-1]
    assert (assignment["kind"], assignment["to"], assignment["from"]) == ("assigned", "suzuki", "tanaka")
    out = suzuki.device.store.root.parent / "out"
    suzuki.ok("compile", sid, "--format", "transcript", "-o", str(out))
    assert "| 担当替え | tanaka → suzuki | 田中 一郎 |" in (out / f"{sid}-transcript.md").read_text(encoding="utf-8")
    suzuki.device.continue_(sid, "港支店で引き継ぎ")
    suzuki.ok("sync")
    code, _, err = tanaka.run("sync")  # tanaka's copy stays on their laptop, but the server is closed to them
    assert code == 1 and "あなたには見られません" in err
    code, _, err = sato.run("sync", "--session", sid)  # 本店's reviewer: the session now belongs to 港支店
    assert code == 1 and sid in err
    code, _, err = tanaka.run("assign", sid, "--to", "nobody")
    assert code == 7


def test_the_report_counts_match_the_events(office: dict[str, Officer], server: Server) -> None:
    tanaka, yamada, suzuki, sato = office["tanaka"], office["yamada"], office["suzuki"], office["sato"]
    a1 = tanaka.device.interview("株式会社みどり精工")
    a2 = tanaka.device.interview("株式会社 みどり精工")  # the same company next year: counted once
    a3 = tanaka.device.interview("有限会社あおば食品")
    b1 = yamada.device.interview("株式会社しおさい観光")
    c1 = suzuki.device.interview("港運輸株式会社")
    for officer in (tanaka, yamada, suzuki):
        officer.ok("sync")
    for officer, sid in ((tanaka, a1), (tanaka, a3), (yamada, b1)):
        officer.ok("submit", sid)
    sato.ok("review", a1, "--approve")
    sato.ok("review", b1, "--approve")
    office["kimura"].ok("review", a3, "--return", "再確認")
    assert a2 and c1

    admin = office["kimura"]
    rows = json.loads(admin.ok("report", "--from", "2026-11-01", "--to", "2026-11-30", "--json"))["rows"]
    counts = {(r["branch"], r["staff"]): (r["interviewed"], r["approved"]) for r in rows}
    assert counts == {("honten", "tanaka"): (2, 1), ("honten", "yamada"): (1, 1), ("honten", ""): (3, 2),
                      ("minato", "suzuki"): (1, 0), ("minato", ""): (1, 0), ("", ""): (4, 2)}
    # the reviewer of 本店 gets 本店 only; nothing outside the period is counted
    mine = json.loads(sato.ok("report", "--from", "2026-11-01", "--to", "2026-11-30", "--json"))["rows"]
    assert {(r["branch"], r["staff"]) for r in mine} == {("honten", "tanaka"), ("honten", "yamada"),
                                                         ("honten", ""), ("", "")}
    empty = json.loads(admin.ok("report", "--from", "2026-12-01", "--to", "2026-12-31", "--json"))["rows"]
    assert empty == [{"branch": "", "branch_name": "", "staff": "", "staff_name": "", "interviewed": 0,
                      "approved": 0}]
    table = admin.ok("report", "--from", "2026-11-01", "--to", "2026-11-30", "--lang", "ja")
    assert "田中 一郎 (tanaka)" in table and "合計" in table
    sheet = list(csv.reader(io.StringIO(admin.ok("report", "--from", "2026-11-01", "--to", "2026-11-30",
                                                 "--csv", "-"))))
    assert sheet[0] == ["支店", "担当者", "面談した企業数", "承認されたシート数"]
    assert sheet[-1] == ["合計", "", "4", "2"]


def test_the_team_list_filters_by_branch_staff_and_state(office: dict[str, Officer], server: Server) -> None:
    from dialogue.store.server.queries import team_sessions

    tanaka, suzuki = office["tanaka"], office["suzuki"]
    a = tanaka.device.interview("株式会社みどり精工")
    b = suzuki.device.interview("港運輸株式会社")
    tanaka.ok("sync")
    suzuki.ok("sync")
    tanaka.ok("submit", a)
    with server.remote("kimura") as remote:
        assert {r["id"] for r in team_sessions(remote)} == {a, b}
        assert [r["id"] for r in team_sessions(remote, branch="minato")] == [b]
        assert [r["id"] for r in team_sessions(remote, staff="tanaka")] == [a]
        [row] = team_sessions(remote, state="submitted")
    assert (row["id"], row["company"], row["owner_name"], row["branch"]) == (a, "株式会社みどり精工", "田中 一郎",
                                                                              "honten")
    with server.remote("suzuki") as remote:
        assert [r["id"] for r in team_sessions(remote)] == [b]  # an interviewer: their own only
    table = office["kimura"].team_list("--state", "submitted", "--lang", "ja")
    assert a in table and "株式会社みどり精工" in table and "田中 一郎 (tanaka)" in table and b not in table
    assert "2026-11-23 10:00" in table  # the server's time shown in this computer's time zone (JST)
    listed = json.loads(office["sato"].team_list("--json"))
    assert [(r["id"], r["state"]) for r in listed] == [(a, "submitted")]  # 本店's reviewer: 本店 only


def test_an_interview_is_sent_when_it_ends_and_a_returned_sheet_says_why_at_resume(
        office: dict[str, Officer], server: Server) -> None:
    tanaka, sato = office["tanaka"], office["sato"]
    tanaka.ok("config", "set", "user.name", "田中 一郎")
    sid, out, err = tanaka.interview("株式会社みどり精工", "24", "/pause")
    assert err == "" and out.splitlines()[-1] == f"チームサーバーに送りました（イベント {len(tanaka.kinds(sid))} 件）。"
    with server.remote("tanaka") as remote:
        assert remote.heads([sid])[sid].count == len(tanaka.kinds(sid))  # no `locaben sync` was needed
    tanaka.ok("submit", sid)
    sato.ok("review", sid, "--return", "強みの根拠（数字）を追記してください")

    code, out, err = tanaka.run("resume", sid, "--plain", "--same-visit", stdin="/note 主要顧客3社で売上の6割\n/pause\n")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "チームサーバーの新しい記録を取り込みました（イベント 1 件）。"  # fetched before resuming
    notice = next(line for line in lines if line.startswith("このシートは差し戻されています"))
    assert notice == "このシートは差し戻されています（佐藤 課長、2026-11-23 10:00:00）: 強みの根拠（数字）を追記してください"
    assert lines[-1].startswith("チームサーバーに送りました（イベント ")  # the revision, sent when paused
    tanaka.ok("submit", sid)
    code, out, _ = tanaka.run("resume", sid, "--plain", stdin="/pause\n")
    assert code == 0 and "差し戻されています" not in out  # submitted again: the comment has done its job


def test_sessions_team_lists_and_filters_through_the_real_command(office: dict[str, Officer]) -> None:
    tanaka, suzuki, kimura = office["tanaka"], office["suzuki"], office["kimura"]
    a, _, _ = tanaka.interview("株式会社みどり精工", "/pause")
    b, _, _ = suzuki.interview("港運輸株式会社", "/pause")
    table = kimura.team_list()
    assert a in table and b in table and "中断中" in table and "田中 一郎 (tanaka)" in table
    assert b not in kimura.team_list("--branch", "honten") and a in kimura.team_list("--staff", "tanaka")
    assert json.loads(tanaka.team_list("--json"))[0]["id"] == a and b not in tanaka.team_list()
    code, _, err = kimura.run("sessions", "--state", "paused")
    assert code == 2 and "--team と一緒に使います" in err
    english = kimura.team_list("--lang", "en")
    assert "Officer" in english and "paused" in english
    newest = kimura.team_list("--limit", "1")  # the table shows the newest (100 by default), and says so
    assert (a in newest) != (b in newest) and "最新の 1 件を表示しました。ほかにもあります" in newest
    assert "ほかにもあります" not in kimura.team_list("--limit", "2")
    assert len(json.loads(kimura.team_list("--json"))) == 2 and len(json.loads(kimura.team_list("--json", "--limit", "1"))) == 1

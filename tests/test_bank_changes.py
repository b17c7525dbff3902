"""A session outlives changes to its bank — including a bank put back to the version the session started on
(issue 12, item 5): whenever the journal names a question the bank does not have, replay goes the migration
way and the answers are kept as previous answers."""

from __future__ import annotations

from pathlib import Path

from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
from tests.helpers import MINI_BANK, plain_interview, run_cli, ticking_clock

EXTRA = '''      - id: founded_year
        text: {ja: 創業は何年ですか？, en: "Founded when?"}
        type: text
        fills: [company.founded]
'''


def test_a_bank_reverted_to_its_first_version_keeps_the_session_readable(tmp_path: Path) -> None:
    store, bank = tmp_path / "s", tmp_path / "bank.yaml"
    original = MINI_BANK.read_text(encoding="utf-8")
    bank.write_text(original, encoding="utf-8")
    sid = plain_interview(store, ["株式会社みどり精工", "/pause"], bank).stem
    marker = "      - id: employees\n"
    bank.write_text(original.replace(marker, EXTRA + marker, 1), encoding="utf-8")  # a question added …
    code, _, err = run_cli(["resume", sid, "--plain", "--sessions-dir", str(store)],
                           "/jump founded_year\n1978年\n/pause\n")
    assert code == 0, err
    bank.write_text(original, encoding="utf-8")  # … and the bank put back as it was
    for args in (["resume", sid, "--plain"], ["compile", sid, "-o", str(tmp_path / "out")]):
        code, _, err = run_cli([*args, "--sessions-dir", str(store)], "/pause\n")
        assert code == 0 and "does not fit" not in err, (args, err)
    transcript = SessionManager(SessionStore(store), ticking_clock()).transcript(sid)
    assert [a.raw for a in transcript.previous_answers] == ["1978年"]
    assert transcript.answers["company_name"].raw == "株式会社みどり精工"

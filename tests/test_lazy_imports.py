"""What a fresh `locaben` process imports on the paths a person waits for (issue 18): a bank from the cache
without PyYAML or the validator; help without the parser is in tests/test_fasthelp.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import CODE, ROOT, STANDARD_BANK, plain_interview

PROBE = """
import json, sys
from pathlib import Path
from dialogue.cli.main import load_bank
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
from datetime import datetime, timezone
manager = SessionManager(SessionStore(Path(sys.argv[2])), lambda: datetime.now(timezone.utc))
bank = load_bank(sys.argv[1])
engine = manager.open(sys.argv[3]).engine
print(json.dumps({"questions": len(bank.questions()), "state": engine.state,
                  "loaded": sorted(m for m in ("yaml", "dialogue.banks.reader", "dialogue.banks.yaml_nodes")
                                   if m in sys.modules)}))
"""


def fresh_process(args: list[str], cache: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "LOCABEN_CACHE_DIR": str(cache)}, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def test_a_cached_bank_is_loaded_and_a_session_resumed_without_yaml(tmp_path: Path) -> None:
    store = tmp_path / "sessions"
    journal = plain_interview(store, ["株式会社みどり精工", "/pause"], bank=STANDARD_BANK)
    args, cache = [str(STANDARD_BANK), str(store), journal.stem], tmp_path / "cache"
    first = fresh_process(args, cache)  # an empty cache: read and validated, then stored
    assert first["loaded"] == ["dialogue.banks.reader", "dialogue.banks.yaml_nodes", "yaml"]
    second = fresh_process(args, cache)  # the same content again: from the cache
    assert second["loaded"] == []
    assert second["questions"] == first["questions"] and second["state"] == first["state"] == "paused"


COMPILE_AND_RESUME = """
import io, json, sys
from dialogue.cli.main import Env, main
out = io.StringIO()
env = Env(stdin=io.StringIO("/pause\\n"), stdout=out, stderr=io.StringIO())
codes = [main(["resume", sys.argv[2], "--plain", "--lang", "ja", "--sessions-dir", sys.argv[1]], env),
         main(["compile", sys.argv[2], "-o", sys.argv[3], "--sessions-dir", sys.argv[1]], env)]
print(json.dumps({"codes": codes, "crypto": sorted(m for m in sys.modules if m.split(".")[0] == "cryptography")}))
"""


def test_a_plaintext_store_is_resumed_and_compiled_without_loading_cryptography(tmp_path: Path) -> None:
    """`cryptography` costs about 70 ms to import: only an encrypted store needs it."""
    store = tmp_path / "sessions"
    journal = plain_interview(store, ["株式会社みどり精工", "/pause"])
    done = subprocess.run([sys.executable, "-c", COMPILE_AND_RESUME, str(store), journal.stem, str(tmp_path / "out")],
                          capture_output=True, text=True, encoding="utf-8", timeout=60, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(CODE), "NO_COLOR": "1"})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["codes"] == [0, 0] and report["crypto"] == []
    assert (tmp_path / "out" / f"{journal.stem}-sheet.md").exists()

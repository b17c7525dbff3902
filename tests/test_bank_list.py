"""`locaben bank list`: the built-in banks and personas, with titles, and the files they are read from."""

from __future__ import annotations

import io
import json
from pathlib import Path

from dialogue.cli.main import Env, main


def run(args: list[str], environ: dict[str, str] | None = None, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, Env(stdin=io.StringIO(stdin), stdout=out, stderr=err,
                          environ={"NO_COLOR": "1", **(environ or {})}))
    return code, out.getvalue(), err.getvalue()


def test_lists_every_built_in_bank_and_persona_with_title_and_path() -> None:
    code, out, err = run(["bank", "list"])
    assert code == 0 and not err
    lines = out.splitlines()
    assert lines[0] == "組み込みの質問バンク:" and "ロールプレイ用ペルソナ（架空の会社）:" in lines
    persona_heading = lines.index("ロールプレイ用ペルソナ（架空の会社）:")
    banks, personas = "\n".join(lines[:persona_heading]), "\n".join(lines[persona_heading:])
    assert "locaben_standard  ローカルベンチマーク 標準ヒアリング" in banks
    assert "first_visit       初回訪問ヒアリング（30分）" in banks
    assert "kozuchi_seiko   株式会社小槌精工 — 金属部品の精密切削加工（製造業）" in personas
    for name in ("locaben_standard.yaml", "first_visit.yaml"):
        path = next(line.strip() for line in lines if line.strip().endswith(name))
        assert Path(path).is_file()


def test_json_in_english_gives_paths_and_ids_that_work(tmp_path: Path) -> None:
    code, out, _ = run(["bank", "list", "--json", "--lang", "en"])
    listing = json.loads(out)
    assert code == 0
    assert [b["id"] for b in listing["banks"]] == ["first_visit", "locaben_standard"]
    assert {p["id"] for p in listing["personas"]} == {"asagi_printing", "kozuchi_seiko", "minamo_service", "ushioya_foods"}
    standard = next(b for b in listing["banks"] if b["id"] == "locaben_standard")
    assert standard["title"] == "Local Benchmark standard interview"
    assert all(Path(row["path"]).is_file() for kind in listing.values() for row in kind)
    code, _, err = run(["bank", "graph", standard["path"]])
    assert code == 0, err
    # a listed id is accepted where a bank is asked for
    code, out, err = run(["interview", "--plain", "--lang", "en", "--bank", "first_visit", "--sessions-dir",
                          str(tmp_path)], stdin="/pause\n")
    assert code == 0 and "locaben resume" in out, err


def test_the_language_comes_from_the_environment_too() -> None:
    code, out, _ = run(["bank", "list"], {"LOCABEN_LANG": "en"})
    assert code == 0 and out.startswith("Built-in banks:\n")

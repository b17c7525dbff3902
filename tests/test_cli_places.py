"""Where sessions and outputs go, when those places cannot be used: a clear message and exit status, never a
traceback (issue 12, item 10)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import MINI_BANK, plain_interview, read_only_folder, run_cli


def test_a_store_under_a_read_only_folder_is_a_clear_error(tmp_path: Path) -> None:
    with read_only_folder(tmp_path / "ro") as parent:
        code, _, err = run_cli(["interview", "--plain", "--bank", str(MINI_BANK), "--sessions-dir",
                            str(parent / "sessions")], "株式会社みどり精工\n/pause\n")
    assert code == 4 and "cannot use" in err and "--sessions-dir" in err and "Traceback" not in err, err


def test_a_store_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "sessions").write_text("not a folder", encoding="utf-8")
    for args in (["sessions"], ["interview", "--plain", "--bank", str(MINI_BANK)]):
        code, _, err = run_cli([*args, "--sessions-dir", str(tmp_path / "sessions")], "/pause\n")
        assert code == 4 and "フォルダーではありません" in err and "Traceback" not in err, (args, err)


def test_an_output_folder_that_is_a_file_or_read_only_is_a_clear_error(tmp_path: Path) -> None:
    store = tmp_path / "s"
    sid = plain_interview(store, ["株式会社みどり精工", "/pause"]).stem
    (tmp_path / "out").write_text("a file", encoding="utf-8")
    code, _, err = run_cli(["compile", sid, "-o", str(tmp_path / "out"), "--sessions-dir", str(store)])
    assert code == 1 and str(tmp_path / "out") in err and "Traceback" not in err, err
    with read_only_folder(tmp_path / "ro") as folder:
        code, _, err = run_cli(["compile", sid, "-o", str(folder), "--sessions-dir", str(store)])
    assert code == 1 and str(folder) in err and "Traceback" not in err, err

#!/usr/bin/env python3
"""Regenerate what the README shows: the screen captures (the real `locaben` in tmux, 80×24, typing an
interview; `tmux capture-pane` pasted between the README's capture markers) and the standard bank's
flow graph (`locaben bank graph`, also written to docs/standard-bank-graph.md).

    .venv/bin/python scripts/capture_screens.py          # installs tmux with apt-get when it is missing

Uses a throw-away sessions directory; no customer data is involved (fictional company).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PYTHON = sys.executable


def ensure_tmux() -> None:
    if shutil.which("tmux"):
        return
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "tmux"], check=True)


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def capture(name: str, args: list[str], keys: list[str | tuple[str, ...]], sessions: Path) -> str:
    """Start locaben in a detached 80x24 tmux session, type `keys`, return the visible screen."""
    session = f"locaben-capture-{name}"
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    command = (f"cd {ROOT} && env -u COLUMNS -u LINES LANG=C.UTF-8 NO_COLOR=1 {PYTHON} -m dialogue {' '.join(args)} "
               f"--sessions-dir {sessions}; sleep 5")
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", command)
    time.sleep(1.5)
    for key in keys:
        if isinstance(key, tuple):
            tmux("send-keys", "-t", session, *key)
        else:
            tmux("send-keys", "-t", session, "-l", key)
            tmux("send-keys", "-t", session, "Enter")
        time.sleep(0.6)
    screen = tmux("capture-pane", "-t", session, "-p")
    tmux("send-keys", "-t", session, "C-c")
    time.sleep(0.5)
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    return "\n".join(line.rstrip() for line in screen.rstrip().splitlines())


def replace_block(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- capture:{name} -->\n```text\n).*?(\n```\n<!-- /capture:{name} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"README has no capture:{name} markers")
    return pattern.sub(lambda m: m.group(1) + body + m.group(2), text)


def main() -> int:
    ensure_tmux()
    with tempfile.TemporaryDirectory() as tmp:
        sessions = Path(tmp)
        first = capture("first", ["interview", "--lang", "ja"], [], sessions / "f")
        guided = capture("guided", ["interview", "--lang", "ja"], [
            "株式会社みどり精工", "代表取締役 緑川 誠（二代目）",
            "長野県上田市。本社工場のほか、佐久市に第二工場があります。取引先に近いためです。", "精密切削加工",
            "/note 社長は「試作」の話になると熱が入る",
        ], sessions / "g")
        meeting = capture("meeting", ["interview", "--lang", "ja", "--mode", "meeting"], [
            "/park 弱み 人手不足で、急ぎの注文を断ることがある",
            "/jump 強み", "試作から量産まで一貫対応。公差±2μmの加工ができる職人が5名",
            "/jump 弱み",
        ], sessions / "m")
        listing = capture("sessions", ["sessions", "--lang", "ja"], [], sessions / "m")
    text = README.read_text(encoding="utf-8")
    for name, body in (("first", first), ("guided", guided), ("meeting", meeting), ("sessions", listing)):
        text = replace_block(text, name, body)
    text = replace_graph(text)
    README.write_text(text, encoding="utf-8")
    print("README captures and bank graph updated")
    return 0


def replace_graph(text: str) -> str:
    doc = ROOT / "docs" / "standard-bank-graph.md"
    subprocess.run([PYTHON, "-m", "dialogue", "bank", "graph", str(ROOT / "question_banks" / "locaben_standard.yaml"),
                    "-o", str(doc)], check=True, cwd=ROOT)
    page = doc.read_text(encoding="utf-8")
    start = page.index("```mermaid")
    block = page[start:page.index("```", start + 3) + 3]
    pattern = re.compile(r"(<!-- bank-graph:start -->\n).*?(\n<!-- bank-graph:end -->)", re.S)
    return pattern.sub(lambda m: m.group(1) + block + m.group(2), text)


if __name__ == "__main__":
    sys.exit(main())

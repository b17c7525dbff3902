"""Shared by the filing tests: a demo interview's transcript (the fictional 株式会社小槌精工) and its model
write-ups (the persona's `writeup:` block, question_banks/personas/kozuchi_seiko.yaml)."""

from __future__ import annotations

import io
from pathlib import Path

from dialogue.cli.main import Env, main
from dialogue.model import Transcript
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager
from tests.helpers import standard_bank, ticking_clock


def demo_transcript(folder: Path, lang: str = "ja") -> Transcript:
    """Run `locaben demo` into `folder` and replay its session."""
    env = Env(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(), clock=ticking_clock(),
              environ={"NO_COLOR": "1"})
    code = main(["demo", "-o", str(folder / "out"), "--sessions-dir", str(folder / "s"), "--lang", lang], env)
    assert code == 0, env.stderr.getvalue()  # type: ignore[attr-defined]
    store = SessionStore(folder / "s")
    transcript, _ = SessionManager(store, ticking_clock()).transcript_and_warnings(store.session_ids()[0])
    return transcript


def example_writeups(lang: str = "ja") -> tuple[dict[str, str], dict[str, str]]:
    """(write-ups by box id, header fields) of the demo persona's model write-up."""
    from dialogue.training.persona import load_persona, persona_path

    written = load_persona(persona_path("kozuchi_seiko"), standard_bank()).writeups_in(lang)
    boxes = {k: v for k, v in written.items() if not k.startswith("header.")}
    header = {k: v for k, v in written.items() if k.startswith("header.")}
    return boxes, header

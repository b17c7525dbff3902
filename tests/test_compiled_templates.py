"""The sheet's templates compiled ahead of time (dialogue.sheet.precompiled, scripts/compile_templates.py):
the committed modules are current, a compile takes its templates from them, and what they render is byte for
byte what jinja2 renders from the templates themselves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from dialogue.model import Transcript
from dialogue.sheet import compiled_templates, precompiled, render_filing_html, render_html, render_markdown
from dialogue.sheet.filing import filing_files, session_filing
from dialogue.sheet.outputs import FORMATS, render_files
from dialogue.sheet.render_filing_html import _environment as filing_environment
from dialogue.sheet.render_html import html_environment
from dialogue.sheet.render_markdown import _environment as markdown_environment
from tests.filing_support import demo_transcript
from tests.helpers import ROOT, run_interview, standard_bank

ENVIRONMENTS = {"md": markdown_environment, "html": html_environment, "filing": filing_environment}


@pytest.fixture(scope="module")
def full() -> Transcript:
    return run_interview(standard_bank())[1]


def test_the_committed_modules_are_current() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "compile_templates.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(("kind", "template"), [(k, t) for k, ts in precompiled.KINDS.items() for t in ts])
def test_each_template_is_taken_from_its_compiled_module(kind: str, template: str) -> None:
    loaded = ENVIRONMENTS[kind]().get_template(template)
    assert loaded.filename is not None
    assert Path(loaded.filename).name == f"{precompiled.module_name(kind, template)}.py"


def test_a_stale_module_is_not_used() -> None:
    env = markdown_environment()
    module = compiled_templates.compiled("md", "sheet.md.j2")
    source = env.loader.get_source(env, "sheet.md.j2")[0]
    assert precompiled._current(module, source, env)
    assert not precompiled._current(module, source + "{{ 1 }}", env)  # the template edited, the script not run
    assert not precompiled._current(module, source, env.overlay())  # bound to another environment


def test_compiled_and_source_templates_render_the_same_bytes(full: Transcript, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    filing = session_filing(demo_transcript(tmp_path))

    def everything() -> dict[str, bytes]:
        files = {f"{lang}/{name}": data for lang in ("ja", "en")
                 for name, data in render_files(full, list(FORMATS), lang).items()}
        return {**files, **filing_files(filing, ("html",))}

    compiled = everything()
    for module, name in ((render_markdown, "_environment"), (render_html, "html_environment"),
                         (render_filing_html, "_environment")):  # the same options, templates from source
        from_source = getattr(module, name)().overlay(loader=jinja2.PackageLoader("dialogue.sheet", "templates"))
        monkeypatch.setattr(module, name, lambda env=from_source: env)
    assert render_markdown._environment().get_template("sheet.md.j2").filename.endswith("sheet.md.j2")
    from_sources = everything()
    assert compiled.keys() == from_sources.keys()
    assert all(compiled[name] == from_sources[name] for name in compiled)

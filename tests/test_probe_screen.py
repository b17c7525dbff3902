"""The probe panel says why this probe comes — never 「回答が短めです」 after a long answer."""

from __future__ import annotations

from io import StringIO

from rich.console import Console

from dialogue.engine import Engine
from dialogue.model.events import Started
from dialogue.ui import screens
from tests.helpers import iso_clock, standard_bank

BANK = standard_bank()
LONG = ("金属部品の精密切削加工をしています。半導体製造装置の部品が中心で、医療機器の部品も増えてきました。"
        "試作から量産まで一貫して受けています。")


def panel(answer: str, question: str, lang: str) -> str:
    engine = Engine(BANK, iso_clock(), "s")
    engine.start(Started(lang=lang))
    engine.jump(question)
    step = engine.answer(answer)
    assert step.state == "probing"
    console = Console(file=StringIO(), width=100)
    console.print(screens.probe_panel(step, lang))
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_a_long_answer_without_a_figure_is_told_what_is_missing() -> None:
    shown = panel(LONG, "industry", "ja")
    assert "数字がまだ出ていません" in shown and "回答が短め" not in shown
    english = ("I do precision machining of metal parts, mostly for semiconductor equipment, and more and more "
               "for medical devices too. We take everything from prototypes to volume production.")
    assert "Still missing: figure." in panel(english, "industry", "en")


def test_after_there_are_no_meetings_the_panel_says_so() -> None:
    shown = panel("会議はないです。", "plan_sharing", "ja")
    assert "「ない」とのお答えでした" in shown and "会議という形でなくても" in shown and "会議には、どなたが" not in shown


def test_the_counter_counts_follow_ups_asked_not_the_probes_place_in_the_bank() -> None:
    """plan_sharing has three main probes and one if-none probe: after 「会議はない」 the if-none probe is the
    first follow-up of at most two (the bank's budget) — never 「（4/4）」."""
    shown = panel("会議はないです。", "plan_sharing", "ja")
    assert "深掘りの質問（1/2）" in shown and "（4/4）" not in shown
    engine = Engine(BANK, iso_clock(), "s")
    engine.start(Started(lang="en"))
    engine.jump("banks")
    step = engine.answer("Minami Bank and the Higashihama Shinkin.")
    assert (step.probe_number, step.probe_budget) == (1, 3)
    step = engine.answer("They come every month, and we talk about the accounts.")
    assert step.state == "probing" and (step.probe_number, step.probe_budget) == (2, 3)
    console = Console(file=StringIO(), width=100)
    console.print(screens.probe_panel(step, "en"))
    assert "Follow-up (2/3)" in console.file.getvalue()  # type: ignore[attr-defined]

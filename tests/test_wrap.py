"""Line breaking on screen (dialogue.ui.wrap): the Japanese rules (行頭禁則 / 行末禁則), English words,
markers kept with their text, widths in terminal cells — as a table of strings at several widths, then
through rich (panels, tables) and over every text of the standard bank."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.panel import Panel
from rich.table import Table

from dialogue.ui.text import make_console, plain
from dialogue.ui.wrap import MARKERS, NO_LINE_END, NO_LINE_START, wrap
from tests.helpers import standard_bank

GUIDANCE = ("ここまで伺った強み・弱み・顧客提供価値を振り返り、要約して確認してから進めます。現状認識 → 将来目標 → "
            "課題 → 対応策の順で、経営者ご自身の見方と、支援者としての自分の見立てを分けて記録します。")


@pytest.mark.parametrize(("text", "width", "lines"), [
    # Japanese: 。 and 、 never start a line; the character before them goes down with them (追い出し)
    ("伺った内容はシートにまとめます。", 16, ["伺った内容はシー", "トにまとめます。"]),
    ("伺った内容はシートにまとめま。", 14, ["伺った内容は", "シートにまとめ", "ま。"]),
    ("半導体向けが6割、医療向けが3割です。", 18, ["半導体向けが6割、", "医療向けが3割で", "す。"]),
    # small kana and ー stay off the start of a line
    ("コンピューターのサービス", 8, ["コン", "ピュー", "ターの", "サービス"]),
    # closing brackets and quotes stay on the line of what they close; opening ones never end a line
    ("社長は「御社でなければ」と言われた", 14, ["社長は「御社で", "なければ」と言", "われた"]),
    ("お客様（主に医療機器メーカー）の声", 12, ["お客様（主に", "医療機器メー", "カー）の声"]),
    ("本社は「長野県上田市」です", 8, ["本社は", "「長野県", "上田市」", "です"]),
    # English: words are not broken
    ("Look back over the strengths and weaknesses", 20, ["Look back over the", "strengths and", "weaknesses"]),
    # mixed: Latin runs are words, Japanese breaks between characters
    ("公差±2μmの加工ができる職人が5名", 16, ["公差±2μmの加工が", "できる職人が5名"]),
    # arrows and markers stay with the text after them
    ("現状認識 → 将来目標 → 課題 → 対応策", 20, ["現状認識 → 将来目標", "→ 課題 → 対応策"]),
    ("↳ 売上の柱になっているのは、どの製品でしょうか。", 12, ["↳ 売上の柱に", "なっているの", "は、どの製品", "でしょうか。"]),
    # a word wider than the line is folded by cells
    ("abcdefghijklmnopqrstuvwxyz", 10, ["abcdefghij", "klmnopqrst", "uvwxyz"]),
    # full-width spaces are characters; leading indentation is kept
    ("  1. 後継者が決まっている", 12, ["  1. 後継者", "が決まってい", "る"]),
])
def test_the_line_breaking_table(text: str, width: int, lines: list[str]) -> None:
    got = wrap(text, width)
    assert got == lines, got
    assert all(cell_len(line) <= width for line in got)


@pytest.mark.parametrize("width", [12, 20, 37, 38, 40, 60, 76, 116])
def test_long_japanese_guidance_obeys_the_rules_at_every_width(width: int) -> None:
    lines = wrap(GUIDANCE, width)
    assert "".join(lines).replace(" ", "") == GUIDANCE.replace(" ", "")
    for before, line in zip(lines, lines[1:], strict=False):
        assert line[0] not in NO_LINE_START, (before, line)
        assert before.rstrip()[-1] not in NO_LINE_END | MARKERS, (before, line)
    assert all(cell_len(line) <= width for line in lines)


def test_widths_are_terminal_cells() -> None:
    assert wrap("日本語の文", 6) == ["日本語", "の文"]  # 3 wide characters = 6 cells
    assert wrap("abcdef", 6) == ["abcdef"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("あいう漢字カナ、。「」（）ーっャ→↳ abcXYZ12 \u3000・…")), max_size=80),
       st.integers(min_value=1, max_value=50))
def test_any_text_fits_and_keeps_every_character(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(cell_len(line) <= max(width, 2) for line in lines)


def rendered(renderable: object, width: int) -> list[str]:
    out = io.StringIO()
    make_console(out, no_color=True, width=width).print(renderable)
    return out.getvalue().splitlines()


def starts_badly(line: str) -> bool:
    """The first character of screen text in a line (borders and padding skipped) is 行頭禁則."""
    text = line.strip(" │┃╭╮╰╯─━┏┓┗┛┡┩└┘┌┐├┤┼╇")
    return bool(text) and text[0] in NO_LINE_START


@pytest.mark.parametrize("width", [40, 80, 100, 120])
def test_plain_text_breaks_by_the_rules_in_a_console_a_panel_and_a_table(width: int) -> None:
    table = Table("項目", "内容")
    table.add_row(plain("現状認識"), plain(GUIDANCE))
    for renderable in (plain(GUIDANCE), Panel(plain(GUIDANCE)), table):
        lines = rendered(renderable, width)
        assert not [line for line in lines if starts_badly(line)], "\n".join(lines)


def test_every_text_of_the_standard_bank_breaks_by_the_rules() -> None:
    bank = standard_bank()
    texts = [s.guidance.get("ja") for s in bank.sections if s.guidance]
    for q in bank.questions():
        texts += [t.get("ja") for t in (q.text, q.purpose, q.hint, q.example, q.guidance) if t]
        texts += [p.text.get("ja") for p in q.probes]
    bad = []
    for width in (76, 116):
        for text in texts:
            lines = rendered(plain(text), width)
            bad += [(width, line) for line in lines if starts_badly(line)]
    assert not bad, bad[:5]

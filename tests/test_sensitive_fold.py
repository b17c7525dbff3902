"""`fold` (dialogue/model/sensitive.py) — the NFKC + case-folded text the 機微情報 check matches on, with each
folded character's index in the original — is the plain character-by-character definition, whichever fast
path it takes (a translate table since issue 18); and `SensitiveChecker.find`, with its shortcuts, finds what
running every list's words, patterns and exceptions on the text finds."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from dialogue.banks.sensitive_cache import load_checker
from dialogue.model.sensitive import SensitiveChecker, SensitiveMatch, _alternation, fold

SAMPLES = ["社長は通院中", "回答：ＡＢＣ株式会社、１２３", "ｶﾞｲﾀﾞﾝｽ", "Straße ﬁle ㈱みどり", "q\u0301e\u0301", "\ud800x", ""]


def reference(text: str) -> tuple[str, list[int]]:
    out, where = [], []
    for index, char in enumerate(text):
        folded = unicodedata.normalize("NFKC", char).casefold()
        out.append(folded)
        where.extend([index] * len(folded))
    return "".join(out), where


def check(text: str) -> None:
    folded, where = fold(text)
    expected, expected_where = reference(text)
    assert folded == expected
    assert list(where) == expected_where


def test_typical_texts_fold_as_defined() -> None:
    for text in SAMPLES:
        check(text)


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=("Cs",)), max_size=40)
       | st.text(alphabet="ａｂＡＢ１２：、。ｶﾞﾊﾟ㈱ßﬁİΣσς社長通院 abcAB\u0301", max_size=40))
def test_any_text_folds_as_defined(text: str) -> None:
    check(text)


# ---- find: the shortcuts (one search for any word, alternations compiled when needed) change nothing ----

def reference_find(checker: SensitiveChecker, text: str) -> tuple[SensitiveMatch, ...]:
    """Every category's words, patterns and exceptions run on every text."""
    folded, where = reference(text)
    found = []
    for c in checker.categories.values():
        regexes = [r for r in (_alternation(c.words), _alternation((), c.patterns)) if r is not None]
        hits = [m for r in regexes for m in r.finditer(folded) if m.end() > m.start()]
        exceptions = _alternation(c.not_)
        shielded = [m.span() for m in exceptions.finditer(folded)] if exceptions else []
        for m in hits:
            if not any(s < m.end() and m.start() < e for s, e in shielded):
                start, end = where[m.start()], where[m.end() - 1] + 1
                found.append(SensitiveMatch(c.id, start, end, text[start:end]))
    return tuple(sorted(found, key=lambda m: (m.start, m.category)))


CHECKER = load_checker()
WORDS = sorted({w for c in CHECKER.categories.values() for w in (*c.words, *c.not_)})


def test_typical_texts_are_found_as_defined() -> None:
    for text in [*SAMPLES, "社長は通院中で、来月入院の予定", "健康食品の通院送迎", "The owner's cancer treatment", "特になし"]:
        assert CHECKER.find(text) == reference_find(CHECKER, text)
    assert CHECKER.find("社長は通院中")  # the reference is not empty-handed


@given(st.lists(st.sampled_from(WORDS) | st.text(alphabet="社長はがの、。 ａＡ１", max_size=6), max_size=6))
def test_any_text_of_list_words_is_found_as_defined(parts: list[str]) -> None:
    text = "".join(parts)
    assert CHECKER.find(text) == reference_find(CHECKER, text)

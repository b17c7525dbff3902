"""`fold` (dialogue/model/sensitive.py) — the NFKC + case-folded text the 機微情報 check matches on, with each
folded character's index in the original — is the plain character-by-character definition, whichever fast
path it takes (a translate table since issue 18)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from dialogue.model.sensitive import fold

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

"""機微情報 caught at entry: a table of answers an interviewer might type, with what must be flagged and
what must not. Decisions, for a warning a person confirms (recall first, obvious business words out):
a product (健康食品), a customer type (宗教法人), an outage (システム障害), a hiring policy (障害者雇用) and
a company's own measures (感染症対策, LGBT研修) are not flagged; anything about a person's health,
creed, origin, record or private life is — and so is whether staff belong to a union, which is itself
union-membership information about them."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogue.banks.sensitive_reader import builtin_lists, extension_paths, load_checker, load_list
from dialogue.errors import BankError
from dialogue.model.sensitive import SensitiveChecker
from tests.helpers import SENSITIVE_EXTENSION, bank_with_sensitive

CHECKER = load_checker()

FLAGGED = [
    ("社長は昨年がんで入院し、今も通院中です。", {"medical"}),
    ("先代は持病の糖尿病が悪化し、承継を急いでいる", {"medical"}),
    ("専務は体調を崩して休職中", {"medical"}),
    ("奥様が認知症で介護のため社長の出社が減った", {"medical"}),
    ("長男は障害者手帳を持っている", {"disability"}),
    ("本籍は石川県輪島市", {"domicile"}),
    ("奥様は旧家の家柄", {"lineage"}),
    ("社長は帰化して日本国籍を取得", {"race"}),
    ("社長は熱心なキリスト教徒で日曜は店を閉める", {"creed"}),
    ("専務は学会員で、選挙の時期は外回りが減る", {"creed"}),
    ("社内に労働組合があり、工場長は組合活動に熱心", {"union"}),
    ("社内に労働組合はない", {"union"}),  # whether staff are unionised: a person confirms
    ("先代は脱税で逮捕され、執行猶予中", {"criminal"}),
    ("昨年詐欺被害に遭い被害届を出した", {"crime_victim"}),
    ("社長の愛人が経理をしている", {"sex_life"}),
    ("ＨＩＶ陽性と聞いた", {"medical"}),  # full-width letters are read as ASCII
    ("The founder was diagnosed with dementia last year", {"medical"}),
    ("Our sales manager is a trade union member", {"union"}),
    ("He has a criminal record from his twenties", {"criminal"}),
    ("The owner's religion forbids work on Fridays", {"creed"}),
    ("Her SEXUAL ORIENTATION came up", {"sex_life"}),
]

NOT_FLAGGED = [
    "健康食品を製造しています",
    "宗教法人が得意先の3割",
    "システム障害で出荷が2日止まった",
    "手術用の鉗子を製造",
    "障害者雇用率を達成している",
    "民族衣装のレンタル",
    "経営理念は誠実、設計思想は壊れにくさ",
    "健康経営優良法人に認定された",
    "入院患者向けの給食を受託",
    "感染症対策で来店客が減った",
    "病気に強い品種を開発",
    "在日米軍基地へ納品",
    "介護施設向けのおむつを卸す",
    "がんばって売上を伸ばした",
    "頑固な職人気質",
    "LGBT研修を全社で実施",
    "We make surgical instruments for hospitals",
    "Religious corporations are our main customers",
    "We negotiated in good faith",
    "A race to the bottom on price",
    "The great depression in the 90s hit sales",
    "Three months' probation period for new staff",
    "An archive of drawings since 1962",
    "The credit union is our second bank",
]


@pytest.mark.parametrize(("text", "categories"), FLAGGED)
def test_sensitive_mentions_are_flagged(text: str, categories: set[str]) -> None:
    assert {m.category for m in CHECKER.find(text)} == categories


@pytest.mark.parametrize("text", NOT_FLAGGED)
def test_business_words_are_not_flagged(text: str) -> None:
    assert CHECKER.find(text) == ()


def test_matches_carry_their_span_in_the_original_text() -> None:
    text = "確認：ＨＩＶ陽性、本籍は石川"
    found = CHECKER.find(text)
    assert [(m.category, m.start, m.end, m.text) for m in found] == [
        ("medical", 3, 6, "ＨＩＶ"), ("domicile", 9, 11, "本籍")]
    assert all(text[m.start:m.end] == m.text for m in found)


def test_the_screen_names_each_category_once_in_the_ui_language() -> None:
    found = CHECKER.find("がんで入院、今も通院")
    assert CHECKER.labels(found, "ja") == ("健康",)
    assert CHECKER.labels(found, "en") == ("health",)


def test_both_lists_cover_the_guideline_categories() -> None:
    required = {"medical", "disability", "domicile", "lineage", "race", "creed", "union", "criminal",
                "crime_victim", "sex_life"}
    assert set(builtin_lists()) == {"ja", "en"}
    for path in builtin_lists().values():
        assert {c.id for c in load_list(path)} == required, path.name


# ---- a bank extends the lists ----






def test_a_bank_adds_business_words_and_a_category_of_its_own(tmp_path: Path) -> None:
    bank = bank_with_sensitive(tmp_path, SENSITIVE_EXTENSION)
    assert extension_paths(bank) == [tmp_path / "extra_sensitive.yaml"]
    checker = load_checker(bank)
    assert checker.find("通院送迎サービスが売上の半分") == ()
    assert {m.category for m in checker.find("社長は多重債務を抱えている")} == {"personal_debt"}
    assert {m.category for m in checker.find("社長は通院中")} == {"medical"}  # built-in words stay
    assert {m.category for m in CHECKER.find("通院送迎サービス")} == {"medical"}  # other banks unchanged


def test_a_bank_without_the_key_uses_the_built_in_lists(tmp_path: Path) -> None:
    bank = bank_with_sensitive(tmp_path, SENSITIVE_EXTENSION, key="")
    assert extension_paths(bank) == []
    assert load_checker(bank).categories.keys() == CHECKER.categories.keys()


def test_an_extension_with_problems_reports_each_with_its_position(tmp_path: Path) -> None:
    bank = bank_with_sensitive(tmp_path, """\
format: locaben-sensitive/1
categories:
  - id: pets
    words: [ペット]
  - id: medical
    patterns: ['がん(?:で']
    wrods: [x]
""")
    with pytest.raises(BankError) as caught:
        load_checker(bank)
    found = {(p.code, p.position.line) for p in caught.value.problems}
    assert found == {("E111", 3), ("E118", 6), ("E110", 7)}


def test_the_checker_is_pure_and_reusable() -> None:
    checker = SensitiveChecker(CHECKER.categories.values())
    assert checker.find("持病") == CHECKER.find("持病") and checker.find("") == ()


def test_the_lists_ship_in_the_wheel() -> None:
    import tomllib

    from tests.helpers import ROOT

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "sensitive/*.yaml" in pyproject["tool"]["setuptools"]["package-data"]["dialogue.question_banks"]

"""Key facts, found deterministically in answers as owners say them: what must be caught (with its normalised
key, so 7割 = 70％) and what must not (十分 is "enough", 千代田 a place)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dialogue.model.facts import covers, extract_facts, missing_facts, parse_number


def found(text: str) -> list[tuple[str, str]]:
    return [(f.text, f.key) for f in extract_facts(text)]


# (answer, the facts as (text as written, key)) — every fact in the answer, in order.
JAPANESE = [
    ("23人です。正社員が19人、パートさんが4人です。",
     [("23人", "count:23:人"), ("19人", "count:19:人"), ("4人", "count:4:人")]),
    ("従業員は４８名、取引先は１２社です。",
     [("４８名", "count:48:人"), ("１２社", "count:12:社")]),
    ("1972年に父が創業して、1980年に株式会社にしました。",
     [("1972年", "year:1972"), ("1980年", "year:1980")]),
    ("上位3社で売上の7割です。一番大きい東浜精機さんだけで4割あります。",
     [("3社", "count:3:社"), ("7割", "percent:70:%"), ("東浜精機", "company:東浜精機"), ("4割", "percent:40:%")]),
    ("半導体の製造装置向けが5割強、油圧機器向けが3割5分、残りが試作で12.5％です。",
     [("5割", "percent:50:%"), ("3割5分", "percent:35:%"), ("12.5％", "percent:12.5:%")]),
    ("年商は3億円、設備投資に1,200万円、借入は1億2千万円です。",
     [("3億円", "amount:300000000:円"), ("1,200万円", "amount:12000000:円"), ("1億2千万円", "amount:120000000:円")]),
    ("売上はここ3年、2億4千万円前後で横ばいです。",
     [("3年", "count:3:年"), ("2億4千万円", "amount:240000000:円")]),
    ("千二百万円の機械を二〇一五年に入れ、二代目の私が二十三名を見ています。",
     [("千二百万円", "amount:12000000:円"), ("二〇一五年", "year:2015"), ("二代目", "count:2:代目"),
      ("二十三名", "count:23:人")]),
    ("平成27年4月に新工場、令和元年に増設、昭和47年創業。",
     [("平成27年4月", "month:2015-04"), ("令和元年", "year:2019"), ("昭和47年", "year:1972")]),
    ("2026年11月23日に訪問、次回は12月5日。R5.4.1に法人化、2023/04/01から新体制、2023年度の計画。",
     [("2026年11月23日", "date:2026-11-23"), ("12月5日", "date:--12-05"), ("R5.4.1", "date:2023-04-01"),
      ("2023/04/01", "date:2023-04-01"), ("2023年度", "year:2023")]),
    ("「精度は信用」です。父の代からの言葉で、工場の壁に貼ってあります。",
     [("精度は信用", "quoted:精度は信用")]),
    ("株式会社みどり精工では、有限会社さくら食品と㈱ABC商事から仕入れています。",
     [("株式会社みどり精工", "company:みどり精工"), ("有限会社さくら食品", "company:さくら食品"),
      ("㈱ABC商事", "company:abc商事")]),
    ("主要取引先は東浜精機株式会社（半導体製造装置）です。", [("東浜精機株式会社", "company:東浜精機")]),
    ("工場長の村井さんが45歳で、5軸加工機を任せられるまで5年はかかります。",
     [("村井", "name:村井"), ("45歳", "count:45:歳"), ("5軸", "count:5:軸"), ("5年", "count:5:年")]),
    ("私ももう67ですから、無理に広げるより、今のお客さんに応えたい。車で15分です。",
     [("67", "number:67"), ("15分", "count:15:分")]),
    ("20代は2人だけで、平均勤続は15年、年間2,000個を作ります。",
     [("20代", "count:20:代"), ("2人", "count:2:人"), ("15年", "count:15:年"), ("2,000個", "count:2000:個")]),
]

# Words that look like numbers or names and are neither: no fact at all.
NOT_FACTS = [
    "今の規模を守っていければ十分です。",  # 十分 = enough, not ten minutes
    "東京都千代田区の事務所、四日市市の倉庫、万年筆を一本。",
    "一番の気がかりは自分の体で、一度も話したことがありません。",
    "数十社と取引があり、何人かに声をかけました。",
    "お客さん、社長さん、お客様、皆さん、奥さんに喜ばれました。",
    "株式会社にしました。",  # the legal form alone names no company
    "ISO9001を取得、〒123-4567、電話03-1234-5678。",
    "1. 2. 3. と順に、1つ目は",
    "産業機械向けと医療機器、食品工業の客先。工作機械の精密機械加工。",  # industries, not companies
]

ENGLISH = [
    ("The top three make up 70% of sales. Higashihama Seiki alone is 40%.",
     [("70%", "percent:70:%"), ("Higashihama Seiki", "name:higashihamaseiki"), ("40%", "percent:40:%")]),
    ("My father founded it in 1972, and we incorporated in 1980.", [("1972", "year:1972"), ("1980", "year:1980")]),
    ("23 people — 19 full-time and 4 part-time.",
     [("23 people", "count:23:人"), ("19 full-time", "count:19:人"), ("4 part-time", "count:4:人")]),
    ("Kozuchi Seiko Co., Ltd. sells ¥12 million a year to 5 companies.",
     [("Kozuchi Seiko Co., Ltd.", "company:kozuchiseiko"), ("¥12 million", "amount:12000000:円"),
      ("5 companies", "count:5:company")]),
    ("On November 23, 2026 we met. Sales of 300 million yen in FY2023, 3.5 percent up.",
     [("November 23, 2026", "date:2026-11-23"), ("300 million yen", "amount:300000000:円"),
      ("FY2023", "year:2023"), ("3.5 percent", "percent:3.5:%")]),
    ("He is aged 45 and we have 12 staff, 2,000 units a year.",
     [("aged 45", "count:45:歳"), ("12 staff", "count:12:人"), ("2,000 units", "count:2000:unit")]),
]

NOT_FACTS_EN = [
    "Semiconductors go up and down, but in the long run the market is growing, I'd say.",
    "If something's wrong they phone. That's about it.",
    "Mostly equipment makers in the prefecture.",
]


@pytest.mark.parametrize(("text", "expected"), JAPANESE + ENGLISH, ids=lambda v: v[:14] if isinstance(v, str) else "")
def test_every_key_fact_is_found_as_written_with_its_normalised_key(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", NOT_FACTS + NOT_FACTS_EN, ids=lambda v: v[:14])
def test_words_that_only_look_like_facts_are_left_alone(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(("a", "b"), [
    ("7割", "70％"), ("7割", "70%"), ("平成27年", "2015年"), ("２０１５年", "2015年"), ("二〇一五年", "2015年"),
    ("1,200万円", "1200万円"), ("千二百万円", "1,200万円"), ("¥12,000,000", "1,200万円"), ("23名", "23人"),
    ("株式会社東浜精機", "東浜精機株式会社"), ("東浜精機さん", "東浜精機株式会社"), ("令和元年", "2019年"),
    ("3割5分", "35%"), ("70 percent", "70%"),
])
def test_the_same_fact_written_two_ways_compares_equal(a: str, b: str) -> None:
    fa, fb = extract_facts(a), extract_facts(b)
    assert len(fa) == 1 and len(fb) == 1
    assert covers(fa[0], fb) and covers(fb[0], fa)


@pytest.mark.parametrize(("a", "b"), [("7割", "7％"), ("2015年", "2016年"), ("23人", "23社"), ("1,200万円", "120万円"),
                                      ("東浜精機", "北陽油圧")])
def test_different_facts_do_not_compare_equal(a: str, b: str) -> None:
    assert not covers(extract_facts(a)[0], extract_facts(b))


def test_a_figure_without_its_unit_and_a_year_inside_a_date_count_as_stated() -> None:
    answer = extract_facts("設備投資に1,200万円。2015年に新工場。")
    entry = extract_facts("1,200万の投資で、2015年4月に新工場を建てた。")
    assert missing_facts(answer, entry) == ()


def test_missing_facts_lists_each_fact_once_in_the_order_first_said() -> None:
    answer = extract_facts("上位3社で売上の7割。2015年に取引開始、7割は東浜精機。")
    entry = extract_facts("上位3社で70％を占める。")
    assert [f.text for f in missing_facts(answer, entry)] == ["2015年", "東浜精機"]


@pytest.mark.parametrize(("text", "value"), [("二十三", 23), ("千二百万", 12_000_000), ("1億2,000万", 120_000_000),
                                             ("二〇一五", 2015), ("１，２００", 1200), ("1.5億", 150_000_000),
                                             ("十", 10), ("三千", 3000)])
def test_numbers_in_any_digits(text: str, value: int) -> None:
    assert parse_number(text) == Decimal(value)


def test_positions_point_into_the_original_text_even_with_full_width_digits() -> None:
    text = "売上は１，２００万円、７割が上位３社。"
    for fact in extract_facts(text):
        assert text[fact.start:fact.end] == fact.text

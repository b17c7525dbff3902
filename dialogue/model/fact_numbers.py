"""Numeric key facts: counts with their counters (人・名・社・件・年 …), percentages (割・％), amounts of money,
years and dates (和暦 too), in Japanese and English. Each finder reads the ASCII-digit text and returns `Fact`s
with positions in the original. Pure."""

from __future__ import annotations

import re
from decimal import Decimal

from dialogue.model.fact_text import ARABIC, KANJI_NUM_CHARS, NUMBER, Fact, make_fact, parse_number
from dialogue.model.measure import is_wide

# ---- units: one table ----

# Counter as written → the unit a key uses (人 and 名 both count people). Longest first when matching.
COUNTERS: dict[str, str] = {
    "人": "人", "名": "人", "社": "社", "件": "件", "台": "台", "個": "個", "回": "回", "店舗": "店", "店": "店",
    "拠点": "拠点", "工場": "工場", "軒": "軒", "棟": "棟", "本": "本", "枚": "枚", "点": "点", "種類": "種類",
    "品目": "品目", "坪": "坪", "㎡": "㎡", "平米": "㎡", "km": "km", "キロ": "km", "トン": "t", "kg": "kg",
    "倍": "倍", "位": "位", "代目": "代目", "代": "代", "期": "期", "軸": "軸", "行": "行", "歳": "歳", "才": "歳",
    "年間": "年", "年": "年", "ヶ月": "か月", "か月": "か月", "カ月": "か月", "ケ月": "か月", "箇月": "か月",
    "週間": "週", "日間": "日", "日": "日", "時間": "時間", "分": "分", "秒": "秒", "ライン": "ライン", "工程": "工程",
    "機種": "機種", "品種": "品種", "アイテム": "品目", "か所": "か所", "カ所": "か所", "ヶ所": "か所", "箇所": "か所",
    "カ国": "か国", "か国": "か国", "ヶ国": "か国", "世帯": "世帯", "席": "席", "床": "床", "室": "室", "校": "校",
}
# Counters a kanji number may take without risk (一 alone, and counters that start common words, are left out:
# 一番, 一度, 十分 "enough", 千代田, 万年筆, 四日市).
_KANJI_SAFE = ("人", "名", "社", "件", "台", "個", "回", "店舗", "拠点", "工場", "軒", "棟", "種類", "品目",
               "代目", "期", "行", "歳", "年間", "年", "ヶ月", "か月", "カ月", "ケ月", "箇月", "週間", "日間",
               "時間", "割", "か所", "カ所", "ヶ所", "箇所", "カ国", "か国", "ヶ国")
_COUNTER_ALT = "|".join(sorted(map(re.escape, COUNTERS), key=len, reverse=True))
_KANJI_COUNTER_ALT = "|".join(sorted(map(re.escape, _KANJI_SAFE), key=len, reverse=True))

# English nouns that count people; other nouns are keyed by their singular form.
_PEOPLE = {"people", "person", "persons", "employee", "employees", "staff", "worker", "workers", "member",
           "members", "engineers", "engineer", "full-time", "part-time", "part-timers", "part-timer"}
_ENGLISH_NUMBERS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
                    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
                    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
                    "ninety": 90, "hundred": 100}
_ENGLISH_SCALE = {"thousand": 1_000, "k": 1_000, "million": 1_000_000, "m": 1_000_000, "mn": 1_000_000,
                  "billion": 1_000_000_000, "bn": 1_000_000_000, "b": 1_000_000_000}
_CURRENCY_SIGNS = {"¥": "円", "￥": "円", "$": "USD", "€": "EUR", "£": "GBP"}
_CURRENCY_WORDS = {"yen": "円", "jpy": "円", "円": "円", "dollars": "USD", "usd": "USD", "euros": "EUR",
                   "eur": "EUR", "ドル": "USD", "ユーロ": "EUR"}

# 和暦: era → the Western year of its first year, and its last year number.
ERAS: dict[str, tuple[int, int]] = {"明治": (1868, 45), "大正": (1912, 15), "昭和": (1926, 64), "平成": (1989, 31),
                                    "令和": (2019, 99)}
ERA_LETTERS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
MONTHS_EN = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                         "september", "october", "november", "december"), start=1)}
_MONTH_EN = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|" \
            r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"

# ---- patterns (on the ASCII-digit text) ----

_NOT_AFTER_LETTER = r"(?<![A-Za-z0-9.,])"
_NOT_BEFORE_DIGIT = r"(?![\d,])"
_ERA = "|".join(ERAS)
_YEAR_JA = rf"(?:(?P<era>{_ERA})(?P<eyear>{NUMBER}|元)|(?P<eletter>[MTSHR])(?P<lyear>\d{{1,2}})|(?P<year>\d{{4}}|[〇一二三四五六七八九]{{4}}))年(?:度)?"
RE_DATE_JA = re.compile(rf"(?:{_YEAR_JA})?(?P<month>\d{{1,2}}|[一二三四五六七八九十]{{1,3}})月"
                        rf"(?:(?P<day>\d{{1,2}}|[一二三四五六七八九十]{{1,3}})日)?")
RE_YEAR_JA = re.compile(_YEAR_JA)
RE_DATE_NUMERIC = re.compile(rf"{_NOT_AFTER_LETTER}(?P<year>(?:19|20)\d\d)(?P<sep>[/.\-])(?P<month>\d{{1,2}})"
                             rf"(?P=sep)(?P<day>\d{{1,2}}){_NOT_BEFORE_DIGIT}")
RE_ERA_NUMERIC = re.compile(r"(?<![A-Za-z])(?P<letter>[MTSHR])(?P<eyear>\d{1,2})\.(?P<month>\d{1,2})\.(?P<day>\d{1,2})"
                            r"(?![\d.])")
RE_DATE_EN = re.compile(rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH_EN})|(?P<m2>{_MONTH_EN})\s+"
                        rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)(?:,?\s+(?P<year>(?:19|20)\d\d))?\b"
                        rf"|\b(?P<m3>{_MONTH_EN})\s+(?P<y3>(?:19|20)\d\d)\b")
RE_YEAR_EN = re.compile(r"(?:\bFY\s?|(?<![\w$¥.,-]))(?P<year>(?:18|19|20)\d\d)(?:s\b)?(?![\w%,.]\d|\s?(?:%|percent))")
RE_PERCENT = re.compile(rf"{_NOT_AFTER_LETTER}(?P<num>{ARABIC})\s?(?:%|パーセント|percent|per cent)"
                        rf"|(?P<wari>{ARABIC}|[一二三四五六七八九十])割(?:(?P<bu>\d|[一二三四五六七八九])分)?")
RE_AMOUNT_JA = re.compile(rf"(?P<num>{NUMBER})\s?(?P<cur>円|ドル|ユーロ)")
RE_AMOUNT_SIGN = re.compile(rf"(?P<sign>[¥￥$€£])\s?(?P<num>{ARABIC})(?:\s?(?P<scale>thousand|million|billion|"
                            rf"[kKmM]n?|bn|[bB])\b)?")
RE_AMOUNT_EN = re.compile(rf"(?<![\w.,])(?P<num>{ARABIC})\s?(?P<scale>thousand|million|billion|bn|mn)?\s?"
                          rf"(?P<cur>yen|JPY|dollars|USD|euros|EUR)\b", re.IGNORECASE)
RE_COUNT_JA = re.compile(rf"(?<![A-Za-z\d.,])(?P<num>{ARABIC}(?:[万億兆千]{ARABIC}?)*[万億兆千]?)\s?(?P<unit>{_COUNTER_ALT})"
                         rf"|(?<![{KANJI_NUM_CHARS}数何])(?P<knum>[〇一二三四五六七八九十百千][{KANJI_NUM_CHARS}]*)"
                         rf"(?P<kunit>{_KANJI_COUNTER_ALT})(?![市町村区駅線])")
RE_BIG_NUMBER = re.compile(rf"(?<![A-Za-z\d.,])(?P<num>{ARABIC}(?:[万億兆千]{ARABIC}?)*[万億兆])")
RE_COUNT_EN = re.compile(rf"(?<![\w.,$¥-])(?P<num>{ARABIC}|(?:{'|'.join(_ENGLISH_NUMBERS)}))"
                         r"(?:\s?(?P<scale>thousand|million|billion))?[\s-]+(?P<noun>[A-Za-z][a-z-]{1,20})\b",
                         re.IGNORECASE)
RE_AGE_EN = re.compile(r"\b(?:aged?\s+(?P<a1>\d{1,3})|(?P<a2>\d{1,3})\s*(?:years?|yrs?)[\s-]old)\b")
RE_PLAIN_NUMBER = re.compile(rf"(?<![A-Za-z\d.,_/〒-])(?P<num>{ARABIC})(?![A-Za-z\d/]|-\d)")

# Nouns after a number that are no unit of anything worth keeping (the number stays, as a plain number).
_EN_NOT_UNITS = {"and", "or", "to", "of", "in", "on", "at", "for", "from", "by", "with", "the", "a", "an",
                 "is", "are", "was", "were", "percent", "per", "s", "times", "more", "less", "or so",
                 "thousand", "million", "billion", "yen", "dollars", "euros", "years-old", "year-old"}


def _era_year(era: str, year: str) -> int | None:
    first, last = ERAS[era]
    number = 1 if year == "元" else parse_number(year)
    if number is None or not 1 <= number <= last:
        return None
    return first + int(number) - 1


def _year_of(m: re.Match[str]) -> int | None:
    """The Western year of a Japanese year group (1998, 二〇一五, 平成27, 令和元, H27); None if not a year."""
    if m.group("era"):
        return _era_year(m.group("era"), m.group("eyear"))
    if m.group("eletter"):
        return _era_year(ERA_LETTERS[m.group("eletter")], m.group("lyear"))
    if m.group("year"):
        number = parse_number(m.group("year"))
        return int(number) if number is not None and 1800 <= number <= 2100 else None
    return None


def _dates_ja(plain: str, original: str) -> list[Fact]:
    facts = []
    for m in RE_DATE_JA.finditer(plain):
        year = _year_of(m) if m.group("era") or m.group("eletter") or m.group("year") else None
        if (m.group("era") or m.group("eletter") or m.group("year")) and year is None:
            continue
        month, day = parse_number(m.group("month")), parse_number(m.group("day") or "0")
        if month is None or not 1 <= month <= 12 or day is None or not 0 <= day <= 31:
            continue
        if day == 0 and year is None:
            continue  # 4月 alone: a month of some year, too vague to keep
        facts.append(_date_fact(original, m.start(), m.end(), year, int(month), int(day)))
    return facts


def _date_fact(original: str, start: int, end: int, year: int | None, month: int, day: int) -> Fact:
    if day:
        value = f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
        return make_fact("date", original, start, end, value)
    return make_fact("month", original, start, end, f"{year:04d}-{month:02d}")


def _dates_numeric(plain: str, original: str) -> list[Fact]:
    facts = []
    for m in RE_DATE_NUMERIC.finditer(plain):
        month, day = int(m.group("month")), int(m.group("day"))
        if 1 <= month <= 12 and 1 <= day <= 31:
            facts.append(_date_fact(original, m.start(), m.end(), int(m.group("year")), month, day))
    for m in RE_ERA_NUMERIC.finditer(plain):
        year = _era_year(ERA_LETTERS[m.group("letter")], m.group("eyear"))
        month, day = int(m.group("month")), int(m.group("day"))
        if year and 1 <= month <= 12 and 1 <= day <= 31:
            facts.append(_date_fact(original, m.start(), m.end(), year, month, day))
    return facts


def _dates_en(plain: str, original: str) -> list[Fact]:
    facts = []
    for m in RE_DATE_EN.finditer(plain):
        if m.group("m3"):
            month = MONTHS_EN.get(_month_name(m.group("m3")), 0)
            facts.append(_date_fact(original, m.start(), m.end(), int(m.group("y3")), month, 0))
            continue
        name, day = (m.group("m1"), m.group("d1")) if m.group("m1") else (m.group("m2"), m.group("d2"))
        month, day_n = MONTHS_EN.get(_month_name(name), 0), int(day)
        if month and 1 <= day_n <= 31 and not (name.rstrip(".").lower() == "may" and not m.group("year")
                                                 and m.group("m2")):
            year = int(m.group("year")) if m.group("year") else None
            facts.append(_date_fact(original, m.start(), m.end(), year, month, day_n))
    return facts


def _month_name(word: str) -> str:
    word = word.rstrip(".").lower()
    return next((name for name in MONTHS_EN if name.startswith(word)), word)


def _years(plain: str, original: str) -> list[Fact]:
    facts = []
    for m in RE_YEAR_JA.finditer(plain):
        year = _year_of(m)
        if year is not None:
            facts.append(make_fact("year", original, m.start(), m.end(), Decimal(year)))
    for m in RE_YEAR_EN.finditer(plain):
        if _is_japanese_context(plain, m.end()):
            continue  # 1998年 is read above; 2015 followed by Japanese text is a number of something
        facts.append(make_fact("year", original, m.start(), m.end(), Decimal(m.group("year"))))
    return facts


def _is_japanese_context(plain: str, end: int) -> bool:
    rest = plain[end:end + 1]
    return bool(rest) and is_wide(rest)


def _percents(plain: str, original: str) -> list[Fact]:
    facts = []
    for m in RE_PERCENT.finditer(plain):
        if m.group("num"):
            value = Decimal(m.group("num").replace(",", ""))
        else:
            tenths, bu = parse_number(m.group("wari")), parse_number(m.group("bu") or "0")
            if tenths is None or bu is None:
                continue
            value = tenths * 10 + bu
        facts.append(make_fact("percent", original, m.start(), m.end(), value, "%"))
    return facts


def _amounts(plain: str, original: str) -> list[Fact]:
    facts = []
    for m in RE_AMOUNT_JA.finditer(plain):
        value = parse_number(m.group("num"))
        if value is not None and _numeric_start_ok(plain, m.start()):
            facts.append(make_fact("amount", original, m.start(), m.end(), value, _CURRENCY_WORDS[m.group("cur")]))
    for m in RE_AMOUNT_SIGN.finditer(plain):
        value = Decimal(m.group("num").replace(",", "")) * _scale(m.group("scale"))
        facts.append(make_fact("amount", original, m.start(), m.end(), value, _CURRENCY_SIGNS[m.group("sign")]))
    for m in RE_AMOUNT_EN.finditer(plain):
        value = Decimal(m.group("num").replace(",", "")) * _scale(m.group("scale"))
        facts.append(make_fact("amount", original, m.start(), m.end(), value, _CURRENCY_WORDS[m.group("cur").lower()]))
    return facts


def _numeric_start_ok(plain: str, start: int) -> bool:
    """A kanji number must not continue a word (一番, 万一) or follow 数/何 (数十社 is no number)."""
    before = plain[start - 1:start]
    return not before or before not in "数何" and not (before.isalpha() and before.isascii())


def _scale(word: str | None) -> Decimal:
    return Decimal(_ENGLISH_SCALE.get((word or "").lower(), 1))


def _counts_ja(plain: str, original: str) -> list[Fact]:
    facts = []
    for m in RE_COUNT_JA.finditer(plain):
        number, unit = (m.group("num"), m.group("unit")) if m.group("num") else (m.group("knum"), m.group("kunit"))
        if m.group("knum") and (number == "一" or _kanji_false_friend(plain, m)):
            continue
        value = parse_number(number)
        if value is None or unit == "割":
            continue
        canonical = COUNTERS.get(unit, unit)
        if canonical == "歳" and value > 130:
            continue
        facts.append(make_fact("count", original, m.start(), m.end(), value, canonical))
    return facts


def _kanji_false_friend(plain: str, m: re.Match[str]) -> bool:
    """十分 (enough), 一人ひとり, 万年筆 …: kanji numbers that are words, not quantities."""
    word = m.group("knum") + m.group("kunit")
    after = plain[m.end():m.end() + 2]
    return word in ("十分", "一人", "一日", "三日") and not after.startswith(("間", "以上")) or \
        word.startswith(("万", "億", "兆"))


def _big_numbers(plain: str, original: str) -> list[Fact]:
    """1,200万, 3億: amounts without 円 are still figures worth keeping (kept as plain numbers)."""
    facts = []
    for m in RE_BIG_NUMBER.finditer(plain):
        value = parse_number(m.group("num"))
        if value is not None:
            facts.append(make_fact("number", original, m.start(), m.end(), value))
    return facts


def _counts_en(plain: str, original: str) -> list[Fact]:
    facts = []
    for m in RE_AGE_EN.finditer(plain):
        facts.append(make_fact("count", original, m.start(), m.end(), Decimal(m.group("a1") or m.group("a2")), "歳"))
    for m in RE_COUNT_EN.finditer(plain):
        noun = m.group("noun").lower()
        if noun in _EN_NOT_UNITS or not (noun in _PEOPLE or noun.endswith("s")):
            continue  # "the top three make up": a verb, not a unit
            continue
        raw = m.group("num").lower()
        value = Decimal(_ENGLISH_NUMBERS[raw]) if raw in _ENGLISH_NUMBERS else Decimal(raw.replace(",", ""))
        value *= _scale(m.group("scale"))
        unit = "人" if noun in _PEOPLE else _singular(noun)
        facts.append(make_fact("count", original, m.start(), m.end(), value, unit))
    return facts


def _singular(noun: str) -> str:
    if noun.endswith("ies") and len(noun) > 4:
        return noun[:-3] + "y"
    if noun.endswith(("ches", "shes", "sses", "xes")):
        return noun[:-2]
    if noun.endswith("s") and not noun.endswith("ss") and len(noun) > 3:
        return noun[:-1]
    return noun


def _plain_numbers(plain: str, original: str) -> list[Fact]:
    """Numbers with no unit, written in ASCII digits (67, 2,000): kept, since a figure is a figure; single
    digits are left out (list numbering)."""
    facts = []
    for m in RE_PLAIN_NUMBER.finditer(plain):
        value = Decimal(m.group("num").replace(",", ""))
        if value < 10 and value == value.to_integral_value():
            continue  # 1. 2. 3., 1つ目: list numbering, not a figure
        facts.append(make_fact("number", original, m.start(), m.end(), value))
    return facts


# Most specific first: a span taken by one finder is not read again by a later one.
NUMERIC_FINDERS = (_dates_numeric, _dates_ja, _dates_en, _amounts, _percents, _years, _counts_ja, _big_numbers,
                    _counts_en, _plain_numbers)

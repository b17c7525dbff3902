"""Key facts in answer text, found deterministically: numbers with their units (万・千・億, 割・％, 年・名・社・人・円 …,
in ASCII, full-width or kanji digits), years and dates (和暦 too), amounts of money, names in 「」 and companies
(株式会社…, (株)…, … Co., Ltd.). Japanese and English. Pure: text in, facts out.

Each fact keeps the text as written (`text`, what the supporter is shown) and a normalised `key`, so that facts
written differently compare equal: 7割 = 70％ = 70 percent, 平成27年 = 2015年, ２０１５年 = 2015年,
1,200万円 = 1200万円 = ¥12,000,000, 株式会社東浜精機 = 東浜精機株式会社 = 東浜精機さん.
No model, no dictionary: the patterns below are the whole of it, and the tests list what they catch and what
they must not (十分 is "enough", not ten minutes; 千代田 is a place, not a thousand generations).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

# ---- the fact ----


@dataclass(frozen=True, slots=True)
class Fact:
    """One key fact. `kind`: percent | amount | count | year | month | date | number | quoted | company | name.
    `value` is the number (percent in %, amount in yen or the currency's unit, year as a number) or the
    normalised name; `unit` the counter (人 for 人/名, 社, 年 for a duration …) or currency."""

    kind: str
    text: str
    key: str
    value: Decimal | str
    unit: str = ""
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


NUMERIC_KINDS = frozenset({"percent", "amount", "count", "number"})
NAME_KINDS = frozenset({"quoted", "company", "name"})

# ---- characters ----

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
                "壱": 1, "弐": 2, "参": 3}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000, "拾": 10}
BIG_UNITS = {"万": 10_000, "億": 100_000_000, "兆": 1_000_000_000_000}


def ascii_digits(text: str) -> str:
    """Full-width ASCII (０-９, ％, ，, ．, Ａ …) and the ideographic space as ASCII; same length, so positions
    found in the result are positions in the original."""
    return text.translate(_FULLWIDTH)


# ---- numbers ----

_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_KANJI_NUM_CHARS = "〇零一二三四五六七八九壱弐参十百千拾万億兆"
_NUM_PART = rf"(?:{_ARABIC}|[{_KANJI_NUM_CHARS}])"
# A number in any of the written forms: 23, 1,200, 1.5, 二十三, 二〇一五, 1億2,000万, 1億2千万, 千二百万.
NUMBER = rf"{_NUM_PART}+"


def parse_number(text: str) -> Decimal | None:
    """The value of a written number: ASCII or kanji digits, with 十・百・千 and 万・億・兆 in any mix."""
    text = ascii_digits(text).replace(",", "")
    total = section = Decimal(0)
    current: Decimal | None = None
    kanji_run = False  # 二〇一五: digits read one after the other
    for token in re.findall(r"\d+(?:\.\d+)?|.", text):
        if token[0].isdigit():
            try:
                current = Decimal(token)
            except InvalidOperation:
                return None
            kanji_run = False
        elif token in KANJI_DIGITS:
            digit = Decimal(KANJI_DIGITS[token])
            current = current * 10 + digit if current is not None and kanji_run else digit
            kanji_run = True
        elif token in SMALL_UNITS:
            section += (current if current is not None else Decimal(1)) * SMALL_UNITS[token]
            current, kanji_run = None, False
        elif token in BIG_UNITS:
            section += current if current is not None else Decimal(0)
            total += (section if section else Decimal(1)) * BIG_UNITS[token]
            section, current, kanji_run = Decimal(0), None, False
        else:
            return None
    return total + section + (current if current is not None else Decimal(0))


def number_key(value: Decimal) -> str:
    """A number as a stable key: 12000000, 1.5, 70 (never 7E+1)."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


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
RE_PERCENT = re.compile(rf"{_NOT_AFTER_LETTER}(?P<num>{_ARABIC})\s?(?:%|パーセント|percent|per cent)"
                        rf"|(?P<wari>{_ARABIC}|[一二三四五六七八九十])割(?:(?P<bu>\d|[一二三四五六七八九])分)?")
RE_AMOUNT_JA = re.compile(rf"(?P<num>{NUMBER})\s?(?P<cur>円|ドル|ユーロ)")
RE_AMOUNT_SIGN = re.compile(rf"(?P<sign>[¥￥$€£])\s?(?P<num>{_ARABIC})(?:\s?(?P<scale>thousand|million|billion|"
                            rf"[kKmM]n?|bn|[bB])\b)?")
RE_AMOUNT_EN = re.compile(rf"(?<![\w.,])(?P<num>{_ARABIC})\s?(?P<scale>thousand|million|billion|bn|mn)?\s?"
                          rf"(?P<cur>yen|JPY|dollars|USD|euros|EUR)\b", re.IGNORECASE)
RE_COUNT_JA = re.compile(rf"(?<![A-Za-z\d.,])(?P<num>{_ARABIC}(?:[万億兆千]{_ARABIC}?)*[万億兆千]?)\s?(?P<unit>{_COUNTER_ALT})"
                         rf"|(?<![{_KANJI_NUM_CHARS}数何])(?P<knum>[〇一二三四五六七八九十百千][{_KANJI_NUM_CHARS}]*)"
                         rf"(?P<kunit>{_KANJI_COUNTER_ALT})(?![市町村区駅線])")
RE_BIG_NUMBER = re.compile(rf"(?<![A-Za-z\d.,])(?P<num>{_ARABIC}(?:[万億兆千]{_ARABIC}?)*[万億兆])")
RE_COUNT_EN = re.compile(rf"(?<![\w.,$¥-])(?P<num>{_ARABIC}|(?:{'|'.join(_ENGLISH_NUMBERS)}))"
                         r"(?:\s?(?P<scale>thousand|million|billion))?[\s-]+(?P<noun>[A-Za-z][a-z-]{1,20})\b",
                         re.IGNORECASE)
RE_AGE_EN = re.compile(r"\b(?:aged?\s+(?P<a1>\d{1,3})|(?P<a2>\d{1,3})\s*(?:years?|yrs?)[\s-]old)\b")
RE_PLAIN_NUMBER = re.compile(rf"(?<![A-Za-z\d.,_/〒-])(?P<num>{_ARABIC})(?![A-Za-z\d/]|-\d)")

# Nouns after a number that are no unit of anything worth keeping (the number stays, as a plain number).
_EN_NOT_UNITS = {"and", "or", "to", "of", "in", "on", "at", "for", "from", "by", "with", "the", "a", "an",
                 "is", "are", "was", "were", "percent", "per", "s", "times", "more", "less", "or so",
                 "thousand", "million", "billion", "yen", "dollars", "euros", "years-old", "year-old"}

# ---- names ----

RE_QUOTED = re.compile(r"「(?P<q>[^「」\n]{1,30})」|『(?P<q2>[^『』\n]{1,30})』|“(?P<q3>[^“”\n]{2,40})”"
                       r"|(?<![A-Za-z])\"(?P<q4>[^\"\n]{2,40})\"|(?<![A-Za-z])'(?P<q5>[A-Z][^'\n]{1,38})'(?![A-Za-z])")
_LEGAL_JA = r"株式会社|有限会社|合同会社|合資会社|合名会社|一般社団法人|社会福祉法人|医療法人|[（(]株[）)]|[（(]有[）)]|㈱|㈲"
_NAME_CHARS = r"[一-龥々〆ァ-ヶーｦ-ﾟA-Za-z0-9・&＆ぁ-ゖ]"
RE_COMPANY_PREFIX = re.compile(rf"(?P<legal>{_LEGAL_JA})\s?(?P<name>{_NAME_CHARS}{{1,20}})")
RE_COMPANY_SUFFIX = re.compile(rf"(?P<name>{_NAME_CHARS}{{1,20}}?)\s?(?P<legal>{_LEGAL_JA})")
_COMPANY_WORDS = ("精機", "精工", "工業", "製作所", "商事", "産業", "電機", "電気", "建設", "食品", "物産", "化学",
                  "重工", "運輸", "物流", "商店", "工務店", "銀行", "信用金庫", "信金", "信用組合", "製薬", "薬品",
                  "機械", "自動車", "鉄工所", "技研", "興業", "商会", "製菓", "水産", "印刷", "不動産", "油圧",
                  "ホールディングス", "システムズ", "テクノロジー", "エンジニアリング", "製造所", "研究所")
RE_COMPANY_WORD = re.compile(rf"(?P<name>[一-龥々ァ-ヶー]{{1,8}}?(?:{'|'.join(_COMPANY_WORDS)}))"
                             r"(?=[^一-龥々ァ-ヶー]|製|社|様|殿|等|経由|以外|$)")
# What goes before an industry word in a common noun, not a company's name (産業機械, 地元の食品 …).
_GENERIC_PREFIXES = ("産業", "工作", "精密", "農業", "建設", "食品", "電気", "電子", "化学", "一般", "土木", "金属",
                     "住宅", "地元", "県内", "大手", "同業", "中小", "外資", "国内", "海外", "医療", "輸送", "物流",
                     "半導体", "自動車", "鋼材", "工具", "部品", "機械")
RE_HONORIFIC = re.compile(r"(?P<name>[一-龥々ァ-ヶー]{2,10})(?:さん|様|さま|氏)")
_EN_LEGAL = r"Co\.,?\s?Ltd\.?|Co\.|Inc\.?|Corp(?:oration|\.)?|Ltd\.?|LLC|K\.K\.|GmbH|Limited|Company"
RE_COMPANY_EN = re.compile(rf"(?P<name>(?:[A-Z][\w&'.-]*\s)+?|(?:[A-Z][\w&'.-]*\s?)+?),?\s?(?P<legal>{_EN_LEGAL})(?![A-Za-z])")
RE_PROPER_EN = re.compile(r"(?<![\w.])(?P<name>[A-Z][a-z]+(?:[\s-][A-Z][a-z]+)*)")

# Words that end in honorifics but name nobody in particular (お客さん, 社長さん …), and the particles that end a
# company name read forwards from 株式会社 (株式会社みどり精工では → みどり精工).
_NOT_NAMES = {"お客", "客", "社長", "部長", "課長", "係長", "工場長", "専務", "常務", "会長", "先生", "業者", "職人",
              "担当", "担当者", "営業", "取引先", "得意先", "仕入先", "協力先", "従業員", "社員", "家族", "息子",
              "娘", "父", "母", "奥", "先方", "相手", "皆", "大工", "職員", "役員", "店長", "銀行", "奥様", "お子",
              "メーカー", "ユーザー", "エンドユーザー", "お得意", "同業", "同業者", "皆様", "親会社", "元請け", "元請",
              "若手", "新人", "ベテラン", "パート", "社外", "外部", "当社", "弊社", "御社", "他社", "各社"}
_PARTICLE_END = re.compile(r"(?<=[一-龥々ァ-ヶーA-Za-z0-9])(?:では|には|とは|から|まで|です|でした|との|への|より|さん|様|"
                           r"[はがをにのでともへや])|(?:です|でした|では|から|さん|様)")
_BACK_STOP = set("はがをにのでともへや、。，．・ 　")
_EN_STOP = {"I", "The", "A", "An", "We", "Our", "My", "It", "They", "He", "She", "This", "That", "These",
            "Those", "If", "When", "And", "But", "So", "Then", "There", "Yes", "No", "Mostly", "Nearly", "Just",
            "Once", "Since", "After", "Before", "At", "In", "On", "For", "Not", "Nobody", "Everyone", "Rather",
            "Actually", "What", "Which", "Who", "How", "Why", "Last", "Next", "Every", "Some", "All", "Each",
            "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Mr", "Ms", "Mrs",
            "Dr", "President", "Enquiries", "Customers", "Sales", "Prototypes", "Semiconductors", "Keeping",
            "Ask", "Precision", "Your", "Its", "Their", "Also", "Maybe", "Perhaps", "About", "Around", "Only",
            "Over", "Under", "New", "Many", "Most", "Much", "One", "Two", "Three", "As", "Of", "By", "With",
            "From", "To", "Or", "Do", "Does", "Did", "Is", "Are", "Was", "Were", "Be", "Have", "Has", "Had"}
_MONTH_WORDS = {m.capitalize() for m in MONTHS_EN} | {m[:3].capitalize() for m in MONTHS_EN}


# ---- extraction ----


def extract_facts(text: str) -> tuple[Fact, ...]:
    """Every key fact in `text`, in the order they appear (each span once: a date is not also a year)."""
    if not text:
        return ()
    plain = ascii_digits(text)
    names = _names(plain, text)
    claimed: list[tuple[int, int]] = [(f.start, f.end) for f in names if f.kind == "company"]
    numeric: list[Fact] = []
    for finder in _NUMERIC_FINDERS:
        for fact in finder(plain, text):
            if not any(fact.start < end and start < fact.end for start, end in claimed):
                numeric.append(fact)
                claimed.append((fact.start, fact.end))
    facts = sorted(numeric + names, key=lambda f: (f.start, -f.end))
    return tuple(_unique(facts))


def _unique(facts: list[Fact]) -> list[Fact]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for f in facts:
        if (f.key, f.start, f.end) not in seen:
            seen.add((f.key, f.start, f.end))
            out.append(f)
    return out


def _fact(kind: str, original: str, start: int, end: int, value: Decimal | str, unit: str = "") -> Fact:
    shown = value if isinstance(value, str) else number_key(value)
    key = f"{kind}:{shown}:{unit}" if unit else f"{kind}:{shown}"
    return Fact(kind, original[start:end].strip(), key, value, unit, start, end)


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
        return _fact("date", original, start, end, value)
    return _fact("month", original, start, end, f"{year:04d}-{month:02d}")


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
            facts.append(_fact("year", original, m.start(), m.end(), Decimal(year)))
    for m in RE_YEAR_EN.finditer(plain):
        if _is_japanese_context(plain, m.end()):
            continue  # 1998年 is read above; 2015 followed by Japanese text is a number of something
        facts.append(_fact("year", original, m.start(), m.end(), Decimal(m.group("year"))))
    return facts


def _is_japanese_context(plain: str, end: int) -> bool:
    rest = plain[end:end + 1]
    return bool(rest) and unicodedata.east_asian_width(rest) in ("W", "F")


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
        facts.append(_fact("percent", original, m.start(), m.end(), value, "%"))
    return facts


def _amounts(plain: str, original: str) -> list[Fact]:
    facts = []
    for m in RE_AMOUNT_JA.finditer(plain):
        value = parse_number(m.group("num"))
        if value is not None and _numeric_start_ok(plain, m.start()):
            facts.append(_fact("amount", original, m.start(), m.end(), value, _CURRENCY_WORDS[m.group("cur")]))
    for m in RE_AMOUNT_SIGN.finditer(plain):
        value = Decimal(m.group("num").replace(",", "")) * _scale(m.group("scale"))
        facts.append(_fact("amount", original, m.start(), m.end(), value, _CURRENCY_SIGNS[m.group("sign")]))
    for m in RE_AMOUNT_EN.finditer(plain):
        value = Decimal(m.group("num").replace(",", "")) * _scale(m.group("scale"))
        facts.append(_fact("amount", original, m.start(), m.end(), value, _CURRENCY_WORDS[m.group("cur").lower()]))
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
        facts.append(_fact("count", original, m.start(), m.end(), value, canonical))
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
            facts.append(_fact("number", original, m.start(), m.end(), value))
    return facts


def _counts_en(plain: str, original: str) -> list[Fact]:
    facts = []
    for m in RE_AGE_EN.finditer(plain):
        facts.append(_fact("count", original, m.start(), m.end(), Decimal(m.group("a1") or m.group("a2")), "歳"))
    for m in RE_COUNT_EN.finditer(plain):
        noun = m.group("noun").lower()
        if noun in _EN_NOT_UNITS or not (noun in _PEOPLE or noun.endswith("s")):
            continue  # "the top three make up": a verb, not a unit
            continue
        raw = m.group("num").lower()
        value = Decimal(_ENGLISH_NUMBERS[raw]) if raw in _ENGLISH_NUMBERS else Decimal(raw.replace(",", ""))
        value *= _scale(m.group("scale"))
        unit = "人" if noun in _PEOPLE else _singular(noun)
        facts.append(_fact("count", original, m.start(), m.end(), value, unit))
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
        facts.append(_fact("number", original, m.start(), m.end(), value))
    return facts


# Most specific first: a span taken by one finder is not read again by a later one.
_NUMERIC_FINDERS = (_dates_numeric, _dates_ja, _dates_en, _amounts, _percents, _years, _counts_ja, _big_numbers,
                    _counts_en, _plain_numbers)


# ---- names ----


def name_key(text: str) -> str:
    """A name as compared: NFKC, no spaces or middle dots, case-folded, closing punctuation dropped."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s・･.,、。!?！？」』\"'“”]+", "", text)


def _names(plain: str, original: str) -> list[Fact]:
    facts = _quoted(plain, original) + _companies_ja(plain, original) + _companies_en(plain, original)
    taken = [(f.start, f.end) for f in facts]
    for f in _honorific_names(plain, original) + _proper_names_en(plain, original):
        if not any(f.start < end and start < f.end for start, end in taken):
            facts.append(f)
            taken.append((f.start, f.end))
    return facts


def _name_fact(kind: str, original: str, start: int, end: int, name: str) -> Fact | None:
    key = name_key(name)
    if len(key) < 2:
        return None
    return Fact(kind, original[start:end], f"{kind}:{key}", key, "", start, end)


def _quoted(plain: str, original: str) -> list[Fact]:
    facts = []
    for m in RE_QUOTED.finditer(plain):
        group = next(g for g in ("q", "q2", "q3", "q4", "q5") if m.group(g) is not None)
        inner = m.group(group)
        if "。" in inner.rstrip("。") or (group in ("q4", "q5") and len(inner.split()) > 6):
            continue  # a quoted sentence is speech, not a name
        fact = _name_fact("quoted", original, m.start(group), m.end(group), inner)
        if fact:
            facts.append(fact)
    return facts


def _companies_ja(plain: str, original: str) -> list[Fact]:
    facts: list[Fact] = []
    for m in RE_COMPANY_PREFIX.finditer(plain):
        name = _cut_forward(m.group("name"))
        if name and name[0] not in _BACK_STOP and not re.fullmatch(r"[ぁ-ゖ]+", name):
            facts.append(_company(original, m.start(), m.start("name") + len(name), name))
    for m in RE_COMPANY_SUFFIX.finditer(plain):
        if any(f.start <= m.start("legal") < f.end for f in facts):
            continue  # 株式会社A株式会社B: the legal form already read as a prefix
        start = _cut_backward(plain, m.end("name"))
        name = plain[start:m.end("name")].strip()
        if name and not name.endswith(("株式会社", "有限会社")):
            facts.append(_company(original, start, m.end(), name))
    for m in RE_COMPANY_WORD.finditer(plain):
        if _generic(m.group("name")):
            continue
        if any(f.start <= m.start() < f.end or m.start() <= f.start < m.end() for f in facts):
            continue
        facts.append(_company(original, m.start(), m.end("name"), m.group("name")))
    return [f for f in facts if f.value not in _NOT_NAMES and f.value not in _COMPANY_WORDS and len(str(f.value)) >= 2]


def _generic(name: str) -> bool:
    """産業機械, 半導体製造装置メーカー: an industry named by common nouns, not a company."""
    core = next((name[:-len(w)] for w in _COMPANY_WORDS if name.endswith(w)), name)
    return core in _GENERIC_PREFIXES or core in _COMPANY_WORDS or not core


def _company(original: str, start: int, end: int, name: str) -> Fact:
    core = re.sub(rf"^(?:{_LEGAL_JA})|(?:{_LEGAL_JA})$", "", name.strip())
    key = name_key(core)
    return Fact("company", original[start:end], f"company:{key}", key, "", start, end)


def _cut_forward(name: str) -> str:
    """The name after 株式会社, up to the particle or copula that ends it (みどり精工では → みどり精工)."""
    for m in _PARTICLE_END.finditer(name):
        if m.start() > 0:
            return name[:m.start()]
    return name


def _cut_backward(plain: str, end: int, limit: int = 20) -> int:
    """Where a name read backwards from `end` begins: at a particle, punctuation, or `limit` characters."""
    start = end
    while start > 0 and end - start < limit:
        ch = plain[start - 1]
        if ch in _BACK_STOP or ch in "「」『』（）()\n" or not re.match(_NAME_CHARS, ch):
            break
        start -= 1
    return start


def _companies_en(plain: str, original: str) -> list[Fact]:
    facts = []
    for m in RE_COMPANY_EN.finditer(plain):
        words = m.group("name").split()
        while words and words[0] in _EN_STOP:
            words.pop(0)
        if not words:
            continue
        name = " ".join(words)
        start = m.start("name") + m.group("name").index(words[0])
        fact = Fact("company", original[start:m.end()], f"company:{name_key(name)}", name_key(name), "",
                    start, m.end())
        facts.append(fact)
    return facts


def _honorific_names(plain: str, original: str) -> list[Fact]:
    facts = []
    for m in RE_HONORIFIC.finditer(plain):
        start = _cut_backward(plain, m.end("name"), limit=10)
        name = plain[start:m.end("name")]
        for title in sorted(_NOT_NAMES, key=len, reverse=True):  # 工場長の村井さん is read as 村井
            if name.endswith(title):
                name = ""
                break
        if name and not any(name.endswith(w) for w in ("会社",)):
            fact = _name_fact("name", original, start, m.end("name"), name)
            if fact:
                facts.append(fact)
    return facts


def _proper_names_en(plain: str, original: str) -> list[Fact]:
    facts = []
    for m in RE_PROPER_EN.finditer(plain):
        words = m.group("name").split()
        start = m.start()
        while words and (words[0] in _EN_STOP or words[0] in _MONTH_WORDS):
            start += len(words[0]) + 1
            words.pop(0)
        if not words or (len(words) == 1 and _sentence_start(plain, start)) or all(w in _MONTH_WORDS for w in words):
            continue
        name = " ".join(words)
        fact = _name_fact("name", original, start, start + len(name), name)
        if fact:
            facts.append(fact)
    return facts


def _sentence_start(plain: str, start: int) -> bool:
    before = plain[:start].rstrip(" \"'“‘(")
    return not before or before[-1] in ".!?:;\n。"


# ---- comparing ----


def covers(fact: Fact, others: tuple[Fact, ...] | list[Fact]) -> bool:
    """Whether `others` (the facts of a write-up) state `fact` (a fact of the answers), however written:
    the same key; the same number with a compatible unit (1,200万 for 1,200万円); a year inside a date or month
    of that year; a name contained in another (東浜精機 in 株式会社東浜精機, or the other way round)."""
    return any(_covers_one(fact, other) for other in others)


def _covers_one(fact: Fact, other: Fact) -> bool:
    if fact.key == other.key:
        return True
    if fact.kind in NAME_KINDS and other.kind in NAME_KINDS:
        a, b = str(fact.value), str(other.value)
        return min(len(a), len(b)) >= 2 and (a in b or b in a)
    if fact.kind == "year" and other.kind in ("date", "month"):
        return str(other.value).startswith(number_key(fact.value) + "-") if isinstance(fact.value, Decimal) else False
    if fact.kind in ("date", "month") and other.kind == fact.kind:
        return str(fact.value).endswith(str(other.value).lstrip("-")) or str(other.value).endswith(str(fact.value).lstrip("-"))
    if fact.kind in NUMERIC_KINDS and other.kind in NUMERIC_KINDS | {"year"}:
        same = isinstance(fact.value, Decimal) and isinstance(other.value, Decimal) and fact.value == other.value
        return same and (fact.unit == other.unit or "" in (fact.unit, other.unit))
    return False


def missing_facts(answers: tuple[Fact, ...] | list[Fact], entry: tuple[Fact, ...] | list[Fact]) -> tuple[Fact, ...]:
    """The answers' facts the entry does not state, each once (by key), in the order first seen."""
    seen: set[str] = set()
    missing = []
    for fact in answers:
        if fact.key in seen:
            continue
        seen.add(fact.key)
        if not covers(fact, entry):
            missing.append(fact)
    return tuple(missing)

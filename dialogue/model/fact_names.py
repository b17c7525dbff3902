"""Named key facts: names in 「」 and quotes, companies (株式会社…, …(株), 〜精機 …, … Co., Ltd.), and people or
firms named with さん・様・氏; in Japanese and English. Pure."""

from __future__ import annotations

import re

from dialogue.model.fact_numbers import MONTHS_EN
from dialogue.model.fact_text import Fact, name_key

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


# ---- names ----


def find_names(plain: str, original: str) -> list[Fact]:
    """Every named fact of the text: quoted names, companies, then people and firms named with an honorific."""
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

"""What an expert listens for: the element vocabulary, and deterministic detectors for each element and
for a non-answer, in Japanese and English. Pure (regular expressions only; no model, no I/O).

A full answer to a question contains certain *elements* — a figure, a reason, a time frame, a named
party … The bank lists them per question (`listen_for`) and tags each probe with the element it asks
for; the probe policy (dialogue.engine.probing) offers the probe for an element the answers so far lack.

The detectors favour recall over precision only where a miss is cheap: a false "present" means one
probe is not offered (the interviewer can still ask it), a false "missing" means one probe too many.
Each detector has a table of real-looking answers in tests/test_elements.py, true and false positives.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from functools import lru_cache
from typing import Any

from dialogue.model.measure import flatten, thin_size
from dialogue.model.patterns import LazyPattern
from dialogue.record import Record, record


@record
class Element(Record):
    """One thing a full answer contains. `label_ja`/`label_en` name it on screen (「数字がまだ出ていません」)."""

    id: str
    label_ja: str
    label_en: str
    meaning: str

    def label(self, lang: str) -> str:
        return self.label_ja if lang == "ja" else self.label_en


# The vocabulary: one table (docs/bank-format.md documents each; a test keeps them in step).
ELEMENTS: dict[str, Element] = {e.id: e for e in (
    Element("figure", "数字", "figure",
            "a number with a unit, a share or an amount: 売上の6割, 23人, 1.5倍, 月に2、3件, 2億4千万円"),
    Element("share", "割合", "share",
            "a proportion of a whole, in numbers or words: 売上の7割, 35％, 3分の1, 半分, 大半, most of — not a "
            "count (スーパー3社, 23人): 「上位3社で売上の何割」 is still to be asked after 「スーパー3社」"),
    Element("reason", "理由", "reason",
            "why: 〜ため, 〜ので, 〜から(です), 理由は, 決め手, because, so that, that's why"),
    Element("time", "時期", "time frame",
            "when, since, until, how long or how often: 2009年, 5年前, 70になる頃, 以来, 来年まで, 月に1回"),
    Element("party", "相手先", "named party",
            "a named customer, competitor, supplier, partner or person: 東浜精機さん, 株式会社…, 工場長の村井"),
    Element("example", "具体例", "example",
            "an episode or a concrete case: 例えば, 〜したとき, 〜と言われました, 「…」, for example, once"),
    Element("comparison", "比較", "comparison",
            "against competitors or the industry: 他社より, 同業と比べて, 県内で一番, 大手には負ける, than, unlike"),
    Element("change", "変化", "change",
            "against the past — a trend or what changed: 増えた, 半分になった, 以前は…今は, 横ばい, used to, grew"),
    Element("method", "やり方", "how it is done",
            "a concrete practice, tool or system: マニュアル, OJT, 朝礼で, エクセルで管理, checklist, software"),
    Element("concern", "気がかりな点", "concern",
            "a worry, risk, shortage or bottleneck: 心配, 気がかり, 人が足りない, 困る, ネック, we're short of, risk"),
)}
ELEMENT_IDS: tuple[str, ...] = tuple(ELEMENTS)


class Reply(StrEnum):
    """What an answer amounts to, for the probe policy."""

    CONTENT = "content"  # says something
    NONE = "none"  # nothing to add / does not know / evades: 「特にないですね」「わからない」"nothing really"
    NEGATIVE = "negative"  # the thing does not exist or is not decided: 「会議はない」「決めていません」"we don't"


@lru_cache(maxsize=1024)
def normalize(text: str) -> str:
    """NFKC (full-width digits and ％ become ASCII) and lower case; the form every detector reads."""
    return unicodedata.normalize("NFKC", text).casefold()


# ---- the detectors ----


_KANJI_DIGITS = "〇一二三四五六七八九十百千"
_KANJI_NUMBER = f"[{_KANJI_DIGITS}]+"
_TIME_UNITS = r"(?:年|か月|ヶ月|カ月|ヵ月|箇月|月|週|日|時間|分間|時)"
_COUNTERS = (r"(?:人|名|社|件|個|台|円|万|億|千|割|%|倍|店舗?|回|本|点|トン|キロ|km|kg|ミリ|mm|ミクロン|μm|"
             r"枚|箱|軒|種類|品目|拠点|行|坪|平米|部門|工程|ライン|世帯|ロット|ケース|パック|食|歳|才|階|cm|m2|坪)")

_JA_FIGURE = LazyPattern(
    # an Arabic number (with , or .) that is not a calendar year, not a time unit and not "N代目"
    r"(?<![\d.,])(?!(?:19|20)\d\d年)\d[\d,.]*(?!\d)(?![,.]?\d)(?!\s*(?:年|か月|ヶ月|カ月|ヵ月|月|週|日|時間|時|分(?!の)|秒|代目|代|番目|次|期|号))"
    r"|" + _KANJI_NUMBER + _COUNTERS
    + r"|[二三四五六七八九十]" + r"(?:倍)"
    + r"|\d+分の\d+|[一二三四五六七八九十]+分の[一二三四五六七八九十]+"
    + r"|半分|半数|過半|倍増|ゼロ|数十|数百|数千|数万"
)
_EN_NUMBER_WORDS = (r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
                    r"sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozen")
_EN_TIME_UNITS = r"(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|generations?)"
_EN_FIGURE = LazyPattern(
    r"(?<![\w.,])(?!(?:19|20)\d\d\b(?!\s*%))\d[\d,.]*(?![\d,])(?!\s*(?:-\s*)?" + _EN_TIME_UNITS + r"\b)(?!(?:st|nd|rd|th)\b)"
    r"|\b(?:" + _EN_NUMBER_WORDS + r")\b(?!\s+(?:-\s*)?" + _EN_TIME_UNITS + r"\b)(?!\s+(?:of\s+)?(?:us|them)\b)"
    r"|\bhalf\b|\ba third\b|\ba quarter\b|\bdoubled?\b|\btwice as\b|\bper ?cent\b|%|¥|\$|\byen\b"
)

_JA_SHARE = LazyPattern(
    # a proportion of a whole: N割 / N% / N分のM / 半分 / 大半 — a count (3社, 23人) is not one
    r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十]+)\s*(?:割(?!引|高|安|増|合)|%|パーセント)"
    r"|\d+分の\d+|[一二三四五六七八九十]+分の[一二三四五六七八九十]+|半分|半数|過半|大半|大部分|ほとんどが|ほとんどは|ほぼ全"
)
_EN_SHARE = LazyPattern(
    r"\d+(?:\.\d+)?\s*(?:%|per ?cent\b)|\bhalf\b|\ba (?:third|quarter|fifth|tenth)\b"
    r"|\b(?:one|two|three|four)[- ](?:thirds?|quarters?|fifths?|tenths?)\b|\bmost of\b|\bthe bulk of\b"
    r"|\b(?:a |the )?majority\b|\b(?:nearly|almost) all\b"
)

_JA_TIME = LazyPattern(
    r"(?:19|20)\d\d年|(?:昭和|平成|令和)[\d元一二三四五六七八九十]+年|\d+年代|\d+年(?:前|後|目|間|ほど|くらい|ぐらい|近く|以上|かけ)"
    r"|[\d" + _KANJI_DIGITS + r"]+" + _TIME_UNITS
    + r"|頃|(?<!と)ころ|ごろ|以来|以降|当時|去年|昨年|今年|来年|再来年|先月|今月|来月|先週|来週|最近|この前|先日|今後|将来|いずれ"
    r"|創業時|創業当時|創業以来|創業から|その後|それ以来|それから|のちに|後に|直後|前後|時期|期限|めど|目途|目処"
    r"|毎日|毎週|毎月|毎年|毎朝|毎晩|毎回|週に|月に|年に|日に|隔週|定期的|月曜|火曜|水曜|木曜|金曜|土曜|日曜|土日|朝礼|半年"
    r"|(?:年|月|日|頃|歳|才|代)(?:まで|から)|までに|うちに"
    r"|(?:[\d" + _KANJI_DIGITS + r"]+|いくつ)(?:歳|才)(?:になる|の時|のとき|まで|で|に)"
)
_EN_MONTHS = r"january|february|march|april|june|july|august|september|october|november|december"
_EN_TIME = LazyPattern(
    r"\b(?:19|20)\d\d\b|\b(?:19|20)\d0s\b|\bsince\b|\buntil\b|\btill\b|\bago\b|\bby (?:then|next|the end|the time|(?:19|20)\d\d)\b"
    r"|\b(?:last|next|this) (?:year|month|week|spring|summer|autumn|fall|winter)\b|\brecently\b|\blately\b"
    r"|\bthese days\b|\bat that time\b|\bat the time\b|\bback then\b|\bin (?:the )?future\b|\bsoon\b|\bafterwards?\b"
    r"|\bevery (?:day|week|month|year|morning|evening|monday|quarter)\b|\b(?:once|twice) a\b|\ba (?:week|month|year)\b"
    r"|\bper (?:week|month|year|day)\b|\b(?:daily|weekly|monthly|yearly|annually)\b|\bmonday\b|\bweekends?\b"
    r"|\b(?:\d+|a|an|one|few|" + _EN_NUMBER_WORDS + r")\s*(?:-\s*)?" + _EN_TIME_UNITS + r"\b"
    r"|\b(?:" + _EN_MONTHS + r")\b|\bturn \d+\b|\baround the time\b|\bwhen i (?:was|turn)\b|\bdeadline\b|\btiming\b"
)

_JA_REASON = LazyPattern(
    r"ため|ので|理由|決め手|おかげ|せいで|きっかけ|というのも|なぜなら|なぜかというと|からこそ|だけに"
    r"|(?:だ|です|ます|た|い|ない|る|ん|ません|でした|ました)から(?:です|でしょう|ね|よ|。|、|$|\n)"
    r"|(?:だ|です|ます|た|い|ない|る|ません|でした|ました)からで"
    r"|だから|ですから|ますから|なので|それで|そのため|によって|(?:で|に)(?:選ばれ|評価され|任され)"
)
_EN_REASON = LazyPattern(
    r"\bbecause\b|\bas a result\b|\bthat'?s why\b|\bwhich is why\b|\bthe reason\b|\bdue to\b|\bthanks to\b"
    r"|\bso that\b|\bin order to\b|\bsince (?!(?:19|20)\d\d|then|last|the|\d|[a-z]+ (?:year|month|week)s?\b)(?:we|i|they|it|he|she|our|there)\b"
    r"|\b(?:, )?so (?:we|i|they|customers|people)\b|\bwhat decided\b|\bthe deciding\b|\bthat is why\b"
    r"|\bbecause of\b|\bit'?s why\b|\bfor (?:price|quality|precision|speed|the) \w+\b(?= )|\bdrove\b|\bled (?:us|me) to\b"
)

_JA_COMPANY = (r"株式会社|有限会社|合同会社|合資会社|\(株\)|\(有\)|㈱|㈲|信用金庫|信金|銀行|組合|協会|大学|センター"
               r"|工業|製作所|精機|精工|商事|商店|商会|鋼材|産業|電機|物産|食品|建設|工務店|メッキ|熱処理|ホーム(?!ページ)|ハウス"
               r"|スーパー|生協|商社|メーカー|市役所|県庁|保証協会")
# people named only by their role (パートさん, お客さん, 職人さん) are not a named party
_GENERIC_PEOPLE = LazyPattern(
    r"(?:パート|アルバイト|バイト|職人|社員|新人|若手|ベテラン|事務|営業|現場|スタッフ|従業員|お客|お年寄り|業者|先輩|後輩"
    r"|店員|ドライバー|運転手)(?:さん|様|さま)")
_JA_PARTY = LazyPattern(
    r"(?:" + _JA_COMPANY + r")"
    r"|[\u30a0-\u30ff\u4e00-\u9fff]{2,}(?:さん|様|さま|氏|君)"
    r"|工場長|専務|常務|部長|課長|係長|主任|番頭|右腕|長男|次男|三男|長女|次女|息子|娘|家内|妻|嫁|叔父|伯父|叔母|甥|姪"
    r"|先代|会長|社長の|副社長|後継者の|親父|おやじ|父が|母が|兄|弟|姉|妹"
    # not 〜向け: 「半導体製造装置向け」 says what kind of customer, not who — 「お客様は」 is still to be asked
)
_EN_PARTY = LazyPattern(
    r"\b(?:co\.|ltd\b|inc\b|corp\b|llc\b|k\.k\.|gmbh\b|bank\b|shinkin\b|university\b|centre\b|center\b|works\b"
    r"|industries\b|trading\b|foods\b|seiki\b|seiko\b|hydraulics\b|supermarkets?\b|co-?op\b|makers?\b|manufacturers?\b)"
    r"|\b(?:factory manager|managing director|director|manager|foreman|my (?:son|daughter|wife|husband|uncle|father|mother|brother|sister)"
    r"|the (?:founder|chairman)|mr\.?|ms\.?|mrs\.?|our (?:buyer|president))\b"
)
_EN_PROPER_NAME = LazyPattern(r"(?<=[a-z,;:] )[A-Z][a-z]+(?: [A-Z][a-z]+)+|(?<=[a-z,;:] )[A-Z][a-z]{2,}(?='s\b)")

_JA_EXAMPLE = LazyPattern(
    r"例えば|たとえば|例として|一例|」と(?!いう|いった)|』と(?!いう|いった)|と言われ|と言って|と言いました|と言っていただ|って言われ|とおっしゃ"
    r"|(?:た|る)(?:とき|時|ときに|時に|ところ)|(?:た|だ)ことが(?:あり|ある)|ことがありました"
    r"|ある時|あるとき|ある日|一度|以前|去年|昨年|先日|この前|先月|実は|当時|のとき(?:に|は)|の時(?:に|は)"
)
_EN_EXAMPLE = LazyPattern(
    r"\bfor (?:example|instance)\b|\be\.g\.|\bsuch as\b|\bonce\b|\bone time\b|\bthere was a time\b|\bone day\b"
    r"|\blast (?:year|month|week)\b|\btold (?:me|us)\b|(?<!as i )(?<!as we )\bsaid\b|\bsays\b|\bwhen (?:a|the|our|we|they|i) \w+(?:ed)\b"
    r"|\bat one point\b|\bat that point\b"
)

_JA_COMPARISON = LazyPattern(
    # measured against someone: merely naming competitors (同業が4社あります) is not a comparison
    r"より|比べ|比較|他社(?:には|と(?:違|比))|ほかの(?:会社|社|店|工場|メーカー)(?:には|と(?:違|比)|より)|業界(?:平均|の中|で一番)"
    r"|(?<!間)違い|(?<!間)違う|一番|唯一|屈指|トップ|何番手|番手|負け|勝て|かなわ|並み|平均|同じくらい|珍しい|ならでは|しかできな"
    r"|にはできな|真似"
)
_EN_COMPARISON = LazyPattern(
    r"\bthan\b|\bcompared?\b|\bcomparison\b|\bversus\b|\bvs\.?\b|\bcompetitors?\b|\brivals?\b"
    r"|\bother (?:companies|shops|firms|makers|businesses)\b|\bindustry\b|\bunlike\b|\bonly (?:we|us|one)\b"
    r"|\bthe (?:only|best|biggest|largest)\b|\bcheaper\b|\bfaster\b|\bslower\b|\bbetter\b|\bworse\b|\bsame as\b"
    r"|\babout the same\b|\baverage\b|\bunusual\b|\brare\b|\bcopy\b"
)
_JA_CHANGE = LazyPattern(
    r"増え|減り|減っ|減少|増加|伸び|伸ば|上がっ|下がっ|値上げ|(?<!申し|差し)上げ(?:まし|た|て)|下げ(?:まし|た|て)|変わ|変化|横ばい|倍に|半分に|半減|倍増"
    r"|以前は|前は|昔は|当時は|今は|今では|かつて|ようになり|なくなり|広げ|拡大|縮小|増やし|減らし|落ち|戻し|戻り"
)
_EN_CHANGE = LazyPattern(
    r"\bused to\b|(?:^|[.;] )before,|\bbefore (?:that|then)\b|\bnow\b|\bany ?more\b|\bincreas|\bdecreas|\bgr[eo]w|\bfell\b|\bfalling\b|\brose\b"
    r"|\brising\b|\bdoubled\b|\bhalved\b|\bflat\b|\bchanged\b|\bwent (?:up|down)\b|\bno longer\b|\bsince then\b"
    r"|\bexpand|\bshr[iau]nk|\bmore and more\b|\bdropp|\braised\b|\bcut\b|\bup from\b|\bdown from\b"
)

_JA_METHOD = LazyPattern(
    r"マニュアル|手順|仕組み|ルール|規程|規定|OJT|ojt|研修|面談|朝礼|会議|ミーティング|チェック|検査|点検|記録|日報|台帳|掲示"
    r"|システム|ソフト|アプリ|エクセル|excel|クラウド|パソコン|バックアップ|ハードディスク|外付け|動画|教え|指導|見て覚え|現場で覚え"
    r"|ようにしています|ようにしている|ことにしています|を使って|で管理|で共有|で回して|任せて|担当|分担|交代|多能工|標準書|作業標準|資格"
)
_EN_METHOD = LazyPattern(
    r"\bmanuals?\b|\bprocedures?\b|\bchecklists?\b|\bsystems?\b|\bsoftware\b|\bexcel\b|\bspreadsheets?\b|\bcloud\b|\bbacks? up\b|\bbackups?\b"
    r"|\btraining\b|\bmeetings?\b|\bon the job\b|\brules?\b|\brota\b|\blogs?\b|\brecords?\b|\binspect|\bwe use\b|\bwe keep\b"
    r"|\bwe make sure\b|\bin charge\b|\bresponsible\b|\bvideos?\b|\bstandards?\b|\bqualifications?\b|\bteach|\bshow (?:them|him|her)\b"
)

_JA_CONCERN = LazyPattern(
    r"心配|不安|気がかり|気になって|気が重い|困る|困って|困り|悩み|悩ん|リスク|ネック|ボトルネック|足りな|足りず|不足|手が回らな"
    r"|間に合わな|きつい|厳しい|苦労|苦しい|怖い|大変|負担|できていな|追いつかな|頼り(?:きり|切り)|属人|ぎりぎり|余裕がな|課題"
)
_EN_CONCERN = LazyPattern(
    r"\bworr|\bconcern|\bafraid\b|\bfear|\brisks?\b|(?<!no )\bproblems?\b|\bshort of\b|\bshortage\b|\black(?:s|ing)?\b|\bbottleneck"
    r"|\bstruggl|\btight\b|\bdifficult|\bhard to\b|\bcan'?t keep up\b|\bstuck\b|\bburden\b|\bdepend(?:s|ent|ence)? (?:on|entirely)\b|\bnot enough\b"
)

_DETECTORS: dict[str, tuple[LazyPattern, LazyPattern]] = {
    "figure": (_JA_FIGURE, _EN_FIGURE),
    "share": (_JA_SHARE, _EN_SHARE),
    "reason": (_JA_REASON, _EN_REASON),
    "time": (_JA_TIME, _EN_TIME),
    "party": (_JA_PARTY, _EN_PARTY),
    "example": (_JA_EXAMPLE, _EN_EXAMPLE),
    "comparison": (_JA_COMPARISON, _EN_COMPARISON),
    "change": (_JA_CHANGE, _EN_CHANGE),
    "method": (_JA_METHOD, _EN_METHOD),
    "concern": (_JA_CONCERN, _EN_CONCERN),
}


def has_element(element: str, text: str) -> bool:
    """Whether `text` contains the element (Japanese patterns for a text with kana or kanji, else English)."""
    japanese = is_japanese(text)
    if element == "party" and not japanese and _EN_PROPER_NAME.search(unicodedata.normalize("NFKC", text)):
        return True
    ja, en = _DETECTORS[element]
    folded = normalize(text)
    if element == "party" and japanese:
        folded = _GENERIC_PEOPLE.sub("", folded)
    return bool((ja if japanese else en).search(folded))


_JAPANESE = LazyPattern(r"[\u3040-\u30ff\u4e00-\u9fff]")


def is_japanese(text: str) -> bool:
    return bool(_JAPANESE.search(text))


def elements_in(value: Any) -> frozenset[str]:
    """Every element an answer (any value: text, list, records) contains."""
    return _elements_in_text(flatten(value))


@lru_cache(maxsize=256)
def _elements_in_text(text: str) -> frozenset[str]:
    """Cached: one answer is read for every element, after the answer and again for the next step's probe
    (thirteen detectors over a long answer cost a millisecond, once)."""
    return frozenset(e for e in ELEMENT_IDS if has_element(e, text))


# ---- non-answers ----

_JA_NONE = LazyPattern(
    r"特に(?:は)?(?:何も|なにも)?(?:ない|無い|ありません|ございません|なし|変わ[っら].*?(?:ない|ありません)|思いつ|考えて(?:い)?ない)"
    r"|特段|別に|べつに|(?:わから|分から|わかん|分かん|知ら)ない|(?:わかり|分かり|知り)ません|存じません|さあ|どうでしょう|どうですかね"
    r"|考えたことが(?:ない|なかった|ありません)|あまり考えて|何とも|なんとも|思い当たら|思いつかない|思いつきません"
    r"|普通に(?:やって|して)|関係(?:あります|ある)か|お答え(?:し|でき)かね|控えさせ|^(?:それは|ちょっと)?言えません|申し上げ(?:られ|にくい)"
    r"|そう言われても|急に言われても|改めて聞かれると|ほかの(?:ところ|こと)なら|ほかのことでしたら"
)
_JA_NEGATIVE = LazyPattern(
    # "X は/が/も ない" (existence), a verb not done or not decided, or a bare 「ないです」 — not 少ない/足りない/できない
    r"(?:は|が|も|特に|何も|なにも|全然|全く|まったく|あまり)(?:、)?(?:ない|無い|ありません|ございません|いません|いない|おりません)"
    r"|(?:して|やって|作って|決めて|決まって|考えて|使って|取って|持って|入れて|出して|行って|置いて)(?:い)?(?:ません|ない)"
    r"|しません|^(?:いえ|いいえ|いや)[、,]|^(?:ない|いない|ありません|いません)(?:です)?(?:ね|よ)?[。!]?$|まだです|まだ(?:何も)?決"
)
_EN_NONE = LazyPattern(
    r"\bnothing (?:really|in particular|special|much|comes to mind)\b|\bnot really\b|\bno idea\b|\bi don'?t know\b|\bnot sure\b"
    r"|\bhard to say\b|\bhaven'?t (?:really )?thought\b|\bnever (?:really )?thought\b|\bcan'?t say\b|\bthe usual way\b"
    r"|\bdoes that matter\b|\bi'?d rather not\b|\bno comment\b|\bnothing to add\b|\bwho knows\b|\bbeats me\b"
    r"|\bask me about something else\b"
)
_EN_NEGATIVE = LazyPattern(
    r"^no\b|\bwe don'?t\b|\bwe haven'?t\b|\bwe do not\b|\bthere (?:isn'?t|aren'?t|is no|are no)\b|\bno(?:,| we| there| one|body)\b|\bnone\b"
    r"|\bnot (?:yet|decided|really)\b|\bnothing\b|\bnobody\b|\bi haven'?t\b|\bwe have no\b|\bnot at all\b"
)
# A lack named as the answer ("what is your weakness?" 「若いのがいないことですかね」, "that we have no young staff"):
# the negative is what the owner says, not a refusal to say it.
_JA_NAMED_LACK = LazyPattern(r"(?:い|あ|でき|足り)?(?:ない|無い)(?:こと|の)(?:です|でしょう|だ|が|で|かな|ですかね|ですね)")
_EN_NAMED_LACK = LazyPattern(r"\bthe lack of\b|\bthat (?:we have no|there (?:is|are) no|we don'?t have|nobody)\b")
_CONTENT = ("figure", "reason", "time", "party", "example")  # a sentence with one of these says something
_SENTENCE = LazyPattern(r"(?<=[。！？!?])|(?<=\.)\s+|\n+")
_FILLER = 8  # a sentence shorter than this (うーん。そうですね。Well.), with no element, is filler beside a non-answer
_SAYS_MORE = 25  # a non-answer sentence this long that names a practice, change or concern still says something
_LONG_NEGATIVE = 30  # a negative this long says more than "no" (「登録はしたが、パッケージに入れているだけ」)


def reply_kind(value: Any) -> Reply:
    """NONE or NEGATIVE when the answer says nothing but "nothing" / "we don't": some sentence is a
    non-answer or a negative, no sentence carries a figure, reason, time, party or example, every other
    sentence is short filler, and the non-answer itself is short. A negative with content
    (「決まっていません。息子は東京で…ので」, 「入れたいんですが、何を選べばいいか分からない」) is CONTENT."""
    text = flatten(value).strip()
    if not text:
        return Reply.CONTENT
    kind: Reply | None = None
    for sentence in (s.strip() for s in _SENTENCE.split(text) if s and s.strip()):
        if any(has_element(e, sentence) for e in _CONTENT):
            return Reply.CONTENT
        found = _sentence_kind(sentence)
        if found is Reply.CONTENT:
            return Reply.CONTENT
        kind = Reply.NONE if found is Reply.NONE else kind or found
    return kind or Reply.CONTENT


def _sentence_kind(sentence: str) -> Reply | None:
    """NONE / NEGATIVE for a non-answer sentence, None for short filler, CONTENT for anything else."""
    folded, size = normalize(sentence), thin_size(sentence)
    none, negative = (_JA_NONE, _JA_NEGATIVE) if is_japanese(sentence) else (_EN_NONE, _EN_NEGATIVE)
    says_more = size >= _SAYS_MORE and bool(elements_in(sentence))  # 「システムを入れたいが、分からない」
    if none.search(folded):
        return Reply.CONTENT if says_more else Reply.NONE
    if negative.search(folded):
        named = (_JA_NAMED_LACK if is_japanese(sentence) else _EN_NAMED_LACK).search(folded)
        return Reply.CONTENT if says_more or named or size >= _LONG_NEGATIVE else Reply.NEGATIVE
    return None if size < _FILLER else Reply.CONTENT


def is_non_answer(value: Any) -> bool:
    return reply_kind(value) is not Reply.CONTENT



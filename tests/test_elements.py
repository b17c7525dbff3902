"""The element detectors and the non-answer detector: tables of real-looking answers, each with what an
expert hears in it — true positives and, as carefully, the false positives a naive pattern would give."""

from __future__ import annotations

import pytest

from dialogue.model.elements import ELEMENT_IDS, ELEMENTS, Reply, elements_in, has_element, reply_kind

# (element, answer, present?) — Japanese first, then English.
TABLE: list[tuple[str, str, bool]] = [
    # figure: a number with a unit, a share or an amount, in any script
    ("figure", "半導体の製造装置向けが5割強、油圧機器向けが3割です。", True),
    ("figure", "上位3社で売上の７割です。", True),  # full-width digit
    ("figure", "売上は2億4千万円前後です。", True),
    ("figure", "従業員は二十三人です。", True),  # 漢数字 with a counter
    ("figure", "不良率は0.02％以下です。", True),
    ("figure", "原料は1.5倍になりました。", True),
    ("figure", "月に2、3件はお断りしています。", True),
    ("figure", "売上が半分になりました。", True),
    ("figure", "私が1998年に二代目として継ぎました。", False),  # a year and 二代目 are not figures
    ("figure", "一度お断りしたことがあります。", False),  # 一度 is not a quantity
    ("figure", "5年はかかります。", False),  # a duration is a time frame
    ("figure", "創業以来、精度にこだわってきました。", False),
    ("figure", "The top three make up 70% of sales.", True),
    ("figure", "Sales are around 240 million yen.", True),
    ("figure", "Only two are in their twenties.", True),
    ("figure", "Roughly half of it goes to one customer.", True),
    ("figure", "I took over in 1998.", False),  # a year
    ("figure", "It takes five years to learn.", False),  # a duration
    ("figure", "We are the second generation.", False),
    # share: a proportion of a whole — finer than figure: a count is not a share
    ("share", "上位3社で売上の７割です。", True),
    ("share", "美波ホームさんからの紹介だけで、売上の45％になります。", True),
    ("share", "新しいお客さんは、ほとんどが取引先からの紹介です。", True),
    ("share", "売上の3分の1が試作です。", True),
    ("share", "スーパー3社とは父の代からのお付き合いです。", False),  # 3社 is a count: 「上位3社で何割」 is still open
    ("share", "従業員は23人です。", False),
    ("share", "割引はしていません。", False),
    ("share", "The top three make up 70% of sales.", True),
    ("share", "Most of our new customers come by referral.", True),
    ("share", "We've dealt with three supermarkets since my father's day.", False),
    ("share", "We have 23 employees.", False),
    # reason: why
    ("reason", "最初のお客さんの工場が近くにあったからです。", True),
    ("reason", "人が足りないので、お断りしています。", True),
    ("reason", "品質を保つため、全数検査をしています。", True),
    ("reason", "決め手は工場長の一言でした。", True),
    ("reason", "利益が出るのは試作ですから。", True),
    ("reason", "東京から戻ってきました。", False),  # から as "from"
    ("reason", "2009年から医療向けを始めました。", False),  # から as "since"
    ("reason", "Because our prototypes are quick, development moves faster.", True),
    ("reason", "We moved here due to the port.", True),
    ("reason", "Since we started, the port has been our base.", True),
    ("reason", "Since 2009 we have made medical parts.", False),  # since + a year is a time
    ("reason", "We make parts for hydraulic pumps.", False),
    # time: when, since, until, how long, how often
    ("time", "2009年のリーマンショックですね。", True),
    ("time", "70になる頃には、と思っています。", True),
    ("time", "創業以来、同じ場所です。", True),
    ("time", "来年までに表にしたいです。", True),
    ("time", "月に1回、担当の方が来られます。", True),
    ("time", "5年はかかります。", True),
    ("time", "ほかのところなら、いくらでもお話しできますよ。", False),  # ところ is not ころ
    ("time", "精度と試作の速さで選ばれています。", False),
    ("time", "I took over in 1998.", True),
    ("time", "Their officer comes once a month.", True),
    ("time", "It takes at least five years.", True),
    ("time", "Before I turn 70, I think.", True),
    ("time", "We are chosen for precision.", False),
    # party: a named customer, competitor, supplier, partner or person
    ("party", "東浜精機さんが一番大きいお客さんです。", True),
    ("party", "株式会社みどり精工から図面が来ます。", True),
    ("party", "工場長の村井に任せています。", True),
    ("party", "（株）三和メッキにめっきを出しています。", True),
    ("party", "半導体製造装置向けが6割です。", False),  # what kind of customer, not who: 「お客様は」 is still open
    ("party", "パートさんの提案で、小分けパックを作りました。", False),  # a role, not a named party
    ("party", "お客様の情報は、クラウドで管理しています。", False),
    ("party", "ホームページは直しました。", False),  # not a ハウスメーカー's ホーム
    ("party", "美波ホームさんの協力会社になりました。", True),
    ("party", "全部うちでやっています。", False),
    ("party", "精度が命です。", False),
    ("party", "Higashihama Seiki is our biggest customer.", True),
    ("party", "We order from Minami Tool Co., Ltd.", True),
    ("party", "Murai, the factory manager, runs the floor.", True),
    ("party", "Mostly equipment makers in the prefecture.", True),
    ("party", "We do everything in-house.", False),
    ("party", "Precision is everything.", False),
    # example: an episode or a concrete case
    ("example", "例えば、急ぎの試作を3日で納めたことがあります。", True),
    ("example", "大手が断った仕事を引き受けたとき、喜ばれました。", True),
    ("example", "「図面どおりに来る」と言われました。", True),
    ("example", "「精度は信用」です。", False),  # a quoted motto is not an episode
    ("example", "「汐見の朝干し」という商標を取っています。", False),  # a quoted name is not what someone said
    ("example", "「刷る前に読む」です。", False),  # 前に as "before", not "once, some time ago"
    ("example", "精度と速さです。", False),
    ("example", "For example, we once delivered in three days.", True),
    ("example", "Their buyer told me we had never missed a date.", True),
    ("example", "We don't do any selling.", False),  # the apostrophe is not a quote
    ("example", "We've registered the trademark 'Shiomi Morning-Dried'.", False),  # a quoted name is not what was said
    ("example", "As I said earlier, it's my father's phrase.", False),  # the owner repeating himself
    ("example", "A designer told me, 'Your prototypes come exactly to the drawing.'", True),
    ("example", "Precision and speed.", False),
    # comparison: against competitors or the industry
    ("comparison", "価格は大手より2割高いです。", True),
    ("comparison", "同業と比べても、試作の速さは一番です。", True),
    ("comparison", "他社には真似できません。", True),
    ("comparison", "市内に同業が4社あります。", False),  # naming competitors is not comparing
    ("comparison", "間違いのない印刷物を届けます。", False),  # 間違い is not 違い
    ("comparison", "They are about 10% cheaper than us.", True),
    ("comparison", "Unlike the big shops, we take small lots.", True),
    ("comparison", "There are four printers in the city.", False),
    # change: against the past
    ("change", "売上が半分になりました。", True),
    ("change", "新しいお客さんは少しずつ増えています。", True),
    ("change", "以前は自動車部品が中心でした。", True),
    ("change", "売上は横ばいです。", True),
    ("change", "図面どおりに作っています。", False),
    ("change", "先ほども申し上げましたが、担当の方がよく代わるんです。", False),  # 申し上げ is not 上げ
    ("change", "Sales halved in 2009.", True),
    ("change", "We used to make car parts.", True),
    ("change", "Before, we made car parts; now it is medical parts.", True),
    ("change", "We make parts to the drawing.", False),
    ("change", "Once we were asked for a change the night before a session.", False),  # a change, not what changed
    # method: a concrete practice, tool or system
    ("method", "作業標準書にまとめて、若手に教えています。", True),
    ("method", "バックアップは外付けのハードディスクに取っています。", True),
    ("method", "毎朝の朝礼で共有しています。", True),
    ("method", "特に何もしていません。", False),
    ("method", "We back up to an external disk every week.", True),
    ("method", "New hires learn on the job.", True),
    ("method", "Nothing in particular.", False),
    ("method", "When I turn 60 I'd like to hand over.", False),  # handing over the company is not a practice
    # concern: a worry, risk, shortage or bottleneck
    ("concern", "一番の気がかりは自分の体ですね。", True),
    ("concern", "人が足りずにお断りしています。", True),
    ("concern", "あそこが扱いをやめたら困ります。", True),
    ("concern", "順調です。", False),
    ("concern", "My biggest worry is my own health.", True),
    ("concern", "We are short of people.", True),
    ("concern", "Things are going well.", False),
    ("concern", "We look after our staff, so there's no problem.", False),
]


@pytest.mark.parametrize(("element", "answer", "present"), TABLE, ids=[f"{e}-{a[:16]}" for e, a, _ in TABLE])
def test_detector_table(element: str, answer: str, present: bool) -> None:
    assert has_element(element, answer) is present


def test_every_element_has_true_and_false_cases_in_both_languages() -> None:
    for element in ELEMENT_IDS:
        rows = [(a, p) for e, a, p in TABLE if e == element]
        japanese = [p for a, p in rows if not a.isascii()]
        english = [p for a, p in rows if a.isascii()]
        assert True in japanese and False in japanese and True in english and False in english, element


def test_elements_in_reads_any_answer_value() -> None:
    records = [{"name": "東浜精機株式会社", "reason": "試作を短納期で仕上げるから"}]
    assert {"party", "reason"} <= elements_in(records)
    assert elements_in(["売上の6割", "半導体向け"]) >= {"figure", "share"}
    assert elements_in(None) == frozenset() and elements_in("") == frozenset()


def test_a_japanese_answer_is_read_with_japanese_patterns_only() -> None:
    # An English pattern would take 「10年」 for a figure; in Japanese text it is a time frame.
    assert elements_in("10年以上のお付き合いです。") == {"time"}


def test_the_vocabulary_labels_every_element_in_both_languages() -> None:
    assert set(ELEMENTS) == set(ELEMENT_IDS)
    assert ELEMENTS["figure"].label("ja") == "数字" and ELEMENTS["reason"].label("ja") == "理由"
    assert all(e.label("ja") and e.label("en") and e.meaning for e in ELEMENTS.values())


# (answer, what it amounts to)
REPLIES: list[tuple[str, Reply]] = [
    ("特にないですね。", Reply.NONE),
    ("さあ、どうでしょう。", Reply.NONE),
    ("わからないですね。", Reply.NONE),
    ("うーん、そこはあまり考えたことがなかったですね。", Reply.NONE),
    ("いやあ、そこは特に変わったことはないですねえ。ほかのところなら、いくらでもお話しできますよ。", Reply.NONE),
    ("そこは、まあ、普通にやってますよ。", Reply.NONE),
    ("それは今日のお話に関係ありますか。", Reply.NONE),
    ("ないですね。", Reply.NEGATIVE),
    ("会議はないです。", Reply.NEGATIVE),
    ("決めていません。", Reply.NEGATIVE),
    ("特許はありません。", Reply.NEGATIVE),
    ("計画書のようなものは作っていません。", Reply.NEGATIVE),
    # negatives with content, and words that only look negative
    ("決まっていません。息子は東京で会社勤めをしていますので。", Reply.CONTENT),
    ("70になる頃には、と漠然と思っていますが、具体的には何も決めていません。", Reply.CONTENT),
    ("営業はしていません。紹介でお客さんが来ます。", Reply.CONTENT),
    ("辞める人は少ないです。", Reply.CONTENT),  # 少ない is not ない
    ("人が足りません。", Reply.CONTENT),
    ("段取りを工夫して、機械をなるべく止めないようにしています。", Reply.CONTENT),
    ("精密切削加工", Reply.CONTENT),
    ("", Reply.CONTENT),  # passed over: not a non-answer
    ("入社のときに話すだけで、正直、今は全員に伝わっているとは言えません。", Reply.CONTENT),
    ("予約と割り振りのシステムを入れたいんですが、何を選べばいいか分からないんです。", Reply.CONTENT),
    ("強いて言えば、若いのがいないことですかね。", Reply.CONTENT),  # a lack named as the weakness
    ("後継者がいないのが一番の心配です。", Reply.CONTENT),
    ("いないですね。", Reply.NEGATIVE),
    ("ないことはないですけど、特にはないですね。", Reply.NONE),
    ("Nothing in particular.", Reply.NONE),
    ("Hard to say.", Reply.NONE),
    ("Oh, nothing special there, really. Ask me about something else and I'll talk all day.", Reply.NONE),
    ("We don't have meetings.", Reply.NEGATIVE),
    ("No patents.", Reply.NEGATIVE),
    ("If anything, that we have no young people.", Reply.CONTENT),
    ("No, there isn't.", Reply.NEGATIVE),
    ("We don't do any selling. Customers come by referral.", Reply.CONTENT),
    ("Nobody yet. My son works for a company in Tokyo.", Reply.CONTENT),
    ("I vaguely think around the time I turn 70, but nothing concrete.", Reply.CONTENT),
    ("The meeting never gets beyond allocating that week's bookings.", Reply.CONTENT),
    ("I'd like a system for bookings and allocation, but I don't know what to choose.", Reply.CONTENT),
    ("We registered it, but it's only printed on the packaging — we haven't used it for anything else.", Reply.CONTENT),
]


@pytest.mark.parametrize(("answer", "kind"), REPLIES, ids=[a[:20] or "empty" for a, _ in REPLIES])
def test_non_answer_table(answer: str, kind: Reply) -> None:
    assert reply_kind(answer) is kind

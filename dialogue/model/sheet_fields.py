"""The canonical fields of the Local Benchmark non-financial sheet: one table, the contract for banks,
JSON output and personas (see shared/domain/locaben.md). Correct a label here and it is corrected everywhere."""

from __future__ import annotations

from dialogue.record import Record, record


@record
class SheetField(Record):
    id: str
    label_ja: str
    label_en: str
    shape: str  # text | number | steps | parties | end_users | choice_text
    group: str  # the sheet block it is printed in

    def label(self, lang: str) -> str:
        return self.label_ja if lang == "ja" else self.label_en


# Record field ids of the structured shapes (a `group` question filling such a field uses exactly these).
RECORD_FIELDS: dict[str, tuple[str, ...]] = {
    "steps": ("name", "content", "differentiation"),
    "parties": ("name", "reason"),
    "end_users": ("who", "reason"),
}

# Sheet blocks, in the order they are printed.
GROUPS: dict[str, tuple[str, str]] = {
    "company": ("基本情報", "Company"),
    "business_flow": ("業務フロー", "Business flow"),
    "commercial_flow": ("商流", "Commercial flow"),
    "management": ("経営者", "Management"),
    "business": ("事業", "Business"),
    "environment": ("企業を取り巻く環境・関係者", "Environment and stakeholders"),
    "internal": ("内部管理体制", "Internal management"),
    "summary": ("現状認識 → 将来目標 → 課題 → 対応策", "Current state → goal → issues → actions"),
}

SHEET_FIELDS: tuple[SheetField, ...] = (
    SheetField("company.name", "商号", "Company name", "text", "company"),
    SheetField("company.representative", "代表者", "Representative", "text", "company"),
    SheetField("company.location", "所在地", "Location", "text", "company"),
    SheetField("company.industry", "業種", "Industry", "text", "company"),
    SheetField("company.employees", "従業員数", "Employees", "number", "company"),
    SheetField("company.founded", "設立", "Founded", "text", "company"),
    SheetField("business_flow.steps", "業務フロー（製品製造・サービス提供の流れ）", "Business flow", "steps", "business_flow"),
    SheetField("business_flow.customer_value", "顧客提供価値", "Value delivered to customers", "text", "business_flow"),
    SheetField("commercial_flow.suppliers", "仕入先（選定理由）", "Suppliers (why chosen)", "parties", "commercial_flow"),
    SheetField("commercial_flow.partners", "協力先（選定理由）", "Partners (why chosen)", "parties", "commercial_flow"),
    SheetField("commercial_flow.customers", "得意先（選ばれている理由）", "Customers (why they choose us)", "parties", "commercial_flow"),
    SheetField("commercial_flow.end_users", "エンドユーザー（選ばれている理由）", "End users (why they choose us)", "end_users", "commercial_flow"),
    SheetField("management.philosophy", "経営理念・ビジョン（経営哲学・考え方・方針）", "Philosophy and vision", "text", "management"),
    SheetField("management.motivation", "経営意欲（成長志向・現状維持など）", "Drive (growth, status quo, …)", "choice_text", "management"),
    SheetField("management.succession", "後継者の有無・育成状況・承継のタイミング", "Successor, development, timing", "choice_text", "management"),
    SheetField("business.history", "企業及び事業沿革", "History of the company and business", "text", "business"),
    SheetField("business.strengths", "技術力・販売力の強み", "Strengths (technology, sales)", "text", "business"),
    SheetField("business.weaknesses", "技術力・販売力の弱み", "Weaknesses (technology, sales)", "text", "business"),
    SheetField("business.it_productivity", "ITに関する投資・活用の状況、1時間当たり付加価値（生産性）向上に向けた取組", "IT use; productivity efforts", "text", "business"),
    SheetField("environment.market", "市場動向・規模・シェアの把握、競合他社との比較", "Market, share, competitors", "text", "environment"),
    SheetField("environment.customers", "顧客リピート率・新規開拓率・主な取引先企業の推移・顧客からのフィードバックの有無", "Repeat and new customers, feedback", "text", "environment"),
    SheetField("environment.employees", "従業員定着率・勤続年数・平均給与", "Staff retention, tenure, pay", "text", "environment"),
    SheetField("environment.banks", "取引金融機関数とその推移・メインバンクとの関係", "Banks and main-bank relationship", "text", "environment"),
    SheetField("internal.organization", "組織体制・品質管理・情報管理体制", "Organisation, quality and information control", "text", "internal"),
    SheetField("internal.planning", "事業計画・経営計画の有無・従業員との共有状況・社内会議の実施状況", "Plans, sharing with staff, meetings", "text", "internal"),
    SheetField("internal.rnd_ip", "研究開発・商品開発の体制・知的財産権の保有・活用状況", "R&D, product development, IP", "text", "internal"),
    SheetField("internal.hr_development", "人材育成の取組状況・人材育成の仕組み", "Staff development", "text", "internal"),
    SheetField("summary.current_state", "現状認識", "Current situation as recognised", "text", "summary"),
    SheetField("summary.future_goal", "将来目標", "Future goal", "text", "summary"),
    SheetField("summary.issues", "課題", "Issues", "text", "summary"),
    SheetField("summary.actions", "対応策", "Countermeasures", "text", "summary"),
)

FIELDS_BY_ID: dict[str, SheetField] = {f.id: f for f in SHEET_FIELDS}

# The words people use for a field when its label does not have them (`/jump 銀行`, `/jump 社長`): Japanese and
# English, matched like the labels by a few typed letters (dialogue.engine.navigation).
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "company.name": ("会社名", "社名", "屋号", "company", "name"),
    "company.representative": ("社長", "代表", "経営者名", "president", "CEO", "owner"),
    "company.location": ("住所", "本社", "拠点", "工場", "address", "head office", "site"),
    "company.industry": ("事業内容", "業界", "本業", "business", "products"),
    "company.employees": ("社員数", "人数", "人員", "staff", "headcount"),
    "company.founded": ("創業", "設立年", "established", "since"),
    "business_flow.steps": ("業務の流れ", "工程", "プロセス", "process", "workflow"),
    "business_flow.customer_value": ("提供価値", "選ばれる理由", "value"),
    "commercial_flow.suppliers": ("仕入", "調達", "vendors", "purchasing"),
    "commercial_flow.partners": ("外注", "協力会社", "下請", "subcontractors", "outsourcing"),
    "commercial_flow.customers": ("取引先", "販売先", "お客様", "顧客", "clients"),
    "commercial_flow.end_users": ("消費者", "最終顧客", "ユーザー", "consumers"),
    "management.philosophy": ("理念", "社是", "社訓", "mission", "values"),
    "management.motivation": ("意欲", "成長志向", "ambition", "growth"),
    "management.succession": ("事業承継", "承継", "跡継ぎ", "後継ぎ", "successor"),
    "business.history": ("沿革", "歴史", "歩み", "history"),
    "business.strengths": ("得意", "強み", "strength"),
    "business.weaknesses": ("苦手", "弱点", "weakness"),
    "business.it_productivity": ("IT", "デジタル", "DX", "生産性", "digital"),
    "environment.market": ("市場", "競合", "ライバル", "同業", "competition"),
    "environment.customers": ("リピート", "新規開拓", "顧客動向", "feedback"),
    "environment.employees": ("定着", "離職", "給与", "賃金", "turnover", "wages"),
    "environment.banks": ("銀行", "金融機関", "借入", "融資", "lenders", "loans"),
    "internal.organization": ("組織", "品質", "情報管理", "organisation", "organization", "quality"),
    "internal.planning": ("計画", "会議", "目標の共有", "plan", "meetings"),
    "internal.rnd_ip": ("開発", "特許", "知財", "research", "patents"),
    "internal.hr_development": ("人材育成", "教育", "研修", "技能承継", "training"),
    "summary.current_state": ("現状", "今の状況", "situation"),
    "summary.future_goal": ("目標", "将来像", "ビジョン", "goal"),
    "summary.issues": ("課題", "問題", "ギャップ", "problems"),
    "summary.actions": ("対応策", "打ち手", "支援策", "actions"),
}


# ---- The filed sheet (ロカベンの非財務2枚) -------------------------------------------------------------------
# What a bank files is the two official non-financial pages with the supporter's write-up (清書) in each box.
# Everything the filing renderers, the write-up advice and the form maps need to know about those pages is
# below, once: the official item wording, the page layout, the write-up boxes and their target lengths, the
# header fields, and the industry list.

# The item wording printed on the official 4つの視点 page (shared/domain/locaben.md, "The official item wording";
# practitioner copies of the 2022 workbook agree; medium confidence on exact punctuation). A space separates the
# lines the sheet prints one under the other: `official_lines` gives them.
OFFICIAL_ITEM_LABELS: dict[str, str] = {
    "management.philosophy": "経営理念・ビジョン 経営哲学・考え方等",
    "management.motivation": "経営意欲 ※成長志向・現状維持など",
    "management.succession": "後継者の有無 後継者の育成状況 承継のタイミング・関係",
    "business.history": "企業及び事業沿革 ※ターニングポイントの把握",
    "business.strengths": "技術力・販売力の強み",
    "business.weaknesses": "技術力・販売力の弱み",
    "business.it_productivity": "ITに関する投資、活用の状況 1時間当たり付加価値（生産性）向上に向けた取組",
    "environment.market": "市場動向・規模・シェアの把握 競合他社との比較",
    "environment.customers": "顧客リピート率・新規開拓率 主な取引先企業の推移 顧客からのフィードバックの有無",
    "environment.employees": "従業員定着率 勤続年数・平均給与",
    "environment.banks": "取引金融機関数・推移 メインバンクとの関係",
    "internal.organization": "組織体制 品質管理・情報管理体制",
    "internal.planning": "事業計画・経営計画の有無 従業員との共有状況 社内会議の実施状況",
    "internal.rnd_ip": "研究開発・商品開発の体制 知的財産権の保有・活用状況",
    "internal.hr_development": "人材育成の取組状況 人材育成の仕組み",
}

# The perspective headings of the 4つの視点 page, in printed order (GROUPS holds their labels).
FILED_PERSPECTIVES: tuple[str, ...] = ("management", "business", "environment", "internal")
FILED_STEPS = 5  # the 商流・業務フロー page prints five business-flow steps; more continue on a further page
# The commercial flow left to right: 仕入先 → 協力先 → 自社 → 得意先 → エンドユーザー (None: the company itself).
FILED_COMMERCIAL_FLOW: tuple[str | None, ...] = ("commercial_flow.suppliers", "commercial_flow.partners", None,
                                                 "commercial_flow.customers", "commercial_flow.end_users")
# Each commercial-flow box: (its title, what the reason under each name says), in Japanese and English.
FILED_PARTY_TITLES: dict[str, tuple[str, str, str, str]] = {
    "commercial_flow.suppliers": ("仕入先", "選定理由", "Suppliers", "Why chosen"),
    "commercial_flow.partners": ("協力先", "選定理由", "Partners", "Why chosen"),
    "commercial_flow.customers": ("得意先", "選ばれている理由", "Customers", "Why they choose us"),
    "commercial_flow.end_users": ("エンドユーザー", "選ばれている理由", "End users", "Why they choose us"),
}
# 現状認識 → 将来目標 → 課題 → 対応策, printed on the 4つの視点 page under the perspectives.
FILED_CHAIN: tuple[str, ...] = ("summary.current_state", "summary.future_goal", "summary.issues", "summary.actions")
# Which page each filed sheet field is printed on; 顧客提供価値 sits at the right end of the business flow.
FILED_PAGES: dict[str, tuple[str, ...]] = {
    "flow": ("business_flow.steps", "business_flow.customer_value", "commercial_flow.suppliers",
             "commercial_flow.partners", "commercial_flow.customers", "commercial_flow.end_users"),
    "perspectives": tuple(OFFICIAL_ITEM_LABELS) + FILED_CHAIN,
}
FILED_PAGE_TITLES: dict[str, tuple[str, str]] = {
    "flow": ("商流・業務フロー", "Commercial and business flow"),
    "perspectives": ("4つの視点", "Four perspectives"),
}


def official_label(field_id: str, lang: str = "ja") -> str:
    """The label a filed box prints: the official item wording where the sheet has one, else the field's label."""
    if lang == "ja" and field_id in OFFICIAL_ITEM_LABELS:
        return OFFICIAL_ITEM_LABELS[field_id]
    return FIELDS_BY_ID[field_id].label(lang)


def official_lines(field_id: str, lang: str = "ja") -> tuple[str, ...]:
    """The official label as the lines the sheet prints it on."""
    return tuple(official_label(field_id, lang).split(" ")) if lang == "ja" else (official_label(field_id, lang),)


@record
class LengthTarget(Record):
    """How long a box's write-up should be, in characters as a Japanese editor counts them (line breaks not
    counted). Advice only: a bank sets its own; English text needs about 2.5 times the characters."""

    min: int
    max: int

    def for_lang(self, lang: str) -> LengthTarget:
        return self if lang == "ja" else LengthTarget(round(self.min * 2.5), round(self.max * 2.5))


@record
class WriteupBox(Record):
    """One box the supporter writes up. `id` is what a `written_up` event names: the sheet field id, or
    `<field id>.supporter` for the supporter's own view of a summary box (支援者の見立て, left out of the owner's
    copy). `required` boxes without a write-up print 未記入 and are listed when compiling."""

    id: str
    field_id: str
    voice: str  # "" (the box itself) | "supporter"
    target: LengthTarget
    required: bool = True

    def label(self, lang: str = "ja") -> str:
        base = official_label(self.field_id, lang)
        if self.voice == "supporter":
            return f"{base}（支援者の見立て）" if lang == "ja" else f"{base} (supporter's view)"
        return base


SUPPORTER_SUFFIX = ".supporter"
# Default target lengths, sized so a normal interview fits the two pages (see docs/filing.md for the arithmetic).
# Record-shaped boxes hold one record per line, fields separated by `|` (as answers are typed).
_TARGETS: dict[str, LengthTarget] = {
    "business_flow.steps": LengthTarget(50, 400),
    "business_flow.customer_value": LengthTarget(20, 100),
    "commercial_flow.suppliers": LengthTarget(20, 120),
    "commercial_flow.partners": LengthTarget(20, 120),
    "commercial_flow.customers": LengthTarget(20, 120),
    "commercial_flow.end_users": LengthTarget(20, 100),
    "summary": LengthTarget(30, 80),
    "perspective": LengthTarget(30, 90),
    "supporter": LengthTarget(20, 90),
    # where the turning points and the strengths are told (the field experts draw out most: locaben.md)
    "business.history": LengthTarget(30, 130),
    "business.strengths": LengthTarget(30, 130),
}


def _writeup_boxes() -> tuple[WriteupBox, ...]:
    boxes = [WriteupBox(f, f, "", _TARGETS[f]) for f in FILED_PAGES["flow"]]
    boxes += [WriteupBox(f, f, "", _TARGETS.get(f, _TARGETS["perspective"])) for f in OFFICIAL_ITEM_LABELS]
    for f in FILED_CHAIN:
        boxes.append(WriteupBox(f, f, "", _TARGETS["summary"]))
        boxes.append(WriteupBox(f + SUPPORTER_SUFFIX, f, "supporter", _TARGETS["supporter"], required=False))
    return tuple(boxes)


# Every write-up box in the order `locaben write` walks them (the printed order of the two pages).
WRITEUP_BOXES: tuple[WriteupBox, ...] = _writeup_boxes()
WRITEUP_BOXES_BY_ID: dict[str, WriteupBox] = {b.id: b for b in WRITEUP_BOXES}


# The Local Benchmark industry list: 日本標準産業分類（JSIC, 第14回改定 2024年4月施行）の大分類, as the official
# workbook's 業種 choice follows it (METI revised the Local Benchmark industry list with that revision). The 2018
# tool manual mentions a numbered list with 「14_その他」 and a JSIC correspondence table: if a bank's workbook uses
# that list, correct it here, in one place.
INDUSTRIES: tuple[tuple[str, str, str], ...] = (  # (JSIC code, 日本語, English)
    ("A", "農業，林業", "Agriculture and forestry"),
    ("B", "漁業", "Fisheries"),
    ("C", "鉱業，採石業，砂利採取業", "Mining and quarrying of stone and gravel"),
    ("D", "建設業", "Construction"),
    ("E", "製造業", "Manufacturing"),
    ("F", "電気・ガス・熱供給・水道業", "Electricity, gas, heat supply and water"),
    ("G", "情報通信業", "Information and communications"),
    ("H", "運輸業，郵便業", "Transport and postal activities"),
    ("I", "卸売業，小売業", "Wholesale and retail trade"),
    ("J", "金融業，保険業", "Finance and insurance"),
    ("K", "不動産業，物品賃貸業", "Real estate and goods rental and leasing"),
    ("L", "学術研究，専門・技術サービス業", "Scientific research, professional and technical services"),
    ("M", "宿泊業，飲食サービス業", "Accommodations, eating and drinking services"),
    ("N", "生活関連サービス業，娯楽業", "Living-related and personal services and amusement services"),
    ("O", "教育，学習支援業", "Education, learning support"),
    ("P", "医療，福祉", "Medical, health care and welfare"),
    ("Q", "複合サービス事業", "Compound services"),
    ("R", "サービス業（他に分類されないもの）", "Services, n.e.c."),
    ("S", "公務（他に分類されるものを除く）", "Government, except elsewhere classified"),
    ("T", "分類不能の産業", "Industries unable to classify"),
)


def industry_label(code_or_label: str, lang: str = "ja") -> str | None:
    """The industry's name for a JSIC code (`E`) or a name in either language; None when it is not one."""
    wanted = code_or_label.strip()
    for code, ja, en in INDUSTRIES:
        if wanted.upper() == code or wanted in (ja, en):
            return ja if lang == "ja" else en
    return None


@record
class HeaderField(Record):
    """A header box of the filed sheet: data, not sentences. `from_field` names the sheet field whose answer
    may fill it when the answer is plain data (one short line, not a spoken sentence); `kind` says how its
    value is checked and printed."""

    id: str
    label_ja: str
    label_en: str
    kind: str  # text | date | dates | number | industry
    from_field: str | None = None
    required: bool = True

    def label(self, lang: str) -> str:
        return self.label_ja if lang == "ja" else self.label_en


# The header of the filed sheet, in printed order. 従業員数 counts regular staff only (the official workbook's
# 従業員数（正社員）); part-time staff are a box of their own, so the standard bank's head count — which includes
# part-timers — is never printed as the regular staff.
HEADER_FIELDS: tuple[HeaderField, ...] = (
    HeaderField("header.created_on", "作成日", "Date prepared", "date"),
    HeaderField("header.interview_dates", "面談日", "Interview dates", "dates"),
    HeaderField("header.author", "作成者（担当者）", "Prepared by", "text"),
    HeaderField("header.interviewee_name", "面談相手（氏名）", "Interviewee", "text"),
    HeaderField("header.interviewee_title", "面談相手（役職）", "Interviewee's title", "text"),
    HeaderField("header.company_name", "商号", "Company name", "text", "company.name"),
    HeaderField("header.representative_title", "代表者（役職）", "Representative's title", "text"),
    HeaderField("header.representative_name", "代表者名", "Representative", "text"),
    HeaderField("header.location", "所在地", "Location", "text", "company.location"),
    HeaderField("header.industry", "業種", "Industry", "industry", "company.industry"),
    HeaderField("header.employees_regular", "従業員数（正社員）", "Employees (regular)", "number"),
    HeaderField("header.employees_part_time", "パート・アルバイト", "Part-time staff", "number", required=False),
    HeaderField("header.founded", "設立", "Founded", "text", "company.founded", required=False),
)
HEADER_FIELDS_BY_ID: dict[str, HeaderField] = {h.id: h for h in HEADER_FIELDS}


def is_writeup_box(box_id: str) -> bool:
    """Whether a write-up (a `written_up` event) may be filed under `box_id`: a write-up box of the filed
    sheet (`WRITEUP_BOXES`, e.g. `summary.issues.supporter`) or a header field (`header.*`)."""
    return box_id in WRITEUP_BOXES_BY_ID or box_id in HEADER_FIELDS_BY_ID

# Header boxes printed as one: a person's title and name side by side (代表者名: 代表取締役 小槌正夫).
# A form map may name these ids too. id → (日本語, English, the header fields joined with a space).
COMBINED_HEADERS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "header.interviewee": ("面談相手", "Interviewee", ("header.interviewee_title", "header.interviewee_name")),
    "header.representative": ("代表者名", "Representative", ("header.representative_title",
                                                            "header.representative_name")),
}
# The header boxes of the filed sheet in printed order.
PRINTED_HEADER: tuple[str, ...] = (
    "header.created_on", "header.interview_dates", "header.author", "header.interviewee", "header.company_name",
    "header.representative", "header.location", "header.industry", "header.founded", "header.employees_regular",
    "header.employees_part_time",
)

"""The canonical fields of the Local Benchmark non-financial sheet: one table, the contract for banks,
JSON output and personas (see shared/domain/locaben.md). Correct a label here and it is corrected everywhere."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SheetField:
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

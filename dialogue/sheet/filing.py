"""Transcript + write-ups → `Filing`: the view model of the sheet a bank files. Every decision about what the
two official non-financial pages say is made here; the HTML and XLSX renderers only lay it out.

The filed pages hold the supporter's write-up (清書) of each box, never the conversation: no probes, notes,
sources or session metadata. A box without a write-up prints 未記入 and is listed in `Filing.missing`.
次回確認事項, 情報量 and the verbatim 面談記録 are kept apart (`Filing.internal`), for the bank's copy only.
The owner's copy (`audience="owner"`) is the two pages without 支援者の見立て.

    filing = build_filing(transcript, writeups={"business.strengths": "…"}, header={"header.author": "青葉"})
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dialogue.i18n import say
from dialogue.model import EventKind, Question, Transcript
from dialogue.model.sensitive import SensitiveChecker, confirmed_fields, withhold_text
from dialogue.model.sheet_fields import (
    COMBINED_HEADERS,
    FIELDS_BY_ID,
    FILED_CHAIN,
    FILED_COMMERCIAL_FLOW,
    FILED_PAGE_TITLES,
    FILED_PARTY_TITLES,
    FILED_PERSPECTIVES,
    FILED_STEPS,
    GROUPS,
    HEADER_FIELDS,
    HEADER_FIELDS_BY_ID,
    OFFICIAL_ITEM_LABELS,
    PRINTED_HEADER,
    RECORD_FIELDS,
    SUPPORTER_SUFFIX,
    WRITEUP_BOXES,
    WRITEUP_BOXES_BY_ID,
    HeaderField,
    industry_label,
    official_label,
)
from dialogue.model.writing import parse_records
from dialogue.sheet.data import MissingItem, Richness, build_sheet
from dialogue.sheet.interview_record import (
    RecordLine,
    date_text,
    interview_dates,
    interview_record,
    interview_zone,
)

AUDIENCES: tuple[str, ...] = ("bank", "owner")

FILING_LABELS: dict[str, dict[str, str]] = {
    "ja": {
        "title": "ローカルベンチマーク（非財務）", "not_written": "未記入", "flow_heading": "業務フロー",
        "commercial_heading": "商流", "perspectives_heading": "4つの視点", "chain_heading": "現状認識 → 将来目標 → 課題 → 対応策",
        "step": "業務", "name": "業務名", "content": "業務内容", "differentiation": "差別化ポイント", "self": "自社",
        "perspective": "視点", "item": "項目", "entry": "内容", "supporter": "支援者の見立て",
        "continued": "（続き）", "owner_copy": "ご確認用", "next_visit": "次回確認事項",
        "richness": "情報量（セクション別）", "section": "セクション", "chars": "文字数", "items": "項目数",
        "filled": "記入率", "none": "なし", "record": "面談記録",
        "missing": "未記入の欄", "at": "日時", "who": "", "kind": "",
        "flow_page": "商流・業務フロー",
        "perspectives_page": "4つの視点", "internal_title": "次回確認事項・情報量",
    },
    "en": {
        "title": "Local Benchmark (non-financial)", "not_written": "not written", "flow_heading": "Business flow",
        "commercial_heading": "Commercial flow", "perspectives_heading": "Four perspectives",
        "chain_heading": "Current state → goal → issues → actions", "step": "Step", "name": "Step",
        "content": "Content", "differentiation": "Differentiation", "self": "Our company",
        "perspective": "Perspective", "item": "Item", "entry": "Entry", "supporter": "Supporter's view",
        "continued": " (continued)", "owner_copy": "for your review", "next_visit": "To confirm at the next visit",
        "richness": "Information captured per section", "section": "Section", "chars": "Characters",
        "items": "Items", "filled": "Fields filled", "none": "none", "record": "Interview record",
        "missing": "Boxes not written", "at": "Time", "who": "", "kind": "",
        "flow_page": "Commercial and business flow", "perspectives_page": "Four perspectives",
        "internal_title": "Next visit and information captured",
    },
}


# ---- the view model ----


@dataclass(frozen=True, slots=True)
class HeaderValue:
    id: str
    label: str
    value: str  # "" when missing (printed 未記入 if required, blank if not)
    required: bool

    @property
    def missing(self) -> bool:
        return not self.value


@dataclass(frozen=True, slots=True)
class FiledBox:
    """One box of the filed pages: its official label and the supporter's write-up ("" = 未記入)."""

    id: str
    label: str
    text: str
    required: bool = True

    @property
    def written(self) -> bool:
        return bool(self.text)


@dataclass(frozen=True, slots=True)
class FiledStep:
    number: int  # 1-based
    name: str
    content: str
    differentiation: str


@dataclass(frozen=True, slots=True)
class FiledParty:
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class CommercialBox:
    """A box of the commercial flow: a party box (its parties, or 未記入) or the company itself (`field_id` None)."""

    field_id: str | None
    title: str
    reason_label: str
    parties: tuple[FiledParty, ...]
    written: bool


@dataclass(frozen=True, slots=True)
class Perspective:
    id: str
    label: str
    items: tuple[FiledBox, ...]


@dataclass(frozen=True, slots=True)
class ChainBox:
    box: FiledBox
    supporter: FiledBox | None  # None in the owner's copy


@dataclass(frozen=True, slots=True)
class InternalPages:
    """What the bank keeps beside the filed pages and never prints on them."""

    next_visit: tuple[MissingItem, ...]
    richness: tuple[Richness, ...]
    record: tuple[RecordLine, ...]
    missing_labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Filing:
    lang: str
    audience: str
    labels: dict[str, str]
    session_id: str
    company: str
    industry: str
    header: tuple[HeaderValue, ...]
    steps_box: FiledBox
    steps: tuple[FiledStep, ...]
    customer_value: FiledBox
    commercial: tuple[CommercialBox, ...]
    perspectives: tuple[Perspective, ...]
    chain: tuple[ChainBox, ...]
    missing: tuple[tuple[str, str], ...]  # (box or header id, label): 未記入, listed when compiling
    internal: InternalPages | None  # None in the owner's copy
    boxes: dict[str, FiledBox] = field(default_factory=dict)  # every write-up box by id
    prepared_at: str = ""  # the session's last event (ISO 8601): the workbook's date

    @property
    def page_titles(self) -> tuple[str, str]:
        index = 0 if self.lang == "ja" else 1
        return FILED_PAGE_TITLES["flow"][index], FILED_PAGE_TITLES["perspectives"][index]

    def header_value(self, header_id: str) -> HeaderValue:
        """A header field, or a combined box (`header.representative`: title and name with a space)."""
        if header_id in COMBINED_HEADERS:
            ja, en, ids = COMBINED_HEADERS[header_id]
            parts = [self.header_value(i) for i in ids]
            value = " ".join(p.value for p in parts if p.value)
            return HeaderValue(header_id, ja if self.lang == "ja" else en, value, any(p.required for p in parts))
        return next(h for h in self.header if h.id == header_id)

    def box(self, box_id: str) -> FiledBox:
        """A write-up box by id (a supporter box reads empty in the owner's copy)."""
        return self.boxes[box_id]

    def step_rows(self, per_row: int = FILED_STEPS) -> tuple[tuple[FiledStep | None, ...], ...]:
        """The steps in rows of five boxes, the last row padded with None (an empty box)."""
        steps: list[FiledStep | None] = list(self.steps)
        steps += [None] * (-len(steps) % per_row or (per_row if not steps else 0))
        return tuple(tuple(steps[i:i + per_row]) for i in range(0, len(steps), per_row))


def build_filing(transcript: Transcript, writeups: Mapping[str, str], header: Mapping[str, str] | None = None,
                 lang: str = "ja", audience: str = "bank", sensitive: SensitiveChecker | None = None) -> Filing:
    """The filed sheet of a session: `writeups` maps write-up box ids (sheet field ids, `<id>.supporter`,
    header ids) to the supporter's text; `header` gives header fields directly and wins over everything.
    With `sensitive` (the 機微情報 word lists), the owner's copy leaves out every box that may hold 機微情報,
    unless the interviewer confirmed it on a question filling that box (/confirm, docs/security.md)."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {AUDIENCES}, not {audience!r}")
    labels = FILING_LABELS.get(lang, FILING_LABELS["en"])
    texts = {k: _clean(v) for k, v in writeups.items() if isinstance(v, str)}
    if audience == "owner" and sensitive is not None:
        texts = _withheld(texts, transcript, sensitive, lang)
    heads = _header(transcript, texts, dict(header or {}), lang)
    owner = audience == "owner"
    box = {b.id: FiledBox(b.id, b.label(lang), "" if owner and b.voice == "supporter" else texts.get(b.id, ""),
                          b.required) for b in WRITEUP_BOXES}
    chain = tuple(ChainBox(box[f], None if owner else box[f + SUPPORTER_SUFFIX]) for f in FILED_CHAIN)
    perspectives = tuple(Perspective(g, GROUPS[g][0 if lang == "ja" else 1],
                                     tuple(box[f] for f in OFFICIAL_ITEM_LABELS if f.startswith(g + ".")))
                         for g in FILED_PERSPECTIVES)
    company = _value(heads, "header.company_name")
    industry = _value(heads, "header.industry")
    missing = tuple((h.id, h.label) for h in heads if h.required and h.missing)
    missing += tuple((b.id, b.label) for b in box.values() if b.required and not b.written)
    return Filing(lang, audience, labels, transcript.session_id, company, industry, heads,
                  box["business_flow.steps"], _steps(box["business_flow.steps"].text),
                  box["business_flow.customer_value"], _commercial(box, lang), perspectives, chain, missing,
                  None if owner else _internal(transcript, lang), box, transcript.last_at)


def session_writeups(transcript: Transcript) -> dict[str, str]:
    """The session's write-ups as `build_filing` takes them: the latest `written_up` text of each box (an empty
    one — a box taken back to 未記入 — left out)."""
    return {box: w.text for box, w in transcript.writeups.items() if w.text.strip()}


def session_filing(transcript: Transcript, lang: str = "ja", audience: str = "bank",
                   header: Mapping[str, str] | None = None) -> Filing:
    """The filed sheet of a session from its own write-ups (what `compile --filing` and the demo file)."""
    return build_filing(transcript, session_writeups(transcript), header, lang, audience)


def _withheld(texts: dict[str, str], transcript: Transcript, checker: SensitiveChecker, lang: str) -> dict[str, str]:
    confirmed = confirmed_fields(transcript.events, transcript.bank)

    def marker(categories: tuple[str, ...]) -> str:
        return say("sheet.withheld", lang, detail="・".join(checker.label(c, lang) for c in categories))

    return {k: v if k.removesuffix(SUPPORTER_SUFFIX) in confirmed else withhold_text(v, checker, marker)
            for k, v in texts.items()}


def _clean(text: str) -> str:
    """A write-up as printed: line ends unified, blanks around it removed, control characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text).strip()


def _value(heads: tuple[HeaderValue, ...], header_id: str) -> str:
    return next(h.value for h in heads if h.id == header_id)


def _steps(text: str) -> tuple[FiledStep, ...]:
    records = parse_records(text, RECORD_FIELDS["steps"])
    return tuple(FiledStep(i, r["name"], r["content"], r["differentiation"]) for i, r in enumerate(records, 1))


def _commercial(box: dict[str, FiledBox], lang: str) -> tuple[CommercialBox, ...]:
    boxes = []
    for field_id in FILED_COMMERCIAL_FLOW:
        if field_id is None:
            boxes.append(CommercialBox(None, FILING_LABELS.get(lang, FILING_LABELS["en"])["self"], "", (), True))
            continue
        title, reason, title_en, reason_en = FILED_PARTY_TITLES[field_id]
        keys = RECORD_FIELDS[FIELDS_BY_ID[field_id].shape]
        parties = tuple(FiledParty(r[keys[0]], r[keys[1]]) for r in parse_records(box[field_id].text, keys))
        boxes.append(CommercialBox(field_id, title if lang == "ja" else title_en,
                                   reason if lang == "ja" else reason_en, parties, bool(parties)))
    return tuple(boxes)


def printed_header(filing: Filing) -> tuple[HeaderValue, ...]:
    """The header boxes in printed order; a person's title and name joined into one box."""
    return tuple(filing.header_value(i) for i in PRINTED_HEADER)


# ---- the header: data, not sentences ----


def _header(t: Transcript, texts: dict[str, str], given: dict[str, str], lang: str) -> tuple[HeaderValue, ...]:
    zone = interview_zone(t)
    computed = {
        "header.created_on": date_text(t.last_at, zone, lang),
        "header.interview_dates": "、".join(interview_dates(t, lang)) if lang == "ja"
        else ", ".join(interview_dates(t, lang)),
        "header.author": _author(t),
    }
    values = []
    for h in HEADER_FIELDS:
        value = _clean(given.get(h.id, "")) or texts.get(h.id, "") or _from_answer(t, h, lang) or computed.get(h.id, "")
        values.append(HeaderValue(h.id, h.label(lang), value, h.required))
    return tuple(values)


def header_values(t: Transcript, lang: str = "ja") -> dict[str, str]:
    """Each header field as the session gives it without any write-up (answers, visit dates, who wrote)."""
    return {h.id: h.value for h in _header(t, {}, {}, lang)}


def _from_answer(t: Transcript, h: HeaderField, lang: str) -> str:
    """A header value from the answers: the answer to a question that asks for it (`header:` in the bank), else
    the sheet field's answer when that is data (a JSIC industry, one short line) — the owner's spoken sentence
    「代表取締役の小槌正夫です。父から…」 is not."""
    asked = header_answer(t, h.id, lang)
    if asked or h.from_field is None:
        return asked
    value = t.field_value(h.from_field)
    if value is None:
        return ""
    text = str(value).strip()
    if h.kind == "industry":
        return industry_label(text, lang) or ""
    return text if is_data_like(text) else ""


def header_answer(t: Transcript, header_id: str, lang: str) -> str:
    """The value a question asking for this header field was answered with ("" if none): a number as digits, a
    choice's industry or label, the record field of a group's first record that the header names, or a text —
    when it is data (`is_data_like`), not a sentence."""
    for question in t.bank.questions():
        answer = t.answers.get(question.id)
        if header_id not in question.header or answer is None or answer.is_status:
            continue
        industry = HEADER_FIELDS_BY_ID[header_id].kind == "industry"
        value = _header_value(question, answer.value, question.header.index(header_id), industry, lang)
        if value:
            return value
    return ""


def _header_value(question: Question, value: Any, index: int, industry: bool, lang: str) -> str:
    if question.type == "number" and isinstance(value, int | float):
        return f"{value:g}"
    if question.type == "choice":
        choice = question.choice(str(value))
        label = choice.label.get(lang) if choice else str(value)
        return (industry_label(str(value), lang) or industry_label(label, lang) or "") if industry else label
    if question.type == "group" and isinstance(value, list) and value and isinstance(value[0], dict):
        text = str(value[0].get(question.fields[index].id, "")).strip()
    else:
        text = str(value).strip() if isinstance(value, str) else ""
    return text if is_data_like(text) else ""  # typed as a sentence after all: the box waits for a write-up


_SPOKEN = re.compile(r"[。！？!?\n]|です|ます|でした|ました")


def is_data_like(text: str) -> bool:
    """One short line with no sentence in it: fit for a header box as it is."""
    return 0 < len(text) <= 40 and not _SPOKEN.search(text)


def _author(t: Transcript) -> str:
    """Who wrote the write-ups (the latest `written_up` event's `by.name`), else who ran the interview."""
    for kinds in ((EventKind.WRITTEN_UP,), None):
        for event in reversed(t.events):
            if (kinds is None or event.kind in kinds) and event.by is not None and event.by.name.strip():
                return event.by.name.strip()
    return ""


# ---- the bank's internal pages ----


def _internal(t: Transcript, lang: str) -> InternalPages:
    sheet = build_sheet(t, lang)
    return InternalPages(sheet.missing, sheet.richness, interview_record(t, lang), sheet.labels)


def writeup_box_ids() -> tuple[str, ...]:
    """Every id a write-up may be filed under, in sheet order: the boxes, then the header fields."""
    return tuple(b.id for b in WRITEUP_BOXES) + tuple(h.id for h in HEADER_FIELDS)


def box_label(box_id: str, lang: str = "ja") -> str:
    """The printed label of a write-up box or header field."""
    if box_id in WRITEUP_BOXES_BY_ID:
        return WRITEUP_BOXES_BY_ID[box_id].label(lang)
    header = next((h for h in HEADER_FIELDS if h.id == box_id), None)
    return header.label(lang) if header else official_label(box_id, lang)


# ---- the files `compile --filing` writes ----


def filing_files(filing: Filing, formats: tuple[str, ...] = ("html", "xlsx")) -> dict[str, bytes]:
    """File name → content: the filed pages (`ID-filing.html`, `ID-filing.xlsx`; `ID-filing-owner.*` for the
    owner's copy) and, for the bank's copy, the follow-up page and the interview record beside them
    (`ID-followup.html`, `ID-interview-record.html`). Write them with dialogue.sheet.files.write_outputs."""
    from dialogue.sheet.render_filing_html import render_filing_html, render_followup_html, render_record_html
    from dialogue.sheet.render_filing_xlsx import render_filing_xlsx

    stem = f"{filing.session_id}-filing" + ("-owner" if filing.audience == "owner" else "")
    files: dict[str, bytes] = {}
    if "html" in formats:
        files[f"{stem}.html"] = render_filing_html(filing).encode("utf-8", "replace")
    if "xlsx" in formats:
        files[f"{stem}.xlsx"] = render_filing_xlsx(filing)
    if filing.internal is not None:
        files[f"{filing.session_id}-followup.html"] = render_followup_html(filing).encode("utf-8", "replace")
        files[f"{filing.session_id}-interview-record.html"] = render_record_html(filing).encode("utf-8", "replace")
    return files

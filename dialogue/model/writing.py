"""Advice on a box's write-up (清書): length against the box's target, key facts of the answers the entry leaves
out, and polite endings (です・ます) where the sheet's style is である. Advice, never a block: the supporter
decides. Pure and typed — the screens word it (in the UI language), tests compare values.

    advise("…7割を占める。", LengthTarget(40, 200), ["上位3社で売上の7割です。2015年に…"])
    → (TooShort(length=8, target=…), MissingFacts(facts=(Fact('count', '3社', …), Fact('year', '2015年', …))))
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from dialogue.model.bank import Bank, Question
from dialogue.model.facts import Fact, extract_facts, missing_facts
from dialogue.model.sheet_fields import (
    HEADER_FIELDS,
    HEADER_FIELDS_BY_ID,
    WRITEUP_BOXES,
    WRITEUP_BOXES_BY_ID,
    LengthTarget,
)
from dialogue.model.transcript import Transcript

STYLES: tuple[str, ...] = ("dearu", "desumasu", "any")  # である調 (the sheet's), です・ます調, no check


@dataclass(frozen=True, slots=True)
class TooShort:
    length: int
    target: LengthTarget


@dataclass(frozen=True, slots=True)
class TooLong:
    length: int
    target: LengthTarget


@dataclass(frozen=True, slots=True)
class MissingFacts:
    """Key facts of the answers that the entry does not state (compared normalised: 7割 = 70％)."""

    facts: tuple[Fact, ...]

    @property
    def texts(self) -> tuple[str, ...]:
        """As written in the answers, e.g. ("7割", "2015年"): what "not in your entry: …" lists."""
        return tuple(f.text for f in self.facts)


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class PoliteEndings:
    """Sentences ending in です・ます where the style is である (quoted speech in 「」 is left alone)."""

    sentences: tuple[Sentence, ...]


Advice = TooShort | TooLong | MissingFacts | PoliteEndings

_POLITE = ("です", "ます", "でした", "ました", "ません", "ませんでした", "でしょう", "ましょう", "ございます", "ください")
_FINAL_PARTICLES = "ねよかなわ"
_TRAILING = " 　\t。．.！!？?」』）)…―ー"
_SENTENCE_END = re.compile(r"[。！？!?]+|\n")


def writeup_length(text: str) -> int:
    """Characters as a Japanese editor counts them: everything but line breaks and the surrounding blanks."""
    return len(text.strip().replace("\r", "").replace("\n", ""))


def advise(text: str, target: LengthTarget, sources: Iterable[str], style: str = "dearu",
           lang: str = "ja") -> tuple[Advice, ...]:
    """Every piece of advice on one write-up, in a fixed order: length, missing facts, style."""
    advice: list[Advice] = []
    length = writeup_length(text)
    goal = target.for_lang(lang)
    if length < goal.min:
        advice.append(TooShort(length, goal))
    elif length > goal.max:
        advice.append(TooLong(length, goal))
    missing = missing_facts(answer_facts(sources), extract_facts(text))
    if missing:
        advice.append(MissingFacts(missing))
    if style == "dearu" and lang == "ja":
        polite = polite_sentences(text)
        if polite:
            advice.append(PoliteEndings(polite))
    return tuple(advice)


def answer_facts(sources: Iterable[str]) -> tuple[Fact, ...]:
    """The key facts of all the source answers, in order."""
    return tuple(fact for text in sources for fact in extract_facts(text))


def polite_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences of `text` that end in a polite form (です, ました, ません …), quoted speech excepted."""
    found = []
    start = 0
    for m in list(_SENTENCE_END.finditer(text)) + [None]:
        end = m.end() if m else len(text)
        sentence = text[start:end]
        if _is_polite(sentence):
            found.append(Sentence(sentence.strip(), start, end))
        start = end
    return tuple(found)


def _is_polite(sentence: str) -> bool:
    core = sentence.rstrip(_TRAILING)
    if core.endswith(("」", "』")) or _inside_quote(core):
        return False
    core = core.rstrip(_FINAL_PARTICLES)
    return core.endswith(_POLITE)


def _inside_quote(text: str) -> bool:
    return text.count("「") > text.count("」") or text.count("『") > text.count("』")


# ---- what a box's write-up is written from ----

# The header fields the session's events give (its dates): a write-up may still correct them (`/write
# header.created_on`), but the write-up screens do not walk them.
DATED_HEADERS: tuple[str, ...] = ("header.created_on", "header.interview_dates")
# Every box in the order the write-up screens walk them: the header as printed, then the two pages' boxes.
WALK_ORDER: tuple[str, ...] = tuple(h.id for h in HEADER_FIELDS if h.id not in DATED_HEADERS) + tuple(
    b.id for b in WRITEUP_BOXES)


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One thing a box is written from: an answer, a probe answer, a note or text parked under the field."""

    kind: str  # answer | probe | note | parked
    question_id: str | None
    text: str


def box_questions(bank: Bank, box_id: str) -> tuple[Question, ...]:
    """The questions a box is written from. A header field: the questions that ask for it (`header:`), else
    those filling the sheet field it may come from. A write-up box: the questions filling its field in its
    voice — the supporter's questions for 支援者の見立て, the owner's for the box itself."""
    header = HEADER_FIELDS_BY_ID.get(box_id)
    if header is not None:
        asked = tuple(q for q in bank.questions() if box_id in q.header)
        return asked or tuple(q for q in bank.questions() if header.from_field in q.fills)
    box = WRITEUP_BOXES_BY_ID.get(box_id)
    filling = tuple(q for q in bank.questions() if (box.field_id if box else box_id) in q.fills)
    if box is None:
        return filling
    if box.voice == "supporter":
        return tuple(q for q in filling if q.voice == "supporter")
    return tuple(q for q in filling if q.voice == "owner") or filling


def box_sources(transcript: Transcript, box_id: str, lang: str = "ja") -> tuple[SourceLine, ...]:
    """What a box is written from, in bank order: each question's answer (a number with its unit, a choice by
    its label, records a line each), its probe answers and notes, then text parked under the field."""
    lines: list[SourceLine] = []
    for question in box_questions(transcript.bank, box_id):
        answer = transcript.answers.get(question.id)
        if answer is not None and not answer.is_status:
            lines.append(SourceLine("answer", question.id, answer_text(question, answer.value, answer.raw, lang)))
        lines += [SourceLine("probe", question.id, p.text) for p in transcript.probe_answers
                  if p.question_id == question.id and p.text.strip()]
        lines += [SourceLine("note", question.id, n.text) for n in transcript.notes
                  if n.question_id == question.id and n.text.strip()]
    box = WRITEUP_BOXES_BY_ID.get(box_id)
    if box is not None and box.voice != "supporter":
        lines += [SourceLine("parked", None, p.text) for p in transcript.parked if p.field_id == box.field_id]
    return tuple(line for line in lines if line.text.strip())


def answer_text(question: Question, value: object, raw: str, lang: str = "ja") -> str:
    """An answer as the write-up screens show it and the advice reads it."""
    if question.type == "number":
        return f"{value}{question.unit.get(lang) if question.unit else ''}"
    if question.type == "choice":
        choice = question.choice(str(value))
        return choice.label.get(lang) if choice else str(value)
    if question.type == "group" and isinstance(value, list):
        return records_text([r for r in value if isinstance(r, dict)], tuple(f.id for f in question.fields))
    return raw


def source_texts(transcript: Transcript, box_id: str) -> tuple[str, ...]:
    """The answers a box is written from (what its key facts come from): answers, probe answers and parked
    text, not notes — notes are the supporter's own."""
    return tuple(line.text for line in box_sources(transcript, box_id) if line.kind != "note")


def boxes_of_section(bank: Bank, section_id: str) -> tuple[str, ...]:
    """The boxes whose last question is in this section (in walk order): what the write-up step offered at the
    end of a section covers. The first section also takes the header fields no question asks (面談相手 …)."""
    first = bool(bank.sections) and bank.sections[0].id == section_id
    out = []
    for box_id in WALK_ORDER:
        questions = box_questions(bank, box_id)
        if (questions and questions[-1].section_id == section_id) or (first and not questions):
            out.append(box_id)
    return tuple(out)


def advise_box(transcript: Transcript, box_id: str, text: str, target: LengthTarget | None = None,
               style: str = "dearu", lang: str = "ja") -> tuple[Advice, ...]:
    """Advice for one write-up box of a session: its default target unless the bank sets one."""
    goal = target or WRITEUP_BOXES_BY_ID[box_id].target
    return advise(text, goal, source_texts(transcript, box_id), style, lang)


# ---- record-shaped boxes (業務フロー, 商流) ----

RECORD_SEPARATOR = re.compile(r"\s*[|｜]\s*")


def parse_records(text: str, keys: tuple[str, ...]) -> tuple[dict[str, str], ...]:
    """A record box's write-up, one record per line, fields separated by `|` (as answers are typed):
    `試作 | 図面から3日で試作品 | 5軸加工機で一度に削る` → {name, content, differentiation}. Missing fields are
    empty; extra `|` stay in the last field."""
    records = []
    for line in text.replace("\r", "").split("\n"):
        if not line.strip():
            continue
        parts = RECORD_SEPARATOR.split(line.strip(), maxsplit=len(keys) - 1)
        records.append({key: (parts[i].strip() if i < len(parts) else "") for i, key in enumerate(keys)})
    return tuple(records)


def records_text(records: Iterable[dict[str, str]], keys: tuple[str, ...]) -> str:
    """The write-up form of records: the starting text an editor can offer for a record box."""
    return "\n".join(" | ".join(str(r.get(k, "")) for k in keys) for r in records)

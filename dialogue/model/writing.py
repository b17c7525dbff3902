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

from dialogue.model.facts import Fact, extract_facts, missing_facts
from dialogue.model.sheet_fields import WRITEUP_BOXES_BY_ID, LengthTarget
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


def source_texts(transcript: Transcript, box_id: str) -> tuple[str, ...]:
    """The answers a box is written from: the answers of every question that fills its field (a number with
    its unit), the probe answers to them, and text parked under the field. Notes are the supporter's own."""
    box = WRITEUP_BOXES_BY_ID.get(box_id)
    field_id = box.field_id if box else box_id
    texts: list[str] = []
    for question in transcript.bank.questions():
        if field_id not in question.fills:
            continue
        answer = transcript.answers.get(question.id)
        if answer is not None and not answer.is_status:
            unit = question.unit.get("ja") if question.type == "number" and question.unit else ""
            texts.append(f"{answer.value}{unit}" if question.type == "number" else answer.raw)
        texts += [p.text for p in transcript.probe_answers if p.question_id == question.id and p.text]
    texts += [p.text for p in transcript.parked if p.field_id == field_id]
    return tuple(t for t in texts if t.strip())


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

"""Role-play personas: YAML → a validated, frozen `Persona` (every problem in one pass, with positions).

A persona is a fictional company's owner: for every canonical sheet field, the *surface* answer given
when asked plainly, answers to the field's other questions, and *deeper* facts — each told when a given
probe of the standard bank is used, volunteered unasked where the persona says so, or reached by no probe
of the bank at all — each with key phrases (and alternative spellings) for scoring. How the owner talks is in
`dialogue.training.scoring.Owner`. Persona text is data: shown and compared, never executed, formatted or templated.
The format is documented in docs/persona-format.md; problem codes are P1xx (PERSONA_CODES below).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dialogue.banks.builtin import personas_dir
from dialogue.banks.reader import suggest
from dialogue.errors import BankError, LocabenError, Position, Problem, Severity
from dialogue.model import Bank, Question, Text
from dialogue.model.conditions import holds
from dialogue.model.sheet_fields import FIELDS_BY_ID, RECORD_FIELDS, industry_label

PERSONA_FORMAT = "locaben-persona/1"
PERSONALITIES = ("talkative", "terse", "defensive")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

# code -> (meaning, how to fix). Documented in docs/persona-format.md (a test keeps them in step).
PERSONA_CODES: dict[str, tuple[str, str]] = {
    "P100": ("not a persona file", "Start from a shipped persona in question_banks/personas/."),
    "P101": ("unknown key", "Remove the key or correct its spelling."),
    "P102": ("missing required key", "Add the key."),
    "P103": ("wrong type", "Give a value of the type shown in the message."),
    "P104": ("missing translation", "Give the text in every language of the bank (ja and en)."),
    "P105": ("unknown sheet field", "Use a canonical field id (dialogue/sheet_fields.py)."),
    "P106": ("sheet field without an answer", "Add the field under `fields:` with at least a `surface`."),
    "P107": ("unknown personality", "Use talkative, terse or defensive."),
    "P108": ("id does not match the file name", "Name the file <id>.yaml so `--persona ID` finds it."),
    "P109": ("written for another bank", "Check the persona against the bank named in `bank:`."),
    "P110": ("unknown question", "Name a question id of the bank."),
    "P111": ("probe index out of range", "Count the question's probes from 1, as `/probe N` does."),
    "P112": ("question does not fill this field", "Put the entry under the field the question fills."),
    "P113": ("a supporter's question", "The owner answers owner questions only; write the expert's view "
                                        "under `supporter`."),
    "P114": ("question does not apply to this company", "Its `when:` is false for this persona's choices: "
                                                        "remove the entry or change the choice."),
    "P120": ("wrong number of key phrases", "Give 2 to 4 key phrases in each language (a list of "
                                            "alternatives counts as one)."),
    "P121": ("key phrase not in its text", "Copy each key phrase word for word from the text it scores; of a "
                                           "list of alternatives, at least one."),
    "P130": ("bad typed answer", "choice: one of the question's choice ids; number: within its range; "
                                 "records: a list of mappings with the question's fields."),
    "P140": ("supporter's view missing", "Add `supporter: {ja, en}`: the expert's view for the bank's "
                                         "supporter questions on this field."),
    "P141": ("the surface answer answers no question",
             "The field's owner questions all have `by_question` answers or do not apply: drop one of them, "
             "the surface answers the first question left."),
    "P150": ("YAML 1.1 trap: a value is not text", 'Quote it: "yes", "12:30", "2009".'),
    "P160": ("unknown write-up box", "Use a write-up box id (docs/filing.md: a sheet field, `<field>.supporter` "
                                     "for a summary box, or `header.*`)."),
    "P161": ("polite endings in a write-up", "Write the box in である調: end sentences in である, する, した … "
                                             "(quoted speech in 「」 may keep です・ます)."),
    "P162": ("write-up length outside the box's target", "Shorten or lengthen it to the box's target (WRITEUP_BOXES "
                                                         "in dialogue/model/sheet_fields.py; English 2.5 times)."),
    "P163": ("a fact in the write-up the persona never says", "Every number, date, name and company in a model "
                                                              "write-up must appear in the persona's own text."),
    "P164": ("bad header value", "A number header field takes digits only; 業種 one of the JSIC industries "
                                 "(INDUSTRIES), by its code or name."),
    "P165": ("a box without a model write-up", "Add the box under `writeup:` so that `locaben demo` files a "
                                               "complete sheet."),
}

ROOT_KEYS = {"format", "id", "bank", "company", "industry", "summary", "personality", "fields", "writeup"}
ROOT_REQUIRED = ("id", "company", "industry", "personality", "fields")
FIELD_KEYS = {"surface", "by_question", "deeper", "supporter"}
ANSWER_KEYS = {"ja", "en", "keys", "choice", "number", "short", "guarded"}
FACT_KEYS = {"probe", "ja", "en", "keys", "volunteered"}
NO_PROBE = "none"  # `probe: none`: a fact no probe of the bank reaches (it still counts, as a miss)


class PersonaError(BankError):
    """A persona file has problems; holds every one of them (reported like a bank's)."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.args = (f"{sum(p.severity is Severity.ERROR for p in problems)} error(s) in persona",)


# ---- the model ----


@dataclass(frozen=True, slots=True)
class ProbeRef:
    question_id: str
    index: int  # 0-based, as the engine counts; the file counts from 1


@dataclass(frozen=True, slots=True)
class Fact:
    """Something the owner says, with the key phrases that show a note captured it."""

    id: str  # field#surface, field@question, field#1 …
    field_id: str
    kind: str  # surface | answer | deeper
    text: Text  # for records: the record values joined, one record a line
    keys: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]  # (lang, key phrases, each a tuple of alternatives)
    question_id: str | None = None  # answer: the question it answers; deeper: the probe's question
    probe: ProbeRef | None = None  # deeper: the probe that reveals it; None: no probe of the bank does
    position: Position | None = field(default=None, compare=False, repr=False)
    volunteered: bool = False  # deeper: said unasked, with the main answer of its question
    also: tuple[ProbeRef, ...] = ()  # deeper: other probes that draw it out as well

    def reached_by(self, question_id: str, index: int) -> bool:
        return any((p.question_id, p.index) == (question_id, index) for p in (self.probe, *self.also) if p)

    def keys_in(self, lang: str) -> tuple[tuple[str, ...], ...]:
        """The key phrases in one language; each a tuple of alternative spellings (any one counts)."""
        return next((k for code, k in self.keys if code == lang), ())

    @property
    def unreachable(self) -> bool:
        """A deeper fact that no probe of the bank reaches and the owner does not volunteer."""
        return self.kind == "deeper" and self.probe is None and not self.volunteered


@dataclass(frozen=True, slots=True)
class MainAnswer:
    """The answer to a main question: its fact, a typed value where the question needs one, and the
    shortened (terse) or guarded (defensive) forms."""

    fact: Fact
    choice: str | None = None
    number: int | float | None = None
    records: tuple[tuple[str, tuple[tuple[tuple[str, str], ...], ...]], ...] = ()  # (lang, records)
    short: Text | None = None
    guarded: Text | None = None

    def records_in(self, lang: str) -> list[dict[str, str]]:
        found = next((r for code, r in self.records if code == lang), self.records[0][1] if self.records else ())
        return [dict(record) for record in found]


@dataclass(frozen=True, slots=True)
class FieldPersona:
    field_id: str
    surface: MainAnswer
    by_question: tuple[tuple[str, MainAnswer], ...] = ()
    deeper: tuple[Fact, ...] = ()
    supporter: Text | None = None


@dataclass(frozen=True)
class Persona:
    id: str
    bank_id: str
    company: Text
    industry: Text
    summary: Text | None
    personality: str
    personality_note: Text
    fields: tuple[FieldPersona, ...]
    source_path: str = field(default="", compare=False)
    writeups: tuple[tuple[str, Text], ...] = ()  # box id → the expert's model write-up (清書), in every language

    def entry(self, field_id: str) -> FieldPersona:
        """What the persona says about one sheet field."""
        return next(f for f in self.fields if f.field_id == field_id)

    def writeup(self, box_id: str) -> Text | None:
        """The model write-up of one box (a write-up box or a header field), or None."""
        return next((text for box, text in self.writeups if box == box_id), None)

    def writeups_in(self, lang: str) -> dict[str, str]:
        """Every model write-up in one language, by box id: what `locaben demo` files."""
        return {box: text.get(lang) for box, text in self.writeups}

    def header_answer(self, question: Question) -> MainAnswer | None:
        """The owner's answer to a question that asks for header data (`header:` in the bank), read off the
        persona's write-ups of those header fields; None when the persona has none (the surface answers then)."""
        texts = [self.writeup(h) for h in question.header]
        if not question.header or any(t is None for t in texts):
            return None
        return header_main_answer(question, [t for t in texts if t is not None])

    def facts(self) -> tuple[Fact, ...]:
        out: list[Fact] = []
        for f in self.fields:
            out += [f.surface.fact, *(a.fact for _, a in f.by_question), *f.deeper]
        return tuple(out)

    def main_answer(self, question: Question) -> MainAnswer:
        """The question's own answer if it has one, else the surface of the first field it fills."""
        return self.own_answer(question) or self.entry(question.fills[0]).surface

    def own_answer(self, question: Question) -> MainAnswer | None:
        header = self.header_answer(question)
        if header is not None:
            return header
        for field_id in question.fills:
            own = dict(self.entry(field_id).by_question).get(question.id)
            if own is not None:
                return own
        return None

    def surface_question(self, field_id: str, bank: Bank) -> str | None:
        """The question the field's surface answers: its first owner question, asked of this company,
        without a `by_question` answer of its own."""
        values = self.choices(bank)
        taken = {qid for qid, _ in self.entry(field_id).by_question}
        return next((q.id for q in bank.questions() if field_id in q.fills and q.voice == "owner"
                     and q.id not in taken and holds(q.when, values) and self.header_answer(q) is None), None)

    def volunteered_with(self, question: Question, bank: Bank) -> tuple[Fact, ...]:
        """Deeper facts the owner says unasked together with the main answer to `question`: those marked
        `volunteered` whose probe belongs to it (or, with no probe, whose field's surface it answers)."""
        out = []
        for fp in self.fields:
            for fact in fp.deeper:
                if not fact.volunteered:
                    continue
                home = fact.probe.question_id if fact.probe else self.surface_question(fp.field_id, bank)
                if home == question.id:
                    out.append(fact)
        return tuple(out)

    def deeper_for(self, question_id: str, index: int) -> tuple[Fact, ...]:
        """The deeper facts this probe draws out."""
        return tuple(f for fp in self.fields for f in fp.deeper if f.reached_by(question_id, index))

    def supporter_view(self, question: Question) -> Text | None:
        return next((self.entry(f).supporter for f in question.fills if self.entry(f).supporter), None)

    def choices(self, bank: Bank) -> dict[str, Any]:
        """The typed answers conditions read (question id → choice id or number)."""
        values: dict[str, Any] = {}
        for question in bank.questions():
            if question.type in ("choice", "number") and question.voice == "owner":
                answer = self.main_answer(question)
                value = answer.choice if question.type == "choice" else answer.number
                if value is not None:
                    values[question.id] = value
        return values


def normalize(text: str) -> str:
    """The form key phrases are compared in: NFKC, case-folded, without white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


# ---- finding and loading ----


def available_personas(directory: Path | None = None) -> list[str]:
    return sorted(p.stem for p in (directory or personas_dir()).glob("*.yaml"))


def persona_path(name: str, directory: Path | None = None) -> Path:
    """A shipped persona by id, or a path to a persona file."""
    directory = directory or personas_dir()
    path = Path(name)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return path
    if ID_PATTERN.match(name) and (directory / f"{name}.yaml").is_file():
        return directory / f"{name}.yaml"
    shipped = available_personas(directory)
    hint = suggest(name, shipped)
    raise LocabenError(f"no persona {name!r}" + (f" ({hint})" if hint else "") +
                       f"; shipped personas: {', '.join(shipped)}")


def load_persona(path: str | Path, bank: Bank) -> Persona:
    persona, problems = check_persona(path, bank)
    if persona is None or any(p.severity is Severity.ERROR for p in problems):
        raise PersonaError(problems)
    return persona


def check_persona(path: str | Path, bank: Bank) -> tuple[Persona | None, list[Problem]]:
    """Validate a persona file against `bank`; the persona (None on errors) and every problem."""
    from dialogue.training.persona_reader import PersonaReader  # the reader builds this module's models

    return PersonaReader(Path(path), bank).read()


def applies(question: Question, values: dict[str, Any]) -> bool:
    return holds(question.when, values)


def record_ids(field_id: str) -> tuple[str, ...]:
    return RECORD_FIELDS.get(FIELDS_BY_ID[field_id].shape, ())


def header_main_answer(question: Question, texts: list[Text]) -> MainAnswer:
    """A main answer made of header values: a group's records (one header field per record field), a
    number, the choice whose label (or, for 業種, whose industry) the value names, or the text itself."""
    langs = texts[0].languages()
    joined = Text(tuple((lang, " ".join(t.get(lang) for t in texts)) for lang in langs))
    fact = Fact(f"{question.fills[0]}@{question.id}", question.fills[0], "answer", joined, (), question.id)
    if question.type == "group":
        records = tuple((lang, (tuple((f.id, t.get(lang)) for f, t in zip(question.fields, texts, strict=False)),))
                        for lang in langs)
        return MainAnswer(fact, records=records)
    if question.type == "number":
        return MainAnswer(fact, number=header_number(texts[0].get(langs[0])))
    if question.type == "choice":
        return MainAnswer(fact, choice=header_choice(question, texts[0]))
    return MainAnswer(fact)


def header_number(text: str) -> int | None:
    """A header number as written in a write-up: digits only (full-width digits and `,` allowed)."""
    digits = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    return int(digits) if digits.isdigit() else None


def header_choice(question: Question, text: Text) -> str | None:
    """The choice a header value names: by its id, its label in any language, or the industry it is."""
    for choice in question.choices:
        wanted = {choice.id, *(label for _, label in choice.label.by_lang)}
        if any(value.strip() in wanted for _, value in text.by_lang):
            return choice.id
    industries = {industry_label(value) for _, value in text.by_lang} - {None}
    return next((c.id for c in question.choices if industry_label(c.id) in industries), None)

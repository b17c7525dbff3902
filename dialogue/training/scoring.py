"""Role-play scoring, pure: the owner a persona plays, unattended interviews, and score reports.

- `Owner` answers main questions and probes the way the persona says: the facts it volunteers unasked are
  marked per fact in the persona (never implied by the personality: a talkative owner says more words, not
  more specifics); terse owners give one sentence until probed, defensive ones a guarded answer until probed;
  a question the persona has no answer for gets 「先ほどお話ししたとおりです」, a probe it has no fact for a
  personality-coloured non-answer. Persona text is only ever concatenated and compared, never formatted.
- `interview` drives an engine (or a live session) through a whole interview with one strategy:
  `main` asks only the main questions, `guided` also answers the probes the engine proposes (its probe
  policy decides), `model` uses the fewest probes that reveal every fact: the expert reference. Probes of a
  supporter-voice question are never put to the owner.
- `score` compares the notes of a transcript with the persona's facts by key phrases.
No I/O and no clock of its own: unattended runs use `SpeechClock`, which advances with the words spoken.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from dialogue.engine import Engine, Step
from dialogue.model import Bank, Question, Transcript
from dialogue.model.events import Started
from dialogue.model.measure import answer_size
from dialogue.model.sheet_fields import GROUPS
from dialogue.sheet.data import display_value
from dialogue.training.persona import Fact, MainAnswer, Persona, applies, normalize
from dialogue.training.writeup_score import WriteupScore, score_writeups

STRATEGIES = ("main", "guided", "model")
AGAIN = {"ja": "先ほども申し上げましたが、", "en": "As I said earlier, "}
FILLERS: dict[str, tuple[dict[str, str], ...]] = {
    "talkative": ({"ja": "いやあ、そこは特に変わったことはないですねえ。ほかのところなら、いくらでもお話しできますよ。",
                   "en": "Oh, nothing special there, really. Ask me about something else and I'll talk all day."},
                  {"ja": "うーん、そこはあまり考えたことがなかったですね。",
                   "en": "Hmm, I've never really thought about that."}),
    "terse": ({"ja": "特にないですね。", "en": "Nothing in particular."},
              {"ja": "さあ、どうでしょう。", "en": "Hard to say."}),
    "defensive": ({"ja": "そこは、まあ、普通にやってますよ。", "en": "We handle that the usual way."},
                  {"ja": "それは今日のお話に関係ありますか。", "en": "Does that matter for today?"}),
}
NOTHING_NEW = {"ja": "それは、先ほどお話ししたとおりです。", "en": "That's as I said earlier."}
SPEECH_CHARS_PER_MINUTE = {"ja": 300, "en": 800}  # a calm conversational pace, for estimated durations


# ---- the owner ----


@dataclass(frozen=True, slots=True)
class Reply:
    text: str  # what the owner says
    value: str  # what a note-taker who writes everything down submits as the answer
    extra: str = ""  # what was said beyond `value` (for choice, number and record answers): a note


class Owner:
    """The persona in conversation; remembers what it has told so far."""

    def __init__(self, persona: Persona, bank: Bank, lang: str):
        self.persona, self.bank, self.lang = persona, bank, lang
        self.told: set[str] = set()  # fact ids told in full
        self.held_back: dict[str, str] = {}  # question id → what a terse/defensive owner has not said yet

    def answer(self, question_id: str) -> Reply:
        question = self.bank.question(question_id)
        if not self._answers(question):
            said = NOTHING_NEW.get(self.lang, NOTHING_NEW["en"])
            return Reply(said, said)
        main = self.persona.main_answer(question)
        full = self._spoken(question, main)
        text = self._as_personality(question_id, main, full) if question.type == "text" and question.probes else full
        if main.fact.id in self.told:
            text = AGAIN.get(self.lang, AGAIN["en"]) + text
        if question_id not in self.held_back:
            self.told.add(main.fact.id)
        unasked = [f for f in self.persona.volunteered_with(question, self.bank) if f.id not in self.told]
        self.told.update(f.id for f in unasked)
        volunteered = self._join(*(f.text.get(self.lang) for f in unasked))
        spoken = self._join(text, volunteered)
        if question.type == "choice":
            return Reply(spoken, str(main.choice), spoken)
        if question.type == "number":
            return Reply(spoken, f"{main.number:g}", spoken)
        if question.type == "group":
            return Reply(spoken, self._record_lines(main), volunteered)
        return Reply(spoken, spoken)

    def probe(self, question_id: str, index: int) -> Reply:
        parts = []
        if question_id in self.held_back:
            parts.append(self.held_back.pop(question_id))
            self.told.add(self.persona.main_answer(self.bank.question(question_id)).fact.id)
        for fact in self.persona.deeper_for(question_id, index):
            told = fact.id in self.told
            parts.append((AGAIN.get(self.lang, AGAIN["en"]) if told else "") + fact.text.get(self.lang))
            self.told.add(fact.id)
        if not parts:
            fillers = FILLERS[self.persona.personality]
            parts.append(fillers[(len(question_id) + index) % len(fillers)].get(self.lang, ""))
        text = self._join(*parts)
        return Reply(text, text)

    def _answers(self, question: Question) -> bool:
        """Whether the persona has an answer for this main question: its own, or the field's surface."""
        if question.type in ("choice", "number") or self.persona.own_answer(question) is not None:
            return True
        return any(self.persona.surface_question(f, self.bank) == question.id for f in question.fills)

    def model_probes(self, question_id: str) -> tuple[int, ...]:
        """The probes an expert would use here: the fewest that reveal every fact not told yet (a fact two
        probes reach is asked for once), in bank order; or the first when the owner is holding part of the
        answer back and no probe reveals more."""
        question = self.bank.question(question_id)
        untold = {i: {f.id for f in self.persona.deeper_for(question_id, i) if f.id not in self.told}
                  for i in range(len(question.probes))}
        left, chosen = set().union(*untold.values()), []
        while left:
            best = max(untold, key=lambda i: (len(untold[i] & left), -i))
            chosen.append(best)
            left -= untold[best]
        if not chosen and question_id in self.held_back and question.probes:
            return (0,)
        return tuple(sorted(chosen))

    def _as_personality(self, question_id: str, main: MainAnswer, full: str) -> str:
        if self.persona.personality == "terse":
            short = main.short.get(self.lang) if main.short else first_sentence(full)
            if short != full:
                self.held_back[question_id] = full if main.short else full[len(short):].strip()
            return short
        if self.persona.personality == "defensive" and main.guarded:
            self.held_back[question_id] = full
            return main.guarded.get(self.lang)
        return full

    def _spoken(self, question: Question, main: MainAnswer) -> str:
        if question.type != "group":
            return main.fact.text.get(self.lang)
        sep, inner = ("：", "／") if self.lang == "ja" else (": ", " / ")
        lines = []
        for n, record in enumerate(main.records_in(self.lang), 1):
            first, *rest = [v for v in record.values() if v]
            lines.append(f"{n}. {first}" + (sep + inner.join(rest) if rest else ""))
        return "\n".join(lines)

    def _record_lines(self, main: MainAnswer) -> str:
        return "\n".join(" | ".join(record.values()) for record in main.records_in(self.lang))

    def _join(self, *parts: str) -> str:
        return ("" if self.lang == "ja" else " ").join(p for p in parts if p)


def first_sentence(text: str) -> str:
    for mark in ("。", ". ", "！", "? "):
        cut = text.find(mark)
        if 0 <= cut < len(text) - len(mark):
            return text[: cut + len(mark)].strip()
    return text


# ---- unattended interviews ----


@dataclass(frozen=True, slots=True)
class Turn:
    speaker: str  # section | banker | owner | supporter
    text: str
    question_id: str
    probe: int | None = None  # 0-based


class Runner(Protocol):
    """What `interview` drives: a `LiveSession` (journalled) or an `EngineRunner` — the same typed commands."""

    engine: Engine

    def answer(self, raw: str, append: bool = False, confirmed: bool = False) -> Step: ...

    def skip(self) -> Step: ...

    def note(self, text: str) -> Step: ...

    def follow_up(self, probe: int, text: str) -> Step: ...

    def step(self) -> Step: ...


@dataclass
class EngineRunner:
    """A bare engine with the `LiveSession` interface (no journal)."""

    engine: Engine

    def answer(self, raw: str, append: bool = False, confirmed: bool = False) -> Step:
        return self.engine.answer(raw, append, confirmed)

    def skip(self) -> Step:
        return self.engine.skip()

    def note(self, text: str) -> Step:
        return self.engine.note(text)

    def follow_up(self, probe: int, text: str) -> Step:
        return self.engine.follow_up(probe, text)

    def step(self) -> Step:
        return self.engine.step()


def interview(runner: Runner, persona: Persona, strategy: str, lang: str,
              on_turn: Callable[[Turn], None] | None = None) -> None:
    """Answer every question the engine asks, until the end; the caller finishes the session."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}")
    bank = runner.engine.bank
    owner = Owner(persona, bank, lang)
    say = on_turn or (lambda turn: None)
    step, section = runner.step(), ""
    while step.state in ("asking", "probing") and step.question is not None:
        question = step.question
        if step.state == "probing":
            if strategy != "guided" or question.voice == "supporter":  # never put to the owner
                step = runner.skip()
                continue
            say(Turn("banker", question.probes[step.probe].get(lang), question.id, step.probe))
            reply = owner.probe(question.id, step.probe)
            say(Turn("owner", reply.text, question.id, step.probe))
            step = runner.answer(reply.value)
            continue
        if question.section_id != section:
            section = question.section_id
            say(Turn("section", bank.section(section).title.get(lang), question.id))
        if question.voice == "supporter":
            view = persona.supporter_view(question)
            if view is None:
                step = runner.skip()
                continue
            say(Turn("supporter", view.get(lang), question.id))
            step = runner.answer(view.get(lang))
            continue
        say(Turn("banker", question.text.get(lang), question.id))
        reply = owner.answer(question.id)
        say(Turn("owner", reply.text, question.id))
        if strategy == "model":
            for index in owner.model_probes(question.id):
                say(Turn("banker", question.probes[index].get(lang), question.id, index))
                answer = owner.probe(question.id, index)
                say(Turn("owner", answer.text, question.id, index))
                runner.follow_up(index, answer.value)
        if reply.extra:
            runner.note(reply.extra)
        step = runner.answer(reply.value)


class SpeechClock:
    """A clock for unattended runs: it moves on by the time the words heard would take to say."""

    def __init__(self, lang: str, start: datetime | None = None):
        self.now = start or datetime(2026, 1, 5, 10, 0, tzinfo=timezone(timedelta(hours=9)))
        self.rate = SPEECH_CHARS_PER_MINUTE.get(lang, SPEECH_CHARS_PER_MINUTE["en"])

    def hear(self, turn: Turn) -> None:
        if turn.speaker != "section":
            self.now += timedelta(minutes=len(turn.text) / self.rate)

    def iso(self) -> str:
        return self.now.isoformat(timespec="milliseconds")


def unattended(bank: Bank, persona: Persona, strategy: str, lang: str = "ja") -> Transcript:
    """A whole interview of `persona` with one strategy, headless; its finished transcript."""
    clock = SpeechClock(lang)
    engine = Engine(bank, clock.iso, f"{persona.id}-{strategy}")
    engine.start(Started(lang=lang, persona=persona.id, training=strategy))
    interview(EngineRunner(engine), persona, strategy, lang, on_turn=clock.hear)
    engine.finish()
    return engine.transcript()


# ---- scores ----


@dataclass(frozen=True, slots=True)
class FactScore:
    fact: Fact
    found: tuple[str, ...]  # the key phrases found in the notes
    captured: bool


@dataclass(frozen=True, slots=True)
class SectionScore:
    group_id: str
    label: str
    captured: int
    total: int
    chars: int


@dataclass(frozen=True, slots=True)
class Scorecard:
    facts: tuple[FactScore, ...]
    sections: tuple[SectionScore, ...]
    seconds: float
    answered: int
    probes_used: int

    @property
    def captured(self) -> int:
        return sum(f.captured for f in self.facts)

    @property
    def total(self) -> int:
        return len(self.facts)

    @property
    def share(self) -> float:
        return self.captured / self.total if self.total else 0.0

    @property
    def chars(self) -> int:
        return sum(s.chars for s in self.sections)


@dataclass(frozen=True, slots=True)
class Missed:
    """A fact the notes lack, and what would have drawn it out: ask the question, use the probe, or
    write down what was said (`note`)."""

    fact: Fact
    action: str  # ask | probe | note | own (no probe of the bank reaches it: an own follow-up)
    question_id: str
    probe: int | None = None


@dataclass(frozen=True)
class ScoreReport:
    persona_id: str
    trainee: Scorecard
    expert: Scorecard
    missed: tuple[Missed, ...] = field(default=())
    writeups: tuple[WriteupScore, ...] = field(default=())  # the boxes the persona has a model write-up for


def field_notes(t: Transcript) -> dict[str, list[str]]:
    """Everything written down for each sheet field: answers, follow-ups, notes and parked text."""
    notes: dict[str, list[str]] = {}
    for question in t.bank.questions():
        texts = []
        answer = t.answers.get(question.id)
        if answer is not None and not answer.is_status:
            texts.append(display_value(question, answer.value, "ja"))
            if question.type in ("choice", "number"):
                texts.append(str(answer.value))
        texts += [p.text for p in t.probe_answers if p.question_id == question.id]
        texts += [n.text for n in t.notes if n.question_id == question.id]
        for field_id in question.fills:
            notes.setdefault(field_id, []).extend(texts)
    for item in t.parked:
        notes.setdefault(item.field_id, []).append(item.text)
    return notes


def match(fact: Fact, text: str) -> tuple[tuple[str, ...], bool]:
    """Key phrases found in `text`; captured when at least half of one language's phrases are (a phrase
    with alternative spellings is found when any of them is)."""
    folded = normalize(text)
    found: list[str] = []
    captured = False
    for _, keys in fact.keys:
        hits = [next((p for p in alternatives if normalize(p) in folded), None) for alternatives in keys]
        found += [p for p in hits if p is not None and p not in found]
        captured = captured or (bool(keys) and sum(p is not None for p in hits) * 2 >= len(keys))
    return tuple(found), captured


def scorecard(t: Transcript, persona: Persona, lang: str = "ja") -> Scorecard:
    notes = {fid: "\n".join(texts) for fid, texts in field_notes(t).items()}
    facts = tuple(FactScore(f, *match(f, notes.get(f.field_id, ""))) for f in persona.facts())
    sections = []
    for group_id, labels in GROUPS.items():
        mine = [f for f in facts if f.fact.field_id.split(".")[0] == group_id]
        chars = sum(_chars(t, q) for q in t.bank.questions() if q.fills[0].split(".")[0] == group_id)
        sections.append(SectionScore(group_id, labels[0] if lang == "ja" else labels[1],
                                     sum(f.captured for f in mine), len(mine), chars))
    probes = {(p.question_id, p.probe) for p in t.probe_answers}
    return Scorecard(facts, tuple(sections), _seconds(t), len(t.answers), len(probes))


def _chars(t: Transcript, question: Question) -> int:
    answer = t.answers.get(question.id)
    size = answer_size(answer.value) if answer is not None and not answer.is_status else 0
    size += sum(len(p.text) for p in t.probe_answers if p.question_id == question.id)
    return size + sum(len(n.text) for n in t.notes if n.question_id == question.id)


def _seconds(t: Transcript) -> float:
    try:
        return (datetime.fromisoformat(t.last_at) - datetime.fromisoformat(t.started_at)).total_seconds()
    except ValueError:
        return 0.0


def score(t: Transcript, persona: Persona, lang: str = "ja", expert: Transcript | None = None) -> ScoreReport:
    """The trainee's scorecard, the expert's (the persona's model interview), and what was missed."""
    expert = expert or unattended(t.bank, persona, "model", lang)
    trainee = scorecard(t, persona, lang)
    values = persona.choices(t.bank)
    used = {(p.question_id, p.probe) for p in t.probe_answers}
    missed = []
    for result in trainee.facts:
        fact = result.fact
        if result.captured:
            continue
        if fact.probe is not None:
            ref = (fact.probe.question_id, fact.probe.index)
            missed.append(Missed(fact, "note" if ref in used else "probe", ref[0], ref[1]))
            continue
        if fact.kind == "deeper":  # no probe of the bank reaches it: an own follow-up (/own) would
            qid = persona.surface_question(fact.field_id, t.bank) or _surface_question(t.bank, persona, fact.field_id, values)
            missed.append(Missed(fact, "own", qid))
            continue
        qid = fact.question_id or _surface_question(t.bank, persona, fact.field_id, values)
        missed.append(Missed(fact, "note" if qid in t.answers else "ask", qid))
    return ScoreReport(persona.id, trainee, scorecard(expert, persona, lang), tuple(missed),
                       score_writeups(t, persona, lang))



def _surface_question(bank: Bank, persona: Persona, field_id: str, values: dict[str, Any]) -> str:
    own = {qid for qid, _ in persona.entry(field_id).by_question}
    return next(q.id for q in bank.questions() if field_id in q.fills and q.voice == "owner"
                and q.id not in own and applies(q, values))

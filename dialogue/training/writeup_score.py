"""Role-play: the trainee's write-up (清書) scored against the persona's model write-up — for each box, which of
the model's key facts (numbers with units, dates, names, companies: dialogue.model.facts) the trainee's entry
keeps, compared normalised (7割 = 70％, 東浜精機さん = 株式会社東浜精機). Pure scoring, and its lines in the report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import RenderableType

from dialogue.i18n import say
from dialogue.model import Transcript
from dialogue.model.sheet_fields import WRITEUP_BOXES
from dialogue.ui.text import plain

if TYPE_CHECKING:  # the fact extractor and the filing are imported when a report has write-ups to score
    from dialogue.model.facts import Fact
    from dialogue.training.persona import Persona
    from dialogue.training.scoring import ScoreReport


@dataclass(frozen=True, slots=True)
class WriteupScore:
    """One box: the model write-up's key facts the trainee's entry keeps and leaves out (`written` False: the
    box has no write-up, every fact is missed)."""

    box_id: str
    written: bool
    kept: tuple[Fact, ...]
    missed: tuple[Fact, ...]


def score_writeups(t: Transcript, persona: Persona, lang: str = "ja") -> tuple[WriteupScore, ...]:
    """Every box the persona has a model write-up for (header fields aside), in sheet order."""
    from dialogue.model.facts import extract_facts, missing_facts

    model = persona.writeups_in(lang)
    scores = []
    for box in WRITEUP_BOXES:
        if box.id not in model:
            continue
        facts = tuple({f.key: f for f in extract_facts(model[box.id])}.values())
        mine = t.writeups.get(box.id)
        text = mine.text if mine is not None else ""
        missed = missing_facts(facts, extract_facts(text)) if text.strip() else facts
        scores.append(WriteupScore(box.id, bool(text.strip()), tuple(f for f in facts if f not in missed), missed))
    return tuple(scores)


def writeup_lines(report: ScoreReport, lang: str, command: str = "") -> list[RenderableType]:
    """The report's lines: key facts kept over all boxes, and what each written box left out."""
    if not report.writeups:
        return []
    from dialogue.sheet.filing import box_label

    parts: list[RenderableType] = [plain(say("roleplay.writeup_title", lang), style="bold")]
    written = [w for w in report.writeups if w.written]
    if not written:
        return parts + [plain(say("roleplay.writeup_none", lang, command=command), style="dim")]
    total = sum(len(w.kept) + len(w.missed) for w in report.writeups)
    kept = sum(len(w.kept) for w in report.writeups)
    parts.append(plain(say("roleplay.writeup_summary", lang, kept=kept, total=total, written=len(written),
                           boxes=len(report.writeups))))
    sep = "、" if lang == "ja" else ", "
    for box in written:
        if box.missed:
            parts.append(plain("  " + say("roleplay.writeup_missed", lang, label=box_label(box.box_id, lang),
                                          facts=sep.join(f.text for f in box.missed)), style="yellow"))
    return parts

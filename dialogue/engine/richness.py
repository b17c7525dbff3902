"""Characters captured per section, as the sheet's richness counts them (answers to applicable questions,
probe follow-ups, notes), kept up to date a little at a time: follow-ups and notes only grow, so each is
counted once; the answers (one per question at most) are summed afresh. The toolbar asks after every
answer, and the cost then stays flat however long the session is."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field

from dialogue.engine.state import SessionState
from dialogue.model import Bank
from dialogue.model.measure import answer_size


@dataclass
class SectionChars:
    bank: Bank
    probes_seen: int = 0
    notes_seen: int = 0
    extra: dict[str, int] = field(default_factory=dict)  # section id → characters of follow-ups and notes

    def count(self, state: SessionState, applicable: Container[str]) -> dict[str, int]:
        """Section id → characters, for `state` whose applicable questions are `applicable`."""
        for probe in state.probe_answers[self.probes_seen:]:
            self._add(self.extra, probe.question_id, len(probe.text))
        for note in state.notes[self.notes_seen:]:
            self._add(self.extra, note.question_id, len(note.text))
        self.probes_seen, self.notes_seen = len(state.probe_answers), len(state.notes)
        chars = dict(self.extra)
        for qid, answer in state.answers.items():
            if qid in applicable:
                self._add(chars, qid, answer_size(answer.value))
        return chars

    def _add(self, chars: dict[str, int], question_id: str | None, size: int) -> None:
        if question_id is not None and self.bank.has_question(question_id):
            section_id = self.bank.question(question_id).section_id
            chars[section_id] = chars.get(section_id, 0) + size

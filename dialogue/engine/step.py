"""What a command returns to the UI: the `Step` to show next (the state, the question or probe on offer, the
legal commands, notices…) and the interview's `Progress`."""

from __future__ import annotations

from dataclasses import field

from dialogue.engine.machine import Command
from dialogue.engine.state import Notice
from dialogue.model import Answer, Parked, Question, Text
from dialogue.record import Record, record


@record
class Progress(Record):
    section_index: int  # 1-based; 0 when no question is current (the end, a review)
    section_count: int
    answered: int
    applicable: int


@record
class Step(Record):
    """What the UI shows next: the state, the current question or probe, and the legal commands."""

    state: str
    question: Question | None
    probe_text: Text | None  # the probe on offer (state probing)
    probe: int  # its number among the question's probes, 0-based
    current_answer: Answer | None
    legal: frozenset[Command]
    progress: Progress
    notices: tuple[Notice, ...] = field(default=(), compare=False)
    section_started: bool = False
    parked: tuple[Parked, ...] = ()  # volunteered earlier for this question's fields
    prefill: str = ""  # the earlier session's answer, to confirm or update
    flagged: bool = False
    visit: int = 1
    mode: str = "guided"
    draft: str = ""  # what was being typed here when the interview was interrupted
    probe_reason: str = ""  # why this probe is offered (dialogue.engine.probing.Why): missing, thin, after_none …
    hints_shown: bool | None = None  # the interviewer's last F2 choice in this session; None: never set
    probe_element: str = ""  # for `missing`: the element the probe asks for (figure, reason …)
    probe_number: int = 0  # this probe's place among the question's follow-ups so far, 1-based (0: not probing)
    probe_budget: int = 0  # how many follow-ups the question gets at most (its `max_probes`, or fewer probes)
    flag_note: str = ""  # what was written with /flag, shown beside 【次回確認】

    @property
    def offered_input(self) -> str:
        """What Enter on an empty line keeps: the interrupted draft, else the answer so far, else parked
        text, else the earlier interview's answer. Offered, never put into what the user types."""
        if self.draft:
            return self.draft
        if self.current_answer is not None and not self.current_answer.is_status:
            return self.current_answer.raw
        if self.parked:
            return "\n".join(p.text for p in self.parked)
        return self.prefill

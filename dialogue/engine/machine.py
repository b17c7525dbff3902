"""The interview's state table: the only use of `transitions` in the package."""

from __future__ import annotations

from transitions import Machine, MachineError

STATES = ("intro", "asking", "probing", "at_end", "reviewing", "paused", "finished")
ACTIVE = ["asking", "probing", "at_end"]

# trigger, source(s), destination. `=` keeps the state. Returns to a saved state are added below.
TRANSITIONS: tuple[tuple[str, str | list[str], str], ...] = (
    ("start", "intro", "asking"),
    ("ask", ACTIVE, "asking"),
    ("answer", "asking", "asking"),
    ("probe", "asking", "probing"),
    ("answer_probe", "probing", "probing"),
    ("skip_probes", "probing", "asking"),
    ("skip", "asking", "asking"),
    ("mark", ["asking", "probing"], "asking"),
    ("back", ACTIVE, "asking"),
    ("jump", ACTIVE + ["reviewing"], "asking"),
    ("reach_end", ["asking", "probing"], "at_end"),
    ("note", ACTIVE + ["reviewing"], "="),
    ("follow_up", ["asking", "probing"], "="),
    ("set_source", ["asking", "probing", "at_end"], "="),
    ("flag", ["asking", "probing"], "="),
    ("unflag", ["asking", "probing"], "="),
    ("park", ACTIVE, "="),
    ("new_visit", ACTIVE, "="),
    ("pause", ACTIVE + ["reviewing"], "paused"),
    ("review", ACTIVE, "reviewing"),
    ("finish", ACTIVE + ["reviewing"], "finished"),
    ("reopen", "finished", "at_end"),
)

# What the user can type, mapped from the machine's triggers.
COMMAND_OF_TRIGGER = {
    "start": "start", "answer": "answer", "answer_probe": "answer", "skip": "skip", "skip_probes": "skip",
    "mark": "mark", "back": "back", "jump": "jump", "note": "note", "follow_up": "follow_up",
    "set_source": "set_source", "flag": "flag", "unflag": "unflag", "park": "park", "new_visit": "new_visit",
    "pause": "pause", "resume": "resume", "review": "review", "close_review": "close_review",
    "finish": "finish", "reopen": "reopen",
}


_RETURNS = ("asking", "probing", "at_end")


def _direct_table() -> dict[tuple[str, str], str]:
    """(trigger, state) → next state, read off the same TRANSITIONS the machine is built from."""
    table: dict[tuple[str, str], str] = {}
    for trigger, source, dest in TRANSITIONS:
        for state in [source] if isinstance(source, str) else source:
            table[(trigger, state)] = state if dest == "=" else dest
    return table


DIRECT = _direct_table()


class Flow:
    """The model object `transitions` decorates; kept apart so its generated methods never clash.

    Live commands fire the machine's triggers. Replaying a long journal takes the same steps through
    `DIRECT`, a lookup table derived from the same transition list — three times faster, and the replay
    property test checks it ends where the live run did."""

    state: str
    return_to: str = "asking"
    direct: bool = False

    def fire(self, trigger: str) -> None:
        if not self.direct:
            getattr(self, trigger)()
            return
        if trigger in ("resume", "close_review"):
            source = "paused" if trigger == "resume" else "reviewing"
            if self.state != source or self.return_to not in _RETURNS:
                raise MachineError(f"{trigger} cannot be applied from state {self.state}")
            self.state = self.return_to
            return
        dest = DIRECT.get((trigger, self.state))
        if dest is None:
            raise MachineError(f"{trigger} cannot be applied from state {self.state}")
        self.state = dest


def build_machine(flow: Flow) -> Machine:
    machine = Machine(model=flow, states=list(STATES), initial="intro", auto_transitions=False,
                      ignore_invalid_triggers=False)
    for trigger, source, dest in TRANSITIONS:
        machine.add_transition(trigger, source, dest)
    for trigger, source in (("resume", "paused"), ("close_review", "reviewing")):
        for dest in ("asking", "probing", "at_end"):
            machine.add_transition(trigger, source, dest, conditions=[lambda d=dest: flow.return_to == d])
    return machine

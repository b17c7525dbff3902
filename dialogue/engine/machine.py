"""The interview's state table: the only use of `transitions` in the package."""

from __future__ import annotations

from transitions import Machine

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


class Flow:
    """The model object `transitions` decorates; kept apart so its generated methods never clash."""

    state: str
    return_to: str = "asking"


def build_machine(flow: Flow) -> Machine:
    machine = Machine(model=flow, states=list(STATES), initial="intro", auto_transitions=False,
                      ignore_invalid_triggers=False)
    for trigger, source, dest in TRANSITIONS:
        machine.add_transition(trigger, source, dest)
    for trigger, source in (("resume", "paused"), ("close_review", "reviewing")):
        for dest in ("asking", "probing", "at_end"):
            machine.add_transition(trigger, source, dest, conditions=[lambda d=dest: flow.return_to == d])
    return machine

"""The interview's state table: the only use of `transitions` in the package.

Triggers are fired by the reducer as events are applied; `Command`s are what the interviewer can do. Which
commands are legal now, and the replay's shortcut, are read off the same TRANSITIONS the machine is built from
(tests/test_engine.py checks both against the machine in every state). The machine itself, and `transitions`,
are built on the first live command: a replay for a compile or a listing never needs them (~12 ms at start).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

STATES = ("intro", "asking", "probing", "at_end", "reviewing", "paused", "finished")
ACTIVE = ["asking", "probing", "at_end"]
ANYTIME = ACTIVE + ["reviewing", "paused", "finished"]


class Command(StrEnum):
    """What the interviewer (or a script) can ask the engine to do."""

    START = "start"
    ANSWER = "answer"
    NEXT = "next"
    SKIP = "skip"
    MARK = "mark"
    BACK = "back"
    JUMP = "jump"
    NOTE = "note"
    FOLLOW_UP = "follow_up"
    SET_SOURCE = "set_source"
    FLAG = "flag"
    UNFLAG = "unflag"
    PARK = "park"
    NEW_VISIT = "new_visit"
    PAUSE = "pause"
    RESUME = "resume"
    REVIEW = "review"
    CLOSE_REVIEW = "close_review"
    FINISH = "finish"
    REOPEN = "reopen"
    DRAFT = "draft"
    SET_HINTS = "set_hints"
    WRITE_UP = "write_up"
    CONFIRM_SENSITIVE = "confirm_sensitive"


# trigger, source(s), destination, the command it belongs to. `=` keeps the state. Returns to a saved state
# (resume, close_review) are added in build_machine.
TRANSITIONS: tuple[tuple[str, str | list[str], str, Command | None], ...] = (
    ("start", "intro", "asking", Command.START),
    ("ask", ACTIVE, "asking", None),
    ("next", "asking", "=", Command.NEXT),  # /next: the move itself is an `asked` event (trigger `ask`)
    ("answer", "asking", "asking", Command.ANSWER),
    ("probe", "asking", "probing", None),
    ("answer_probe", "probing", "probing", Command.ANSWER),
    ("skip_probes", "probing", "asking", Command.SKIP),
    ("skip", "asking", "asking", Command.SKIP),
    ("mark", ["asking", "probing"], "asking", Command.MARK),
    ("back", ACTIVE, "asking", Command.BACK),
    ("jump", ACTIVE + ["reviewing"], "asking", Command.JUMP),
    ("reach_end", ["asking", "probing"], "at_end", None),
    ("note", ACTIVE + ["reviewing"], "=", Command.NOTE),
    ("follow_up", ["asking", "probing"], "=", Command.FOLLOW_UP),
    ("set_source", ["asking", "probing", "at_end"], "=", Command.SET_SOURCE),
    ("flag", ["asking", "probing"], "=", Command.FLAG),
    ("unflag", ["asking", "probing"], "=", Command.UNFLAG),
    ("park", ACTIVE, "=", Command.PARK),
    ("new_visit", ACTIVE, "=", Command.NEW_VISIT),
    ("pause", ACTIVE + ["reviewing"], "paused", Command.PAUSE),
    ("review", ACTIVE, "reviewing", Command.REVIEW),
    ("finish", ACTIVE + ["reviewing"], "finished", Command.FINISH),
    ("reopen", "finished", "at_end", Command.REOPEN),
    ("draft", ACTIVE + ["reviewing"], "=", Command.DRAFT),
    ("set_hints", ACTIVE + ["reviewing"], "=", Command.SET_HINTS),
    ("write_up", ANYTIME, "=", Command.WRITE_UP),
    ("flag_sensitive", ANYTIME, "=", None),  # the entry check's flag: after an answer, a note, at any time
    ("confirm_sensitive", ANYTIME, "=", Command.CONFIRM_SENSITIVE),
)
RETURNS: tuple[tuple[str, str, Command], ...] = (("resume", "paused", Command.RESUME),
                                                  ("close_review", "reviewing", Command.CLOSE_REVIEW))
RETURN_STATES = ("asking", "probing", "at_end")

COMMAND_OF_TRIGGER: dict[str, Command] = {t: c for t, _, _, c in TRANSITIONS if c is not None} | {
    t: c for t, _, c in RETURNS}


def _direct_table() -> dict[tuple[str, str], str]:
    """(trigger, state) → next state, read off the same TRANSITIONS the machine is built from."""
    table: dict[tuple[str, str], str] = {}
    for trigger, source, dest, _ in TRANSITIONS:
        for state in [source] if isinstance(source, str) else source:
            table[(trigger, state)] = state if dest == "=" else dest
    return table


DIRECT = _direct_table()
RETURNING = {trigger: source for trigger, source, _ in RETURNS}  # trigger → the state it returns from


class Flow:
    """The model object `transitions` decorates; kept apart so its generated methods never clash.

    Live commands fire the machine's triggers. Replaying a long journal takes the same steps through
    `DIRECT`, a lookup table derived from the same transition list — three times faster, and the replay
    property test checks it ends where the live run did."""

    state: str = "intro"
    return_to: str = "asking"
    direct: bool = False
    machine: Any = None  # the `transitions` machine, built on the first live command (build_machine)

    def fire(self, trigger: str) -> None:
        if not self.direct:
            if self.machine is None:
                build_machine(self)
            from transitions import MachineError as Refused

            try:
                getattr(self, trigger)()  # the method `transitions` generated for this trigger
            except Refused as exc:
                raise MachineError(str(exc.value)) from None
            return
        returning = RETURNING.get(trigger)
        if returning is not None:
            if self.state != returning or self.return_to not in RETURN_STATES:
                raise MachineError(f"{trigger} cannot be applied from state {self.state}")
            self.state = self.return_to
            return
        dest = DIRECT.get((trigger, self.state))
        if dest is None:
            raise MachineError(f"{trigger} cannot be applied from state {self.state}")
        self.state = dest


class MachineError(Exception):
    """A trigger the current state does not allow (the live machine's own error is raised as this one)."""


def build_machine(flow: Flow) -> Any:
    """The `transitions` machine over `flow`, in the state the flow is in (a replay may have moved it)."""
    from transitions import Machine

    machine = Machine(model=flow, states=list(STATES), initial=flow.state, auto_transitions=False,
                      ignore_invalid_triggers=False)
    for trigger, source, dest, _ in TRANSITIONS:
        machine.add_transition(trigger, list(source) if isinstance(source, list) else source, dest)
    for trigger, source, _ in RETURNS:
        for dest in RETURN_STATES:
            machine.add_transition(trigger, source, dest, conditions=[lambda d=dest: flow.return_to == d])
    flow.machine = machine
    return machine


_LEGAL: dict[str, frozenset[Command]] = {}  # per state, read once (asked twice per step)


def legal_commands(state: str) -> frozenset[Command]:
    """The commands with a transition out of `state`: what the machine's `get_triggers(state)` gives,
    read off the table it is built from."""
    legal = _LEGAL.get(state)
    if legal is None:
        triggers = {t for t, source in DIRECT if source == state} | {t for t, s in RETURNING.items() if s == state}
        legal = _LEGAL[state] = frozenset(COMMAND_OF_TRIGGER[t] for t in triggers if t in COMMAND_OF_TRIGGER)
    return legal


__all__ = ["ACTIVE", "COMMAND_OF_TRIGGER", "STATES", "TRANSITIONS", "Command", "Flow", "MachineError",
           "build_machine", "legal_commands"]

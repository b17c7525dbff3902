"""The interview as a state machine (headless, no I/O, no clock of its own).

`machine` holds the state table (the package's only use of `transitions`) and the `Command`s, `state` the
session data and the event reducer, `core` the `Engine` with its typed commands, `step` what they return.
"""

from dialogue.engine.core import Engine
from dialogue.engine.machine import COMMAND_OF_TRIGGER, STATES, TRANSITIONS, Command
from dialogue.engine.state import Notice, NoticeKind
from dialogue.engine.step import Progress, Step

__all__ = ["COMMAND_OF_TRIGGER", "STATES", "TRANSITIONS", "Command", "Engine", "Notice", "NoticeKind", "Progress",
           "Step"]

"""The interview as a state machine (headless, no I/O, no clock of its own).

`machine` holds the state table (the package's only use of `transitions`), `state` the session data and
the event reducer, `core` the `Engine` with its commands.
"""

from dialogue.engine.core import Engine, Progress, Step
from dialogue.engine.machine import COMMAND_OF_TRIGGER, STATES, TRANSITIONS

__all__ = ["COMMAND_OF_TRIGGER", "STATES", "TRANSITIONS", "Engine", "Progress", "Step"]

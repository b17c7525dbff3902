"""The write-up screen (清書) in the interview: `/write [BOX]` and the write-up step before `/finish` — rows of the
slash-command table (dialogue.ui.commands). The desk itself (dialogue.ui.writeup_desk: the editor, the advice,
the box walk) is imported only when it is used, so an interview starts as fast as before; the steps offered at
the end of each section are dialogue.ui.writeup_interview.
"""

from __future__ import annotations

from typing import Any

from dialogue.engine import Command
from dialogue.i18n import say
from dialogue.ui.text import plain


def write(shell: Any, arg: str) -> None:
    """`/write [BOX]`: write up a box (by id or a few letters of its label); without one, the boxes of the
    section just offered, else the current question's boxes, else every box still 未記入; then back."""
    desk = shell.desk() if hasattr(shell, "desk") else None
    if desk is None:
        shell.console.print(plain(say("writeup.no_screen", shell.lang, command=_write_command(shell)), "yellow"))
        return
    from dialogue.model.writing import WALK_ORDER
    from dialogue.ui.writeup_desk import boxes_of_question, find_boxes, unwritten

    t = shell.live.transcript()
    if arg:
        found = find_boxes(arg, shell.lang)
        exact = [b for b, _ in found if b == arg]
        if len(found) != 1 and not exact:
            key = "writeup.unknown_box" if not found else "writeup.many_boxes"
            shell.console.print(plain(say(key, shell.lang, box=arg, boxes=", ".join(
                say("writeup.box_named", shell.lang, label=label, box=b) for b, label in found[:8])), "red", limit=None))
            return
        boxes = [exact[0] if exact else found[0][0]]
    else:
        step = shell.live.step()
        boxes = shell.offered_boxes() if hasattr(shell, "offered_boxes") else []
        boxes = boxes or (boxes_of_question(t, step.question.id) if step.question is not None else [])
        boxes = boxes or unwritten(t, WALK_ORDER, shell.lang)
    shell.write_up(boxes)


def finish(shell: Any, arg: str) -> None:
    """`/finish`: first offer the write-up of every box still 未記入 (saying how to skip it), then finish."""
    if hasattr(shell, "offer_before_finish") and Command.FINISH in shell.live.engine.legal_commands():
        shell.offer_before_finish()
    shell.act(lambda live: live.finish())


def _write_command(shell: Any) -> str:
    return str(getattr(shell, "write_command", "") or f"locaben write {shell.live.session_id}")

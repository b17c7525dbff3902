"""The toolbar under the input line: where we are, time spent, what the answer being typed does not say yet,
and the keys — fitted to the terminal's width, the most useful items kept first (a key legend is in /help)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from rich.cells import cell_len

from dialogue.engine.timing import IDLE_CAP_SECONDS, Timing
from dialogue.i18n import say
from dialogue.model.elements import ELEMENTS, Reply, elements_in, reply_kind
from dialogue.store.live import LiveSession
from dialogue.ui.terminal import typed_now

SEPARATOR = " · "
LISTEN_CHARS = 2_000  # the live listening check reads this much of the line being typed (a paste can be huge)


def fit_items(items: list[tuple[int, str]], width: int) -> str:
    """The items (priority, text) that fit `width` cells, the lowest priorities left out first, in their
    given order; a leading space."""
    kept = set(range(len(items)))
    for index in sorted(range(len(items)), key=lambda i: items[i][0]):
        if cell_len(" " + SEPARATOR.join(items[i][1] for i in sorted(kept))) <= width:
            break
        kept.discard(index)
    return " " + SEPARATOR.join(items[i][1] for i in sorted(kept))


@dataclass
class StatusLine:
    live: LiveSession
    lang: str
    budget_minutes: int = 0
    clock: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())
    _cache: tuple[int, Timing, dict[str, int]] | None = None  # (events seen, timing, chars per section)

    def cached(self) -> tuple[int, Timing, dict[str, int]]:
        """Timing and characters per section, recomputed only when the journal has grown (the toolbar is
        drawn on every key press)."""
        engine = self.live.engine
        if self._cache is None or self._cache[0] != engine.event_count:
            self._cache = (engine.event_count, engine.timing(), engine.section_chars())
        return self._cache

    def timing(self) -> Timing:
        """This visit's timing up to now: the cached figures plus the time since the last event."""
        _, base, _ = self.cached()
        last_at = self.live.engine.last_at
        try:
            since = (self.clock() - datetime.fromisoformat(last_at)).total_seconds() if last_at else 0.0
        except (TypeError, ValueError):
            since = 0.0
        step = self.live.step()
        sections = dict(base.section_seconds)
        if step.question is not None:
            sid = step.question.section_id
            sections[sid] = sections.get(sid, 0.0) + min(max(since, 0.0), IDLE_CAP_SECONDS)
        return Timing(base.visit_seconds + max(since, 0.0), sections)

    def text(self, width: int) -> str:
        """The toolbar for a terminal `width` cells wide."""
        step = self.live.step()
        p, lang = step.progress, self.lang
        spent = self.timing()
        budget = f"/{self.budget_minutes}" if self.budget_minutes else ""
        items: list[tuple[int, str]] = []
        if p.section_index:  # no section at the end or in a review
            items.append((90, say("ui.section", lang, n=p.section_index, m=p.section_count)))
        items.append((85, say("ui.answered", lang, a=p.answered, b=p.applicable)))
        items.append((60, say("ui.visit_time", lang, minutes=int(spent.visit_seconds // 60), budget=budget)))
        if step.question is not None:
            section_id = step.question.section_id
            items.append((40, say("ui.section_time", lang, minutes=int(spent.section_seconds.get(section_id, 0) // 60),
                                  chars=self.cached()[2].get(section_id, 0))))
        listening = self.listening(typed_now())
        if listening:
            items.append((65, listening))
        if step.mode == "meeting":
            items += [(95, say("ui.tb_meeting", lang)), (70, say("ui.tb_next", lang)), (50, say("ui.tb_append", lang))]
        else:
            items += [(80, say("ui.tb_hints", lang)), (30, say("ui.tb_newline", lang))]
        items.append((75, say("ui.tb_help", lang)))
        return fit_items(items, width - 1)

    def listening(self, typed: str) -> str:
        """While a main answer is typed (guided mode), the elements the question listens for that the typed
        text does not hold yet — what the next probe will ask for unless the owner says it now —, or a
        check mark when it holds them all; while a probe's answer is typed, the same for the element that probe
        asks for. Nothing for a command, a non-answer, or no text yet."""
        step = self.live.step()
        question = step.question
        text = typed[:LISTEN_CHARS]
        wanted = (question.listen_for if step.state == "asking" and question is not None
                  else (step.probe_element,) if step.state == "probing" and step.probe_element else ())
        if (step.mode == "meeting" or not wanted or not text.strip() or text.lstrip().startswith("/")
                or reply_kind(text) is not Reply.CONTENT):
            return ""
        found = elements_in(text)
        missing = [ELEMENTS[e].label(self.lang) for e in wanted if e not in found and e in ELEMENTS]
        if not missing:
            return say("ui.tb_listen_done", self.lang)
        return say("ui.tb_listen_missing", self.lang, elements=say("ui.tb_listen_join", self.lang).join(missing))

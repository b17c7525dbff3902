"""What a bank says an expert listens for: `listen_for`, tagged `probes`, `probes_if_none`, `max_probes`,
and the placeholders of question and probe text — read with positions and checked once every question is
known (a placeholder may only name an earlier question or a sheet field an earlier question fills)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dialogue.banks import yaml_nodes as yn
from dialogue.banks.node_reader import NodeReader, suggest
from dialogue.model import Probe, Question, Section
from dialogue.model.elements import ELEMENT_IDS
from dialogue.model.placeholders import resolve, scan
from dialogue.model.sheet_fields import FIELDS_BY_ID

PROBE_KEYS = ("element", "also_if_none")  # besides the languages


@dataclass(frozen=True, slots=True)
class _TextSite:
    """One question or probe text (one language) that may hold placeholders, with its YAML node."""

    question_id: str
    lang: str
    text: str
    node: yn.Node


class ProbeReader(NodeReader):
    """Mixed into the bank reader; `_text_sites` is filled while questions are read, checked at the end."""

    _text_sites: list[_TextSite]
    max_probes: int  # the bank's default

    # ---- reading ----

    def _listening(self, get: Callable[[str], yn.Node | None], items: dict[str, tuple[yn.Node, yn.Node]],
                   extras: dict[str, Any], what: str, qid: str | None, listening: bool) -> None:
        """`listen_for`, `probes`, `probes_if_none` and `max_probes` into `extras` (a None value: an error)."""
        listen_for: tuple[str, ...] | None = ()
        if (listen_node := get("listen_for")) is not None and listening:
            extras["listen_for"] = listen_for = self._listen_for(listen_node, what)
        probes: list[Probe] = []
        nodes: list[yn.Node] = []
        for key in ("probes", "probes_if_none") if listening else ("probes",):
            if (probes_node := get(key)) is not None:
                read, items_read = self._probes(probes_node, what, if_none=key == "probes_if_none")
                if read is None:
                    extras["probes"] = None
                probes += read or ()
                nodes += items_read
        if extras.get("probes", ()) is not None and probes:
            extras["probes"] = tuple(probes)
        max_node = get("max_probes")
        extras["max_probes"] = self._max_probes(max_node, what) if max_node is not None else self.max_probes
        if listen_for is not None:  # a bad listen_for was reported: checking probes against it would only repeat it
            self._check_probe_elements(listen_for, tuple(probes), nodes, get("listen_for"), what)
        if qid is not None:
            self._note_text_sites(qid, get("text"), nodes)
        if probes and get("thin_below") is None and not listen_for and get("always_probe") is None:
            self._add("W201", f"{what} has probes but neither listen_for nor thin_below",
                      items["probes"][0] if "probes" in items else items["probes_if_none"][0])

    def _listen_for(self, node: yn.Node, what: str) -> tuple[str, ...] | None:
        elements: list[str] = []
        reported = len(self.problems)
        for item in self._sequence(node, f"{what}: listen_for"):
            element = self._element(item, f"{what}: listen_for")
            if element in elements:
                self._add("E114", f"{what}: element {element!r} is listed twice in listen_for", item)
            elif element is not None:
                elements.append(element)
        return tuple(elements) if len(self.problems) == reported else None

    def _element(self, node: yn.Node, what: str) -> str | None:
        value = self._string(node, what)
        if value is not None and value not in ELEMENT_IDS:
            self._add("E160", f"{what}: unknown element {value!r}", node,
                      suggest(value, ELEMENT_IDS) or f"Elements: {', '.join(ELEMENT_IDS)}.")
            return None
        return value

    def _probes(self, node: yn.Node, what: str, if_none: bool) -> tuple[tuple[Probe, ...] | None, list[yn.Node]]:
        """A list of probes, each a translation map, optionally with `element:`; and their nodes."""
        key = "probes_if_none" if if_none else "probes"
        probes: list[Probe] = []
        items = self._sequence(node, f"{what}: {key}")
        reported = len(self.problems)
        for item in items:
            self._unknown_probe_keys(item, what)
            element_node = _value_node(item, "element")
            also_node = _value_node(item, "also_if_none")
            text = self._text(_only_languages(item, self.languages), f"{what}: probe")
            element = self._element(element_node, f"{what}: probe element") if element_node is not None else None
            also = False
            if also_node is not None and if_none:
                self._add("E110", f"{what}: also_if_none applies to `probes`, not to `probes_if_none`",
                          _key_node(item, "also_if_none") or also_node)
            elif also_node is not None:
                also = bool(self._bool(also_node, f"{what}: also_if_none"))
            if text is not None:
                probes.append(Probe(text, element, if_none, also))
        return (tuple(probes) if len(self.problems) == reported else None), items

    def _unknown_probe_keys(self, item: yn.Node, what: str) -> None:
        """A key that is neither a language nor a probe key (`elemnt:`) is E110 with a suggestion."""
        if not isinstance(item, yn.MappingNode):
            return
        allowed = (*self.languages, *PROBE_KEYS)
        for key, _ in item.value:
            name = str(key.value)
            if name not in allowed and len(name) > 2:  # two letters: a language code, reported as E117
                self._add("E110", f"{what}: unknown key {name!r} in a probe", key,
                          suggest(name, allowed) or f"allowed keys: {', '.join(allowed)}")

    def _max_probes(self, node: yn.Node, what: str) -> int | None:
        value = self._number(node, f"{what}: max_probes", integer=True)
        if isinstance(value, int) and value < 0:
            self._add("E118", f"{what}: max_probes must be 0 or more, not {value}", node)
            return None
        return value if value is None else int(value)

    def _note_text_sites(self, qid: str, text_node: yn.Node | None, probe_items: list[yn.Node]) -> None:
        """Remember the scalar nodes of the question text and its probes, for `_check_placeholders`."""
        for node in ([text_node] if text_node is not None else []) + probe_items:
            if not isinstance(node, yn.MappingNode):
                continue
            for key, value in node.value:
                if str(key.value) in self.languages and isinstance(value, yn.ScalarNode):
                    self._text_sites.append(_TextSite(qid, str(key.value), str(value.value), value))

    # ---- checks once every question is known ----

    def _check_probe_elements(self, listen_for: tuple[str, ...], probes: tuple[Probe, ...],
                              items: list[yn.Node], listen_node: yn.Node | None, what: str) -> None:
        """Every probe asks for an element the question lists (E161); every listed element is asked for by
        some probe (W202: otherwise the screen can say it is missing but offer nothing)."""
        for probe, item in zip(probes, items, strict=False):
            if probe.element is not None and probe.element not in listen_for:
                self._add("E161", f"{what}: a probe asks for {probe.element!r}, which listen_for does not list",
                          _value_node(item, "element") or item,
                          f"Add {probe.element!r} to listen_for, or tag the probe with one of: "
                          f"{', '.join(listen_for) or '(none listed)'}.")
        asked = {p.element for p in probes if p.element}
        for element in listen_for:
            if element not in asked and listen_node is not None:
                self._add("W202", f"{what}: no probe asks for {element!r}, listed in listen_for", listen_node,
                          "Tag a probe with it; otherwise nothing is offered when it is missing.")

    def _check_placeholders(self, sections: list[Section]) -> None:
        order = {q.id: i for i, q in enumerate(q for s in sections for q in s.questions)}
        by_id = {q.id: q for s in sections for q in s.questions}
        first_fill: dict[str, int] = {}
        for q in (q for s in sections for q in s.questions):
            for field_id in q.fills:
                first_fill.setdefault(field_id, order[q.id])
        for site in self._text_sites:
            if site.question_id not in order:
                continue
            for ph in scan(site.text):
                self._check_placeholder(site, ph.name, ph.start, order, by_id, first_fill)

    def _check_placeholder(self, site: _TextSite, name: str, offset: int, order: dict[str, int],
                           by_id: dict[str, Question], first_fill: dict[str, int]) -> None:
        here = order[site.question_id]
        where = f"{site.question_id!r} ({site.lang}): placeholder {{{name}}}"
        ref = resolve(name)
        if ref.field_id is not None:
            if first_fill.get(ref.field_id, here) >= here:
                self._add_at("E163", f"{where}: no question before this one fills {ref.field_id}", site.node,
                             offset, "A placeholder can only show what was answered earlier in the bank.")
            return
        target = by_id.get(str(ref.question_id))
        if target is None:
            self._add_at("E162", f"{where} names no question or sheet field", site.node, offset,
                         suggest(str(ref.question_id), list(by_id) + list(FIELDS_BY_ID))
                         or "Name an earlier question id, or a sheet field id such as commercial_flow.customers.")
            return
        if order[target.id] >= here:
            self._add_at("E163", f"{where}: {target.id!r} is asked "
                         f"{'here' if target.id == site.question_id else 'later'}", site.node, offset,
                         "A placeholder can only show what was answered earlier in the bank.")
        elif ref.record_field is not None and ref.record_field not in {f.id for f in target.fields}:
            known = [f.id for f in target.fields]
            self._add_at("E164", f"{where}: {target.id!r} has no record field {ref.record_field!r}", site.node,
                         offset, suggest(ref.record_field, known) or
                         (f"Record fields: {', '.join(known)}." if known else f"{target.id!r} is not a group question."))

    def _add_at(self, code: str, message: str, node: yn.Node, offset: int, hint: str = "") -> None:
        """A problem at `offset` characters into a one-line scalar (else at the scalar itself)."""
        assert self.doc is not None
        problem = self.doc.problem(code, message, node, hint)
        one_line = node.start_mark.line == node.end_mark.line and getattr(node, "style", None) in (None, "", "'", '"')
        if one_line:
            from dataclasses import replace

            quote = 1 if getattr(node, "style", None) in ("'", '"') else 0
            problem = replace(problem, position=replace(problem.position,
                                                         column=problem.position.column + quote + offset))
        self.problems.append(problem)


def _value_node(node: yn.Node, key: str) -> yn.Node | None:
    if isinstance(node, yn.MappingNode):
        v: yn.Node
        for k, v in node.value:
            if str(k.value) == key:
                return v
    return None


def _key_node(node: yn.Node, key: str) -> yn.Node | None:
    if isinstance(node, yn.MappingNode):
        k: yn.Node
        for k, _ in node.value:
            if str(k.value) == key:
                return k
    return None


def _only_languages(node: yn.Node, languages: tuple[str, ...]) -> yn.Node:
    """A probe's translation map without its other keys (`element`, `also_if_none`, unknown ones already
    reported), read as a plain text. Two-letter keys stay, so an unlisted language is still E117."""
    if not isinstance(node, yn.MappingNode):
        return node
    pairs = [(k, v) for k, v in node.value if str(k.value) in languages or len(str(k.value)) <= 2]
    if len(pairs) == len(node.value):
        return node
    return yn.MappingNode(node.tag, pairs, node.start_mark, node.end_mark, node.flow_style)

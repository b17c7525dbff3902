"""A persona's `writeup:` block: the expert's model write-up (清書) of every box of the filed sheet, read and
checked for the persona reader (dialogue.training.persona_reader).

    writeup:
      header.representative_name: {ja: 小槌 正夫, en: Masao Kozuchi}
      business.strengths:
        ja: 1000分の5ミリの公差に対応する精密加工と、…
        en: Precision machining to a tolerance of five thousandths of a millimetre …

The checks are the advice the write-up screens give, made strict for the reference: every id is a write-up box
or a header field (P160); no です・ます where the style is である (P161); the length within the box's target
(P162); every key fact (number, date, name, company) also said somewhere in the persona's own words (P163: the
same fact however written, or the same words) — the model write-up condenses what the owner says, it never adds
to it; header values are data (P164); and, once a
persona has a `writeup:` block, every box the filed sheet needs that the interview does not give is in it (P165), so `locaben demo` files a
complete sheet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dialogue.banks import yaml_nodes as yn
from dialogue.banks.node_reader import suggest
from dialogue.model import Text
from dialogue.model.facts import extract_facts, missing_facts
from dialogue.model.sheet_fields import (
    HEADER_FIELDS,
    HEADER_FIELDS_BY_ID,
    INDUSTRIES,
    WRITEUP_BOXES,
    WRITEUP_BOXES_BY_ID,
    industry_label,
    is_writeup_box,
)
from dialogue.model.writing import polite_sentences, writeup_length
from dialogue.training.persona import header_number, normalize

if TYPE_CHECKING:
    from dialogue.errors import Problem
    from dialogue.model import Bank
    from dialogue.training.persona import Persona

# Header fields the filed sheet computes from the session when no write-up gives them: never required here.
COMPUTED_HEADERS = ("header.created_on", "header.interview_dates", "header.author")


class WriteupReader:
    """Mixed into the persona reader (which provides `_add`, `_mapping`, `_text`, `problems`, `langs`)."""

    problems: list[Problem]
    langs: tuple[str, ...]
    bank: Bank

    if TYPE_CHECKING:  # provided by the persona reader
        def _add(self, code: str, message: str, node: yn.Node, hint: str = "") -> None: ...

        def _text(self, node: yn.Node, what: str) -> Text | None: ...

    def _writeups(self, node: yn.Node) -> dict[str, tuple[Text, yn.Node]]:
        """The `writeup:` block: box id → (its text in every language, its node), every problem reported."""
        if not isinstance(node, yn.MappingNode):
            self._add("P103", "writeup must be a mapping of box id → {ja, en}", node)
            return {}
        found: dict[str, tuple[Text, yn.Node]] = {}
        for key_node, value_node in node.value:
            box_id = str(key_node.value)
            if not is_writeup_box(box_id):
                known = [b.id for b in WRITEUP_BOXES] + [h.id for h in HEADER_FIELDS]
                self._add("P160", f"unknown write-up box {box_id!r}", key_node,
                          suggest(box_id, known) or "")
                continue
            text = self._text(value_node, f"writeup {box_id}")
            if text is not None:  # kept even when a check fails: reported once, not again as missing (P165)
                self._writeup_fits(box_id, text, value_node)
                found[box_id] = (text, value_node)
        return found

    def _writeup_fits(self, box_id: str, text: Text, node: yn.Node) -> bool:
        reported = len(self.problems)
        header = HEADER_FIELDS_BY_ID.get(box_id)
        for lang in self.langs:
            value = text.get(lang)
            if header is not None:
                self._header_value(box_id, header.kind, value, lang, node)
                continue
            target = WRITEUP_BOXES_BY_ID[box_id].target.for_lang(lang)
            length = writeup_length(value)
            if not target.min <= length <= target.max:
                self._add("P162", f"writeup {box_id} ({lang}): {length} characters, the target is "
                          f"{target.min}–{target.max}", node)
            polite = polite_sentences(value) if lang == "ja" else ()
            if polite:
                self._add("P161", f"writeup {box_id}: ends in です・ます: {polite[0].text}", node)
        return len(self.problems) == reported

    def _header_value(self, box_id: str, kind: str, value: str, lang: str, node: yn.Node) -> None:
        if kind == "number" and header_number(value) is None:
            self._add("P164", f"writeup {box_id} ({lang}): {value!r} is not a number", node)
        elif kind == "industry" and industry_label(value) is None:
            self._add("P164", f"writeup {box_id} ({lang}): {value!r} is not an industry of the list", node,
                      suggest(value, [label for _, ja, en in INDUSTRIES for label in (ja, en)]) or "")

    def _check_writeups(self, persona: Persona, writeups: dict[str, tuple[Text, yn.Node]], node: yn.Node) -> None:
        """Facts the persona never says (P163), and boxes the filed sheet needs that have no write-up (P165)."""
        for lang in self.langs:
            texts = persona_texts(persona, lang)
            said = tuple(f for text in texts for f in extract_facts(text))
            words = normalize("\n".join(texts))
            for box_id, (text, box_node) in writeups.items():
                stray = [f for f in missing_facts(extract_facts(text.get(lang)), said) if normalize(f.text) not in words]
                if stray:
                    self._add("P163", f"writeup {box_id} ({lang}) states {', '.join(f.text for f in stray)}, "
                              "which the persona never says", box_node)
        asked = {h for q in self.bank.questions() for h in q.header}  # the interview gives these
        needed = [b.id for b in WRITEUP_BOXES if b.required]
        needed += [h.id for h in HEADER_FIELDS if h.required and h.id not in COMPUTED_HEADERS and h.id not in asked]
        missing = [box for box in needed if box not in writeups]
        if missing:
            self._add("P165", f"no model write-up for {', '.join(missing)}", node)


def persona_texts(persona: Persona, lang: str) -> list[str]:
    """Everything the persona says or is, in one language: what a model write-up may condense, never exceed.
    The header write-ups count (they are the company's data); the other boxes' write-ups do not."""
    texts = [persona.company.get(lang), persona.industry.get(lang)]
    texts += [persona.summary.get(lang)] if persona.summary else []
    for fp in persona.fields:
        texts += [fp.surface.fact.text.get(lang), *(a.fact.text.get(lang) for _, a in fp.by_question)]
        texts += [f.text.get(lang) for f in fp.deeper]
        texts += [fp.supporter.get(lang)] if fp.supporter else []
    texts += [text.get(lang) for box, text in persona.writeups if box in HEADER_FIELDS_BY_ID]
    return texts

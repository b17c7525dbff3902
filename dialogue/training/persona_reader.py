"""Persona YAML → a validated `Persona` (dialogue.training.persona), every problem in one pass, with positions.
Problem codes are P1xx (`dialogue.training.persona.PERSONA_CODES`)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from dialogue.banks import yaml_nodes as yn
from dialogue.banks.node_reader import NodeReader, suggest
from dialogue.errors import Position, Problem, Severity
from dialogue.model import Bank, Question, Text
from dialogue.model.sheet_fields import FIELDS_BY_ID
from dialogue.training.persona import (
    ANSWER_KEYS,
    FACT_KEYS,
    FIELD_KEYS,
    NO_PROBE,
    PERSONA_CODES,
    PERSONA_FORMAT,
    PERSONALITIES,
    ROOT_KEYS,
    ROOT_REQUIRED,
    Fact,
    FieldPersona,
    MainAnswer,
    Persona,
    ProbeRef,
    applies,
    normalize,
    record_ids,
)
from dialogue.training.persona_writeup import WriteupReader

# ---- the reader: one pass, every problem ----


class PersonaReader(WriteupReader, NodeReader):
    """One pass over one persona file against a bank, collecting every problem with its position. The typed
    reads of mappings and lists are the bank reader's (`NodeReader`), with the persona's problem codes; text
    and flags are stricter here (a persona's text is always quoted text in every language)."""

    NOT_A_MAPPING = "P103"
    UNKNOWN_KEY = "P101"
    MISSING_KEY = "P102"
    NOT_A_LIST = "P103"
    MISSING_AFTER_MISSPELT = True

    def __init__(self, path: Path, bank: Bank):
        self.path = path
        self.bank = bank
        self.langs = bank.languages
        self.doc: yn.Document | None = None
        self.problems: list[Problem] = []
        self.uses: list[tuple[str, yn.Node]] = []  # questions named by by_question / probes, for P114
        self.writeup_texts: dict[str, tuple[Text, yn.Node]] = {}  # box id → model write-up (the `writeup:` block)

    def read(self) -> tuple[Persona | None, list[Problem]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return None, [Problem("P100", f"cannot read the file: {exc}", Position(str(self.path), 1, 1),
                                  PERSONA_CODES["P100"][1])]
        self.doc = yn.parse(text, str(self.path))
        self.problems.extend(self.doc.problems)
        root = self.doc.root
        if root is None or not isinstance(root, yn.MappingNode):
            if root is not None or not any(p.severity is Severity.ERROR for p in self.problems):
                self.problems.append(Problem("P100", "a persona is a mapping of keys (id, company, fields …)",
                                             Position(str(self.path), 1, 1), PERSONA_CODES["P100"][1]))
            return None, self.problems
        persona = self._persona(root)
        if any(p.severity is Severity.ERROR for p in self.problems):
            return None, self.problems
        return persona, self.problems

    # ---- generic checks ----

    def _add(self, code: str, message: str, node: yn.Node, hint: str = "") -> None:
        assert self.doc is not None
        self.problems.append(self.doc.problem(code, message, node, hint or PERSONA_CODES[code][1]))

    def _string(self, node: yn.Node, what: str) -> str | None:
        if not isinstance(node, yn.ScalarNode):
            self._add("P103", f"{what} must be text", node)
            return None
        if yn.is_plain(node) and node.tag != yn.STR_TAG:
            if node.tag == yn.NULL_TAG:
                self._add("P103", f"{what} is empty", node)
            else:
                self._add("P150", f"{what}: unquoted {node.value!r} is read as "
                          f"{yn.scalar_value(node)!r}, not as text", node, f'Quote it: "{node.value}".')
            return None
        return str(node.value)

    def _text(self, node: yn.Node, what: str) -> Text | None:
        items = self._mapping(node, set(self.langs), (), what)
        return self._langs(items, node, what)

    def _langs(self, items: dict[str, tuple[yn.Node, yn.Node]], node: yn.Node, what: str) -> Text | None:
        pairs = []
        for lang in self.langs:
            if lang not in items:
                self._add("P104", f"{what} has no {lang!r} text", node)
                continue
            value = self._string(items[lang][1], f"{what} ({lang})")
            if value is not None:
                pairs.append((lang, value))
        return Text(tuple(pairs)) if len(pairs) == len(self.langs) else None

    def _question(self, node: yn.Node, field_id: str, what: str) -> Question | None:
        """A question id naming an owner question of the bank that fills `field_id`."""
        qid = self._string(node, what)
        if qid is None:
            return None
        if not self.bank.has_question(qid):
            self._add("P110", f"{what}: the bank has no question {qid!r}", node,
                      suggest(qid, [q.id for q in self.bank.questions()]))
            return None
        question = self.bank.question(qid)
        if field_id not in question.fills:
            self._add("P112", f"{what}: question {qid!r} fills {', '.join(question.fills)}, not {field_id}", node)
            return None
        if question.voice != "owner":
            self._add("P113", f"{what}: {qid!r} is a supporter's question", node)
            return None
        self.uses.append((qid, node))
        return question

    # ---- the persona ----

    def _persona(self, root: yn.MappingNode) -> Persona | None:
        items = self._mapping(root, ROOT_KEYS, ROOT_REQUIRED, "the persona")
        get = {key: value for key, (_, value) in items.items()}
        if "format" in get and self._string(get["format"], "format") not in (None, PERSONA_FORMAT):
            self._add("P100", f"unknown format (this locaben reads {PERSONA_FORMAT!r})", get["format"])
        pid = self._string(get["id"], "id") if "id" in get else None
        if pid is not None and pid != self.path.stem:
            self._add("P108", f"id {pid!r} differs from the file name {self.path.name!r}", get["id"])
        bank_id = self._string(get["bank"], "bank") if "bank" in get else self.bank.id
        if bank_id is not None and bank_id != self.bank.id:
            self._add("P109", f"written for bank {bank_id!r}, checked against {self.bank.id!r}", get["bank"])
        company = self._text(get["company"], "company") if "company" in get else None
        industry = self._text(get["industry"], "industry") if "industry" in get else None
        summary = self._text(get["summary"], "summary") if "summary" in get else None
        personality, note = self._personality(get["personality"]) if "personality" in get else (None, None)
        if "writeup" in get:
            self.writeup_texts = self._writeups(get["writeup"])
        fields = self._fields(get["fields"]) if "fields" in get else ()
        if None in (pid, company, industry, personality, note) or not fields:
            return None
        writeups = tuple((box, text) for box, (text, _) in self.writeup_texts.items())
        persona = Persona(str(pid), self.bank.id, company, industry, summary, str(personality), note,  # type: ignore[arg-type]  # None ruled out just above
                          fields, str(self.path), writeups)
        self._check_applicability(persona, get["fields"])
        if "writeup" in get:
            self._check_writeups(persona, self.writeup_texts, get["writeup"])
        return persona

    def _personality(self, node: yn.Node) -> tuple[str | None, Text | None]:
        items = self._mapping(node, {"type", "note"}, ("type", "note"), "personality")
        kind = self._string(items["type"][1], "personality type") if "type" in items else None
        if kind is not None and kind not in PERSONALITIES:
            self._add("P107", f"unknown personality {kind!r}", items["type"][1],
                      suggest(kind, PERSONALITIES) or f"Use one of: {', '.join(PERSONALITIES)}.")
            kind = None
        return kind, (self._text(items["note"][1], "personality note") if "note" in items else None)

    def _fields(self, node: yn.Node) -> tuple[FieldPersona, ...]:
        if not isinstance(node, yn.MappingNode):
            self._add("P103", "fields must be a mapping of sheet field id → answers", node)
            return ()
        parsed = []
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key not in FIELDS_BY_ID:
                self._add("P105", f"unknown sheet field {key!r}", key_node, suggest(key, FIELDS_BY_ID))
            else:
                parsed.append(self._field(key, value_node))
        given = {str(k.value) for k, _ in node.value}
        missing = [f for f in FIELDS_BY_ID if f not in given]
        for field_id in missing:
            self._add("P106", f"no answer for the sheet field {field_id} ({FIELDS_BY_ID[field_id].label_ja})", node)
        if missing or any(p is None for p in parsed):
            return ()
        order = list(FIELDS_BY_ID)
        return tuple(sorted((p for p in parsed if p is not None), key=lambda p: order.index(p.field_id)))

    def _field(self, field_id: str, node: yn.Node) -> FieldPersona | None:
        items = self._mapping(node, FIELD_KEYS, ("surface",), f"field {field_id}")
        own: list[tuple[str, MainAnswer | None]] = []
        if "by_question" in items:
            for key_node, value_node in self._pairs(items["by_question"][1], f"{field_id}: by_question"):
                question = self._question(key_node, field_id, f"{field_id}: by_question")
                if question is not None:
                    own.append((question.id, self._answer(value_node, field_id, [question], "answer")))
        taken = {qid for qid, _ in own}
        served = [q for q in self.bank.questions() if field_id in q.fills and q.voice == "owner"
                  and q.id not in taken and not self._answered_by_writeups(q)]
        surface = self._answer(items["surface"][1], field_id, served, "surface") if "surface" in items else None
        deeper = tuple(self._fact(n, field_id, i) for i, n in
                       enumerate(self._sequence(items["deeper"][1], f"{field_id}: deeper"), 1)) if "deeper" in items else ()
        supporter = self._text(items["supporter"][1], f"{field_id}: supporter") if "supporter" in items else None
        if any(q.voice == "supporter" for q in self.bank.questions() if field_id in q.fills) and supporter is None \
                and "supporter" not in items:
            self._add("P140", f"{field_id} is also asked as the supporter's view; the persona gives none", node)
        if surface is None or any(a is None for _, a in own) or any(f is None for f in deeper):
            return None
        return FieldPersona(field_id, surface, tuple((q, a) for q, a in own if a is not None),
                            tuple(f for f in deeper if f is not None), supporter)

    def _answered_by_writeups(self, question: Question) -> bool:
        """A question asking for header data that the persona's header write-ups answer (Persona.header_answer)."""
        return bool(question.header) and all(h in self.writeup_texts for h in question.header)

    def _pairs(self, node: yn.Node, what: str) -> list[tuple[yn.Node, yn.Node]]:
        if isinstance(node, yn.MappingNode):
            return list(node.value)
        self._add("P103", f"{what} must be a mapping of question id → answer", node)
        return []

    # ---- answers and facts ----

    def _answer(self, node: yn.Node, field_id: str, questions: list[Question], kind: str) -> MainAnswer | None:
        qid = questions[0].id if kind == "answer" else None
        what = f"{field_id}: " + (f"answer to {qid}" if qid else "surface")
        items = self._mapping(node, ANSWER_KEYS, ("keys",), what)
        types = {q.type for q in questions}
        records: list[tuple[str, tuple[tuple[tuple[str, str], ...], ...]]] = []
        pairs: list[tuple[str, str]] = []
        for lang in self.langs:
            if lang not in items:
                self._add("P104", f"{what} has no {lang!r} text", node)
            elif "group" in types:
                rows = self._records(items[lang][1], field_id, f"{what} ({lang})")
                records.append((lang, rows))
                pairs.append((lang, "\n".join(" / ".join(v for _, v in row) for row in rows)))
            else:
                text = self._string(items[lang][1], f"{what} ({lang})")
                if text is not None:
                    pairs.append((lang, text))
        typed = self._typed(items, node, questions, types, what)
        short = self._text(items["short"][1], f"{what}: short") if "short" in items else None
        guarded = self._text(items["guarded"][1], f"{what}: guarded") if "guarded" in items else None
        keys = self._keys(items["keys"][1], dict(pairs), what) if "keys" in items else None
        if len(pairs) < len(self.langs) or keys is None or typed is None:
            return None
        fact_id = f"{field_id}@{qid}" if qid else f"{field_id}#surface"
        fact = Fact(fact_id, field_id, kind, Text(tuple(pairs)), keys, qid, None, self.doc.position(node))  # type: ignore[union-attr]  # doc is set while reading
        return MainAnswer(fact, typed.get("choice"), typed.get("number"), tuple(records), short, guarded)

    def _typed(self, items: dict[str, tuple[yn.Node, yn.Node]], node: yn.Node, questions: list[Question],
               types: AbstractSet[str], what: str) -> dict[str, Any] | None:
        """`choice:` / `number:` where a question on the field needs one, and only there."""
        typed: dict[str, Any] = {}
        ok = True
        for key, qtype in (("choice", "choice"), ("number", "number")):
            question = next((q for q in questions if q.type == qtype), None)
            if question is None:
                if key in items:
                    self._add("P130", f"{what}: `{key}` given, but no question it answers is a {qtype}",
                              items[key][0])
                    ok = False
                continue
            if key not in items:
                self._add("P102", f"{what} has no {key!r} (question {question.id} is a {qtype})", node)
                ok = False
                continue
            value_node = items[key][1]
            value = yn.scalar_value(value_node) if isinstance(value_node, yn.ScalarNode) else None
            if qtype == "choice":
                ids = [c.id for c in question.choices]
                if value not in ids:
                    self._add("P130", f"{what}: {question.id} has no choice {value!r}", value_node,
                              suggest(str(value), ids) or f"choices: {', '.join(ids)}")
                    ok = False
            elif not isinstance(value, int | float) or isinstance(value, bool) or \
                    (question.min is not None and value < question.min) or \
                    (question.max is not None and value > question.max):
                self._add("P130", f"{what}: {value_node.value!r} is not a number from {question.min:g} "
                          f"to {question.max:g}", value_node)
                ok = False
            typed[key] = value
        return typed if ok else None

    def _records(self, node: yn.Node, field_id: str, what: str) -> tuple[tuple[tuple[str, str], ...], ...]:
        ids = record_ids(field_id)
        rows = []
        for item in self._sequence(node, what):
            items = self._mapping(item, set(ids), ids, f"{what}: a record")
            values = [(k, self._string(items[k][1], f"{what}: {k}")) for k in ids if k in items]
            if len(values) == len(ids) and all(v is not None for _, v in values):
                rows.append(tuple((k, str(v)) for k, v in values))
        if not rows:
            self._add("P130", f"{what}: give at least one record with {', '.join(ids)}", node)
        return tuple(rows)

    def _fact(self, node: yn.Node, field_id: str, number: int) -> Fact | None:
        what = f"{field_id}: deeper fact {number}"
        items = self._mapping(node, FACT_KEYS, ("probe", "keys"), what)
        probe_node = items["probe"][1] if "probe" in items else None
        reachable = not (isinstance(probe_node, yn.ScalarNode) and probe_node.value == NO_PROBE)
        probes = self._probes(probe_node, field_id, what) if probe_node is not None and reachable else ()
        volunteered = self._flag(items["volunteered"][1], f"{what}: volunteered") if "volunteered" in items else False
        text = self._langs(items, node, what)
        keys = self._keys(items["keys"][1], dict(text.by_lang) if text else {}, what) if "keys" in items else None
        if (probes is None or (not probes and reachable)) or text is None or keys is None or volunteered is None:
            return None
        probe = probes[0] if probes else None
        return Fact(f"{field_id}#{number}", field_id, "deeper", text, keys, probe.question_id if probe else None,
                    probe, self.doc.position(node), volunteered, probes[1:])  # type: ignore[union-attr]  # doc is set while reading

    def _probes(self, node: yn.Node, field_id: str, what: str) -> tuple[ProbeRef, ...] | None:
        """One probe `{question, index}`, or a list of them: any of these probes draws the fact out."""
        nodes = self._sequence(node, f"{what}: probe") if isinstance(node, yn.SequenceNode) else [node]
        refs = [self._probe(n, field_id, what) for n in nodes]
        if not refs or any(r is None for r in refs):
            if not refs:
                self._add("P103", f"{what}: probe lists no probe", node)
            return None
        return tuple(r for r in refs if r is not None)

    def _flag(self, node: yn.Node, what: str) -> bool | None:
        if isinstance(node, yn.ScalarNode) and node.tag == yn.BOOL_TAG and node.value in ("true", "false"):
            return str(node.value) == "true"
        self._add("P103", f"{what} must be true or false", node)
        return None

    def _probe(self, node: yn.Node, field_id: str, what: str) -> ProbeRef | None:
        items = self._mapping(node, {"question", "index"}, ("question", "index"), f"{what}: probe")
        question = self._question(items["question"][1], field_id, f"{what}: probe") if "question" in items else None
        if question is None or "index" not in items:
            return None
        index_node = items["index"][1]
        index = yn.scalar_value(index_node) if isinstance(index_node, yn.ScalarNode) else None
        if not isinstance(index, int) or isinstance(index, bool) or not 1 <= index <= len(question.probes):
            self._add("P111", f"{what}: {question.id} has probes 1 to {len(question.probes)}, not "
                      f"{getattr(index_node, 'value', '?')!r}", index_node)
            return None
        return ProbeRef(question.id, index - 1)

    def _keys(self, node: yn.Node, texts: dict[str, str], what: str
              ) -> tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] | None:
        """Key phrases per language; an entry may be a list of alternative spellings ([6割, 60%]), of which
        at least one is in the text and any one found in the notes counts."""
        items = self._mapping(node, set(self.langs), (), f"{what}: keys")
        out = []
        for lang in self.langs:
            if lang not in items:
                self._add("P104", f"{what}: keys have no {lang!r} phrases", node)
                continue
            nodes = self._sequence(items[lang][1], f"{what}: keys ({lang})")
            if not 2 <= len(nodes) <= 4:
                self._add("P120", f"{what}: {len(nodes)} key phrase(s) in {lang}", items[lang][1])
            keys = [self._key(n, texts.get(lang), what, lang) for n in nodes]
            out.append((lang, tuple(k for k in keys if k)))
        return tuple(out) if len(out) == len(self.langs) else None

    def _key(self, node: yn.Node, text: str | None, what: str, lang: str) -> tuple[str, ...]:
        nodes = self._sequence(node, f"{what}: alternatives") if isinstance(node, yn.SequenceNode) else [node]
        phrases = tuple(p for p in (self._string(n, f"{what}: key phrase") for n in nodes) if p is not None)
        if isinstance(node, yn.SequenceNode) and len(nodes) < 2:
            self._add("P120", f"{what}: a list of alternatives needs two or more spellings", node)
        if phrases and text is not None and not any(normalize(p) in normalize(text) for p in phrases):
            shown = phrases[0] if len(phrases) == 1 else f"none of {list(phrases)}"
            self._add("P121", f"{what}: key phrase {shown!r} is not in the {lang} text", node)
        return phrases

    # ---- whole-persona checks ----

    def _check_applicability(self, persona: Persona, fields_node: yn.Node) -> None:
        values = persona.choices(self.bank)
        for qid, node in self.uses:
            if not applies(self.bank.question(qid), values):
                self._add("P114", f"{qid!r} is not asked of this company (its condition is false for "
                          f"its answers: {values})", node)
        for fp in persona.fields:
            if persona.surface_question(fp.field_id, self.bank) is None:
                node = next((v for k, v in fields_node.value if str(k.value) == fp.field_id), fields_node)
                self._add("P141", f"{fp.field_id}: every owner question asked of this company has its own "
                          "answer under by_question, so the surface answers none", node)

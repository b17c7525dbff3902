"""Question-bank YAML → a validated, frozen `Bank`, reporting every problem in one pass.

The format is documented in docs/bank-format.md and published as question_banks/bank.schema.json.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, cast

from dialogue.banks import yaml_nodes as yn
from dialogue.banks.conditions_reader import CONDITION_OPS, MAX_CONDITION_DEPTH, ConditionReader
from dialogue.banks.header_reader import HeaderReader
from dialogue.banks.node_reader import KNOWN_LANGUAGES, suggest
from dialogue.banks.probes_reader import ProbeReader
from dialogue.banks.sensitive_reader import BANK_KEY, SensitiveListReader, builtin_ids
from dialogue.errors import BankError, Position, Problem, Severity
from dialogue.model import (
    QUESTION_TYPES,
    STATUS_CODES,
    Bank,
    Choice,
    Question,
    QuestionType,
    RecordField,
    Section,
    Text,
)
from dialogue.model.bank import DEFAULT_MAX_PROBES
from dialogue.model.sheet_fields import FIELDS_BY_ID, RECORD_FIELDS

__all__ = ["CONDITION_OPS", "MAX_CONDITION_DEPTH", "bank_hash", "check_bank", "load_bank", "read_valid_bank",
           "suggest"]

BANK_FORMAT = "locaben-bank/1"

BANK_KEYS = {"format", "id", "version", "title", "description", "languages", "targets", "imports", "max_probes",
             "sections", "sensitive"}
BANK_REQUIRED = ("id", "version", "title", "languages", "sections")
SECTION_KEYS = {"id", "title", "guidance", "recap", "questions"}
SECTION_REQUIRED = ("id", "title", "questions")
COMMON_QUESTION_KEYS = {"id", "text", "type", "fills", "required", "purpose", "hint", "example", "guidance",
                        "voice", "thin_below", "always_probe", "probes", "max_probes", "when", "forbid_status",
                        "replaces", "header"}
LISTENING_KEYS = {"listen_for", "probes_if_none"}  # what an expert listens for: answers in words
TYPE_KEYS = {
    "text": set(LISTENING_KEYS),
    "choice": {"choices"},
    "number": {"unit", "min", "max"},
    "list": {"item_label", "suggested_items"} | LISTENING_KEYS,
    "group": {"fields", "suggested_items"} | LISTENING_KEYS,
}
ALL_QUESTION_KEYS = COMMON_QUESTION_KEYS.union(*TYPE_KEYS.values())
QUESTION_REQUIRED = ("id", "text", "type", "fills")
TEXT_FIELDS = ("purpose", "hint", "example", "guidance")


def load_bank(path: str | Path) -> Bank:
    """Read, parse and validate a bank file; raise `BankError` with every problem if it has errors.
    A bank already validated with the same content comes from the cache: `dialogue.banks.cache.load_bank`,
    which callers on a hot path use directly so that a hit imports neither YAML nor this validator."""
    from dialogue.banks import cache as bank_cache

    return bank_cache.load_bank(path)


def read_valid_bank(path: Path) -> tuple[Bank, list[Path]]:
    """Read, parse and validate a bank file (no cache): the bank and every file it was built from; raise
    `BankError` with every problem if it has errors."""
    reader = _BankReader(path, stack=())
    bank, problems = reader.read()
    if bank is None or any(p.severity is Severity.ERROR for p in problems):
        raise BankError(problems)
    return bank, reader.files


def check_bank(path: str | Path) -> tuple[Bank | None, list[Problem]]:
    """Validate a bank file; return the bank (None on errors) and all problems, warnings included."""
    return _BankReader(Path(path), stack=()).read()


def bank_hash(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class _BankReader(ConditionReader, ProbeReader, HeaderReader):
    """One pass over one bank file, collecting problems instead of stopping at the first."""

    def __init__(self, path: Path, stack: tuple[Path, ...]):
        self.path = path
        self.stack = stack + (path.resolve(),)
        self.problems: list[Problem] = []
        self.doc: yn.Document | None = None
        self.languages: tuple[str, ...] = KNOWN_LANGUAGES
        self.imported: dict[str, Question] = {}
        self.files: list[Path] = [path]
        self._condition_nodes: dict[str, yn.Node | None] = {}
        self._use_nodes: dict[str, yn.Node] = {}
        self._replaces_nodes: dict[str, list[tuple[str, yn.Node]]] = {}  # question id -> (old id, its node)
        self._dropped: set[str] = set()  # ids of questions with errors (reported), so not "unknown" again
        self._import_failed = False
        self._text_sites = []  # question and probe texts, for the placeholder check
        self.max_probes = DEFAULT_MAX_PROBES  # the bank's default, for questions that set none

    # ---- entry ----

    def read(self) -> tuple[Bank | None, list[Problem]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return None, [Problem("E100", f"cannot read the file: {exc}", Position(str(self.path), 1, 1))]
        self.doc = yn.parse(text, str(self.path))
        self.problems.extend(self.doc.problems)
        root = self.doc.root
        if root is None:
            if not any(p.severity is Severity.ERROR for p in self.problems):  # warnings alone: still empty
                self.problems.append(Problem("E111", "the file is empty", Position(str(self.path), 1, 1)))
            return None, self.problems
        if not isinstance(root, yn.MappingNode):
            self._add("E112", "a bank must be a mapping of keys (id, version, sections …)", root)
            return None, self.problems
        bank = self._bank(root)
        ok = not any(p.severity is Severity.ERROR for p in self.problems)
        return (bank if ok else None), self.problems

    def _bank(self, root: yn.MappingNode) -> Bank | None:
        items = self._mapping(root, BANK_KEYS, BANK_REQUIRED, "the bank")
        if "format" in items:
            fmt = self._string(items["format"][1], "format")
            if fmt is not None and fmt != BANK_FORMAT:
                self._add("E118", f"unknown bank format {fmt!r}", items["format"][1],
                          f"This version of locaben reads {BANK_FORMAT!r}.")
        if "languages" in items:
            langs = [self._string(n, "languages") for n in self._sequence(items["languages"][1], "languages")]
            for lang, node in zip(langs, self._sequence(items["languages"][1], "languages"), strict=True):
                if lang is not None and lang not in KNOWN_LANGUAGES:
                    self._add("E118", f"unsupported language {lang!r}", node,
                              f"Supported: {', '.join(KNOWN_LANGUAGES)}. {suggest(lang, KNOWN_LANGUAGES)}")
            good = tuple(lang for lang in langs if lang in KNOWN_LANGUAGES)
            if good:
                self.languages = good
        bank_id = self._id(items["id"][1], "bank id") if "id" in items else None
        version = self._string(items["version"][1], "version") if "version" in items else None
        title = self._text(items["title"][1], "title") if "title" in items else None
        if "description" in items:  # shown nowhere yet, but checked like every other text
            self._text(items["description"][1], "description")
        targets = None
        if "targets" in items:
            targets = self._string(items["targets"][1], "targets")
            if targets is not None and targets != "locaben-sheet":
                self._add("E118", f"unknown target {targets!r}", items["targets"][1],
                          "The only target is 'locaben-sheet'.")
        if "imports" in items:
            self._imports(items["imports"][1])
        if "sensitive" in items:
            self._sensitive(items["sensitive"][1])
        if "max_probes" in items:
            self.max_probes = self._max_probes(items["max_probes"][1], "the bank") or DEFAULT_MAX_PROBES
        sections: list[Section] = []
        if "sections" in items:
            sections = self._sections(items["sections"][1])
        self._check_conditions(sections)
        self._check_placeholders(sections)
        self._check_replaces(sections)
        if targets == "locaben-sheet":
            self._check_coverage(sections, items["targets"][0])
        if bank_id is None or version is None or title is None:
            return None
        return Bank(bank_id, version, title, self.languages, tuple(sections), targets,
                    source_hash=bank_hash(self.files), source_path=str(self.path))

    def _imports(self, node: yn.Node) -> None:
        for item in self._sequence(node, "imports"):
            rel = self._string(item, "import path")
            if rel is None:
                continue
            target = (self.path.parent / rel)
            if target.resolve() in self.stack:
                self._add("E140", f"import cycle: {rel!r} imports this file again", item)
                self._import_failed = True
                continue
            if not target.is_file():
                self._add("E140", f"imported bank {rel!r} does not exist", item)
                self._import_failed = True
                continue
            imported = _BankReader(target, self.stack)
            bank, problems = imported.read()
            if bank is None:
                errors = sorted((p for p in problems if p.severity is Severity.ERROR),
                                key=lambda p: (p.position.line, p.position.column))
                first = f"; the first: {errors[0].position}: {errors[0].code} {errors[0].message}" if errors else ""
                self._add("E140", f"imported bank {rel!r} has {len(errors)} error(s){first}", item,
                          f"Run `locaben bank validate {target}` and fix it first.")
                self._import_failed = True
                continue
            self.files.extend(imported.files)  # its own imports too: the hash and the cache see them all
            for q in bank.questions():
                self.imported.setdefault(q.id, q)

    def _sensitive(self, node: yn.Node) -> None:
        """`sensitive:` — the bank's own 機微情報 word lists (one path or a list), each read and checked here
        (dialogue/banks/sensitive_reader.py); they count as part of the bank (its hash, its cache entry)."""
        for item in self._sequence(node, BANK_KEY) if isinstance(node, yn.SequenceNode) else [node]:
            rel = self._string(item, "sensitive-word list path")
            if rel is None:
                continue
            target = self.path.parent / rel
            if not target.is_file():
                self._add("E140", f"sensitive-word list {rel!r} does not exist", item)
                continue
            self.problems.extend(SensitiveListReader(target, builtin_ids()).read()[1])
            self.files.append(target)

    def _sections(self, node: yn.Node) -> list[Section]:
        sections: list[Section] = []
        seen_sections: dict[str, yn.Node] = {}
        seen_questions: dict[str, yn.Node] = {}
        for section_node in self._sequence(node, "sections"):
            section = self._section(section_node, seen_questions)
            if section is None:
                continue
            if section.id in seen_sections:
                self._add("E114", f"section id {section.id!r} is used twice", section_node)
                continue
            seen_sections[section.id] = section_node
            sections.append(section)
        return sections

    def _section(self, node: yn.Node, seen_questions: dict[str, yn.Node]) -> Section | None:
        items = self._mapping(node, SECTION_KEYS, SECTION_REQUIRED, "a section")
        section_id = self._id(items["id"][1], "section id") if "id" in items else None
        title = self._text(items["title"][1], "section title") if "title" in items else None
        guidance = self._text(items["guidance"][1], "section guidance") if "guidance" in items else None
        recap = self._field_ids(items["recap"][1], "recap") if "recap" in items else ()
        questions: list[Question] = []
        if "questions" in items:
            for q_node in self._sequence(items["questions"][1], "questions"):
                question = self._question_or_use(q_node, section_id or "?")
                if question is None:
                    continue
                if question.id in seen_questions:
                    first = self.doc.position(seen_questions[question.id]) if self.doc else None
                    self._add("E114", f"question id {question.id!r} is used twice"
                              + (f" (first at line {first.line})" if first else ""), q_node)
                    continue
                seen_questions[question.id] = q_node
                questions.append(question)
        if section_id is None or title is None:
            return None
        return Section(section_id, title, tuple(questions), guidance, recap)

    def _field_ids(self, node: yn.Node, what: str) -> tuple[str, ...]:
        result = []
        for item in self._sequence(node, what):
            value = self._string(item, what)
            if value is None:
                continue
            if value not in FIELDS_BY_ID:
                self._add("E116", f"unknown sheet field {value!r}", item,
                          suggest(value, FIELDS_BY_ID) or "See the field table in shared/domain/locaben.md.")
                continue
            result.append(value)
        return tuple(result)

    def _question_or_use(self, node: yn.Node, section_id: str) -> Question | None:
        if isinstance(node, yn.MappingNode) and any(str(k.value) == "use" for k, _ in node.value):
            items = self._mapping(node, {"use"}, ("use",), "a reused question")
            ref = self._id(items["use"][1], "use") if "use" in items else None
            if ref is None:
                return None
            if ref not in self.imported:
                if self._import_failed:  # E140 said why; every `use:` of it would only repeat that
                    return None
                self._add("E141", f"no imported question has the id {ref!r}", items["use"][1],
                          suggest(ref, self.imported) or "List the bank that holds it under `imports`.")
                return None
            original = self.imported[ref]
            self._use_nodes.setdefault(ref, node)
            return _replace_section(original, section_id, self.doc.position(node) if self.doc else None)
        return self._question(node, section_id)

    def _question(self, node: yn.Node, section_id: str) -> Question | None:
        items = self._mapping(node, ALL_QUESTION_KEYS, QUESTION_REQUIRED, "a question")
        if not items:
            return None
        nodes: dict[str, yn.Node] = {key: value for key, (_, value) in items.items()}
        qid = self._id(nodes["id"], "question id") if "id" in nodes else None
        what = f"question {qid!r}" if qid else "a question"
        qtype = self._string(nodes["type"], f"{what}: type") if "type" in nodes else None
        if qtype is not None and qtype not in QUESTION_TYPES:
            self._add("E118", f"{what}: unknown type {qtype!r}", nodes["type"],
                      suggest(qtype, QUESTION_TYPES) or f"Types: {', '.join(QUESTION_TYPES)}.")
            qtype = None
        if qtype is not None:
            for key, (key_node, _) in items.items():
                if key in ALL_QUESTION_KEYS and key not in COMMON_QUESTION_KEYS and key not in TYPE_KEYS[qtype]:
                    self._add("E110", f"{what}: key {key!r} does not apply to type {qtype!r}", key_node)
        text = self._text(nodes["text"], f"{what}: text") if "text" in nodes else None
        reported = len(self.problems)
        fills = self._field_ids(nodes["fills"], f"{what}: fills") if "fills" in nodes else ()
        if "fills" in nodes and not fills and len(self.problems) == reported:  # `fills: []`
            self._add("E111", f"{what}: fills names no sheet field", nodes["fills"])
        extras: dict[str, Any] = {}
        for key in TEXT_FIELDS + ("unit", "item_label"):
            if key in nodes:
                extras[key] = self._text(nodes[key], f"{what}: {key}")
        if "required" in nodes:
            extras["required"] = self._bool(nodes["required"], f"{what}: required")
        if "always_probe" in nodes:
            extras["always_probe"] = self._bool(nodes["always_probe"], f"{what}: always_probe")
        if "voice" in nodes:
            voice = self._string(nodes["voice"], f"{what}: voice")
            if voice not in (None, "owner", "supporter"):
                self._add("E118", f"{what}: voice must be owner or supporter", nodes["voice"],
                          suggest(str(voice), ("owner", "supporter")))
            elif voice:
                extras["voice"] = voice
        for key in ("thin_below", "suggested_items"):
            if key in nodes:
                extras[key] = self._number(nodes[key], f"{what}: {key}", integer=True)
        for key in ("min", "max"):
            if key in nodes:
                extras[key] = self._number(nodes[key], f"{what}: {key}")
        # on a choice or number question E110 has said listen_for and probes_if_none do not apply
        self._listening(nodes.get, items, extras, what, qid, listening=qtype is None or "listen_for" in TYPE_KEYS[qtype])
        if "when" in nodes:
            extras["when"] = self._condition(nodes["when"])
        if "forbid_status" in nodes:
            extras["forbid_status"] = self._forbid_status(nodes["forbid_status"], what)
        if "replaces" in nodes:
            extras["replaces"] = self._replaces(nodes["replaces"], what, qid)
        if qtype == "choice":
            extras["choices"] = self._choices(nodes.get("choices"), what, node)
        if qtype == "group":
            extras["fields"] = self._record_fields(nodes.get("fields"), what, node, fills)
        elif qtype is not None:
            self._check_shape(qtype, fills, what, nodes.get("fills"))
        if "header" in nodes and qtype is not None:
            extras["header"] = self._header(nodes["header"], what, qtype, extras.get("choices") or (),
                                            extras.get("fields") or ())
        if qid is None or text is None or qtype is None or not fills or any(v is None for v in extras.values()):
            if qid is not None:
                self._dropped.add(qid)
            return None
        question = Question(id=qid, text=text, type=cast(QuestionType, qtype), fills=fills, section_id=section_id,
                            position=self.doc.position(node) if self.doc else None, **extras)
        self._condition_nodes.setdefault(qid, nodes.get("when"))
        return question

    def _forbid_status(self, node: yn.Node, what: str) -> tuple[str, ...] | None:
        """Status codes (わからない/回答を控えたい/該当なし) that may not be recorded for this question."""
        codes: list[str] = []
        reported = len(self.problems)
        for item in self._sequence(node, f"{what}: forbid_status"):
            code = self._string(item, f"{what}: forbid_status")
            if code is None:
                continue
            if code not in STATUS_CODES:
                self._add("E118", f"{what}: unknown status code {code!r} in forbid_status", item,
                          suggest(code, STATUS_CODES) or f"Status codes: {', '.join(STATUS_CODES)}.")
            elif code in codes:
                self._add("E114", f"{what}: status code {code!r} is listed twice in forbid_status", item)
            else:
                codes.append(code)
        return tuple(codes) if len(self.problems) == reported else None

    def _replaces(self, node: yn.Node, what: str, qid: str | None) -> tuple[str, ...] | None:
        """Ids this question had in earlier bank versions; checked against the current ids once all are read."""
        old_ids: list[str] = []
        reported = len(self.problems)
        for item in self._sequence(node, f"{what}: replaces"):
            old = self._id(item, f"{what}: replaces")
            if old is None:
                continue
            if old in old_ids:
                self._add("E114", f"{what}: {old!r} is listed twice in replaces", item)
                continue
            old_ids.append(old)
            if qid is not None:
                self._replaces_nodes.setdefault(qid, []).append((old, item))
        return tuple(old_ids) if len(self.problems) == reported else None

    def _choices(self, node: yn.Node | None, what: str, question_node: yn.Node) -> tuple[Choice, ...] | None:
        if node is None:
            self._add("E111", f"{what}: a choice question needs `choices`", question_node)
            return None
        choices: list[Choice] = []
        for cid, label, id_node in self._labelled(node, "choices", "a choice", "choice"):
            if any(c.id == cid for c in choices):
                self._add("E114", f"{what}: choice id {cid!r} is used twice", id_node)
            choices.append(Choice(cid, label))
        if len(choices) < 2:
            self._add("E118", f"{what}: a choice question needs at least two choices", node)
        return tuple(choices)

    def _record_fields(self, node: yn.Node | None, what: str, question_node: yn.Node,
                       fills: tuple[str, ...]) -> tuple[RecordField, ...] | None:
        if node is None:
            self._add("E111", f"{what}: a group question needs `fields`", question_node)
            return None
        fields = [RecordField(fid, label) for fid, label, _ in self._labelled(node, "fields", "a record field", "field")]
        ids = tuple(f.id for f in fields)
        for field_id in fills:
            shape = FIELDS_BY_ID[field_id].shape
            expected = RECORD_FIELDS.get(shape)
            if expected and ids != expected:
                self._add("E118", f"{what}: {field_id} records need the fields {', '.join(expected)} "
                          f"(in that order), not {', '.join(ids) or 'none'}", node)
        return tuple(fields)

    def _labelled(self, node: yn.Node, key: str, entry: str, short: str) -> Iterator[tuple[str, Text, yn.Node]]:
        """The `{id, label}` entries of a choice question's `choices` or a group question's `fields`, as
        (id, label, id node), each entry's problems reported as it is read (so the caller's own checks of an
        entry come right after them)."""
        for item in self._sequence(node, key):
            items = self._mapping(item, {"id", "label"}, ("id", "label"), entry)
            ident = self._id(items["id"][1], f"{short} id") if "id" in items else None
            label = self._text(items["label"][1], f"{short} label") if "label" in items else None
            if ident and label:
                yield ident, label, items["id"][1]

    def _check_shape(self, qtype: str, fills: tuple[str, ...], what: str, node: yn.Node | None) -> None:
        for field_id in fills:
            shape = FIELDS_BY_ID[field_id].shape
            if shape in RECORD_FIELDS and node is not None:
                self._add("E118", f"{what}: {field_id} is a list of records; the question must have "
                          f"type group, not {qtype}", node)

    def _check_replaces(self, sections: list[Section]) -> None:
        """A `replaces:` id names no current question, and no two questions replace the same old id."""
        current = {q.id for s in sections for q in s.questions} | self._dropped
        claimed: dict[str, str] = {}
        for question in (q for s in sections for q in s.questions):
            use_node = self._use_nodes.get(question.id)
            # A reused question keeps the `replaces` of the bank it comes from: report at its `use:` line.
            pairs = (self._replaces_nodes.get(question.id, []) if use_node is None
                     else [(old, use_node) for old in question.replaces])
            for old, node in pairs:
                if old in current:
                    self._add("E114", f"{question.id!r} replaces {old!r}, which is still a question of this bank",
                              node, "An id in `replaces` is one that no longer exists; remove it, or rename the "
                              "current question.")
                elif old in claimed:
                    self._add("E114", f"{question.id!r} and {claimed[old]!r} both replace {old!r}", node,
                              "Answers to an old question can move to one new question only.")
                else:
                    claimed[old] = question.id

    def _check_coverage(self, sections: list[Section], targets_node: yn.Node) -> None:
        filled = {f for s in sections for q in s.questions for f in q.fills}
        for field_id in FIELDS_BY_ID:
            if field_id not in filled:
                self._add("E150", f"no question fills the sheet field {field_id} "
                          f"({FIELDS_BY_ID[field_id].label_ja})", targets_node,
                          "Add a question with this field in `fills`, or remove `targets`.")


def _replace_section(question: Question, section_id: str, position: Position | None) -> Question:
    from dataclasses import replace

    return replace(question, section_id=section_id, position=position)

"""The condition language of banks (`when:`): reading it with positions, and checking that every
condition names an earlier question and, for choices, one of its choice ids. Never evaluated as code."""

from __future__ import annotations

from typing import Any, cast

from dialogue.banks import yaml_nodes as yn
from dialogue.banks.node_reader import NodeReader, suggest
from dialogue.model import AllOf, AnyOf, Compare, Condition, Not, Section
from dialogue.model.bank import CompareOp
from dialogue.model.conditions import compares

CONDITION_OPS = ("in", "not_in", "equals", "answered", "min", "max")
MAX_CONDITION_DEPTH = 16


class ConditionReader(NodeReader):
    """Mixed into the bank reader, which sets `_condition_nodes`, `_use_nodes`, `_dropped` and
    `_import_failed` while reading questions."""

    _condition_nodes: dict[str, yn.Node | None]
    _use_nodes: dict[str, yn.Node]
    _dropped: set[str]
    _import_failed: bool

    # ---- conditions ----

    def _condition(self, node: yn.Node, depth: int = 0) -> Any:
        if depth > MAX_CONDITION_DEPTH:
            self._add("E122", f"condition nests more than {MAX_CONDITION_DEPTH} levels deep", node,
                      "Flatten it: all/any take lists, so nested all: inside all: is never needed.")
            return None
        if not isinstance(node, yn.MappingNode) or (len(node.value) != 1 and not _is_compare(node)):
            self._add("E122", "a condition is one mapping: {question: ID, in: [...]} or all/any/not", node)
            return None
        keys = [str(k.value) for k, _ in node.value]
        if keys[0] in ("all", "any") and len(keys) == 1:
            parts = [self._condition(n, depth + 1) for n in self._sequence(node.value[0][1], keys[0])]
            if any(p is None for p in parts):
                return None
            return (AllOf if keys[0] == "all" else AnyOf)(tuple(parts))
        if keys[0] == "not" and len(keys) == 1:
            inner = self._condition(node.value[0][1], depth + 1)
            return None if inner is None else Not(inner)
        return self._compare(node)

    def _compare(self, node: yn.MappingNode) -> Compare | None:
        items = self._mapping(node, {"question", *CONDITION_OPS}, ("question",), "a condition")
        qid = self._id(items["question"][1], "condition question") if "question" in items else None
        ops = [k for k in items if k in CONDITION_OPS]
        if qid is None:
            return None
        if not ops:
            self._add("E122", "a condition needs one of: " + ", ".join(CONDITION_OPS), node)
            return None
        if set(ops) <= {"min", "max"}:
            low = self._number(items["min"][1], "min") if "min" in items else None
            high = self._number(items["max"][1], "max") if "max" in items else None
            return Compare(qid, "range", (low, high))
        if len(ops) > 1:
            self._add("E122", f"a condition takes one test, not {', '.join(ops)}", node)
            return None
        op = ops[0]
        value_node = items[op][1]
        reported = len(self.problems)
        if op in ("in", "not_in"):
            values = tuple(self._scalar(n) for n in self._sequence(value_node, op))
        elif op == "answered":
            values = (self._bool(value_node, "answered"),)
        else:
            values = (self._scalar(value_node),)
        if len(self.problems) > reported:  # a bad value was reported: checking it again would only repeat it
            return None
        return Compare(qid, cast(CompareOp, op), values)

    def _scalar(self, node: yn.Node) -> Any:
        if not isinstance(node, yn.ScalarNode):
            self._add("E112", "expected a single value", node)
            return None
        if yn.is_plain(node) and node.tag == yn.BOOL_TAG:
            self._add("E130", f"unquoted {node.value!r} is read as a boolean", node, f'Quote it: "{node.value}".')
            return None
        return yn.scalar_value(node)

    def _check_conditions(self, sections: list[Section]) -> None:
        """Every condition names an earlier question and, for choices, one of its choice ids."""
        order = {q.id: i for i, q in enumerate(q for s in sections for q in s.questions)}
        by_id = {q.id: q for s in sections for q in s.questions}
        for question in (q for s in sections for q in s.questions):
            node = self._condition_nodes.get(question.id)
            use_node = self._use_nodes.get(question.id)
            if question.when is None or (node is None and use_node is None):
                continue
            # A reused question keeps the condition of the bank it comes from: report at its `use:` line.
            anchor = node if node is not None else use_node
            assert anchor is not None  # one of them is set (checked above)
            pairs = (_compares_with_nodes(question.when, node) if node is not None
                     else [(c, anchor) for c in compares(question.when)])
            for compare, cnode in pairs:
                qnode = _value_node(cnode, "question") or cnode
                target = by_id.get(compare.question)
                if target is None and compare.question in self._dropped:
                    continue
                if target is None:
                    hint = (f"Reuse {compare.question!r} too, before {question.id!r}." if node is None
                            else suggest(compare.question, by_id))
                    self._add("E120", f"condition of {question.id!r} refers to unknown question "
                              f"{compare.question!r}", qnode, hint)
                    continue
                if order[compare.question] >= order[question.id]:
                    self._add("E123", f"condition of {question.id!r} uses {compare.question!r}, "
                              "which is asked later", qnode)
                if target.type == "choice" and compare.op in ("in", "not_in", "equals"):
                    known = [c.id for c in target.choices]
                    value_node = _value_node(cnode, compare.op)
                    nodes = (list(value_node.value) if isinstance(value_node, yn.SequenceNode)
                             else [value_node] * len(compare.values))
                    for value, vnode in zip(compare.values, nodes, strict=False):
                        if value not in known:
                            self._add("E121", f"{compare.question!r} has no choice {value!r}", vnode or cnode,
                                      suggest(str(value), known) or f"choices: {', '.join(known)}")


def _is_compare(node: yn.MappingNode) -> bool:
    return any(str(k.value) == "question" for k, _ in node.value)


def _value_node(node: yn.Node, key: str) -> yn.Node | None:
    if isinstance(node, yn.MappingNode):
        for k, v in node.value:
            if str(k.value) == key:
                found: yn.Node = v
                return found
    return None


def _compares_with_nodes(condition: Condition, node: yn.Node) -> list[tuple[Compare, yn.Node]]:
    if isinstance(condition, Compare):
        return [(condition, node)]
    if isinstance(condition, Not):
        return _compares_with_nodes(condition.item, _value_node(node, "not") or node)
    key = "all" if isinstance(condition, AllOf) else "any"
    seq = _value_node(node, key)
    children = list(seq.value) if isinstance(seq, yn.SequenceNode) else []
    out: list[tuple[Compare, yn.Node]] = []
    for child_cond, child_node in zip(condition.items, children, strict=False):
        out.extend(_compares_with_nodes(child_cond, child_node))
    return out

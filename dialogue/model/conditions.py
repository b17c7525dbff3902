"""Evaluate a bank condition against the answers given so far. Pure data in, bool out — never eval."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dialogue.model.bank import AllOf, AnyOf, Compare, Condition, Not


def holds(condition: Condition | None, answers: Mapping[str, Any]) -> bool:
    """True when the question guarded by `condition` should be asked. No condition always holds."""
    if condition is None:
        return True
    if isinstance(condition, AllOf):
        return all(holds(item, answers) for item in condition.items)
    if isinstance(condition, AnyOf):
        return any(holds(item, answers) for item in condition.items)
    if isinstance(condition, Not):
        return not holds(condition.item, answers)
    return _compare(condition, answers)


def _compare(test: Compare, answers: Mapping[str, Any]) -> bool:
    value = answers.get(test.question)
    if test.op == "answered":
        return (value is not None) == bool(test.values[0])
    if value is None:
        return test.op == "not_in"
    if test.op == "in":
        return value in test.values
    if test.op == "not_in":
        return value not in test.values
    if test.op == "equals":
        return bool(value == test.values[0])
    low, high = test.values
    if not isinstance(value, int | float):
        return False
    return (low is None or value >= low) and (high is None or value <= high)


def compares(condition: Condition | None) -> tuple[Compare, ...]:
    """Every comparison in a condition, in reading order (the one walker over the condition tree)."""
    if condition is None:
        return ()
    if isinstance(condition, Compare):
        return (condition,)
    if isinstance(condition, Not):
        return compares(condition.item)
    return tuple(c for item in condition.items for c in compares(item))


def condition_refs(condition: Condition | None) -> tuple[str, ...]:
    """The question ids a condition reads, each once, in reading order."""
    return tuple(dict.fromkeys(c.question for c in compares(condition)))

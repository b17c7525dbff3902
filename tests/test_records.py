"""`@record` classes (dialogue.record) behave as the frozen dataclasses they replaced: the event payloads,
the bank's and the transcript's value types compare, hash, copy, pickle and refuse changes alike."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from dialogue.errors import Position
from dialogue.model import Question, Text
from dialogue.model.events import Answered, Asked, Assigned, Event, Noted, Skipped, Started, WentBack
from dialogue.model.transcript import Answer
from dialogue.record import Record, record


def test_equal_by_class_and_values_and_hashed_alike() -> None:
    assert Asked("q1") == Asked(question="q1", passed="")
    assert Asked("q1") != Asked("q1", passed="q0")
    assert Skipped("q1") != WentBack("q1")  # the same values, another kind
    assert Event("t", Skipped("q1")) != Event("t", WentBack("q1"))
    assert len({Asked("q1"), Asked("q1"), Asked("q2")}) == 2


def test_fields_that_do_not_compare_are_left_out() -> None:
    text = Text((("ja", "御社の商号は"),))
    a = Question("q1", text, "text", (), "s1", position=Position("bank.yaml", 3, 1))
    b = Question("q1", text, "text", (), "s1", position=Position("other.yaml", 9, 1))
    assert a == b and hash(a) == hash(b)
    assert "bank.yaml" not in repr(a)  # position has repr=False


def test_frozen_and_copied_as_values() -> None:
    note = Noted(None, "社長は「二代目」です")
    with pytest.raises(dataclasses.FrozenInstanceError):
        note.text = "x"  # type: ignore[misc]  # what the test checks
    with pytest.raises(dataclasses.FrozenInstanceError):
        del note.text
    for copied in (copy.copy(note), copy.deepcopy(note), pickle.loads(pickle.dumps(note))):
        assert copied == note and copied is not note
    answer = Answer("q1", {"売上": 1200}, "売上 1200", "2026-11-30T10:00:00+09:00")
    assert pickle.loads(pickle.dumps(answer)) == answer


def test_dataclass_tools_work_on_them() -> None:
    assert [f.name for f in dataclasses.fields(Answered)] == ["question", "value", "raw"]
    assert dataclasses.replace(Asked("q1"), passed="q0") == Asked("q1", "q0")
    assert Assigned("tanaka", previous="suzuki") == Assigned(to="tanaka", previous="suzuki")
    assert Started().prefill == {} and Started().prefill is not Started().prefill  # a new dict each
    assert repr(Asked("q1")) == "Asked(question='q1', passed='')"


def test_wrong_arguments_are_refused() -> None:
    with pytest.raises(TypeError):
        Asked()  # type: ignore[call-arg]  # what the test checks
    with pytest.raises(TypeError):
        Asked("q1", "q0", "extra")  # type: ignore[call-arg]  # what the test checks
    with pytest.raises(TypeError):
        Asked("q1", question="q2")  # type: ignore[misc]  # what the test checks
    with pytest.raises(TypeError):
        Asked(questoin="q1")  # type: ignore[call-arg]  # what the test checks


def test_what_a_record_cannot_do_is_refused_when_declared() -> None:
    with pytest.raises(TypeError):
        @record
        class Checked(Record):
            value: int

            def __post_init__(self) -> None:
                pass
    with pytest.raises(TypeError):
        @record
        class Misordered(Record):
            label: str = ""
            value: int  # type: ignore[misc]  # what the test checks


def test_a_record_made_at_first_use_constructs_as_before_and_after() -> None:
    @record
    class Figure(Record):
        name: str
        value: int = 0
        notes: list[str] = dataclasses.field(default_factory=list)

    first, second = Figure("売上高", 1200), Figure(name="売上高", value=1200)
    assert first == second and first.notes == [] and first.notes is not second.notes
    assert Figure("従業員数").value == 0
    with pytest.raises(TypeError):
        Figure("売上高", 1, [], "extra")  # type: ignore[call-arg]  # what the test checks
    with pytest.raises(TypeError):
        Figure("売上高", name="x")  # type: ignore[misc]  # what the test checks


def test_what_record_reads_from_a_class_body_is_what_dataclasses_reads() -> None:
    """`record` reads the fields itself (not through `dataclasses`, which reads them only when a dataclass tool
    asks): for every record class the product defines, both readings agree field by field."""
    import dialogue.engine  # noqa: F401  # (the record classes of several layers)
    import dialogue.model.events  # noqa: F401
    import dialogue.store.live  # noqa: F401
    import dialogue.ui.commands  # noqa: F401
    from dialogue.record import _SPECS, declared

    assert len(_SPECS) > 60
    for cls in list(_SPECS):
        if cls.__module__ == __name__:
            continue
        ours = [(f.name, f.annotation, f.default, f.factory, dict(f.metadata)) for f in declared(cls)]
        theirs = [(f.name, str(f.type), f.default,
                   None if f.default_factory is dataclasses.MISSING else f.default_factory, dict(f.metadata))
                  for f in dataclasses.fields(cls)]
        assert ours == theirs, cls.__qualname__
        assert cls.__match_args__ == tuple(f.name for f in declared(cls))
        assert dataclasses.is_dataclass(cls)
    assert not dataclasses.is_dataclass(Record)


def test_class_variables_are_not_fields_and_bad_declarations_are_refused() -> None:
    from typing import ClassVar

    @record
    class Limit(Record):
        UNIT: ClassVar[str] = "円"
        amount: int = 0

    assert Limit(5).amount == 5 and Limit.UNIT == "円" and [f.name for f in dataclasses.fields(Limit)] == ["amount"]
    with pytest.raises(ValueError):
        @record
        class Mutable(Record):
            items: list[str] = []  # noqa: RUF012  # what the test checks
    with pytest.raises(TypeError):
        @record
        class Child(Limit):  # fields inherited from a record
            extra: int = 0
    with pytest.raises(TypeError):
        @record
        class Hidden(Record):
            value: int = dataclasses.field(default=0, init=False)

"""Frozen records without generated code: `@record` classes behave as `@dataclass(frozen=True, slots=True)`
ones (the same `__init__`, immutability, equality, hashing, repr, pickling; `dataclasses.fields` and
`dataclasses.replace` work, and mypy checks them as frozen dataclasses), but their methods are shared by
`Record` instead of being generated as source and compiled at import. A frozen dataclass has six such
methods, ~0.15 ms each to compile: the ~70 frozen types an interview's start imports (the event payloads,
the bank, the transcript, the engine's steps, the journal's header) cost ~45 ms of CPU at every start
(issue 18; measured importing the start path's modules, 195 → 146 ms on the shared machine). The shared
`__init__` is ~1 µs slower a construction than a generated one: a long session's replay pays ~7 ms a
10,000 events for it; the journal's decoding builds payloads directly (dialogue.model.events).

A record class is declared as `@record class Name(Record): ...`; what `Record` does not do: `__post_init__`,
`init=False` fields, `kw_only`, inheritance between records (use `@dataclass` for those)."""

from __future__ import annotations

import dataclasses
import itertools
import typing
from collections.abc import Callable
from typing import Any

_set = object.__setattr__


class _Spec(typing.NamedTuple):
    names: tuple[str, ...]  # every field, in order
    defaults: dict[str, Any]  # name → default value
    factories: dict[str, Callable[[], Any]]  # name → default factory
    compared: tuple[str, ...]  # the fields equality and hashing look at (compare=True)
    shown: tuple[str, ...]  # the fields repr shows (repr=True)


_SPECS: dict[type[Any], _Spec] = {}
_R = typing.TypeVar("_R", bound=type[Any])


class Record:
    """The methods every `@record` class shares (see the module docstring)."""

    __slots__ = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """As a frozen dataclass's: positional or by name, with the defaults. (Tighter than it could be: a
        long session's replay constructs thousands of answers; all given by position is the quick way.)"""
        spec = _SPECS[self.__class__]
        names, given = spec.names, len(args)
        if given > len(names):
            raise TypeError(f"{self.__class__.__name__}() takes {len(names)} arguments, {given} given")
        for name, value in zip(names, args, strict=False):
            _set(self, name, value)
        if kwargs or given != len(names):
            self._rest(spec, names[given:], kwargs)

    def _rest(self, spec: _Spec, names: tuple[str, ...], kwargs: dict[str, Any]) -> None:
        for name in names:
            if name in kwargs:
                _set(self, name, kwargs.pop(name))
            elif name in spec.defaults:
                _set(self, name, spec.defaults[name])
            elif name in spec.factories:
                _set(self, name, spec.factories[name]())
            else:
                raise TypeError(f"{self.__class__.__name__}() is missing the argument {name!r}")
        if kwargs:  # a name no field has, or a field given twice
            raise TypeError(f"{self.__class__.__name__}() got an unexpected or repeated argument {next(iter(kwargs))!r}")

    def _compared(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _SPECS[self.__class__].compared)

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _SPECS[self.__class__].shown)
        return f"{self.__class__.__qualname__}({shown})"

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _SPECS[self.__class__].names)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(_SPECS[self.__class__].names, state, strict=True):
            _set(self, name, value)


@typing.dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: _R) -> _R:
    """Declare a record class (a subclass of `Record`): its fields and defaults are read by `dataclasses`,
    which also makes its `__slots__`; no method is generated."""
    if not issubclass(cls, Record):
        raise TypeError(f"{cls.__name__} must derive from Record")
    made = typing.cast(_R, dataclasses.dataclass(slots=True, init=False, repr=False, eq=False)(cls))
    fields = dataclasses.fields(made)
    if any(not f.init or f.kw_only for f in fields) or hasattr(made, "__post_init__"):
        raise TypeError(f"{cls.__name__}: init=False and kw_only fields and __post_init__ need @dataclass")
    given = [f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING for f in fields]
    if any(earlier and not later for earlier, later in itertools.pairwise(given)):
        raise TypeError(f"{cls.__name__}: a field without a default follows one with a default")
    _SPECS[made] = _Spec(tuple(f.name for f in fields),
                         {f.name: f.default for f in fields if f.default is not dataclasses.MISSING},
                         {f.name: f.default_factory for f in fields if f.default_factory is not dataclasses.MISSING},
                         tuple(f.name for f in fields if f.compare), tuple(f.name for f in fields if f.repr))
    return made

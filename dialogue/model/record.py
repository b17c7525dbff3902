"""Frozen records without generated code: `@record` classes behave as `@dataclass(frozen=True, slots=True)`
ones (the same `__init__`, immutability, equality, hashing, repr, pickling; `dataclasses.fields` and
`dataclasses.replace` work, and mypy checks them as frozen dataclasses), but their methods are shared by
`Record` instead of being generated as source and compiled at import. A frozen dataclass has six such
methods, ~0.15 ms each to compile: on an interview's start-up path (the event payloads, the bank, the
transcript) that was ~40 ms of every start (issue 18).

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
        """The first construction of a class makes its own `__init__` (as a dataclass would, but only for the
        classes a run constructs, when it first does) and hands over to it."""
        init = _made_init(self.__class__)
        init(self, *args, **kwargs)

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


def _made_init(cls: type[Any]) -> Callable[..., None]:
    """`cls.__init__` as `@dataclass(frozen=True)` generates it (positional or by name, defaults, factories),
    compiled now and set on the class, so later constructions run at a dataclass's speed: replaying a long
    session constructs thousands of answers."""
    spec = _SPECS[cls]
    params, lines, names = [], [], {"_set": _set, "_FACTORY": _FACTORY}
    for index, name in enumerate(spec.names):
        if name in spec.defaults:
            names[f"_d{index}"] = spec.defaults[name]
            params.append(f"{name}=_d{index}")
        elif name in spec.factories:
            names[f"_f{index}"] = spec.factories[name]
            params.append(f"{name}=_FACTORY")
            lines.append(f"    if {name} is _FACTORY:\n        {name} = _f{index}()")
        else:
            params.append(name)
        lines.append(f"    _set(self, {name!r}, {name})")
    source = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(lines or ["    pass"]) + "\n"
    exec(source, names)  # noqa: S102 — field names only (identifiers, checked by dataclasses), as dataclasses does
    init = typing.cast(Callable[..., None], names["__init__"])
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    type.__setattr__(cls, "__init__", init)
    return init


_FACTORY = object()  # "no value given" for a field with a default factory


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

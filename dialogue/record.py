"""Frozen records without generated code: `@record` classes behave as `@dataclass(frozen=True, slots=True)`
ones (the same `__init__`, immutability, equality, hashing, repr, pickling; `dataclasses.fields` and
`dataclasses.replace` work, and mypy checks them as frozen dataclasses), but their methods are shared by
`Record` instead of being generated as source and compiled at import. A frozen dataclass has six such
methods, ~0.15 ms each to compile: the ~70 frozen types an interview's start imports (the event payloads,
the bank, the transcript, the engine's steps, the journal's header) cost ~45 ms of CPU at every start
(issue 18; measured importing the start path's modules, 195 → 146 ms on the shared machine). The shared
`__init__` is ~1 µs slower a construction than a generated one: a long session's replay pays ~7 ms a
10,000 events for it; the journal's decoding builds payloads directly (dialogue.model.events). Nor does
`dataclasses` read the class at import: `record` reads the annotated names itself, and the `Field`s the
dataclass tools want are made on their first use (measured in instructions under callgrind, the start of
an interview up to its input line: see the commit that made it).

It imports nothing of the package (the ground layer, beside `errors` and `i18n`, which use it too).

A record class is declared as `@record class Name(Record): ...`; what `Record` does not do: `__post_init__`,
`init=False` fields, `kw_only`, inheritance between records (use `@dataclass` for those)."""

from __future__ import annotations

import dataclasses
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


class Declared(typing.NamedTuple):
    """One field of a record class as its body declares it (what `dataclasses.fields` would say, read
    without it): the annotation as written, the default (`dataclasses.MISSING` if none), the factory."""

    name: str
    annotation: str
    default: Any
    factory: Callable[[], Any] | None
    metadata: typing.Mapping[str, Any]


_SPECS: dict[type[Any], _Spec] = {}
_DECLARED: dict[type[Any], tuple[Declared, ...]] = {}
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


class _FieldsOnDemand:
    """`__dataclass_fields__` of a record class, made when a dataclass tool first asks (`dataclasses.fields`,
    `replace`, `asdict`, `is_dataclass`): `dataclasses` reads the class body then, as it would have at import."""

    def __get__(self, instance: Any, owner: type[Any]) -> dict[str, dataclasses.Field[Any]]:
        made = _FIELDS.get(owner)
        if made is None:
            if owner not in _BODIES:
                raise AttributeError("__dataclass_fields__")  # Record itself is no dataclass
            annotations, namespace = _BODIES[owner]
            body = type(owner.__name__, (), {**namespace, "__annotations__": annotations,
                                             "__module__": owner.__module__, "__doc__": owner.__doc__})
            processed: Any = dataclasses.dataclass(init=False, repr=False, eq=False)(body)
            made = _FIELDS[owner] = processed.__dataclass_fields__
        return made


Record.__dataclass_fields__ = _FieldsOnDemand()  # type: ignore[attr-defined]
_FIELDS: dict[type[Any], dict[str, dataclasses.Field[Any]]] = {}
_BODIES: dict[type[Any], tuple[dict[str, Any], dict[str, Any]]] = {}  # class → (annotations, field defaults)


@typing.dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: _R) -> _R:
    """Declare a record class (a subclass of `Record`): its fields are the annotated names of its body, with
    the defaults and `dataclasses.field(...)` options given there; the class is made again with those names
    as its `__slots__` (as `dataclass(slots=True)` does). Not through `dataclasses` at import: reading the body
    here costs a tenth of what it does (~0.15 ms a class, ~80 classes on the way to the first question)."""
    if not issubclass(cls, Record):
        raise TypeError(f"{cls.__name__} must derive from Record")
    if any(base in _SPECS for base in cls.__mro__[1:]) or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: inheriting fields and __post_init__ need @dataclass")
    namespace = {k: v for k, v in cls.__dict__.items() if k not in ("__dict__", "__weakref__")}
    annotations: dict[str, Any] = namespace.get("__annotations__", {})
    names, defaults, factories, compared, shown, given, fields = [], {}, {}, [], [], {}, []
    for name, annotation in annotations.items():
        if _is_class_var(annotation):
            continue
        value = namespace.pop(name, dataclasses.MISSING)
        if value is not dataclasses.MISSING:
            given[name] = value
        spec = value if isinstance(value, dataclasses.Field) else dataclasses.field(default=value)
        if not spec.init or spec.kw_only is True:
            raise TypeError(f"{cls.__name__}: init=False and kw_only fields need @dataclass")
        if spec.default is not dataclasses.MISSING:
            if spec.default.__class__.__hash__ is None:  # as dataclasses refuses a list, dict or set
                raise ValueError(f"{cls.__name__}.{name}: a mutable default; use default_factory")
            defaults[name] = spec.default
        elif spec.default_factory is not dataclasses.MISSING:
            factories[name] = spec.default_factory
        elif defaults or factories:
            raise TypeError(f"{cls.__name__}: a field without a default follows one with a default")
        names.append(name)
        factory = None if spec.default_factory is dataclasses.MISSING else spec.default_factory
        fields.append(Declared(name, str(annotation), spec.default, factory, spec.metadata))
        if spec.compare:
            compared.append(name)
        if spec.repr:
            shown.append(name)
    namespace["__slots__"] = tuple(names)
    namespace["__match_args__"] = tuple(names)
    if namespace.get("__doc__") is None:
        namespace["__doc__"] = cls.__name__
    metaclass: Any = type(cls)
    made = typing.cast(_R, metaclass(cls.__name__, cls.__bases__, namespace))
    made.__qualname__ = cls.__qualname__
    _SPECS[made] = _Spec(tuple(names), defaults, factories, tuple(compared), tuple(shown))
    _BODIES[made] = ({name: annotations[name] for name in names}, given)  # (no ClassVar for dataclasses to judge)
    _DECLARED[made] = tuple(fields)
    return made


def declared(cls: type[Any]) -> tuple[Declared, ...]:
    """The fields of a record class (or of a record's class), in order."""
    return _DECLARED[cls]


def _is_class_var(annotation: Any) -> bool:
    """`ClassVar[...]`, written as text (these modules use `from __future__ import annotations`) or not."""
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return typing.get_origin(annotation) is typing.ClassVar or annotation is typing.ClassVar

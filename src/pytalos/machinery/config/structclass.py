"""Dataclass-like class building for config structs, without ``dataclasses``' per-class ``exec``.

The config model has ~300 struct classes and ``talosctl gen config`` must start in well under half a
second. ``@dataclass`` compiles three methods per class with ``exec`` (about 1 ms each), which alone
cost a quarter of a second at import. :class:`StructBase` instead records each subclass's fields in
``__init_subclass__`` and shares one generic ``__init__``/``__eq__``/``__repr__``; type checkers still
see dataclass semantics through :func:`typing.dataclass_transform` on ``schema.Struct``.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any, ClassVar

_NO_DEFAULT: Any = dataclasses.MISSING


@dataclasses.dataclass(frozen=True)
class StructField:
    """One field of a struct class: name, default (value or factory) and yfield metadata."""

    name: str
    default: Any
    default_factory: Any
    metadata: dict[str, Any]


def _is_classvar(annotation: Any) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return text.startswith(("ClassVar", "typing.ClassVar", "t.ClassVar"))


class StructBase:
    """Base class: subclasses become dataclass-like (keyword or positional construction, eq, repr)."""

    __struct_fields__: ClassVar[tuple[StructField, ...]] = ()
    __struct_names__: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields: dict[str, StructField] = {f.name: f for f in cls.__struct_fields__}
        for name, annotation in inspect.get_annotations(cls).items():
            if _is_classvar(annotation):
                continue
            value = cls.__dict__.get(name, _NO_DEFAULT)
            if isinstance(value, dataclasses.Field):
                spec = StructField(name, value.default, value.default_factory, dict(value.metadata))
                if value.default is not _NO_DEFAULT:
                    setattr(cls, name, value.default)
            else:
                spec = StructField(name, value, _NO_DEFAULT, {})
            fields[name] = spec
        cls.__struct_fields__ = tuple(fields.values())
        cls.__struct_names__ = frozenset(fields)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        specs = self.__struct_fields__
        if len(args) > len(specs):
            raise TypeError(f"{type(self).__name__}() takes {len(specs)} positional arguments")
        for spec, value in zip(specs, args, strict=False):
            if spec.name in kwargs:
                raise TypeError(f"{type(self).__name__}() got multiple values for argument {spec.name!r}")
            kwargs[spec.name] = value
        unknown = kwargs.keys() - self.__struct_names__
        if unknown:
            raise TypeError(f"{type(self).__name__}() got unexpected keyword argument {sorted(unknown)[0]!r}")
        for spec in specs:
            if spec.name in kwargs:
                value = kwargs[spec.name]
            elif spec.default_factory is not _NO_DEFAULT:
                value = spec.default_factory()
            elif spec.default is not _NO_DEFAULT:
                value = spec.default
            else:
                raise TypeError(f"{type(self).__name__}() missing required argument {spec.name!r}")
            object.__setattr__(self, spec.name, value)
        self.__post_init__()

    def __post_init__(self) -> None:
        """Hook run after construction (as with dataclasses)."""

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in self.__struct_fields__)

    __hash__ = None  # type: ignore[assignment]  # mutable, like an eq=True dataclass

    def __repr__(self) -> str:
        inner = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in self.__struct_fields__)
        return f"{type(self).__qualname__}({inner})"

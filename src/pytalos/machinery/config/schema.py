"""Declarative typed structs for machine-config documents, with Go's YAML and merge semantics.

Talos's config types are Go structs whose behaviour comes from struct tags: YAML name, ``omitempty``,
``inline``, ``merge:"replace"``. Users feel those details (which keys appear in generated YAML, what
a patch does to a list), so every pytalos document is a dataclass whose fields carry the same
metadata via :func:`yfield`, and one reflective engine (here) decodes, encodes, zero-checks and
merges them exactly like ``yaml.v3`` plus Talos's ``merge.Merge``.

Type annotations select the Go shape:

* ``str``, ``int``, ``float``, ``bool`` — Go values (zero value never "absent");
* ``X | None`` — a Go pointer (``None`` is nil; ``*bool`` is ``bool | None``);
* ``list[X]`` — a slice; ``dict[str, X]`` — a map (keys sorted on output, as go-yaml does);
* a :class:`Struct` subclass — a nested struct (use ``| None`` for pointers to structs);
* a :class:`Codec` subclass — a type with custom (un)marshalling (durations, byte sizes, PEM, …);
* ``Any`` — ``any``/``map[string]any`` unstructured data.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, Union, dataclass_transform

from ..yamlx import Node
from .structclass import StructBase

T = TypeVar("T")
MergeFn = Callable[[Any, Any], Any]
ExampleList = list[tuple[str, Any]] | tuple[tuple[str, Any], ...]
Examples = ExampleList | Callable[[], ExampleList]
_MISSING: Any = dataclasses.MISSING


def yfield(
    key: str,
    *,
    omitempty: bool = False,
    inline: bool = False,
    merge: str | MergeFn = "",
    doc: str = "",
    examples: Examples = (),
    default: Any = _MISSING,
    default_factory: Any = _MISSING,
) -> Any:
    """Declare a field: its YAML ``key`` and the Go struct-tag behaviours that apply to it.

    ``merge`` is ``"replace"`` (``merge:"replace"``) or a function ``(left, right) -> merged`` for
    types that implement Talos's custom ``Merge``. ``doc`` is the one-line description used by
    ``--with-docs``. ``examples`` are ``(description, value)`` pairs (value: plain data or a
    :class:`Struct`), or a function returning them (built lazily, on first use), that
    ``--with-examples`` writes as comments where the field is empty (see ``config.examples``).
    """
    meta = {"key": key, "omitempty": omitempty, "inline": inline, "merge": merge, "doc": doc}
    if examples:
        meta["examples"] = examples
    if default is not _MISSING:
        return dataclasses.field(default=default, metadata=meta)
    if default_factory is not _MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=meta)
    return dataclasses.field(default=None, metadata=meta)


class Codec:
    """Base for scalar-like types with their own YAML form (Go types with Marshal/UnmarshalYAML).

    Subclasses implement :meth:`decode` (from a node), :meth:`encode` (to a node) and
    :meth:`is_zero`; merging replaces the whole value unless the right side is zero.
    """

    @classmethod
    def decode(cls: type[T], node: Node, path: str) -> T:  # pragma: no cover - abstract
        raise NotImplementedError

    def encode(self) -> Node:  # pragma: no cover - abstract
        raise NotImplementedError

    # Whether the Go type implements ``IsZero()``: go-yaml then asks it even behind a pointer
    # (``*T`` with omitempty). Plain enums/ints set False: a non-nil pointer is never omitted.
    ZEROER: ClassVar[bool] = True

    def is_zero(self) -> bool:
        return False

    def merge_from(self, other: Any) -> Any:
        """Merge ``other`` into this value and return the result (default: replace if non-zero)."""
        return self if other is None or (isinstance(other, Codec) and other.is_zero()) else other


@dataclasses.dataclass(frozen=True)
class FieldInfo:
    attr: str
    key: str
    kind: str  # "scalar", "struct", "list", "map", "codec", "any"
    pointer: bool
    tp: Any  # scalar type / struct class / codec class / element FieldInfo for list & map
    omitempty: bool
    inline: bool
    merge: str | MergeFn
    doc: str
    elem: FieldInfo | None = None
    # yfield(examples=...): pairs or a function returning them (see config.examples)
    examples: Examples = dataclasses.field(default=(), compare=False)


def _describe_type(attr: str, key: str, tp: Any, meta: dict[str, Any]) -> FieldInfo:
    pointer = False
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) != len(typing.get_args(tp)) and len(args) == 1:
            pointer = True
            tp = args[0]
            origin = typing.get_origin(tp)
    common = {
        "attr": attr,
        "key": key,
        "pointer": pointer,
        "omitempty": bool(meta.get("omitempty")),
        "inline": bool(meta.get("inline")),
        "merge": meta.get("merge", ""),
        "doc": meta.get("doc", ""),
        "examples": meta.get("examples", ()),
    }
    if origin is list:
        (elem_tp,) = typing.get_args(tp)
        elem = _describe_type(attr, key, elem_tp, {})
        return FieldInfo(kind="list", tp=list, elem=elem, **common)
    if origin is dict:
        _, val_tp = typing.get_args(tp)
        elem = _describe_type(attr, key, val_tp, {})
        return FieldInfo(kind="map", tp=dict, elem=elem, **common)
    if tp is Any or tp is object:
        return FieldInfo(kind="any", tp=Any, **common)
    if isinstance(tp, type) and issubclass(tp, Struct):
        return FieldInfo(kind="struct", tp=tp, **common)
    if isinstance(tp, type) and issubclass(tp, Codec):
        return FieldInfo(kind="codec", tp=tp, **common)
    if tp in (str, int, float, bool):
        return FieldInfo(kind="scalar", tp=tp, **common)
    raise TypeError(f"{attr}: unsupported field type {tp!r}")


@dataclass_transform()
class Struct(StructBase):
    """Base class of every typed YAML struct (see module docstring)."""

    _fields_cache: ClassVar[dict[type, tuple[FieldInfo, ...]]] = {}

    def __post_init__(self) -> None:
        # fields default to None in yfield(); non-pointer fields get their Go zero value
        for fi in self.fields_info():
            if getattr(self, fi.attr) is None and not fi.pointer:
                setattr(self, fi.attr, zero_value(fi))

    @classmethod
    def fields_info(cls) -> tuple[FieldInfo, ...]:
        cached = Struct._fields_cache.get(cls)
        if cached is not None:
            return cached
        hints = typing.get_type_hints(cls)
        infos = []
        for f in cls.__struct_fields__:
            if "key" not in f.metadata:
                continue
            infos.append(_describe_type(f.name, f.metadata["key"], hints[f.name], dict(f.metadata)))
        result = tuple(infos)
        Struct._fields_cache[cls] = result
        return result

    @classmethod
    def yaml_keys(cls) -> set[str]:
        """Every key this struct accepts, including the keys of inline members."""
        keys: set[str] = set()
        for fi in cls.fields_info():
            if fi.inline and fi.kind == "struct":
                keys |= fi.tp.yaml_keys()
            elif fi.inline and fi.kind == "map":
                keys.add("*")
            else:
                keys.add(fi.key)
        return keys


StructT = TypeVar("StructT", bound=Struct)


def zero_value(fi: FieldInfo) -> Any:
    if fi.pointer:
        return None
    if fi.kind == "list":
        return []
    if fi.kind == "map":
        return {}
    if fi.kind == "struct":
        return fi.tp()
    if fi.kind in ("scalar", "codec"):
        return fi.tp()
    return None


def is_zero(value: Any) -> bool:
    """go-yaml v3 ``isZero``: what ``omitempty`` omits."""
    if value is None:
        return True
    if isinstance(value, Codec):
        return value.is_zero()
    if isinstance(value, Struct):
        return all(field_is_zero(fi, getattr(value, fi.attr)) for fi in value.fields_info())
    if isinstance(value, (str, list, dict, tuple)):
        return len(value) == 0
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value == 0
    return False


def field_is_zero(fi: FieldInfo, value: Any) -> bool:
    """``isZero`` for a field: a Go pointer is zero only when nil (unless its type has ``IsZero``)."""
    if fi.pointer and (fi.kind != "codec" or not fi.tp.ZEROER):
        return value is None
    return is_zero(value)


# The decode/encode/merge halves live in their own modules; re-exported here because most callers
# think of them as "the schema engine".
from .schema_decode import decode_scalar, decode_struct, decode_value  # noqa: E402
from .schema_encode import encode_struct, encode_value  # noqa: E402
from .schema_merge import merge_structs, merge_values  # noqa: E402

__all__ = [
    "Codec",
    "FieldInfo",
    "Struct",
    "decode_scalar",
    "decode_struct",
    "decode_value",
    "encode_struct",
    "encode_value",
    "field_is_zero",
    "is_zero",
    "merge_structs",
    "merge_values",
    "yfield",
    "zero_value",
]

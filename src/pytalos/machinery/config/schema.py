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

import copy
import dataclasses
import types
import typing
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, Union, dataclass_transform

from ..yamlx import Mapping, Node, Scalar, Sequence, Style, from_node, go_key_sort, to_node
from .errors import DecodeError
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


# ---------------------------------------------------------------- decoding


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _type_name(fi: FieldInfo) -> str:
    names = {str: "string", int: "int", float: "float", bool: "bool"}
    return names.get(fi.tp, getattr(fi.tp, "__name__", str(fi.tp)))


def decode_scalar(fi: FieldInfo, node: Node, path: str) -> Any:
    if not isinstance(node, Scalar):
        raise DecodeError(path, node.line, f"cannot decode a {_node_kind(node)} into {_type_name(fi)}")
    plain = node.style is Style.PLAIN or node.style is Style.ANY
    if fi.tp is str:
        if plain and node.value in ("", "~", "null", "Null", "NULL") and node.tag == "!!str":
            return ""
        return node.value
    value = from_node(node) if plain else node.value
    if fi.tp is bool:
        if isinstance(value, bool):
            return value
        if plain and node.value in ("y", "Y", "yes", "Yes", "YES", "on", "On", "ON"):
            return True
        if plain and node.value in ("n", "N", "no", "No", "NO", "off", "Off", "OFF"):
            return False
        if value is None:
            return False
    elif fi.tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if value is None:
            return 0
    elif fi.tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if value is None:
            return 0.0
    raise DecodeError(path, node.line, f"cannot decode {node.value!r} into {_type_name(fi)}")


def _node_kind(node: Node) -> str:
    if isinstance(node, Mapping):
        return "mapping"
    if isinstance(node, Sequence):
        return "list"
    return "scalar"


def _is_null(node: Node) -> bool:
    return isinstance(node, Scalar) and node.plain and node.value in ("", "~", "null", "Null", "NULL")


def decode_value(fi: FieldInfo, node: Node, path: str) -> Any:
    """Decode ``node`` for field ``fi`` (pointer handling included)."""
    if _is_null(node) and (fi.kind != "codec" or fi.pointer):
        return None if fi.pointer else zero_value(fi)
    if fi.kind == "scalar":
        return decode_scalar(fi, node, path)
    if fi.kind == "struct":
        if not isinstance(node, Mapping):
            raise DecodeError(path, node.line, f"expected a mapping, got a {_node_kind(node)}")
        return decode_struct(fi.tp, node, path)
    if fi.kind == "codec":
        return fi.tp.decode(node, path)
    if fi.kind == "any":
        return from_node(node)
    if fi.kind == "list":
        assert fi.elem is not None
        if not isinstance(node, Sequence):
            raise DecodeError(path, node.line, f"expected a list, got a {_node_kind(node)}")
        return [decode_value(fi.elem, item, f"{path}[{i}]") for i, item in enumerate(node.items)]
    if fi.kind == "map":
        assert fi.elem is not None
        if not isinstance(node, Mapping):
            raise DecodeError(path, node.line, f"expected a mapping, got a {_node_kind(node)}")
        return {k.value: decode_value(fi.elem, v, _join(path, k.value)) for k, v in node.items}
    raise AssertionError(fi.kind)  # pragma: no cover


def decode_struct(cls: type[StructT], node: Mapping, path: str = "", strict: bool = True) -> StructT:
    """Decode a mapping into ``cls``; unknown keys are an error naming their path and line."""
    obj = cls()
    consumed: set[str] = set()
    _decode_into(obj, node, path, consumed)
    if strict:
        for key, _ in node.items:
            if key.value not in consumed:
                raise DecodeError(_join(path, key.value), key.line, f'unknown key "{key.value}"')
    # Go types whose UnmarshalYAML post-processes decoded values (e.g. trimming) hook in here
    hook = getattr(obj, "after_decode", None)
    if callable(hook):
        hook()
    return obj


def _decode_into(obj: Struct, node: Mapping, path: str, consumed: set[str]) -> None:
    lookup = {k.value: (k, v) for k, v in node.items}
    for fi in obj.fields_info():
        if fi.inline:
            if fi.kind == "struct":
                inner = fi.tp()
                _decode_into(inner, node, path, consumed)
                setattr(obj, fi.attr, inner)
            elif fi.kind == "map":
                assert fi.elem is not None
                rest = {
                    k.value: decode_value(fi.elem, v, _join(path, k.value))
                    for k, v in node.items
                    if k.value not in consumed and k.value not in obj.yaml_keys()
                }
                consumed.update(rest)
                setattr(obj, fi.attr, rest)
            continue
        if fi.key not in lookup:
            setattr(obj, fi.attr, zero_value(fi) if getattr(obj, fi.attr) is None else getattr(obj, fi.attr))
            continue
        _, value_node = lookup[fi.key]
        consumed.add(fi.key)
        setattr(obj, fi.attr, decode_value(fi, value_node, _join(path, fi.key)))


# ---------------------------------------------------------------- encoding


def encode_value(fi: FieldInfo, value: Any, with_docs: bool = False, with_examples: bool = False) -> Node:
    if value is None:
        if fi.kind == "list" and not fi.pointer:
            return Sequence(flow=True)
        if fi.kind == "map" and not fi.pointer:
            return Mapping(flow=True)
        return Scalar("null", "!!null", Style.PLAIN)
    if fi.kind == "struct":
        return encode_struct(value, with_docs, with_examples)
    if fi.kind == "codec":
        node: Node = value.encode()
        return node
    if fi.kind == "any":
        return to_node(value, sort_keys=True)
    if fi.kind == "list":
        assert fi.elem is not None
        return Sequence([encode_value(fi.elem, v, with_docs, with_examples) for v in value])
    if fi.kind == "map":
        assert fi.elem is not None
        elem = fi.elem
        return Mapping(
            [
                (Scalar(k, "!!str", Style.ANY), encode_value(elem, value[k], with_docs, with_examples))
                for k in go_key_sort(list(value))
            ]
        )
    if fi.kind == "scalar":
        return to_node(value)
    raise AssertionError(fi.kind)  # pragma: no cover


def encode_struct(obj: Struct, with_docs: bool = False, with_examples: bool = False) -> Mapping:
    """Encode a struct as go-yaml v3 does: field order, ``omitempty``, inline members.

    ``with_docs`` adds each field's ``doc`` as a comment; ``with_examples`` adds the commented examples
    of empty fields (Talos's ``--with-examples``). Comments never change what the YAML means.
    """
    out = Mapping()
    examples: list[str] = []
    _encode_into(obj, out, with_docs, with_examples, examples)
    if examples:
        # Talos hangs the examples of omitted fields below the last key written (or the empty mapping)
        comment = "\n" + "\n".join(examples)
        holder: Node = out.items[-1][0] if out.items else out
        holder.foot_comment += comment
    return out


def _encode_into(
    obj: Struct, out: Mapping, with_docs: bool, with_examples: bool, examples: list[str]
) -> None:
    for fi in obj.fields_info():
        value = getattr(obj, fi.attr)
        if fi.inline:
            if fi.kind == "struct" and value is not None:
                _encode_into(value, out, with_docs, with_examples, examples)
            elif fi.kind == "map" and value:
                assert fi.elem is not None
                for k in go_key_sort(list(value)):
                    item = encode_value(fi.elem, value[k], with_docs, with_examples)
                    out.items.append((Scalar(k, "!!str", Style.ANY), item))
            continue
        empty = field_is_zero(fi, value)
        skip = fi.omitempty and empty
        below_value = ""
        if with_examples and empty and fi.examples:
            from .examples import render_examples

            if skip:
                text = render_examples(fi, fi.key, with_docs)
                if text:
                    examples.append(text)
            else:
                below_value = render_examples(fi, "", with_docs)
        if skip:
            continue
        node = encode_value(fi, value, with_docs, with_examples)
        key = Scalar(fi.key, "!!str", Style.ANY)
        if with_docs and fi.doc:
            if isinstance(node, (Mapping, Sequence)) and node.items:
                key.head_comment = fi.doc
            else:
                node.line_comment = fi.doc
        if below_value:
            node = copy.copy(node)  # codecs may hand out shared nodes
            node.foot_comment += ("\n" if node.foot_comment else "") + below_value
        out.items.append((key, node))


# ---------------------------------------------------------------- merging


def merge_values(fi: FieldInfo, left: Any, right: Any, replace: bool = False) -> Any:
    """Talos ``merge.Merge`` for one field: returns the merged value."""
    if callable(fi.merge) and not isinstance(fi.merge, str):
        return fi.merge(left, right)
    replace = replace or fi.merge == "replace"
    if fi.pointer:
        if right is None:
            return left
        if left is None:
            return right
    if fi.kind == "codec":
        if right is None:
            return left
        if left is None:
            return right
        if replace:
            return left if right.is_zero() else right
        return left.merge_from(right)
    if fi.kind == "any":
        if replace:  # e.g. meta.Unstructured with merge:"replace": whole value unless right is empty
            return left if is_zero(right) else right
        return _merge_any(left, right)
    if fi.kind == "scalar":
        if fi.tp is not bool and is_zero(right):
            return left
        return right
    if fi.kind == "struct":
        if replace:
            return left if is_zero(right) else right
        merge_structs(left, right)
        return left
    if fi.kind == "list":
        if not right:
            return left
        if replace:
            return list(right)
        return list(left or []) + list(right)
    if fi.kind == "map":
        if not right:
            return left
        if replace:
            return dict(right)
        assert fi.elem is not None
        merged = dict(left or {})
        for k, v in right.items():
            if merged.get(k) is not None:
                merged[k] = merge_values(fi.elem, merged[k], v)
            else:
                merged[k] = v
        return merged
    raise AssertionError(fi.kind)  # pragma: no cover


def _merge_any(left: Any, right: Any) -> Any:
    if right is None:
        return left
    if left is None:
        return right
    if isinstance(left, dict) and isinstance(right, dict):
        merged = dict(left)
        for k, v in right.items():
            merged[k] = _merge_any(merged.get(k), v) if merged.get(k) is not None else v
        return merged
    if isinstance(left, list) and isinstance(right, list):
        return left + right
    if type(left) is not type(right):
        raise TypeError(f"merge type mismatch left {type(left).__name__} right {type(right).__name__}")
    if not isinstance(right, bool) and is_zero(right):
        return left
    return right


def merge_structs(left: Struct, right: Struct) -> None:
    """Merge ``right`` into ``left`` in place, field by field."""
    if type(left) is not type(right):
        raise TypeError(f"merge type mismatch left {type(left).__name__} right {type(right).__name__}")
    custom = getattr(left, "merge_from", None)
    if callable(custom):
        custom(right)
        return
    for fi in left.fields_info():
        setattr(left, fi.attr, merge_values(fi, getattr(left, fi.attr), getattr(right, fi.attr)))

"""Decoding YAML nodes into typed structs with go-yaml v3's rules (the read half of ``schema``).

Kept apart from the struct declarations so the rules for turning text into Go-typed values —
scalars resolved per field type, nulls, pointers, unknown keys reported with path and line — read
as one piece.
"""

from __future__ import annotations

from typing import Any

from ..yamlx import Mapping, Node, Scalar, Sequence, Style, from_node
from .errors import DecodeError
from .schema import FieldInfo, Struct, StructT, zero_value


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

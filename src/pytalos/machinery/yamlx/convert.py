"""Conversions between plain Python values and YAML nodes, with go-yaml v3 semantics.

Used wherever Talos marshals untyped data (``map[string]any``): unstructured Kubernetes
configurations inside the machine config, the secrets bundle, talosconfig. Map keys of Go maps
come out sorted by go-yaml's "natural" order, which :func:`go_key_sort` reproduces.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from .nodes import Mapping, Node, Scalar, Sequence, Style
from .resolve import format_go_float, resolve


def _go_key_less(a: str, b: str) -> bool:
    """go-yaml v3 ``keyList.Less`` for two string keys (digits compare numerically)."""
    ar, br = a, b
    digits = False
    i = 0
    while i < len(ar) and i < len(br):
        ca, cb = ar[i], br[i]
        if ca == cb:
            digits = ca.isdigit()
            i += 1
            continue
        al, bl = ca.isalpha(), cb.isalpha()
        if al and bl:
            return ca < cb
        if al or bl:
            return al if digits else bl
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and ar[j].isdigit():
                if ar[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(ar) and ar[ai].isdigit():
            an = an * 10 + int(ar[ai])
            ai += 1
        bi = i
        while bi < len(br) and br[bi].isdigit():
            bn = bn * 10 + int(br[bi])
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(ar) < len(br)


def go_key_sort(keys: list[str]) -> list[str]:
    """Sort map keys the way go-yaml v3 sorts them when encoding a Go map."""

    def cmp(x: str, y: str) -> int:
        if _go_key_less(x, y):
            return -1
        if _go_key_less(y, x):
            return 1
        return 0

    return sorted(keys, key=functools.cmp_to_key(cmp))


def to_node(value: Any, sort_keys: bool = False) -> Node:
    """Build a node for a plain Python value (dict order kept unless ``sort_keys``)."""
    if isinstance(value, Node):
        return value
    if value is None:
        return Scalar("null", "!!null", Style.PLAIN)
    if isinstance(value, bool):
        return Scalar("true" if value else "false", "!!bool", Style.PLAIN)
    if isinstance(value, int):
        return Scalar(str(value), "!!int", Style.PLAIN)
    if isinstance(value, float):
        return Scalar(format_go_float(value), "!!float", Style.PLAIN)
    if isinstance(value, str):
        return Scalar(value, "!!str", Style.ANY)
    if isinstance(value, dict):
        keys = [str(k) for k in value]
        if sort_keys:
            keys = go_key_sort(keys)
        lookup = {str(k): v for k, v in value.items()}
        return Mapping([(Scalar(k, "!!str", Style.ANY), to_node(lookup[k], sort_keys)) for k in keys])
    if isinstance(value, (list, tuple)):
        return Sequence([to_node(v, sort_keys) for v in value])
    raise TypeError(f"cannot encode {type(value).__name__} as YAML")


def from_node(node: Node) -> Any:
    """Plain Python value of a node, resolving plain scalars like go-yaml v3 into ``any``."""
    if isinstance(node, Scalar):
        if node.style is Style.PLAIN:
            tag, value = resolve(node.value)
            if tag == "!!float" and isinstance(value, float) and math.isnan(value):
                return value
            return value
        if node.tag in ("!!int",):
            return int(node.value)
        return node.value
    if isinstance(node, Sequence):
        return [from_node(v) for v in node.items]
    if isinstance(node, Mapping):
        return {k.value: from_node(v) for k, v in node.items}
    raise TypeError(f"unknown node {type(node).__name__}")  # pragma: no cover

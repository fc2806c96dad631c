"""Kubernetes-flavoured field types of Talos ``pkg/machinery/config/types/meta``.

The k8s documents reuse two Go types whose YAML form and merge behaviour are custom, and users see
those details in generated configs and patches:

* :class:`Args` — ``extraArgs`` flags, each a string or a list of strings, merged key by key;
* :class:`Unstructured` — literal Kubernetes configuration blobs (sorted keys, deep-merged maps).

The other ``meta`` types are shared by many groups and live in ``types/common/``: ``URL``
(:mod:`.common.url`), ``Prefix``/``Addr``/``AddrPort`` (:mod:`.common.netaddr`) and
``CertificateAndKey``/``assert_valid_pem`` (:mod:`.common.pem`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from ...yamlx import Mapping, Node, Scalar, Sequence, Style, from_node, go_key_sort, to_node
from ..errors import DecodeError
from ..schema import Codec

ArgValue = str | list[str]
"""One flag's value: a single string, or a list of strings (each repeated as its own flag)."""

_ARG_VALUE_ERROR = "arg value must be a string or list of strings"


def _decode_arg_value(node: Node, path: str) -> ArgValue:
    if isinstance(node, Scalar):
        # go-yaml stores any scalar's text in a string; a null leaves the string empty
        if node.plain and node.value in ("", "~", "null", "Null", "NULL"):
            return ""
        return node.value
    if isinstance(node, Sequence):
        items: list[str] = []
        for item in node.items:
            if not isinstance(item, Scalar):
                raise DecodeError(path, node.line, _ARG_VALUE_ERROR)
            items.append(item.value)
        return items
    raise DecodeError(path, node.line, _ARG_VALUE_ERROR)


def _encode_arg_value(value: ArgValue) -> Node:
    if isinstance(value, list):
        return Sequence([Scalar(item, "!!str", Style.ANY) for item in value], flow=not value)
    if value:
        return Scalar(value, "!!str", Style.ANY)
    return Scalar("null", "!!null", Style.PLAIN)


@dataclass
class Args(Codec):
    """``meta.Args``: flag name → a string or a list of strings.

    Encoded as a mapping with go-yaml's sorted key order; an empty string value is written as
    ``null`` and an empty list as ``[]`` (as Talos does). Merging copies the right side's keys over
    the left side's (no list appending).
    """

    values: dict[str, ArgValue] = field(default_factory=dict)

    @classmethod
    def decode(cls, node: Node, path: str) -> Args:
        if isinstance(node, Scalar) and node.plain and node.value in ("", "~", "null", "Null", "NULL"):
            return cls()
        if not isinstance(node, Mapping):
            raise DecodeError(path, node.line, "expected a mapping of argument names to values")
        values: dict[str, ArgValue] = {}
        for key, value in node.items:
            values[key.value] = _decode_arg_value(value, f"{path}.{key.value}" if path else key.value)
        return cls(values)

    def encode(self) -> Node:
        if not self.values:
            return Mapping(flow=True)
        return Mapping(
            [
                (Scalar(k, "!!str", Style.ANY), _encode_arg_value(self.values[k]))
                for k in go_key_sort(list(self.values))
            ]
        )

    def is_zero(self) -> bool:
        return not self.values

    def merge_from(self, other: Any) -> Any:
        """Talos ``Args.Merge``: keys of ``other`` overwrite ours; an empty ``other`` is a no-op."""
        if other is None:
            return self
        if not isinstance(other, Args):
            raise TypeError(f"cannot merge Args with {type(other).__name__}")
        if not other.values:
            return self
        merged = dict(self.values)
        merged.update({k: list(v) if isinstance(v, list) else v for k, v in other.values.items()})
        return Args(merged)

    def to_map(self) -> dict[str, list[str]]:
        """Every flag as a list of values (a single string becomes a one-element list; "" none)."""
        result: dict[str, list[str]] = {}
        for key, value in self.values.items():
            if isinstance(value, list):
                result[key] = list(value)
            else:
                result[key] = [value] if value else []
        return result

    def __len__(self) -> int:
        return len(self.values)

    def __contains__(self, key: object) -> bool:
        return key in self.values

    def __getitem__(self, key: str) -> ArgValue:
        return self.values[key]

    @classmethod
    def of(cls, values: dict[str, ArgValue] | None = None, **kwargs: ArgValue) -> Args:
        """Build from a dict (and/or keyword flags): ``Args.of({"feature-gates": "X=true"})``."""
        merged: dict[str, ArgValue] = dict(values or {})
        merged.update(kwargs)
        return cls(merged)


# ---------------------------------------------------------------- Unstructured


def _is_null(node: Node) -> bool:
    return isinstance(node, Scalar) and node.plain and node.value in ("", "~", "null", "Null", "NULL")


def merge_unstructured(left: Any, right: Any) -> Any:
    """Talos ``merge.Merge`` on ``map[string]any`` values: maps key by key, lists appended."""
    if right is None:
        return left
    if left is None:
        return right
    if isinstance(left, dict) and isinstance(right, dict):
        merged = dict(left)
        for key, value in right.items():
            merged[key] = merge_unstructured(merged[key], value) if merged.get(key) is not None else value
        return merged
    if isinstance(left, list) and isinstance(right, list):
        return left + right
    if type(left) is not type(right):
        raise TypeError(f"merge type mismatch left {type(left).__name__} right {type(right).__name__}")
    if not isinstance(right, bool) and not right:
        return left
    return right


@dataclass
class Unstructured(Codec):
    """``meta.Unstructured``: a literal YAML mapping (Kubernetes configuration) kept as plain data.

    Written with sorted keys like a Go ``map[string]any``; an empty one is ``{}``. Merging is
    key by key (lists appended); fields tagged ``merge:"replace"`` use :func:`replace_if_set`.
    """

    object: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def decode(cls, node: Node, path: str) -> Unstructured:
        if _is_null(node):
            return cls()
        if not isinstance(node, Mapping):
            raise DecodeError(path, node.line, "expected a mapping")
        value = from_node(node)
        assert isinstance(value, dict)
        return cls({str(k): v for k, v in value.items()})

    def encode(self) -> Node:
        if not self.object:
            return Mapping(flow=True)
        return to_node(self.object, sort_keys=True)

    def is_zero(self) -> bool:
        return not self.object

    def merge_from(self, other: Any) -> Any:
        if other is None or not isinstance(other, Unstructured) or not other.object:
            return self
        merged = merge_unstructured(copy.deepcopy(self.object), copy.deepcopy(other.object))
        return Unstructured(merged)


def replace_if_set(left: Any, right: Any) -> Any:
    """Merge function for ``merge:"replace"`` codec fields: the right value wins unless it is zero."""
    if right is None or (isinstance(right, Codec) and right.is_zero()):
        return left
    return right

"""Commented examples for ``--with-examples``: what a generated config shows under fields it leaves empty.

``talosctl gen config`` writes, by default, not only each field's description but also commented-out
examples of the fields a generated config does not set, so users can uncomment and edit them. Talos's
encoder (``pkg/machinery/config/encoder``) decides where they go, and users compare layouts, so this
module renders them the same way:

* an omitted (``omitempty``) empty field: ``# # <doc>`` / ``# # <description>`` then ``# key: value``
  lines, collected per struct and hung as a foot comment below the struct's last key (or below the
  empty mapping ``{}``), separated by blank lines;
* an empty field that is still written (``certSANs: []``): the description and the value alone,
  indented two columns, as a foot comment of the value.

Example values are plain data or :class:`~.schema.Struct` instances, encoded with the field's type
(docs and nested examples included), then commented out. Comments never change what the YAML means.
"""

from __future__ import annotations

import contextvars
import re
from typing import Any

from ..yamlx import Mapping, Node, Scalar, Sequence, Style, emit, go_key_sort, to_node
from .schema import Codec, ExampleList, FieldInfo, Struct, encode_struct, is_zero

# examples inside examples are rendered (as Talos does), but not endlessly for self-similar types
_MAX_DEPTH = 2
_depth: contextvars.ContextVar[int] = contextvars.ContextVar("example_depth", default=0)
_resolved: dict[int, ExampleList] = {}

_LINE_START_HASH = re.compile(r"(?m)^#")
_NON_EMPTY_LINE = re.compile(r"(?m)^(.)")


def field_examples(fi: FieldInfo) -> ExampleList:
    """The ``(description, value)`` pairs of a field (calling a lazy examples function once)."""
    examples = fi.examples
    if not callable(examples):
        return examples
    cached = _resolved.get(id(fi))
    if cached is None:
        cached = tuple(examples())
        _resolved[id(fi)] = cached
    return cached


def example_node(fi: FieldInfo | None, value: Any, with_docs: bool) -> Node:
    """Encode an example value, using the field's element types where the value follows them."""
    if isinstance(value, Struct):
        return encode_struct(value, with_docs, True)
    if isinstance(value, Codec):
        node: Node = value.encode()
        return node
    if isinstance(value, (list, tuple)):
        elem = fi.elem if fi is not None and fi.kind == "list" else None
        return Sequence([example_node(elem, item, with_docs) for item in value])
    if isinstance(value, dict):
        if fi is None or fi.kind != "map" or not all(isinstance(k, str) for k in value):
            return to_node(value, sort_keys=True)
        elem = fi.elem
        return Mapping(
            [
                (Scalar(k, "!!str", Style.ANY), example_node(elem, value[k], with_docs))
                for k in go_key_sort(list(value))
            ]
        )
    return to_node(value)


def render_examples(fi: FieldInfo, key: str, with_docs: bool) -> str:
    """The commented-out examples of field ``fi``: under ``key`` when given, else the bare values.

    The text is a foot comment for :mod:`~pytalos.machinery.yamlx` (lines not starting with ``#``
    get ``# `` when written); "" when the field has no non-empty example or examples nest too deep.
    """
    depth = _depth.get()
    if depth >= _MAX_DEPTH:
        return ""
    token = _depth.set(depth + 1)
    try:
        return "".join(_render_one(fi, key, with_docs, i, name, value) for i, (name, value) in _non_empty(fi))
    finally:
        _depth.reset(token)


def _non_empty(fi: FieldInfo) -> list[tuple[int, tuple[str, Any]]]:
    return [(i, pair) for i, pair in enumerate(field_examples(fi)) if not is_zero(pair[1])]


def _render_one(fi: FieldInfo, key: str, with_docs: bool, index: int, name: str, value: Any) -> str:
    node = example_node(fi, value, with_docs)
    if not key:
        head = f"# {name}\n" if name else ""
        # the bare value sits two columns in, below the value it illustrates
        return _NON_EMPTY_LINE.sub(r"  \1", head + emit(node))
    lines = [fi.doc] if index == 0 and with_docs and fi.doc else []
    if name:
        lines += [""] if lines else []
        lines.append(name)
    head = "".join(f"# {line}\n" if line else "\n" for line in lines)
    body = emit(Mapping([(Scalar(key, "!!str", Style.ANY), node)]))
    # "# # ..." keeps the descriptions apart from the commented-out YAML
    return _LINE_START_HASH.sub("# #", head + body)

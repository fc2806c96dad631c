"""go-yaml v3 compatible YAML for pytalos: a positioned node tree, a parser and an exact emitter.

``dumps``/``loads`` cover plain data; the machine-config codec works on the node tree directly.
"""

from __future__ import annotations

from typing import Any

from .convert import from_node, go_key_sort, to_node
from .emitter import emit, emit_documents
from .nodes import Mapping, Node, Scalar, Sequence, Style
from .parser import YAMLError, parse_document, parse_documents

__all__ = [
    "Mapping",
    "Node",
    "Scalar",
    "Sequence",
    "Style",
    "YAMLError",
    "dumps",
    "emit",
    "emit_documents",
    "from_node",
    "go_key_sort",
    "loads",
    "loads_all",
    "parse_document",
    "parse_documents",
    "to_node",
]


def dumps(value: Any, sort_keys: bool = False, indent: int = 4) -> str:
    """Encode plain data as go-yaml v3 would (dict order kept unless ``sort_keys``)."""
    return emit(to_node(value, sort_keys), indent)


def loads(text: str | bytes, source: str = "") -> Any:
    """Decode a single YAML document into plain data (None for an empty input)."""
    node = parse_document(text, source)
    return None if node is None else from_node(node)


def loads_all(text: str | bytes, source: str = "") -> list[Any]:
    return [from_node(n) for n in parse_documents(text, source)]

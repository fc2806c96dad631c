"""RFC 6902 JSON Patch on plain data, the second patch format Talos accepts.

``talosctl ... --config-patch '[{"op": "add", "path": "/machine/certSANs/-", "value": "x"}]'`` is how
many users script changes to a single-document config; Talos applies it with evanphx/json-patch on
the JSON form of the YAML. We implement the six operations ourselves over Python values (the same
JSON data model: dicts, lists, scalars) so the machinery has no extra dependency and the errors can
say which operation and which pointer failed.
"""

from __future__ import annotations

import copy
from typing import Any

from ..errors import ConfigError

OPERATIONS = ("add", "remove", "replace", "move", "copy", "test")


class JSONPatchError(ConfigError):
    """A JSON patch that is malformed or does not apply to the document."""


def parse_pointer(pointer: str) -> list[str]:
    """Split an RFC 6901 JSON pointer into unescaped reference tokens ("" is the whole document)."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise JSONPatchError(f"invalid JSON pointer {pointer!r}: must be empty or start with '/'")
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/")]


def _index(token: str, length: int, pointer: str, allow_end: bool) -> int:
    if token == "-" and allow_end:
        return length
    if not token.isdigit() or (len(token) > 1 and token.startswith("0")):
        raise JSONPatchError(f"invalid array index {token!r} in {pointer!r}")
    index = int(token)
    if index > length or (index == length and not allow_end):
        raise JSONPatchError(f"array index {index} out of bounds in {pointer!r}")
    return index


def _parent(doc: Any, tokens: list[str], pointer: str, op: str) -> Any:
    node = doc
    for token in tokens[:-1]:
        if isinstance(node, dict):
            if token not in node:
                raise JSONPatchError(f"{op} operation does not apply: doc is missing path: {pointer!r}")
            node = node[token]
        elif isinstance(node, list):
            node = node[_index(token, len(node), pointer, False)]
        else:
            raise JSONPatchError(f"{op} operation does not apply: doc is missing path: {pointer!r}")
    return node


def get_pointer(doc: Any, pointer: str, op: str = "get") -> Any:
    tokens = parse_pointer(pointer)
    if not tokens:
        return doc
    parent = _parent(doc, tokens, pointer, op)
    last = tokens[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise JSONPatchError(f"{op} operation does not apply: doc is missing key: {pointer!r}")
        return parent[last]
    if isinstance(parent, list):
        return parent[_index(last, len(parent), pointer, False)]
    raise JSONPatchError(f"{op} operation does not apply: doc is missing path: {pointer!r}")


def _add(doc: Any, pointer: str, value: Any, op: str = "add") -> Any:
    tokens = parse_pointer(pointer)
    if not tokens:
        return value
    parent = _parent(doc, tokens, pointer, op)
    last = tokens[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        parent.insert(_index(last, len(parent), pointer, True), value)
    else:
        raise JSONPatchError(f"{op} operation does not apply: doc is missing path: {pointer!r}")
    return doc


def _remove(doc: Any, pointer: str, op: str = "remove") -> tuple[Any, Any]:
    tokens = parse_pointer(pointer)
    if not tokens:
        raise JSONPatchError(f"{op} operation cannot remove the whole document")
    parent = _parent(doc, tokens, pointer, op)
    last = tokens[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise JSONPatchError(f"{op} operation does not apply: doc is missing key: {pointer!r}")
        return doc, parent.pop(last)
    if isinstance(parent, list):
        return doc, parent.pop(_index(last, len(parent), pointer, False))
    raise JSONPatchError(f"{op} operation does not apply: doc is missing path: {pointer!r}")


def _require(operation: dict[str, Any], key: str, position: int) -> Any:
    if key not in operation:
        raise JSONPatchError(f"JSON patch operation {position}: missing {key!r}")
    return operation[key]


def _pointer_arg(operation: dict[str, Any], key: str, position: int) -> str:
    value = _require(operation, key, position)
    if not isinstance(value, str):
        raise JSONPatchError(f"JSON patch operation {position}: {key!r} must be a string")
    return value


def apply_operations(doc: Any, operations: list[dict[str, Any]]) -> Any:
    """Apply the operations in order to a deep copy of ``doc`` and return the result."""
    doc = copy.deepcopy(doc)
    for position, operation in enumerate(operations):
        if not isinstance(operation, dict):
            raise JSONPatchError(f"JSON patch operation {position}: expected an object")
        op = _require(operation, "op", position)
        if op not in OPERATIONS:
            raise JSONPatchError(f"JSON patch operation {position}: unexpected op {op!r}")
        path = _pointer_arg(operation, "path", position)
        if op == "add":
            doc = _add(doc, path, copy.deepcopy(_require(operation, "value", position)))
        elif op == "remove":
            doc, _ = _remove(doc, path)
        elif op == "replace":
            value = copy.deepcopy(_require(operation, "value", position))
            get_pointer(doc, path, "replace")
            if path == "":
                doc = value
            else:
                doc, _ = _remove(doc, path, "replace")
                doc = _add(doc, path, value, "replace")
        elif op == "move":
            source = _pointer_arg(operation, "from", position)
            if path != source and path.startswith(source + "/"):
                raise JSONPatchError(f"move operation cannot move {source!r} into its own child {path!r}")
            value = get_pointer(doc, source, "move")
            if source == "":
                doc = value
            else:
                doc, value = _remove(doc, source, "move")
            doc = _add(doc, path, value, "move")
        elif op == "copy":
            source = _pointer_arg(operation, "from", position)
            doc = _add(doc, path, copy.deepcopy(get_pointer(doc, source, "copy")), "copy")
        else:
            expected = _require(operation, "value", position)
            actual = get_pointer(doc, path, "test")
            if not _json_equal(actual, expected):
                raise JSONPatchError(f"testing value {path!r} failed: {actual!r} != {expected!r}")
    return doc


def _json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)

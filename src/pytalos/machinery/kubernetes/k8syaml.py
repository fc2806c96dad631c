"""Kubernetes objects as ``sigs.k8s.io/yaml`` writes them (what Talos's ``k8stemplates.Marshal`` emits).

Keys are sorted (Go marshals through JSON into a map), indentation is two spaces and a sequence
under a mapping key is not indented (go-yaml v2), empty mappings print as ``{}``. Scalars are quoted
exactly when go-yaml would read them back as something other than a string (``"111"``, ``"true"``),
which :mod:`pytalos.machinery.yamlx` already decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pytalos.machinery import yamlx


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return yamlx.dumps(str(value)).rstrip("\n")


def _emit(value: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, Mapping):
        for key in sorted(value):
            item = value[key]
            head = f"{pad}{_scalar(str(key))}:"
            if isinstance(item, Mapping) and item:
                out.append(head + "\n")
                _emit(item, indent + 2, out)
            elif isinstance(item, Sequence) and not isinstance(item, str) and item:
                out.append(head + "\n")
                _emit(item, indent, out)
            else:
                out.append(f"{head} {_inline(item)}\n")
        return
    for item in value:
        if isinstance(item, Mapping) and item:
            lines: list[str] = []
            _emit(item, indent + 2, lines)
            first = lines[0]
            out.append(f"{pad}- {first[indent + 2 :]}")
            out.extend(lines[1:])
        elif isinstance(item, Sequence) and not isinstance(item, str) and item:
            lines = []
            _emit(item, indent + 2, lines)
            out.append(f"{pad}- {lines[0][indent + 2 :]}")
            out.extend(lines[1:])
        else:
            out.append(f"{pad}- {_inline(item)}\n")


def _inline(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{}"
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "[]"
    return _scalar(value)


def marshal(obj: Mapping[str, Any]) -> str:
    """The YAML text of a Kubernetes object given as plain data."""
    out: list[str] = []
    _emit(obj, 0, out)
    return "".join(out)

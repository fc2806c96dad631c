"""Turn ``--config-patch`` arguments into patches (Talos ``configpatcher/load.go``).

A patch argument is inline text, ``@file`` or a bare file name, and its content is one of three
formats, tried in Talos's order: a strategic merge patch (a partial machine config, possibly several
documents, with ``$patch: delete`` markers), a JSON6902 patch written as JSON, or the same written as
a YAML list. Consecutive JSON patches are joined into one, as Talos does. Reading files is the
caller's business (the machinery never touches the filesystem): it passes a ``read`` callback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...yamlx import YAMLError, loads
from ..container import Container
from ..errors import ConfigError
from ..loader import load


@dataclass
class StrategicMergePatch:
    """A partial config: documents to merge and ``$patch: delete`` selectors, applied in order."""

    container: Container
    source: str = ""

    def documents(self) -> list[Any]:
        return self.container.documents

    def bytes(self) -> bytes:
        return self.container.bytes()


@dataclass
class JSONPatch:
    """An RFC 6902 patch: a list of operations (dicts with ``op``, ``path``, ``value``/``from``)."""

    operations: list[dict[str, Any]] = field(default_factory=list)
    source: str = ""


Patch = StrategicMergePatch | JSONPatch


def load_patch(data: str | bytes, source: str = "") -> Patch:
    """Parse one patch: strategic merge first, then JSON6902 as JSON, then JSON6902 as a YAML list."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    try:
        container = load(data, source, allow_patch_delete=True, allow_duplicates=True)
        return StrategicMergePatch(container, source)
    except ConfigError as exc:
        strategic_error: ConfigError = exc

    try:
        decoded = json.loads(text)
    except ValueError as exc:
        json_error: ConfigError = ConfigError(f"invalid JSON patch: {exc}", source=source)
    else:
        if isinstance(decoded, list) and all(isinstance(op, dict) for op in decoded):
            return JSONPatch(decoded, source)
        json_error = ConfigError("invalid JSON patch: expected a list of operations", source=source)

    try:
        decoded = loads(text, source)
    except YAMLError:
        pass
    else:
        if decoded is None:
            return JSONPatch([], source)
        if isinstance(decoded, list) and all(isinstance(op, dict) for op in decoded):
            return JSONPatch([dict(op) for op in decoded], source)
    if text.strip().startswith("["):
        raise json_error
    raise strategic_error


def patch_reference(item: str) -> tuple[str, str]:
    """Classify a patch argument: ``("file", name)`` (``@name`` or a bare name) or ``("inline", text)``.

    Like Talos, a valid inline patch always contains a space or a newline, or starts with ``[``/``{``;
    anything else is taken as a file name given without ``@``.
    """
    if item.startswith("@"):
        return "file", item[1:]
    if not any(ch in item for ch in "\n ") and not item.startswith(("[", "{")):
        return "file", item
    return "inline", item


def load_patches(items: list[str], read: Callable[[str], bytes]) -> list[Patch]:
    """Load every patch argument in order; ``read(name)`` returns a file's bytes (may raise OSError)."""
    result: list[Patch] = []
    for item in items:
        kind, value = patch_reference(item)
        if kind == "file":
            patch = load_patch(read(value), value)
        else:
            patch = load_patch(value, "<inline patch>")
        if isinstance(patch, JSONPatch) and result and isinstance(result[-1], JSONPatch):
            result[-1] = JSONPatch(result[-1].operations + patch.operations, result[-1].source)
        else:
            result.append(patch)
    return result

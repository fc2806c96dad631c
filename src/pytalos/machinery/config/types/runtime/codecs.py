"""The octal file-mode codec of the runtime documents (``EtcFileMode``).

Talos writes ``EtcFileConfig`` permissions through a custom Go marshaler (an octal YAML int such as
``0o644``) with its own zero value and parse errors, so the field needs a small dedicated type.
URLs and CEL expressions, once here too, live in :mod:`..common.url` and :mod:`..common.cel`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ....yamlx import Node, Scalar, Style, from_node
from ...errors import DecodeError
from ...schema import Codec


@dataclass
class FileMode(Codec):
    """Go ``EtcFileMode``: permission bits, written as an octal YAML int (``0o644``)."""

    mode: int = 0

    @classmethod
    def decode(cls, node: Node, path: str) -> FileMode:
        if not isinstance(node, Scalar):
            raise DecodeError(path, node.line, "expected a file mode such as 0o644")
        if node.plain and node.value in ("", "~", "null", "Null", "NULL"):
            return cls(0)
        value: Any = from_node(node) if node.plain else node.value
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 0xFFFFFFFF:
            raise DecodeError(path, node.line, f"cannot decode {node.value!r} into a file mode")
        return cls(value)

    def encode(self) -> Node:
        return Scalar(str(self), "!!int", Style.PLAIN)

    def is_zero(self) -> bool:
        return self.mode == 0

    def __str__(self) -> str:
        return "0o" + format(self.mode, "o")

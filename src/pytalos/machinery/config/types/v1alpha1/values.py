"""Scalar-like v1alpha1 types with their own YAML form (Go types with custom Marshal/UnmarshalYAML).

* :class:`Unstructured` — free-form Kubernetes objects (audit policy, admission plugin configuration,
  static pods…), written with go-yaml's sorted keys and merged key by key;
* :class:`FileMode` — ``machine.files[].permissions``, written as ``0o644``;
* :class:`DiskSize` / :class:`InstallDiskSizeMatcher` — humanized byte sizes (``100 MB``, ``>= 1TB``).

They must round-trip byte for byte, so each gets a codec instead of a plain Python value.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ....yamlx import Mapping, Node, Scalar, Style, from_node, to_node
from ...errors import DecodeError
from ...schema import Codec
from ..meta import merge_unstructured as merge_unstructured

# ---------------------------------------------------------------- Unstructured


@dataclass
class Unstructured(Codec):
    """Talos ``Unstructured``: a free-form mapping (``None`` when absent)."""

    object: dict[str, Any] | None = None

    @classmethod
    def decode(cls, node: Node, path: str) -> Unstructured:
        if isinstance(node, Scalar) and node.plain and node.value in ("", "~", "null", "Null", "NULL"):
            return cls()
        if not isinstance(node, Mapping):
            raise DecodeError(path, node.line, "expected a mapping")
        value = from_node(node)
        assert isinstance(value, dict)
        return cls(value)

    def encode(self) -> Node:
        if not self.object:
            return Mapping(flow=True)
        return to_node(self.object, sort_keys=True)

    def is_zero(self) -> bool:
        return not self.object

    def merge_from(self, other: Any) -> Any:
        if not isinstance(other, Unstructured) or other.object is None:
            return self
        return Unstructured(merge_unstructured(self.object, other.object))

    def __bool__(self) -> bool:
        return bool(self.object)


# ---------------------------------------------------------------- FileMode


def _parse_go_int(text: str) -> int:
    """go-yaml's integer resolution (``strconv.ParseInt(s, 0, 64)``: 0x, 0o, 0b and leading-0 octal)."""
    s = text.replace("_", "")
    sign = -1 if s.startswith("-") else 1
    s = s.lstrip("+-")
    lower = s.lower()
    if lower.startswith(("0x", "0o", "0b")):
        return sign * int(s[2:], {"x": 16, "o": 8, "b": 2}[lower[1]])
    if len(s) > 1 and s.startswith("0"):
        return sign * int(s, 8)
    return sign * int(s, 10)


@dataclass
class FileMode(Codec):
    """Unix permission bits, written as an octal ``!!int`` (``0o644``)."""

    ZEROER: ClassVar[bool] = False

    mode: int = 0

    @classmethod
    def decode(cls, node: Node, path: str) -> FileMode:
        if not isinstance(node, Scalar):
            raise DecodeError(path, node.line, "expected file permissions as an integer")
        if node.plain and node.value in ("", "~", "null", "Null", "NULL"):
            return cls()
        try:
            value = _parse_go_int(node.value.strip())
        except ValueError:
            raise DecodeError(path, node.line, f"cannot decode {node.value!r} into FileMode") from None
        if not 0 <= value < 2**32:
            raise DecodeError(path, node.line, f"cannot decode {node.value!r} into FileMode (out of range)")
        return cls(value)

    def encode(self) -> Node:
        return Scalar(f"0o{self.mode:o}", "!!int", Style.PLAIN)

    def is_zero(self) -> bool:
        return self.mode == 0


# ---------------------------------------------------------------- humanized sizes

_SI_SIZES = ("B", "kB", "MB", "GB", "TB", "PB", "EB")
_BYTE_UNITS = {
    "b": 1,
    "": 1,
    "k": 1000,
    "kb": 1000,
    "m": 1000**2,
    "mb": 1000**2,
    "g": 1000**3,
    "gb": 1000**3,
    "t": 1000**4,
    "tb": 1000**4,
    "p": 1000**5,
    "pb": 1000**5,
    "e": 1000**6,
    "eb": 1000**6,
    "ki": 1024,
    "kib": 1024,
    "mi": 1024**2,
    "mib": 1024**2,
    "gi": 1024**3,
    "gib": 1024**3,
    "ti": 1024**4,
    "tib": 1024**4,
    "pi": 1024**5,
    "pib": 1024**5,
    "ei": 1024**6,
    "eib": 1024**6,
}


def parse_bytes(text: str) -> int:
    """go-humanize ``ParseBytes``: ``"42 MB"`` → 42000000, ``"1.5GiB"``, ``"100"``."""
    s = text.strip()
    i = 0
    while i < len(s) and (s[i].isdigit() or s[i] in ".,"):
        i += 1
    number, unit = s[:i].replace(",", ""), s[i:].strip().lower()
    try:
        value = float(number)
    except ValueError:
        raise ValueError(f"strconv.ParseFloat: parsing {number!r}: invalid syntax") from None
    if unit not in _BYTE_UNITS:
        raise ValueError(f"unhandled size name: {unit}")
    total = value * _BYTE_UNITS[unit]
    if total >= 2**64:
        raise ValueError(f"too large: {text}")
    return int(total)


def format_bytes(size: int) -> str:
    """go-humanize ``Bytes`` (SI units): 100000000 → ``"100 MB"``."""
    if size < 10:
        return f"{size} B"
    exp = math.floor(math.log(size) / math.log(1000))
    val = math.floor(size / 1000**exp * 10 + 0.5) / 10
    text = f"{val:.1f}" if val < 10 else f"{val:.0f}"
    return f"{text} {_SI_SIZES[exp]}"


@dataclass
class DiskSize(Codec):
    """A partition size in bytes: written humanized when that is exact, else as an integer."""

    size: int = 0

    @classmethod
    def decode(cls, node: Node, path: str) -> DiskSize:
        if not isinstance(node, Scalar):
            raise DecodeError(path, node.line, "expected a size like 100 MB or a byte count")
        try:
            return cls(parse_bytes(node.value))
        except ValueError as exc:
            raise DecodeError(path, node.line, str(exc)) from None

    def encode(self) -> Node:
        if self.size % 1000 == 0:
            text = format_bytes(self.size)
            try:
                if parse_bytes(text) == self.size:
                    return Scalar(text, "!!str", Style.ANY)
            except ValueError:  # pragma: no cover - format_bytes output always parses
                pass
        return Scalar(str(self.size), "!!int", Style.PLAIN)

    def is_zero(self) -> bool:
        return self.size == 0


_CONDITION = re.compile(r"(>=|<=|>|<|==)?\s*(.*)$")


@dataclass
class InstallDiskSizeMatcher(Codec):
    """An install disk size condition (``>= 1TB``); written back as the (trimmed) text given."""

    ZEROER: ClassVar[bool] = False

    condition: str = ""
    op: str = field(default="", compare=False)
    size: int = field(default=0, compare=False)

    @classmethod
    def parse(cls, condition: str) -> InstallDiskSizeMatcher:
        text = condition.strip()
        m = _CONDITION.match(text)
        assert m is not None  # the pattern matches any string
        return cls(text, m.group(1) or "", parse_bytes(m.group(2).strip()))

    @classmethod
    def decode(cls, node: Node, path: str) -> InstallDiskSizeMatcher:
        if not isinstance(node, Scalar):
            raise DecodeError(path, node.line, "expected a size condition like >= 1TB")
        try:
            return cls.parse(node.value)
        except ValueError as exc:
            raise DecodeError(path, node.line, f"failed to parse disk size {node.value}: {exc}") from None

    def encode(self) -> Node:
        return Scalar(self.condition, "!!str", Style.ANY)

    def is_zero(self) -> bool:
        return not self.condition

    def matches(self, size: int) -> bool:
        """Whether a disk of ``size`` bytes satisfies the condition."""
        return {
            ">=": size >= self.size,
            "<=": size <= self.size,
            ">": size > self.size,
            "<": size < self.size,
        }.get(self.op, size == self.size)

"""The one base for Talos's ``enumer``-generated enums (network modes, volume types, RAID levels…).

In Go these are small integers that marshal to their names (``802.3ad``, ``partition``, ``raid1``).
The integer matters for Go's semantics (the zero value is dropped by ``omitempty``; ``auto: off`` is
zero), the name for the YAML text. Decoding accepts the exact name or any case variant and rejects
the rest with enumer's message (``X does not belong to VolumeType values``); a YAML null is the zero
value. Every group's enums subclass :class:`GoEnum` and only list their names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Self

from ....yamlx import Node, Scalar, Style
from ...errors import DecodeError
from ...schema import Codec

_NULLS = ("", "~", "null", "Null", "NULL")


def sequential(*names: str) -> dict[int, str]:
    """``NAMES`` for an enum whose values count up from 0 in Go's declaration order."""
    return dict(enumerate(names))


@dataclass(eq=False)
class GoEnum(Codec):
    """An enum codec: subclasses set ``NAMES`` (value → name) and ``TYPE_NAME`` (the Go type)."""

    value: int = 0

    NAMES: ClassVar[Mapping[int, str]] = {}
    TYPE_NAME: ClassVar[str] = "Enum"
    # a plain Go integer type: no IsZero(), so a non-nil pointer to it is always written
    ZEROER: ClassVar[bool] = False

    @classmethod
    def parse(cls, text: str) -> Self:
        """Parse a name (exact, else case-insensitive); ValueError with enumer's message otherwise."""
        for value, name in cls.NAMES.items():
            if name == text:
                return cls(value)
        lower = text.lower()
        for value, name in cls.NAMES.items():
            if name.lower() == lower:
                return cls(value)
        raise ValueError(f"{text} does not belong to {cls.TYPE_NAME} values")

    @classmethod
    def of(cls, text: str) -> Self:
        return cls.parse(text)

    @classmethod
    def decode(cls, node: Node, path: str) -> Self:
        if not isinstance(node, Scalar):
            raise DecodeError(path, node.line, f"expected one of {', '.join(cls.NAMES.values())}")
        if node.plain and node.value in _NULLS:
            return cls()
        try:
            return cls.parse(node.value)
        except ValueError as exc:
            raise DecodeError(path, node.line, str(exc)) from None

    def encode(self) -> Node:
        return Scalar(str(self), "!!str", Style.ANY)

    def is_zero(self) -> bool:
        return self.value == 0

    @property
    def name(self) -> str:
        return str(self)

    def __str__(self) -> str:
        return self.NAMES.get(self.value, f"{self.TYPE_NAME}({self.value})")

    def __eq__(self, other: object) -> bool:
        """Equal to the same member, or to its name as a string (``volume_type == "disk"``)."""
        if isinstance(other, str):
            return self.name == other
        if isinstance(other, GoEnum):
            return type(self) is type(other) and self.value == other.value
        return NotImplemented

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.value))

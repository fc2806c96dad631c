"""Port ranges of firewall rules (``NetworkRuleConfig.portSelector.ports``).

A rule lists single ports (``53``, written as a YAML integer) and inclusive ranges (``8000-9000``,
a string); Talos keeps each entry's form on output and rejects inverted or overlapping ranges, so
the type is a codec plus a validation helper with Talos's error texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ....yamlx import Node, Scalar, Style
from ...errors import DecodeError
from ...schema import Codec


@dataclass
class PortRange(Codec):
    """An inclusive port range; ``lo == hi`` is a single port."""

    lo: int = 0
    hi: int = 0

    @classmethod
    def parse(cls, text: str) -> PortRange:
        """Parse ``N`` or ``LO-HI`` (ValueError with Talos's message)."""
        if re.fullmatch(r"[0-9]+", text) and int(text) <= 0xFFFF:
            return cls(int(text), int(text))
        lo, sep, hi = text.partition("-")
        if not sep or not _is_u16(lo) or not _is_u16(hi):
            raise ValueError(f'invalid port range: "{text}"')
        return cls(int(lo), int(hi))

    @classmethod
    def decode(cls, node: Node, path: str) -> PortRange:
        if not isinstance(node, Scalar):
            raise DecodeError(path, node.line, "expected a port number or a port range like 8000-9000")
        text = node.value
        if node.plain and re.fullmatch(r"[0-9]+", text):
            if int(text) <= 0xFFFF:
                return cls(int(text), int(text))
            raise DecodeError(path, node.line, f'invalid port range: "{text}"')
        if re.fullmatch(r"[0-9]+", text):
            # a quoted number is a string, and a string must be a range
            raise DecodeError(path, node.line, f'invalid port range: "{text}"')
        try:
            return cls.parse(text)
        except ValueError as exc:
            raise DecodeError(path, node.line, str(exc)) from None

    def encode(self) -> Node:
        if self.lo == self.hi:
            return Scalar(str(self.lo), "!!int", Style.PLAIN)
        return Scalar(f"{self.lo}-{self.hi}", "!!str", Style.ANY)

    def is_zero(self) -> bool:
        return self.lo == 0 and self.hi == 0

    def __str__(self) -> str:
        return f"{self.lo}-{self.hi}"


def _is_u16(text: str) -> bool:
    return bool(re.fullmatch(r"\+?[0-9]+", text)) and int(text) <= 0xFFFF


def validate_port_ranges(ranges: list[PortRange]) -> str | None:
    """Talos ``PortRanges.Validate``: the first problem (inverted or overlapping range), or None."""
    ordered = sorted(ranges, key=lambda pr: pr.lo)
    for i, pr in enumerate(ordered):
        if pr.lo > pr.hi:
            return f"invalid port range: {pr}"
        if i > 0:
            prev = ordered[i - 1]
            if pr.lo == prev.lo or pr.lo <= prev.hi:
                return f"invalid port range: {pr}, overlaps with {prev}"
    return None

"""Scalar types with their own YAML form, shared by every document group.

Go's ``time.Duration`` is written by go-yaml as ``1m30s``; PEM blobs in v1alpha1 are base64 text;
both must round-trip byte for byte, so they get small codec classes instead of plain strings.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from ..yamlx import Node, Scalar, Style
from .errors import DecodeError
from .schema import Codec

_UNITS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "μs": 1_000,
    "ms": 1_000_000,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
}
_DURATION_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)")


def parse_go_duration(text: str) -> int:
    """Parse Go's ``time.ParseDuration`` syntax into nanoseconds (ValueError when invalid)."""
    s = text
    if s in ("0", "+0", "-0"):
        return 0
    sign = 1
    if s and s[0] in "+-":
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    if not s:
        raise ValueError(f'time: invalid duration "{text}"')
    total = 0
    pos = 0
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        if m is None or m.group(1) in ("", "."):
            raise ValueError(f'time: invalid duration "{text}"')
        number, unit = m.group(1), m.group(2)
        total += round(float(number) * _UNITS[unit])
        pos = m.end()
    return sign * total


def format_go_duration(ns: int) -> str:
    """Format nanoseconds like Go's ``Duration.String()`` (``1h0m0s``, ``100ms``, ``0s``)."""
    if ns == 0:
        return "0s"
    neg = ns < 0
    u = -ns if neg else ns
    if u < 10**9:
        if u < 1_000:
            out = f"{u}ns"
        elif u < 1_000_000:
            out = _frac(u, 1_000) + "µs"
        else:
            out = _frac(u, 1_000_000) + "ms"
    else:
        secs_total, rem = divmod(u, 10**9)
        hours, rest = divmod(secs_total, 3600)
        minutes, secs = divmod(rest, 60)
        sec_text = str(secs)
        if rem:
            sec_text += "." + f"{rem:09d}".rstrip("0")
        out = ""
        if hours:
            out += f"{hours}h"
        if hours or minutes:
            out += f"{minutes}m"
        out += sec_text + "s"
    return "-" + out if neg else out


def _frac(value: int, unit: int) -> str:
    whole, rem = divmod(value, unit)
    if not rem:
        return str(whole)
    width = len(str(unit)) - 1
    return f"{whole}." + f"{rem:0{width}d}".rstrip("0")


@dataclass
class Duration(Codec):
    """A Go ``time.Duration`` (nanoseconds), written as ``168h0m0s``."""

    nanoseconds: int = 0

    @classmethod
    def decode(cls, node: Node, path: str) -> Duration:
        if not isinstance(node, Scalar):
            raise DecodeError(path, node.line, "expected a duration like 30s or 1h30m")
        text = node.value.strip()
        if node.plain and re.fullmatch(r"-?[0-9]+", text):
            return cls(int(text))
        try:
            return cls(parse_go_duration(text))
        except (ValueError, KeyError):
            raise DecodeError(path, node.line, f'time: invalid duration "{node.value}"') from None

    def encode(self) -> Node:
        return Scalar(format_go_duration(self.nanoseconds), "!!str", Style.ANY)

    def is_zero(self) -> bool:
        return self.nanoseconds == 0

    @classmethod
    def of(cls, text: str) -> Duration:
        return cls(parse_go_duration(text))

    def __str__(self) -> str:
        return format_go_duration(self.nanoseconds)


@dataclass
class Base64Bytes(Codec):
    """Bytes written as standard base64 text (Talos's PEM fields in v1alpha1)."""

    data: bytes = b""

    @classmethod
    def decode(cls, node: Node, path: str) -> Base64Bytes:
        if not isinstance(node, Scalar):
            raise DecodeError(path, node.line, "expected base64 encoded data")
        if node.plain and node.value in ("", "~", "null"):
            return cls(b"")
        try:
            return cls(base64.b64decode(node.value.strip(), validate=True))
        except (binascii.Error, ValueError):
            raise DecodeError(path, node.line, "illegal base64 data") from None

    def encode(self) -> Node:
        return Scalar(base64.b64encode(self.data).decode("ascii"), "!!str", Style.ANY)

    def is_zero(self) -> bool:
        return not self.data

    def merge_from(self, other: Any) -> Any:
        return self if other is None or not other.data else other

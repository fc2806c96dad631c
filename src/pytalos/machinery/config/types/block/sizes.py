"""Human-readable sizes (``10GiB``, ``2.5TiB``, ``-10GiB``, ``80%``) that keep the text the user wrote.

Talos's ``meta.ByteSize`` and ``meta.Size`` parse sizes with go-humanize but marshal back the
original text, so a config that says ``2.5TiB`` is written back as ``2.5TiB`` (not a byte count).
Volume documents use them for ``minSize``/``maxSize``, XFS and trim tunables; the storage group reuses
them for LVM logical volumes. :func:`parse_bytes` and :func:`ibytes` mirror go-humanize's
``ParseBytes`` and ``IBytes`` so values and error texts match Talos.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from ....yamlx import Node, Scalar, Style
from ...errors import DecodeError
from ...schema import Codec

_KI = 1024
_K = 1000
_SIZE_TABLE: dict[str, int] = {
    "": 1,
    "b": 1,
    "k": _K,
    "kb": _K,
    "ki": _KI,
    "kib": _KI,
    "m": _K**2,
    "mb": _K**2,
    "mi": _KI**2,
    "mib": _KI**2,
    "g": _K**3,
    "gb": _K**3,
    "gi": _KI**3,
    "gib": _KI**3,
    "t": _K**4,
    "tb": _K**4,
    "ti": _KI**4,
    "tib": _KI**4,
    "p": _K**5,
    "pb": _K**5,
    "pi": _KI**5,
    "pib": _KI**5,
    "e": _K**6,
    "eb": _K**6,
    "ei": _KI**6,
    "eib": _KI**6,
}
_MAX_UINT64 = 2**64 - 1
_GO_DECIMAL = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NULLS = ("", "~", "null", "Null", "NULL")


def _go_parse_float(text: str) -> float:
    """``strconv.ParseFloat`` for decimal text (ValueError carries Go's message)."""
    if _GO_DECIMAL.fullmatch(text) or text.lower() in ("inf", "+inf", "-inf", "infinity", "nan"):
        return float(text)
    if text[:1] in "+-" and _GO_DECIMAL.fullmatch(text[1:]):
        return float(text)
    raise ValueError(f'strconv.ParseFloat: parsing "{text}": invalid syntax')


def go_float(value: float) -> str:
    """Format a float like Go's ``%v``."""
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    return re.sub(r"e([+-]?)(\d+)$", lambda m: f"e{m.group(1) or '+'}{int(m.group(2)):02d}", text)


def parse_bytes(text: str) -> int:
    """go-humanize ``ParseBytes``: ``10GiB`` → 10737418240 (SI and IEC units, case-insensitive)."""
    end = 0
    for ch in text:
        if not (ch.isdigit() or ch in ".,"):
            break
        end += 1
    number = text[:end].replace(",", "")
    value = _go_parse_float(number)
    unit = text[end:].strip().lower()
    if unit not in _SIZE_TABLE:
        raise ValueError(f"unhandled size name: {unit}")
    result = value * _SIZE_TABLE[unit]
    if result >= _MAX_UINT64:
        raise ValueError(f"too large: {text}")
    return int(result)


def ibytes(value: int) -> str:
    """go-humanize ``IBytes``: 1048576 → ``1.0 MiB``, 134217728 → ``128 MiB``."""
    if value < 10:
        return f"{value} B"
    exponent = math.floor(math.log(value) / math.log(1024))
    suffix = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"][exponent]
    scaled = math.floor(value / 1024**exponent * 10 + 0.5) / 10
    return f"{scaled:.0f} {suffix}" if scaled >= 10 else f"{scaled:.1f} {suffix}"


def _scalar_text(node: Node, path: str, what: str) -> str | None:
    if not isinstance(node, Scalar):
        raise DecodeError(path, node.line, f"expected {what}, got a mapping or list")
    if node.plain and node.value in _NULLS:
        return None
    return node.value


class _SizeCodec(Codec):
    """What both size codecs share: decoded from a scalar through ``parse``, written back as ``text``."""

    WHAT: ClassVar[str] = "a size"  # what the decode error says was expected

    @classmethod
    def parse(cls, text: str) -> Self:  # pragma: no cover - abstract
        raise NotImplementedError

    def text(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def decode(cls, node: Node, path: str) -> Self:
        text = _scalar_text(node, path, cls.WHAT)
        if text is None:
            return cls()
        try:
            return cls.parse(text)
        except ValueError as exc:
            raise DecodeError(path, node.line, str(exc)) from None

    def encode(self) -> Node:
        return Scalar(self.text(), "!!str", Style.ANY)

    def merge_from(self, other: Any) -> Any:
        return self if other is None or other.is_zero() else other


@dataclass
class ByteSize(_SizeCodec):
    """``meta.ByteSize``: bytes (optionally negative) that marshal back to their original text."""

    WHAT: ClassVar[str] = "a size like 10GiB"

    value: int | None = None
    raw: str | None = None
    negative: bool = False

    @classmethod
    def parse(cls, text: str) -> Self:
        """Parse ``10GiB`` / ``-10GiB`` / ``1024`` (ValueError on bad input); "" is the zero size."""
        if not text:
            return cls()
        body, negative = (text[1:], True) if text.startswith("-") else (text, False)
        return cls(parse_bytes(body), text, negative)

    def text(self) -> str:
        if self.raw is not None:
            return self.raw
        if self.value is not None:
            return ("-" if self.negative else "") + str(self.value)
        return ""

    def is_zero(self) -> bool:
        return self.value is None and self.raw is None

    def is_negative(self) -> bool:
        return self.negative

    def bytes(self) -> int:
        """The magnitude in bytes (0 when unset); check :meth:`is_negative` for the sign."""
        return self.value or 0


@dataclass
class Size(_SizeCodec):
    """``meta.Size``: either a byte size or a percentage (``80%``), kept as written."""

    WHAT: ClassVar[str] = "a size like 10GiB or 80%"

    byte_size: ByteSize | None = None
    percent: int | None = None
    raw_percent: str | None = None
    negative_percent: bool = False

    @classmethod
    def parse(cls, text: str) -> Self:
        """Parse ``50GiB``, ``-2GiB`` or ``90%`` (ValueError with Talos's message when invalid)."""
        if not text:
            return cls()
        if "%" not in text:
            return cls(byte_size=ByteSize.parse(text))
        if not text.endswith("%"):
            raise ValueError("percentage must end with '%'")
        body, negative = (text[1:], True) if text.startswith("-") else (text, False)
        try:
            number = _go_parse_float(body[:-1])
        except ValueError as exc:
            raise ValueError(f"invalid percentage value: {exc}") from None
        if number < 0 or number > 100:
            raise ValueError(f"percentage must be between 0 and 100, got {go_float(number)}")
        return cls(percent=int(number), raw_percent=text, negative_percent=negative)

    def text(self) -> str:
        if self.byte_size is not None:
            return self.byte_size.text()
        if self.raw_percent is not None:
            return self.raw_percent
        return "" if self.percent is None else str(self.percent)

    def is_zero(self) -> bool:
        byte_zero = self.byte_size is None or self.byte_size.is_zero()
        return byte_zero and self.percent is None and self.raw_percent is None

    def is_relative(self) -> bool:
        return self.percent is not None or self.raw_percent is not None

    def is_negative(self) -> bool:
        if self.byte_size is not None:
            return self.byte_size.is_negative()
        return self.negative_percent

    def bytes(self) -> int:
        """Absolute size in bytes (0 for percentages or when unset)."""
        return self.byte_size.bytes() if self.byte_size is not None else 0

    def relative_value(self) -> int | None:
        """The percentage, or None for absolute sizes."""
        return self.percent if self.is_relative() else None

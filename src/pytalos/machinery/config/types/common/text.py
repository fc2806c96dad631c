"""Base of the codecs whose Go type is marshalled as one YAML string kept verbatim.

``meta.URL`` and ``cel.Expression`` (and similar types) are strings in YAML whose text must round-trip
unchanged, whose zero value is the empty string (a YAML null reads as empty), and which may reject
bad text while loading with an error naming the field. :class:`TextCodec` implements that once;
subclasses only say what they hold and, optionally, how to check it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from ....yamlx import Node, Scalar, Style
from ...errors import DecodeError
from ...schema import Codec

_NULLS = ("", "~", "null", "Null", "NULL")


@dataclass
class TextCodec(Codec):
    """A string-valued codec: ``text`` as written; empty text is the zero value."""

    text: str = ""

    WHAT: ClassVar[str] = "a string"

    @classmethod
    def check(cls, text: str) -> str | None:
        """The error to report while decoding ``text`` (None: accepted). Subclasses override."""
        return None

    @classmethod
    def decode(cls, node: Node, path: str) -> Self:
        if not isinstance(node, Scalar):
            raise DecodeError(path, node.line, f"expected {cls.WHAT}")
        if node.plain and node.value in _NULLS:
            return cls()
        problem = cls.check(node.value)
        if problem is not None:
            raise DecodeError(path, node.line, problem)
        return cls(node.value)

    def encode(self) -> Node:
        return Scalar(self.text, "!!str", Style.ANY)

    def is_zero(self) -> bool:
        return not self.text

    def __str__(self) -> str:
        return self.text

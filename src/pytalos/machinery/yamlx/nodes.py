"""YAML node tree shared by the parser and the emitter.

Talos compares configs byte for byte, and users want errors with line numbers, so we never go
through plain Python objects when the exact shape matters: the loader produces these nodes (with
positions), the typed config model is decoded from them, and the encoder builds them back before
the go-yaml v3 compatible emitter writes text.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Style(enum.Enum):
    """How a scalar is (or must be) written."""

    ANY = "any"  # encoder picks like go-yaml v3 would for a Go string
    PLAIN = "plain"
    SINGLE = "single"
    DOUBLE = "double"
    LITERAL = "literal"
    FOLDED = "folded"


@dataclass(eq=False)
class Node:
    """Base of every node: where it came from (0-based line/column) and attached comments.

    ``foot_comment`` is written (by the emitter) after the node: after the value for a mapping key,
    after the node itself otherwise. Its lines are written as they are when they start with ``#``,
    else prefixed with ``# ``; empty lines stay blank (go-yaml v3's foot comments, which Talos uses for
    ``--with-examples``).
    """

    line: int = field(default=-1, kw_only=True)
    column: int = field(default=-1, kw_only=True)
    head_comment: str = field(default="", kw_only=True)
    line_comment: str = field(default="", kw_only=True)
    foot_comment: str = field(default="", kw_only=True)


@dataclass(eq=False)
class Scalar(Node):
    """A scalar: its text and style; ``tag`` is '!!str', '!!int', '!!bool', '!!float' or '!!null'."""

    value: str
    tag: str = "!!str"
    style: Style = Style.ANY

    @property
    def plain(self) -> bool:
        return self.style in (Style.PLAIN, Style.ANY)


@dataclass(eq=False)
class Mapping(Node):
    """A mapping with ordered items; keys are scalars."""

    items: list[tuple[Scalar, Node]] = field(default_factory=list)
    flow: bool = False

    def get(self, key: str) -> Node | None:
        for k, v in self.items:
            if k.value == key:
                return v
        return None

    def keys(self) -> list[str]:
        return [k.value for k, _ in self.items]


@dataclass(eq=False)
class Sequence(Node):
    """A sequence of nodes."""

    items: list[Node] = field(default_factory=list)
    flow: bool = False


def string(value: str, style: Style = Style.ANY) -> Scalar:
    return Scalar(value, "!!str", style)


def null() -> Scalar:
    return Scalar("null", "!!null", Style.PLAIN)


def boolean(value: bool) -> Scalar:
    return Scalar("true" if value else "false", "!!bool", Style.PLAIN)


def integer(value: int) -> Scalar:
    return Scalar(str(value), "!!int", Style.PLAIN)


def describe(node: Node) -> str:
    """Human name of a node kind, for error messages."""
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    if isinstance(node, Scalar):
        if node.tag == "!!null":
            return "null"
        return f"the scalar {node.value!r}"
    return "a node"

"""Scalar codecs used by the runtime (and cri) documents: URLs, CEL expressions, octal file modes.

Talos writes these through custom Go marshalers (``meta.URL``, ``cel.Expression``, ``EtcFileMode``);
each has its own zero value, YAML form and parse errors, so round-tripping and validation need
small dedicated types rather than plain strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ....yamlx import Node, Scalar, Style, from_node
from ...errors import DecodeError
from ...schema import Codec
from .gofmt import go_quote

_DIGITS = re.compile(r"[0-9]*")


class GoURLError(ValueError):
    """``url.Parse`` failure, worded like Go's ``parse "<raw>": <reason>``."""


def _go_scheme(raw: str) -> tuple[str, str]:
    """Split off the scheme like Go's ``getScheme`` (no scheme when the prefix is not one)."""
    for i, ch in enumerate(raw):
        if ch.isascii() and ch.isalpha():
            continue
        if ch.isascii() and (ch.isdigit() or ch in "+-."):
            if i == 0:
                return "", raw
            continue
        if ch == ":":
            if i == 0:
                raise GoURLError(f"parse {go_quote(raw)}: missing protocol scheme")
            return raw[:i].lower(), raw[i + 1 :]
        return "", raw
    return "", raw


def _split_host_port(host: str) -> tuple[str, str]:
    """Go's ``URL.Hostname()``/``URL.Port()`` split (port only when it is all digits)."""
    colon = host.rfind(":")
    if host.startswith("["):
        end = host.find("]")
        if end != -1 and colon < end:
            colon = -1
    if colon != -1 and _DIGITS.fullmatch(host[colon + 1 :]):
        hostname, port = host[:colon], host[colon + 1 :]
    else:
        port, hostname = "", host
    if hostname.startswith("[") and hostname.endswith("]"):
        hostname = hostname[1:-1]
    return hostname, port


@dataclass
class ParsedURL:
    """The parts of a URL the validators look at (what Go's ``*url.URL`` exposes)."""

    scheme: str = ""
    host: str = ""
    path: str = ""

    @property
    def hostname(self) -> str:
        return _split_host_port(self.host)[0]

    @property
    def port(self) -> str:
        return _split_host_port(self.host)[1]


def parse_go_url(raw: str) -> ParsedURL:
    """Parse ``raw`` with the checks of Go's ``url.Parse`` that users actually hit."""
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in raw):
        raise GoURLError(f"parse {go_quote(raw)}: net/url: invalid control character in URL")
    rest = raw.split("#", 1)[0]
    scheme, rest = _go_scheme(rest)
    rest = rest.split("?", 1)[0]
    if not scheme and ":" in rest.split("/", 1)[0]:
        raise GoURLError(f"parse {go_quote(raw)}: first path segment in URL cannot contain colon")
    host = ""
    if rest.startswith("//") and (scheme or not rest.startswith("///")):
        authority, slash, path = rest[2:].partition("/")
        path = slash + path
        host = authority.rsplit("@", 1)[-1]
        if host.startswith("[") and "]" not in host:
            raise GoURLError(f"parse {go_quote(raw)}: missing ']' in host")
        colon = host.rfind(":")
        if colon != -1 and colon > host.rfind("]"):
            port = host[colon + 1 :]
            if not _DIGITS.fullmatch(port):
                raise GoURLError(f"parse {go_quote(raw)}: invalid port {go_quote(host[colon:])} after host")
    else:
        path = rest
    return ParsedURL(scheme=scheme, host=host, path=path)


@dataclass
class URL(Codec):
    """Go ``meta.URL``: a URL string; empty means unset and is written as ``""``."""

    text: str = ""

    @classmethod
    def decode(cls, node: Node, path: str) -> URL:
        if not isinstance(node, Scalar):
            raise DecodeError(path, node.line, "expected a URL string")
        if node.plain and node.value in ("", "~", "null", "Null", "NULL"):
            return cls("")
        try:
            parse_go_url(node.value)
        except GoURLError as exc:
            raise DecodeError(path, node.line, str(exc)) from None
        return cls(node.value)

    def encode(self) -> Node:
        return Scalar(self.text, "!!str", Style.ANY)

    def is_zero(self) -> bool:
        return not self.text

    @property
    def parsed(self) -> ParsedURL | None:
        """The parsed URL, or None when unset (Go's nil ``*url.URL``)."""
        return parse_go_url(self.text) if self.text else None

    def __str__(self) -> str:
        return self.text


@dataclass
class CELExpression(Codec):
    """Go ``cel.Expression``: the expression text, written as a YAML string (zero when empty)."""

    text: str = ""

    @classmethod
    def decode(cls, node: Node, path: str) -> CELExpression:
        if not isinstance(node, Scalar):
            raise DecodeError(path, node.line, "expected a CEL expression string")
        if node.plain and node.value in ("~", "null", "Null", "NULL"):
            return cls("")
        return cls(node.value)

    def encode(self) -> Node:
        return Scalar(self.text, "!!str", Style.ANY)

    def is_zero(self) -> bool:
        return not self.text

    def __str__(self) -> str:
        return self.text


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

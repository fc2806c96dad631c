"""URL-valued fields (Talos ``meta.URL``), as used by DiscoveryServiceConfig and SideroLinkConfig.

Talos parses the text with Go's ``url.Parse`` when loading and writes ``URL.String()`` back; for the
URLs people write these are the same text, so pytalos keeps the original string (exact round-trip)
and offers the parsed parts (scheme, host, path, query) for validation. Loading rejects what
``url.Parse`` rejects most commonly (control characters, a missing scheme before ``:``, bad ``%``
escapes, non-numeric ports) with Go's message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, parse_qsl, quote_plus, urlsplit, urlunsplit

from ....yamlx import Node, Scalar, Style
from ...errors import DecodeError
from ...schema import Codec

_BAD_ESCAPE = re.compile(r"%(?![0-9a-fA-F]{2})(.{0,2})")


def go_url_parse_error(text: str) -> str | None:
    """The error Go's ``url.Parse`` would report for ``text`` (None when it parses)."""
    prefix = f'parse "{text}": '
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        return prefix + "net/url: invalid control character in URL"
    if text.startswith(":"):
        return prefix + "missing protocol scheme"
    m = _BAD_ESCAPE.search(text.split("#", 1)[0])
    if m is not None:
        return prefix + f'invalid URL escape "%{m.group(1)}"'
    try:
        parts = urlsplit(text)
        if parts.netloc:
            _ = parts.port
    except ValueError:
        port = text.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[-1]
        return prefix + f'invalid port ":{port}" after host'
    return None


@dataclass
class URL(Codec):
    """A URL kept as written; empty text is the unset (nil) URL."""

    text: str = ""

    @classmethod
    def decode(cls, node: Node, path: str) -> URL:
        if not isinstance(node, Scalar):
            raise DecodeError(path, node.line, "expected a URL string")
        if node.plain and node.value in ("", "~", "null", "Null", "NULL"):
            return cls()
        problem = go_url_parse_error(node.value)
        if problem is not None:
            raise DecodeError(path, node.line, problem)
        return cls(node.value)

    def encode(self) -> Node:
        return Scalar(self.text, "!!str", Style.ANY)

    def is_zero(self) -> bool:
        return self.text == ""

    def parts(self) -> SplitResult:
        return urlsplit(self.text)

    @property
    def scheme(self) -> str:
        return self.parts().scheme

    @property
    def hostname(self) -> str:
        return self.parts().hostname or ""

    @property
    def path(self) -> str:
        return self.parts().path

    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(self.parts().query, keep_blank_values=True)

    def with_query(self, overrides: dict[str, str]) -> URL:
        """Copy with the query re-encoded like Go's ``Values.Encode`` (keys sorted); each key of
        ``overrides`` that is present gets that single value (Go's ``Values.Set`` after ``Has``)."""
        grouped: dict[str, list[str]] = {}
        for k, v in self.query():
            grouped.setdefault(k, []).append(v)
        for k, v in overrides.items():
            if k in grouped:
                grouped[k] = [v]
        encoded = "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k in sorted(grouped) for v in grouped[k])
        return URL(urlunsplit(self.parts()._replace(query=encoded)))

    def merge_from(self, other: Any) -> Any:
        return self if other is None or other.is_zero() else other

    def __str__(self) -> str:
        return self.text

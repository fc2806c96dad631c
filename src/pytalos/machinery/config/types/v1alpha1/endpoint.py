"""``Endpoint``: a URL field (``cluster.controlPlane.endpoint``, logging destinations) with Go semantics.

Talos keeps these as a parsed ``net/url.URL`` and writes ``URL.String()`` back, and a config patch
merges the parsed URL *field by field* (``https://127.0.0.1:6643/`` patched with ``https://10.0.0.1``
gives ``https://10.0.0.1/``: the right side has no path, so the left one stays). To reproduce both
the text round trip and that merge we parse into the same components Go does.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from ....yamlx import Node, Scalar, Style
from ...errors import DecodeError
from ...schema import Codec

_HEX = "0123456789ABCDEF"
_UNRESERVED = frozenset("-_.~")
_HOST_OK = frozenset("!$&'()*+,;=:[]<>\"")
_RESERVED = frozenset("$&+,/:;=?@")
_PATH, _HOST, _FRAGMENT = "path", "host", "fragment"


def _should_escape(ch: int, mode: str) -> bool:
    c = chr(ch)
    if c.isascii() and c.isalnum():
        return False
    if mode == _HOST and c in _HOST_OK:
        return False
    if c in _UNRESERVED:
        return False
    if c in _RESERVED:
        return c == "?" if mode == _PATH else False
    return not (mode == _FRAGMENT and c in "!()*")


def _escape(text: str, mode: str) -> str:
    out = []
    for b in text.encode("utf-8"):
        out.append("%" + _HEX[b >> 4] + _HEX[b & 15] if _should_escape(b, mode) else chr(b))
    return "".join(out)


def _unescape(text: str) -> str:
    data = bytearray()
    i = 0
    raw = text.encode("utf-8")
    while i < len(raw):
        if raw[i] == ord("%"):
            chunk = raw[i + 1 : i + 3].decode("ascii", "replace")
            if len(chunk) != 2 or any(ch not in "0123456789abcdefABCDEF" for ch in chunk):
                raise ValueError(f'invalid URL escape "{raw[i : i + 3].decode("utf-8", "replace")}"')
            data.append(int(chunk, 16))
            i += 3
        else:
            data.append(raw[i])
            i += 1
    return data.decode("utf-8", "surrogateescape")


def _valid_encoded(text: str, mode: str) -> bool:
    for b in text.encode("utf-8"):
        if chr(b) in "!$&'()*+,;=:@[]%":
            continue
        if _should_escape(b, mode):
            return False
    return True


def _get_scheme(raw: str) -> tuple[str, str]:
    for i, c in enumerate(raw):
        if c.isascii() and c.isalpha():
            continue
        if c.isascii() and (c.isdigit() or c in "+-."):
            if i == 0:
                return "", raw
            continue
        if c == ":":
            if i == 0:
                raise ValueError("missing protocol scheme")
            return raw[:i], raw[i + 1 :]
        return "", raw
    return "", raw


def _check_host(host: str) -> None:
    if host.startswith("["):
        end = host.find("]")
        if end < 0:
            raise ValueError("missing ']' in host")
        port = host[end + 1 :]
    else:
        colon = host.rfind(":")
        port = host[colon:] if colon >= 0 else ""
    if port and (port[0] != ":" or not all(ch.isdigit() for ch in port[1:])):
        raise ValueError(f'invalid port "{port}" after host')


@dataclass
class Endpoint(Codec):
    """A parsed URL (Go ``url.URL`` fields); ``str(endpoint)`` is Go's ``URL.String()``."""

    ZEROER: ClassVar[bool] = False  # Go's Endpoint has no IsZero(): a non-nil pointer is always written

    scheme: str = ""
    opaque: str = ""
    user: str | None = None  # raw userinfo ("user:pass"), None when absent
    host: str = ""
    path: str = ""
    raw_path: str = ""
    omit_host: bool = False
    force_query: bool = False
    raw_query: str = ""
    fragment: str = ""
    raw_fragment: str = ""

    @classmethod
    def parse(cls, raw: str) -> Endpoint:
        """Go's ``url.Parse``; raises ValueError with Go's wording on malformed input."""
        try:
            return cls._parse(raw)
        except ValueError as exc:
            raise ValueError(f'parse "{raw}": {exc}') from None

    @classmethod
    def _parse(cls, raw: str) -> Endpoint:
        if any(ord(c) < 0x20 or ord(c) == 0x7F for c in raw):
            raise ValueError("net/url: invalid control character in URL")
        rest, sep, frag = raw.partition("#")
        url = cls()
        if rest == "*":
            url.path = "*"
        else:
            url._parse_main(rest)
        if sep:
            url.fragment = _unescape(frag)
            url.raw_fragment = "" if _escape(url.fragment, _FRAGMENT) == frag else frag
        return url

    def _parse_main(self, raw: str) -> None:
        scheme, rest = _get_scheme(raw)
        self.scheme = scheme.lower()
        if rest.endswith("?") and rest.count("?") == 1:
            self.force_query = True
            rest = rest[:-1]
        else:
            rest, _, self.raw_query = rest.partition("?")
        if not rest.startswith("/"):
            if self.scheme:
                self.opaque = rest
                return
            if ":" in rest.partition("/")[0]:
                raise ValueError("first path segment in URL cannot contain colon")
        if (self.scheme or not rest.startswith("///")) and rest.startswith("//"):
            authority, slash, tail = rest[2:].partition("/")
            rest = slash + tail
            userinfo, at, host = authority.rpartition("@")
            if at:
                self.user = userinfo
            _check_host(host)
            self.host = host
        elif self.scheme and rest.startswith("/"):
            self.omit_host = True
        self.path = _unescape(rest)
        self.raw_path = "" if _escape(self.path, _PATH) == rest else rest

    def escaped_path(self) -> str:
        """Go's ``URL.EscapedPath``."""
        if self.raw_path and _valid_encoded(self.raw_path, _PATH):
            try:
                if _unescape(self.raw_path) == self.path:
                    return self.raw_path
            except ValueError:
                pass
        if self.path == "*":
            return "*"
        return _escape(self.path, _PATH)

    def escaped_fragment(self) -> str:
        if self.raw_fragment and _valid_encoded(self.raw_fragment, _FRAGMENT):
            try:
                if _unescape(self.raw_fragment) == self.fragment:
                    return self.raw_fragment
            except ValueError:
                pass
        return _escape(self.fragment, _FRAGMENT)

    def __str__(self) -> str:
        buf = f"{self.scheme}:" if self.scheme else ""
        if self.opaque:
            buf += self.opaque
        else:
            has_authority = self.scheme or self.host or self.user is not None
            if has_authority and not (self.omit_host and not self.host and self.user is None):
                if self.host or self.path or self.user is not None:
                    buf += "//"
                if self.user is not None:
                    buf += self.user + "@"
                buf += _escape(self.host, _HOST)
            path = self.escaped_path()
            if path and path[0] != "/" and self.host:
                buf += "/"
            if not buf and ":" in path.partition("/")[0]:
                buf += "./"
            buf += path
        if self.force_query or self.raw_query:
            buf += "?" + self.raw_query
        if self.fragment:
            buf += "#" + self.escaped_fragment()
        return buf

    @property
    def port(self) -> str:
        """The port part of the host ("" when absent), like Go's ``URL.Port()``."""
        host = self.host
        if host.startswith("["):
            host = host[host.find("]") + 1 :]
        colon = host.rfind(":")
        return host[colon + 1 :] if colon >= 0 else ""

    @property
    def hostname(self) -> str:
        """The host without port and IPv6 brackets, like Go's ``URL.Hostname()``."""
        host = self.host
        if host.startswith("["):
            return host[1 : host.find("]")] if "]" in host else host[1:]
        return host.rpartition(":")[0] if ":" in host else host

    @classmethod
    def decode(cls, node: Node, path: str) -> Endpoint:
        if not isinstance(node, Scalar):
            raise DecodeError(path, node.line, "expected a URL string")
        text = node.value
        if node.plain and text in ("~", "null", "Null", "NULL"):
            text = ""
        try:
            return cls.parse(text)
        except ValueError as exc:
            raise DecodeError(path, node.line, str(exc)) from None

    def encode(self) -> Node:
        return Scalar(str(self), "!!str", Style.ANY)

    def is_zero(self) -> bool:
        return self == Endpoint()

    def merge_from(self, other: Any) -> Any:
        """``merge.Merge`` over ``url.URL``: each string field replaced unless empty, bools always."""
        if not isinstance(other, Endpoint):
            return self
        merged = dataclasses.replace(self)
        for f in dataclasses.fields(self):
            value = getattr(other, f.name)
            if isinstance(value, bool) or value:
                setattr(merged, f.name, value)
        if other.user is not None:
            merged.user = other.user
        return merged

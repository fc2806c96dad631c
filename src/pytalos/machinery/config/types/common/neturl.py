"""Go's ``net/url`` parser and ``URL.String()`` — the one copy every URL-valued field goes through.

Talos loads URL fields (``meta.URL``, the v1alpha1 endpoints, registry mirrors, SideroLink…) with
``url.Parse`` and writes them back with ``URL.String()``. Which text is accepted, what the parse
error says (``parse "<url>": missing protocol scheme``) and how a parsed URL is re-escaped are all
visible to users, so :class:`GoURL` reproduces the parts of ``net/url`` that config text can reach:
scheme, opaque, userinfo, host (with its escaping rules), path/``RawPath``, query and fragment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from .gofmt import go_quote

_HEX = "0123456789ABCDEF"
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_PATH, _HOST, _FRAGMENT = "path", "host", "fragment"


class GoURLError(ValueError):
    """``url.Parse`` failed; the text is Go's ``parse "<url>": <reason>``."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"parse {go_quote(url)}: {reason}")


class _Reason(ValueError):
    """A parse failure before the ``parse "<url>":`` prefix is added."""


def _should_escape(ch: str, mode: str) -> bool:
    """Go's ``shouldEscape`` for the path, host and fragment encodings."""
    if ch.isascii() and ch.isalnum():
        return False
    if mode == _HOST and ch in "!$&'()*+,;=:[]<>\"":
        return False
    if ch in "-_.~":
        return False
    if ch in "$&+,/:;=?@":
        if mode == _PATH:
            return ch == "?"
        if mode == _FRAGMENT:
            return False
    return not (mode == _FRAGMENT and ch in "!()*")


def escape(text: str, mode: str) -> str:
    """Go's ``escape`` (percent-encodes the UTF-8 bytes that ``mode`` does not allow)."""
    out = []
    for byte in text.encode("utf-8", "surrogateescape"):
        ch = chr(byte)
        out.append("%" + _HEX[byte >> 4] + _HEX[byte & 15] if _should_escape(ch, mode) else ch)
    return "".join(out)


def unescape(text: str, mode: str) -> str:
    """Go's ``unescape``: decodes ``%XX``; in host mode also enforces Go's host character rules."""
    data = bytearray()
    raw = text.encode("utf-8", "surrogateescape")
    i = 0
    while i < len(raw):
        ch = chr(raw[i])
        if ch == "%":
            chunk = raw[i : i + 3].decode("utf-8", "replace")
            if len(chunk) < 3 or chunk[1] not in _HEX_DIGITS or chunk[2] not in _HEX_DIGITS:
                raise _Reason(f"invalid URL escape {go_quote(chunk)}")
            if mode == _HOST and int(chunk[1], 16) < 8 and chunk != "%25":
                raise _Reason(f"invalid URL escape {go_quote(chunk)}")
            data.append(int(chunk[1:], 16))
            i += 3
            continue
        if mode == _HOST and raw[i] < 0x80 and _should_escape(ch, mode):
            raise _Reason(f"invalid character {go_quote(ch)} in host name")
        data.append(raw[i])
        i += 1
    return data.decode("utf-8", "surrogateescape")


def _valid_encoded(text: str, mode: str) -> bool:
    return all(ch in "!$&'()*+,;=:@[]%" or not _should_escape(ch, mode) for ch in text)


def _valid_optional_port(port: str) -> bool:
    if port == "":
        return True
    return port[0] == ":" and all(ch.isascii() and ch.isdigit() for ch in port[1:])


def split_host_port(hostport: str) -> tuple[str, str]:
    """Go's ``URL.Hostname()``/``URL.Port()`` split: the port only when it is all digits."""
    host, port = hostport, ""
    colon = host.rfind(":")
    if colon != -1 and _valid_optional_port(host[colon:]):
        host, port = host[:colon], host[colon + 1 :]
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, port


def _get_scheme(raw: str) -> tuple[str, str]:
    for i, ch in enumerate(raw):
        if ch.isascii() and ch.isalpha():
            continue
        if ch.isascii() and (ch.isdigit() or ch in "+-."):
            if i == 0:
                return "", raw
            continue
        if ch == ":":
            if i == 0:
                raise _Reason("missing protocol scheme")
            return raw[:i], raw[i + 1 :]
        return "", raw
    return "", raw


def _parse_host(host: str) -> str:
    if host.startswith("["):
        end = host.rfind("]")
        if end < 0:
            raise _Reason("missing ']' in host")
        port = host[end + 1 :]
    else:
        colon = host.rfind(":")
        port = host[colon:] if colon >= 0 else ""
    if not _valid_optional_port(port):
        raise _Reason(f"invalid port {go_quote(port)} after host")
    return unescape(host, _HOST)


@dataclass
class GoURL:
    """The fields of Go's ``url.URL``; :meth:`parse` is ``url.Parse``, ``str()`` is ``URL.String()``."""

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
    def parse(cls, raw: str) -> Self:
        """Go's ``url.Parse``; raises :class:`GoURLError` (a ValueError) with Go's wording."""
        rest, sep, frag = raw.partition("#")
        url = cls()
        try:
            url._parse_main(rest)
        except _Reason as exc:
            raise GoURLError(rest, str(exc)) from None
        if sep:
            try:
                url.fragment = unescape(frag, _FRAGMENT)
            except _Reason as exc:
                raise GoURLError(raw, str(exc)) from None
            url.raw_fragment = "" if escape(url.fragment, _FRAGMENT) == frag else frag
        return url

    def _parse_main(self, raw: str) -> None:
        if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in raw):
            raise _Reason("net/url: invalid control character in URL")
        if raw == "*":
            self.path = "*"
            return
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
                raise _Reason("first path segment in URL cannot contain colon")
        if (self.scheme or not rest.startswith("///")) and rest.startswith("//"):
            authority, slash, tail = rest[2:].partition("/")
            rest = slash + tail
            userinfo, at, host = authority.rpartition("@")
            self.host = _parse_host(host)
            if at:
                self.user = userinfo
        elif self.scheme and rest.startswith("/"):
            self.omit_host = True
        self.path = unescape(rest, _PATH)
        self.raw_path = "" if escape(self.path, _PATH) == rest else rest

    def escaped_path(self) -> str:
        """Go's ``URL.EscapedPath``."""
        if self.raw_path and _valid_encoded(self.raw_path, _PATH):
            try:
                if unescape(self.raw_path, _PATH) == self.path:
                    return self.raw_path
            except _Reason:
                pass
        if self.path == "*":
            return "*"
        return escape(self.path, _PATH)

    def escaped_fragment(self) -> str:
        """Go's ``URL.EscapedFragment``."""
        if self.raw_fragment and _valid_encoded(self.raw_fragment, _FRAGMENT):
            try:
                if unescape(self.raw_fragment, _FRAGMENT) == self.fragment:
                    return self.raw_fragment
            except _Reason:
                pass
        return escape(self.fragment, _FRAGMENT)

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
                buf += escape(self.host, _HOST)
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
    def hostname(self) -> str:
        """The host without port and IPv6 brackets (Go's ``URL.Hostname()``)."""
        return split_host_port(self.host)[0]

    @property
    def port(self) -> str:
        """The port text, "" when absent (Go's ``URL.Port()``)."""
        return split_host_port(self.host)[1]


def parse_go_url(raw: str) -> GoURL:
    """Go's ``url.Parse`` (raises :class:`GoURLError`)."""
    return GoURL.parse(raw)

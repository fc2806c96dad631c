"""Cluster endpoint checks for ``gen config``, with Talos's messages and "try: …" suggestions.

The endpoint users type is the Kubernetes API URL; the common mistakes are a bare IP, ``host:port``
without a scheme, or ``http://``.  Talos parses the text with Go's ``net/url`` (whose quirks decide
which message is shown: ``10.0.0.1`` parses as a path, ``10.0.0.1:6443`` fails to parse, ``host:6443``
parses as scheme ``host``) and suggests a corrected ``https://host:6443`` URL.  This module reproduces
the parts of ``net/url`` that matter so the messages and suggestions match the real talosctl.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

DEFAULT_CONTROL_PLANE_PORT = 6443
_MIN_PORT, _MAX_PORT = 1, 65535


class EndpointError(ValueError):
    """The cluster endpoint is not a usable ``https://host:port`` URL (text = Talos's message)."""


class URLParseError(ValueError):
    """Go ``url.Parse`` failed; the text is Go's ``parse "<url>": <reason>``."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"parse {go_quote(url)}: {reason}")


@dataclass
class GoURL:
    """The fields of Go's ``url.URL`` that endpoint handling needs."""

    scheme: str = ""
    opaque: str = ""
    host: str = ""
    path: str = ""
    raw_query: str = ""
    fragment: str = ""
    user: str = ""

    def hostname(self) -> str:
        """Host without port and without IPv6 brackets (``URL.Hostname``)."""
        host, _ = _split_host_port(self.host)
        return host

    def port(self) -> str:
        """Port text or "" (``URL.Port``)."""
        _, port = _split_host_port(self.host)
        return port

    def __str__(self) -> str:
        out = ""
        if self.scheme:
            out += self.scheme + ":"
        if self.opaque:
            out += self.opaque
        else:
            if self.scheme or self.host or self.user:
                if self.host or self.path or self.user:
                    out += "//"
                if self.user:
                    out += self.user + "@"
                out += self.host
            if self.path and not self.path.startswith("/") and self.host:
                out += "/"
            out += self.path
        if self.raw_query:
            out += "?" + self.raw_query
        if self.fragment:
            out += "#" + self.fragment
        return out


def go_quote(text: str) -> str:
    """Go's ``%q`` for the plain strings found in URLs."""
    out = []
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _split_host_port(hostport: str) -> tuple[str, str]:
    host, port = hostport, ""
    colon = host.rfind(":")
    if colon != -1 and _valid_optional_port(host[colon:]):
        host, port = host[:colon], host[colon + 1 :]
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, port


def _valid_optional_port(port: str) -> bool:
    if port == "":
        return True
    if port[0] != ":":
        return False
    return all(c.isdigit() and c.isascii() for c in port[1:])


def _get_scheme(raw: str, original: str) -> tuple[str, str]:
    for i, ch in enumerate(raw):
        if ch.isascii() and ch.isalpha():
            continue
        if ch.isascii() and (ch.isdigit() or ch in "+-."):
            if i == 0:
                return "", raw
            continue
        if ch == ":":
            if i == 0:
                raise URLParseError(original, "missing protocol scheme")
            return raw[:i], raw[i + 1 :]
        return "", raw
    return "", raw


def parse_url(raw: str) -> GoURL:
    """A subset of Go's ``url.Parse`` (enough for endpoint URLs), raising :class:`URLParseError`."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in raw):
        raise URLParseError(raw, "net/url: invalid control character in URL")
    url = GoURL()
    rest, _, url.fragment = raw.partition("#")
    scheme, rest = _get_scheme(rest, raw)
    url.scheme = scheme.lower()
    if "?" in rest:
        rest, _, url.raw_query = rest.partition("?")
    if not rest.startswith("/"):
        if url.scheme:
            url.opaque = rest
            return url
        segment = rest.split("/", 1)[0]
        if ":" in segment:
            raise URLParseError(raw, "first path segment in URL cannot contain colon")
    if (url.scheme or not rest.startswith("///")) and rest.startswith("//"):
        authority, slash, path = rest[2:].partition("/")
        rest = slash + path
        user, at, hostport = authority.rpartition("@")
        if at:
            url.user = user
        url.host = _parse_host(hostport, raw)
    url.path = rest
    return url


def _parse_host(host: str, raw: str) -> str:
    if host.startswith("["):
        end = host.rfind("]")
        if end < 0:
            raise URLParseError(raw, "missing ']' in host")
        if not _valid_optional_port(host[end + 1 :]):
            raise URLParseError(raw, f"invalid port {go_quote(host[end + 1 :])} after host")
        return host
    colon = host.rfind(":")
    if colon != -1 and not _valid_optional_port(host[colon:]):
        raise URLParseError(raw, f"invalid port {go_quote(host[colon:])} after host")
    return host


def fix_control_plane_endpoint(url: GoURL) -> GoURL:
    """The corrected URL suggested after "try:" (https scheme, default port 6443)."""
    fixed = GoURL(**vars(url))
    if not fixed.scheme and not fixed.host and fixed.path:
        fixed.host, fixed.path = fixed.path, ""
    fixed.scheme = "https"
    if fixed.port() == "":
        fixed.host = f"{fixed.host}:{DEFAULT_CONTROL_PLANE_PORT}"
    return fixed


def validate_endpoint_uri(endpoint: str) -> None:
    """``siderolabs/net.ValidateEndpointURI``: brackets for IPv6, a host, a port in range."""
    url = parse_url(endpoint)
    if url.host.count(":") > 2 and ("[" not in url.host or "]" not in url.host):
        raise ValueError("IPv6 addresses MUST be enclosed by square brackets")
    if url.hostname() == "":
        raise ValueError("hostname must not be blank")
    port = url.port()
    if port:
        if not port.isdigit():
            raise ValueError("port number must be numeric")
        if not _MIN_PORT <= int(port) <= _MAX_PORT:
            raise ValueError(f"port number must be between {_MIN_PORT} and {_MAX_PORT}")


def validate_cluster_endpoint(endpoint: str) -> None:
    """Raise :class:`EndpointError` unless ``endpoint`` is an ``https://host[:port]`` URL."""
    try:
        url = parse_url(endpoint)
    except URLParseError as exc:
        if "/" in endpoint:
            raise EndpointError(f"failed to parse the cluster endpoint URL: {exc}") from None
        url = GoURL(host=endpoint)
    if not url.scheme:
        suggestion = go_quote(str(fix_control_plane_endpoint(url)))
        if url.port() == "":
            raise EndpointError(
                f"no scheme and port specified for the cluster endpoint URL\ntry: {suggestion}"
            )
        raise EndpointError(f"no scheme specified for the cluster endpoint URL\ntry: {suggestion}")
    if url.scheme != "https":
        suggestion = go_quote(str(fix_control_plane_endpoint(url)))
        raise EndpointError(f"the control plane endpoint URL should have scheme https://\ntry: {suggestion}")
    try:
        validate_endpoint_uri(endpoint)
    except ValueError as exc:
        raise EndpointError(f"error validating the cluster endpoint URL: {exc}") from None


def is_ipv6_address(text: str) -> bool:
    """Whether ``text`` is a bare IPv6 address (Go ``netip.ParseAddr(...).Is6()``)."""
    try:
        return ipaddress.ip_address(text).version == 6
    except ValueError:
        return False

"""The ``meta.URL`` field codec and the URL checks shared by all document groups.

Talos's ``meta.URL`` wraps a ``*url.URL``: loading runs ``url.Parse`` (so bad text fails with Go's
message, naming the YAML field), an empty string is the unset (nil) URL. pytalos keeps the text as
written — for the URLs people write that is what Talos writes back, and it keeps fixture round-trips
byte-exact — and exposes the parsed parts (:mod:`.neturl`) for validation. Every group that has a
URL field (k8s, cluster discovery, SideroLink, network probes, CRI mirrors, kmsg logging) uses this
one codec; the v1alpha1 ``Endpoint`` reuses the parser but keeps Go's field-by-field merge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import parse_qsl, quote_plus

from .neturl import GoURL, GoURLError, parse_go_url
from .text import TextCodec

_MIN_PORT, _MAX_PORT = 1, 65535


def url_parse_error(text: str) -> str | None:
    """The error Go's ``url.Parse`` reports for ``text``, or None when it parses."""
    try:
        parse_go_url(text)
    except GoURLError as exc:
        return str(exc)
    return None


def validate_endpoint_uri(endpoint: str) -> str | None:
    """``siderolabs/net.ValidateEndpointURI``: the URL parses, has a host and a port in range."""
    try:
        url = parse_go_url(endpoint)
    except GoURLError as exc:
        return str(exc)
    if url.host.count(":") > 2 and ("[" not in url.host or "]" not in url.host):
        return "IPv6 addresses MUST be enclosed by square brackets"
    if not url.hostname:
        return "hostname must not be blank"
    port = url.port
    if port:
        if not port.isdigit():
            return "port number must be numeric"
        if not _MIN_PORT <= int(port) <= _MAX_PORT:
            return f"port number must be between {_MIN_PORT} and {_MAX_PORT}"
    return None


@dataclass
class URL(TextCodec):
    """Go ``meta.URL``: a URL kept as written; empty text is the unset URL (written as ``""``)."""

    WHAT: ClassVar[str] = "a URL string"

    @classmethod
    def check(cls, text: str) -> str | None:
        return url_parse_error(text)

    @property
    def parsed(self) -> GoURL | None:
        """The parsed URL, None when unset (Go's nil ``*url.URL``); raises :class:`GoURLError`."""
        return parse_go_url(self.text) if self.text else None

    def _parts(self) -> GoURL:
        """The parsed URL, empty when unset or unparseable (for the convenience accessors)."""
        try:
            return self.parsed or GoURL()
        except GoURLError:
            return GoURL()

    @property
    def scheme(self) -> str:
        """Lower-cased scheme ("" when unset)."""
        return self._parts().scheme

    @property
    def host(self) -> str:
        return self._parts().host

    @property
    def hostname(self) -> str:
        return self._parts().hostname

    @property
    def port(self) -> str:
        return self._parts().port

    @property
    def path(self) -> str:
        return self._parts().path

    def query(self) -> list[tuple[str, str]]:
        """Query parameters in order (like Go's ``URL.Query()`` before grouping)."""
        return parse_qsl(self._parts().raw_query, keep_blank_values=True)

    def with_query(self, overrides: dict[str, str]) -> URL:
        """Copy with the query re-encoded like Go's ``Values.Encode`` (keys sorted); each key of
        ``overrides`` that is present gets that single value (Go's ``Values.Set`` after ``Has``)."""
        grouped: dict[str, list[str]] = {}
        for key, value in self.query():
            grouped.setdefault(key, []).append(value)
        for key, value in overrides.items():
            if key in grouped:
                grouped[key] = [value]
        parts = self._parts()
        parts.raw_query = "&".join(
            f"{quote_plus(k)}={quote_plus(v)}" for k in sorted(grouped) for v in grouped[k]
        )
        return URL(str(parts))

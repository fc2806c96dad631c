"""Cluster endpoint checks for ``gen config``, with Talos's messages and "try: …" suggestions.

The endpoint users type is the Kubernetes API URL; the common mistakes are a bare IP, ``host:port``
without a scheme, or ``http://``.  Talos parses the text with Go's ``net/url`` (whose quirks decide
which message is shown: ``10.0.0.1`` parses as a path, ``10.0.0.1:6443`` fails to parse, ``host:6443``
parses as scheme ``host``) and suggests a corrected ``https://host:6443`` URL.  The parsing, ``%q``
quoting and ``ValidateEndpointURI`` are the shared ones from ``types/common``; this module adds the
``gen config`` decision tree and the suggested fix on top.
"""

from __future__ import annotations

import dataclasses

from ..types.common.gofmt import go_quote
from ..types.common.netaddr import parse_addr
from ..types.common.neturl import GoURL, GoURLError
from ..types.common.url import validate_endpoint_uri

DEFAULT_CONTROL_PLANE_PORT = 6443


class EndpointError(ValueError):
    """The cluster endpoint is not a usable ``https://host:port`` URL (text = Talos's message)."""


def fix_control_plane_endpoint(url: GoURL) -> GoURL:
    """The corrected URL suggested after "try:" (https scheme, default port 6443)."""
    fixed = dataclasses.replace(url)
    if not fixed.scheme and not fixed.host and fixed.path:
        fixed.host, fixed.path = fixed.path, ""
    fixed.scheme = "https"
    if fixed.port == "":
        fixed.host = f"{fixed.host}:{DEFAULT_CONTROL_PLANE_PORT}"
    return fixed


def validate_cluster_endpoint(endpoint: str) -> None:
    """Raise :class:`EndpointError` unless ``endpoint`` is an ``https://host[:port]`` URL."""
    try:
        url = GoURL.parse(endpoint)
    except GoURLError as exc:
        if "/" in endpoint:
            raise EndpointError(f"failed to parse the cluster endpoint URL: {exc}") from None
        url = GoURL(host=endpoint)  # not a URL, could be just host:port
    if not url.scheme:
        suggestion = go_quote(str(fix_control_plane_endpoint(url)))
        if url.port == "":
            raise EndpointError(
                f"no scheme and port specified for the cluster endpoint URL\ntry: {suggestion}"
            )
        raise EndpointError(f"no scheme specified for the cluster endpoint URL\ntry: {suggestion}")
    if url.scheme != "https":
        suggestion = go_quote(str(fix_control_plane_endpoint(url)))
        raise EndpointError(f"the control plane endpoint URL should have scheme https://\ntry: {suggestion}")
    err = validate_endpoint_uri(endpoint)
    if err:
        raise EndpointError(f"error validating the cluster endpoint URL: {err}")


def is_ipv6_address(text: str) -> bool:
    """Whether ``text`` is a bare IPv6 address (Go ``netip.ParseAddr(...).Is6()``)."""
    try:
        return parse_addr(text).version == 6
    except ValueError:
        return False

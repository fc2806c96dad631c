"""Go's address/URL parsing rules as the v1alpha1 validation sees them, with Go's error texts.

Talos validates addresses with several Go parsers that disagree at the edges (``net.ParseIP``
rejects IPv6 zones, ``netip.ParseAddr`` accepts them; ``net.ParseCIDR`` keeps host bits and reports
``invalid CIDR address: …``), and the messages a user sees embed those parsers' wording. These
helpers reproduce each one so ``talosctl validate`` accepts and rejects exactly what Talos does;
``url.Parse``, ``netip`` and ``ValidateEndpointURI`` themselves are the shared ones in ``types/common``.
"""

from __future__ import annotations

import ipaddress

from ..types.common.gofmt import go_quote
from ..types.common.netaddr import parse_addr, parse_prefix
from ..types.common.neturl import GoURL, GoURLError


def parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Go's ``net.ParseIP``: dotted IPv4 or IPv6 text (no zone); None when it does not parse."""
    if not text or "%" in text or text.strip() != text:
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def parse_cidr(text: str) -> str | None:
    """Go's ``net.ParseCIDR``: the error text (``invalid CIDR address: …``) or None when valid."""
    addr, sep, mask = text.partition("/")
    ip = parse_ip(addr) if sep else None
    if ip is None or not mask or not mask.isascii() or not mask.isdigit() or int(mask) > ip.max_prefixlen:
        return f"invalid CIDR address: {text}"
    return None


def validate_ip_or_cidr(address: str) -> str | None:
    """Talos ``validateIPOrCIDR``: a CIDR when it contains ``/``, else a plain IP address."""
    if "/" in address:
        return parse_cidr(address)
    if parse_ip(address) is None:
        return f"failed to parse IP address {go_quote(address)}"
    return None


def parse_prefix_error(text: str) -> str | None:
    """Go's ``netip.ParsePrefix``: error text or None."""
    try:
        parse_prefix(text)
    except ValueError as exc:
        return str(exc)
    return None


def parse_subnet_or_address(text: str) -> str | None:
    """siderolabs/net ``ParseSubnetOrAddress`` (``netip`` rules): error text or None."""
    if "/" in text:
        return parse_prefix_error(text)
    try:
        parse_addr(text)
    except ValueError as exc:
        return str(exc)
    return None


def address_contains_port(addr: str) -> bool:
    """siderolabs/net ``AddressContainsPort``: a best-effort ``host:port`` / ``[ip]:port`` check."""
    if ":" not in addr:
        return False
    pieces = addr.split(":")
    if parse_ip(addr.strip("[]")) is not None:
        return False
    trimmed = addr.removesuffix(":" + pieces[-1])
    if parse_ip(trimmed.strip("[]")) is not None:
        return True
    return len(pieces) <= 2


def parse_request_uri(raw: str) -> tuple[GoURL | None, str | None]:
    """Go's ``url.ParseRequestURI``: (url, None) or (None, error text)."""
    if raw == "":
        return None, str(GoURLError(raw, "empty url"))
    try:
        url = GoURL.parse(raw)
    except GoURLError as exc:
        return None, str(exc)
    if not url.scheme and not raw.startswith("/") and raw != "*":
        return None, str(GoURLError(raw, "invalid URI for request"))
    return url, None

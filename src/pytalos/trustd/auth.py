"""trustd's caller authentication: the machine token in gRPC metadata ``token``.

As Talos's ``basic.TokenCredentials``: no ``token`` entry is ``Unauthenticated "missing token"``, a
different token ``Unauthenticated "invalid token"``; the comparison is of SHA-256 digests in constant
time, so neither the token's length nor a matching prefix shows in the timing. The check runs before
the request message is read, as Talos's interceptor does.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from grpclib.const import Status
from grpclib.exceptions import GRPCError

#: the metadata key Talos's ``TokenCredentials.GetRequestMetadata`` sets
TOKEN_METADATA = "token"


def _first_token(metadata: Mapping[str, Any]) -> str | None:
    getall = getattr(metadata, "getall", None)
    if getall is not None:  # grpclib's MultiDict
        values = list(getall(TOKEN_METADATA, []))
    else:
        value = metadata.get(TOKEN_METADATA)
        values = [] if value is None else [value]
    if not values:
        return None
    first = values[0]
    return first.decode() if isinstance(first, bytes) else str(first)


def token_matches(given: str, expected: str) -> bool:
    """SHA-256 of both compared in constant time."""
    a = hashlib.sha256(given.encode()).digest()
    b = hashlib.sha256(expected.encode()).digest()
    return hmac.compare_digest(a, b)


def check_token(metadata: Mapping[str, Any], expected: str) -> None:
    """Raise Talos's ``Unauthenticated`` error unless ``metadata`` carries ``expected``."""
    given = _first_token(metadata)
    if given is None:
        raise GRPCError(Status.UNAUTHENTICATED, "missing token")
    if not token_matches(given, expected):
        raise GRPCError(Status.UNAUTHENTICATED, "invalid token")

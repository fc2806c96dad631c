"""Cluster discovery documents (Talos ``pkg/machinery/config/types/cluster``). Importing this
package registers DiscoveryServiceConfig and DiscoveryIdentityConfig."""

from __future__ import annotations

from ..common.url import URL
from .discovery import (
    DiscoveryIdentityConfigV1Alpha1,
    DiscoveryServiceConfigV1Alpha1,
    validate_base64_with_len,
)

__all__ = [
    "URL",
    "DiscoveryIdentityConfigV1Alpha1",
    "DiscoveryServiceConfigV1Alpha1",
    "validate_base64_with_len",
]

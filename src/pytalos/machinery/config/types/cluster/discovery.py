"""Cluster discovery documents: DiscoveryServiceConfig (where to register) and
DiscoveryIdentityConfig (the cluster ID and the secret that encrypts discovery data).

Since Talos 1.14 generated configs carry these documents instead of ``cluster.discovery`` and
``cluster.id``/``cluster.secret`` in v1alpha1 (Talos ``cluster/discovery_service.go`` and
``cluster/discovery_identity.go``). The cluster secret is an AES-256 key, so it must be 32 bytes of
standard base64 and is redacted from shared configs.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import yfield
from ..common.gobase64 import go_base64_decode
from ..common.url import URL

CLUSTER_SECRET_SIZE = 32
"""Decoded length of the cluster secret (Talos ``constants.DefaultClusterSecretSize``)."""


@register
class DiscoveryServiceConfigV1Alpha1(Document):
    """DiscoveryServiceConfig: a discovery service endpoint the node registers with."""

    KIND: ClassVar[str] = "DiscoveryServiceConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Name of this discovery service configuration.")
    endpoint_url: URL = yfield("endpoint", default_factory=URL, doc="Endpoint URL (http, https or grpc).")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        if self.name == "":
            return [], ["name is required"]
        if self.endpoint_url.is_zero():
            return [], ["endpoint is required"]
        problem = validate_discovery_service_endpoint(self.endpoint_url)
        return [], [problem] if problem else []


def validate_discovery_service_endpoint(endpoint: URL) -> str | None:
    """Talos ``ValidateDiscoveryServiceEndpoint``: scheme http/https/grpc and a host."""
    scheme = endpoint.scheme
    if scheme == "":
        return "endpoint scheme is required"
    if scheme not in ("http", "https", "grpc"):
        return "endpoint scheme must be http://, https:// or grpc://"
    if endpoint.hostname == "":
        return "endpoint host is required"
    return None


def validate_base64_with_len(value: str, want_len: int) -> str | None:
    """Talos ``ValidateBase64WithLen`` (standard encoding): the error text or None."""
    decoded, err = go_base64_decode(value)
    if err is not None:
        return f"failed to decode from base64: {value}; {err}"
    if len(decoded) != want_len:
        return f"expected {want_len} bytes, got {len(decoded)}: {value}"
    return None


@register
class DiscoveryIdentityConfigV1Alpha1(Document):
    """DiscoveryIdentityConfig: the cluster identity used with the discovery service."""

    KIND: ClassVar[str] = "DiscoveryIdentityConfig"

    cluster_id: str = yfield(
        "clusterID", doc="Globally unique cluster identifier (base64 of 32 random bytes)."
    )
    cluster_secret: str = yfield("clusterSecret", doc="Shared cluster secret (base64 of 32 random bytes).")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        if self.cluster_id == "":
            return [], ["clusterID is required"]
        if self.cluster_secret == "":
            return [], ["clusterSecret is required"]
        problem = validate_base64_with_len(self.cluster_secret, CLUSTER_SECRET_SIZE)
        return [], [f"invalid clusterSecret: {problem}"] if problem else []

    def redact(self, replacement: str) -> None:
        if self.cluster_secret:
            self.cluster_secret = replacement

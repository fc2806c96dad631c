"""RegistryTLSConfig: TLS settings (CA, client identity, verification) for one registry endpoint.

The client key is a secret and is redacted like Talos's ``SecretDocument``; certificates and keys are
checked for well-formed PEM with Talos's messages.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import yfield
from ..common.pem import CertificateAndKey, has_parseable_certificate


@register
class RegistryTLSConfigV1Alpha1(Document):
    """Go ``cri.RegistryTLSConfigV1Alpha1`` (kind RegistryTLSConfig)."""

    KIND: ClassVar[str] = "RegistryTLSConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Registry endpoint (host[:port]) the TLS settings apply to.")
    tls_client_identity: CertificateAndKey | None = yfield(
        "clientIdentity", omitempty=True, doc="Client certificate and key for mutual TLS."
    )
    tls_ca: str = yfield("ca", omitempty=True, doc="PEM CA certificate trusted for this registry.")
    tls_insecure_skip_verify: bool | None = yfield(
        "insecureSkipVerify", omitempty=True, doc="Skip server certificate verification (not recommended)."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        if not self.name:
            errors.append("name must be specified")
        if self.tls_ca and not has_parseable_certificate(self.tls_ca):
            errors.append("ca must be a valid PEM-encoded certificate")
        if self.tls_client_identity is not None:
            err = self.tls_client_identity.validate()
            if err:
                errors.append(f"client identity: {err}")
        return [], errors

    def redact(self, replacement: str) -> None:
        """Replace the client private key (the only secret here)."""
        if self.tls_client_identity is not None and self.tls_client_identity.key:
            self.tls_client_identity.key = replacement

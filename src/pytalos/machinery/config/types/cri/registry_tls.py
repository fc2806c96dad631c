"""RegistryTLSConfig: TLS settings (CA, client identity, verification) for one registry endpoint.

The client key is a secret and is redacted like Talos's ``SecretDocument``; certificates and keys are
checked for well-formed PEM with Talos's messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ...document import Document, register
from ...schema import Struct, yfield
from .pem import PEM_TYPE_CERTIFICATE, assert_valid_pem, has_parseable_certificate


@dataclass
class CertificateAndKey(Struct):
    """Go ``meta.CertificateAndKey``: a PEM certificate and private key pair."""

    cert: str = yfield("cert", omitempty=True, doc="PEM-encoded certificate.")
    key: str = yfield("key", omitempty=True, doc="PEM-encoded private key.")

    def validate(self) -> str | None:
        """Go ``CertificateAndKey.Validate(false)``: both halves present and holding PEM blocks."""
        if not self.cert:
            return "certificate is required"
        if not self.key:
            return "key is required"
        err = assert_valid_pem(self.cert, PEM_TYPE_CERTIFICATE)
        if err:
            return f"certificate: {err}"
        err = assert_valid_pem(self.key)
        if err:
            return f"key: {err}"
        return None


@register
@dataclass
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

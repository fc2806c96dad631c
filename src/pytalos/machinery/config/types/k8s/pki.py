"""Secret-bearing Kubernetes PKI documents: API server CA, aggregator CA, service-account keys.

These replace ``cluster.ca``, ``cluster.aggregatorCA`` and ``cluster.serviceAccount`` of the v1alpha1
document. They hold private keys, so each implements ``redact`` (``talosctl get mc`` output and
support bundles must never show keys) and validates its PEM material with Talos's messages.
"""

from __future__ import annotations

from typing import ClassVar

from ....crypto.x509 import PEMEncodedKey, X509Error
from ...document import Document, register
from ...schema import Struct, yfield
from ..common.pem import PEM_TYPE_CERTIFICATE, CertificateAndKey, assert_valid_pem
from ..common.url import URL


def _validate_ca(issuing: CertificateAndKey | None, accepted: list[str], required: bool) -> list[str]:
    errors: list[str] = []
    if issuing is None:
        if required:
            errors.append("issuing CA is not set")
    else:
        err = issuing.validate(True)
        if err:
            errors.append(f"issuing CA: {err}")
    for idx, ca in enumerate(accepted):
        err = assert_valid_pem(ca, PEM_TYPE_CERTIFICATE)
        if err:
            errors.append(f"accepted CA #{idx}: {err}")
    return errors


def _accepted_with_issuing(issuing: CertificateAndKey | None, accepted: list[str]) -> list[str]:
    return ([issuing.cert] if issuing is not None else []) + list(accepted)


@register
class KubeAPIServerCAConfigV1Alpha1(Document):
    """The Kubernetes API server CA: the issuing pair (control planes) and extra accepted CAs."""

    KIND: ClassVar[str] = "KubeAPIServerCAConfig"

    issuing_ca: CertificateAndKey | None = yfield(
        "issuingCA", omitempty=True, doc="Active issuing CA (PEM certificate and key), control planes only."
    )
    accepted_cas: list[str] = yfield("acceptedCAs", omitempty=True, doc="Extra accepted PEM CA certificates.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        return [], _validate_ca(self.issuing_ca, self.accepted_cas, required=False)

    def redact(self, replacement: str) -> None:
        if self.issuing_ca is not None:
            self.issuing_ca.key = replacement

    def accepted_ca_certificates(self) -> list[str]:
        """Accepted CAs, the issuing certificate first (as Talos hands them to the API server)."""
        return _accepted_with_issuing(self.issuing_ca, self.accepted_cas)


@register
class KubeAggregatorCAConfigV1Alpha1(Document):
    """The API aggregation (front-proxy) CA: issuing pair and extra accepted CAs."""

    KIND: ClassVar[str] = "KubeAggregatorCAConfig"

    issuing_ca: CertificateAndKey | None = yfield(
        "issuingCA", omitempty=True, doc="Active aggregator issuing CA (PEM certificate and key)."
    )
    accepted_cas: list[str] = yfield("acceptedCAs", omitempty=True, doc="Extra accepted PEM CA certificates.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        return [], _validate_ca(self.issuing_ca, self.accepted_cas, required=True)

    def redact(self, replacement: str) -> None:
        if self.issuing_ca is not None:
            self.issuing_ca.key = replacement

    def accepted_ca_certificates(self) -> list[str]:
        return _accepted_with_issuing(self.issuing_ca, self.accepted_cas)


class IssuerServiceAccountConfig(Struct):
    """How service-account tokens are signed: the private key and the issuer URL."""

    private_key: str = yfield("privateKey", doc="PEM RSA or ECDSA key signing service-account tokens.")
    issuer_url: URL = yfield(
        "issuerURL", default_factory=URL, doc="Issuer URL put into service-account tokens."
    )


class AcceptedServiceAccountConfig(Struct):
    """Additional keys, issuers and audiences the API server accepts tokens for."""

    public_keys: list[str] = yfield(
        "publicKeys", omitempty=True, doc="Extra PEM public keys to verify tokens."
    )
    issuers: list[URL] = yfield("issuers", omitempty=True, doc="Extra accepted token issuers.")
    audiences: list[str] = yfield("audiences", omitempty=True, doc="Accepted API audiences.")


@register
class KubeServiceAccountConfigV1Alpha1(Document):
    """Service-account token signing key and accepted issuers (control planes only)."""

    KIND: ClassVar[str] = "KubeServiceAccountConfig"
    CONTROLPLANE_ONLY: ClassVar[bool] = True

    issuer: IssuerServiceAccountConfig = yfield("issuer", doc="The token issuer configuration.")
    accepted: AcceptedServiceAccountConfig = yfield(
        "accepted", omitempty=True, doc="Extra accepted keys, issuers and audiences."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        if not self.issuer.private_key:
            errors.append("service issuer private key is required")
        else:
            try:
                PEMEncodedKey(self.issuer.private_key.encode()).get_key()
            except X509Error as exc:
                errors.append(f"service issuer private key is invalid: {exc}")
        if self.issuer.issuer_url.is_zero():
            errors.append("service issuer URL is required")
        return [], errors

    def redact(self, replacement: str) -> None:
        if self.issuer.private_key:
            self.issuer.private_key = replacement

    def api_audiences(self) -> list[str]:
        """Configured audiences, or the issuer URL when none are set."""
        return list(self.accepted.audiences) or [str(self.issuer.issuer_url)]

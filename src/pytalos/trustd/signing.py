"""How trustd turns a CSR into a certificate (Talos ``x509.NewCertificateFromCSRBytes`` in trustd's
``reg.Certificate``).

Subject and SANs (DNS names, IPs) are the CSR's, the issuer is the OS CA, KeyUsage digitalSignature,
validity one year from now (``x509.DefaultCertificateValidityDuration``), no CA bit. One deliberate
difference: the certificate is a *server* certificate only (ExtKeyUsage serverAuth), while Talos's
default also adds clientAuth. Workers ask trustd for apid's server certificate and nothing else, and a
clientAuth certificate from trustd would let any token holder call other nodes' apid as a client.

Every problem with the request is a :class:`CSRError` whose message names it (empty request, not PEM,
not a CSR, bad signature, unsupported key), which the server answers as ``InvalidArgument``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pytalos.machinery.crypto.x509 import (
    PEM_CERTIFICATE_REQUEST,
    SERVER_AUTH,
    CertificateAndKey,
    KeyUsage,
    X509Error,
    parse_csr,
    pem_decode,
    sign_csr,
)

#: ``x509.DefaultCertificateValidityDuration`` of ``siderolabs/crypto`` (one year)
SIGNED_VALIDITY = timedelta(hours=24 * 365)


class CSRError(ValueError):
    """The certificate signing request cannot be signed; the message says why."""


def check_csr(csr_pem: bytes) -> None:
    """Raise :class:`CSRError` naming what is wrong with ``csr_pem`` (nothing when it is fine)."""
    if not csr_pem.strip():
        raise CSRError("csr: empty certificate signing request")
    block = pem_decode(csr_pem)
    if block is None:
        raise CSRError("csr: not PEM encoded (expected a CERTIFICATE REQUEST block)")
    if block[0] != PEM_CERTIFICATE_REQUEST:
        raise CSRError(f"csr: PEM block is {block[0]!r}, expected {PEM_CERTIFICATE_REQUEST!r}")
    try:
        parse_csr(csr_pem)
    except X509Error as exc:
        raise CSRError(f"csr: {exc}") from None


def sign_server_csr(ca: CertificateAndKey, csr_pem: bytes, *, now: datetime | None = None) -> bytes:
    """The PEM certificate for ``csr_pem`` issued by ``ca`` (see the module docstring)."""
    check_csr(csr_pem)
    try:
        return sign_csr(
            ca,
            csr_pem,
            not_before=now,
            validity=SIGNED_VALIDITY,
            key_usage=KeyUsage.DIGITAL_SIGNATURE,
            ext_key_usage=(SERVER_AUTH,),
        )
    except X509Error as exc:
        raise CSRError(f"csr: {exc}") from None

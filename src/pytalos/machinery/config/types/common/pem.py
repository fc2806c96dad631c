"""PEM checks of the config documents (Talos ``meta.AssertValidPEM``, ``meta.CertificateAndKey``).

Several groups embed PEM certificates and keys as plain strings (the Kubernetes PKI documents, the
registry TLS document…) and Talos validates them the same way everywhere: every PEM block must be of
an expected type, at least one block must be present, a CA is accepted only when Go's
``CertPool.AppendCertsFromPEM`` finds a parseable certificate. PEM decoding and X.509 parsing are
delegated to :mod:`pytalos.machinery.crypto` (the one PEM/X.509 implementation); this module adds
the config-level decisions and Talos's messages. Checks return the error text, or None when valid.
"""

from __future__ import annotations

from ....crypto.pem import PEM_CERTIFICATE, X509Error, parse_private_key, pem_decode_all
from ....crypto.x509 import parse_certificate, parse_certificate_der
from ...schema import Struct, yfield

PEM_TYPE_CERTIFICATE = PEM_CERTIFICATE


def assert_valid_pem(text: str, *expected_types: str) -> str | None:
    """Go ``meta.AssertValidPEM``: at least one block, each of an expected type; the error or None."""
    blocks = pem_decode_all(text)
    for block in blocks:
        if expected_types and block.type not in expected_types:
            quoted = "[" + " ".join(f'"{t}"' for t in expected_types) + "]"
            return f'unexpected PEM block type "{block.type}", expected one of {quoted}'
    if not blocks:
        return "no PEM blocks found"
    return None


def has_parseable_certificate(text: str) -> bool:
    """Go ``CertPool.AppendCertsFromPEM``: True when a header-less CERTIFICATE block parses."""
    for block in pem_decode_all(text):
        if block.type != PEM_CERTIFICATE or block.headers:
            continue
        try:
            parse_certificate_der(block.data)
        except X509Error:
            continue
        return True
    return False


class CertificateAndKey(Struct):
    """Go ``meta.CertificateAndKey``: a PEM certificate and its PEM private key."""

    cert: str = yfield("cert", omitempty=True, doc="PEM-encoded certificate.")
    key: str = yfield("key", omitempty=True, doc="PEM-encoded private key.")

    def validate(self, try_loading: bool = False) -> str | None:
        """Talos's ``CertificateAndKey.Validate``: the error text, or None when valid.

        Both halves must be present and hold PEM blocks (the certificate only CERTIFICATE ones);
        with ``try_loading`` the certificate and the key must also parse.
        """
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
        if try_loading:
            try:
                parse_certificate(self.cert.encode())
            except X509Error as exc:
                return f"certificate is invalid: {exc}"
            try:
                parse_private_key(self.key.encode())
            except X509Error as exc:
                return f"key is invalid: {exc}"
        return None

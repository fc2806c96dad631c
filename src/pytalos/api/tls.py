"""TLS 1.3 contexts for the Machine API, from the PEM blobs of ``pytalos.machinery.crypto.x509``.

Talos stores Ed25519 keys under the non-standard ``ED25519 PRIVATE KEY`` PEM label, which OpenSSL does
not read, and Python's ``ssl`` loads certificates and keys only from files. This module re-encodes
the key as PKCS#8 ``PRIVATE KEY`` and hands it to OpenSSL through a private temporary directory that
exists only while the context loads it. Both sides require TLS 1.3 and negotiate ALPN ``h2`` (gRPC).
"""

from __future__ import annotations

import os
import ssl
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from pytalos.machinery.crypto.x509 import CertificateAndKey, X509Error

ALPN_H2 = "h2"


class TLSConfigError(ValueError):
    """A certificate, key or CA could not be loaded into a TLS context; the message says which."""


def _load_identity(ctx: ssl.SSLContext, identity: CertificateAndKey, what: str) -> None:
    try:
        key = identity.private_key()
        identity.certificate()
    except X509Error as exc:
        raise TLSConfigError(f"{what}: {exc}") from exc
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with tempfile.TemporaryDirectory(prefix="pytalos-tls-") as tmp:
        crt_path, key_path = Path(tmp) / "crt.pem", Path(tmp) / "key.pem"
        crt_path.write_bytes(identity.crt)
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key_pem)
        try:
            ctx.load_cert_chain(crt_path, key_path)
        except ssl.SSLError as exc:
            raise TLSConfigError(f"{what}: certificate and key rejected by OpenSSL: {exc}") from exc


def _load_ca(ctx: ssl.SSLContext, ca_pem: bytes, what: str) -> None:
    try:
        ctx.load_verify_locations(cadata=ca_pem.decode("ascii"))
    except (ssl.SSLError, UnicodeDecodeError, ValueError) as exc:
        raise TLSConfigError(f"{what}: CA bundle rejected: {exc}") from exc


def _base(purpose: int) -> ssl.SSLContext:
    ctx = ssl.SSLContext(purpose)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.set_alpn_protocols([ALPN_H2])
    return ctx


def server_context(
    identity: CertificateAndKey, client_ca_pem: bytes | None, *, require_client_cert: bool = True
) -> ssl.SSLContext:
    """Server side: present ``identity``; require (or, when not required, ignore) client certificates
    chaining to ``client_ca_pem``. Without a client CA no client certificate is asked for (maintenance
    mode's ``SkipVerifyingClientCert``)."""
    ctx = _base(ssl.PROTOCOL_TLS_SERVER)
    _load_identity(ctx, identity, "server certificate")
    if client_ca_pem is None:
        if require_client_cert:
            raise TLSConfigError("server: a client CA is needed to require client certificates")
        ctx.verify_mode = ssl.CERT_NONE
    else:
        _load_ca(ctx, client_ca_pem, "client CA")
        ctx.verify_mode = ssl.CERT_REQUIRED if require_client_cert else ssl.CERT_OPTIONAL
    return ctx


def client_context(server_ca_pem: bytes, identity: CertificateAndKey | None) -> ssl.SSLContext:
    """Client side: verify the server against ``server_ca_pem`` (chain and hostname/IP SAN), present
    ``identity`` as client certificate when given."""
    ctx = _base(ssl.PROTOCOL_TLS_CLIENT)
    _load_ca(ctx, server_ca_pem, "server CA")
    if identity is not None:
        _load_identity(ctx, identity, "client certificate")
    return ctx

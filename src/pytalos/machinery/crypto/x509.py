"""X.509 keys, CAs, CSRs and certificates shaped exactly like Talos's (``siderolabs/crypto/x509``).

Talos stores PEM blobs (base64-wrapped again inside YAML) and follows conventions that differ from
library defaults: Ed25519 keys are PKCS#8 under the ``ED25519 PRIVATE KEY`` label, EC keys are SEC1
``EC PRIVATE KEY``, RSA keys PKCS#1 ``RSA PRIVATE KEY``; CAs carry KeyUsage CertSign|DigitalSignature,
ExtKeyUsage serverAuth+clientAuth and a random 20-byte subject key id; leaf certificates are always
issued through a CSR; subject strings are PrintableString when possible and several organizations
share one RDN.  The secrets bundle, talosconfig and ``talosctl gen ca|key|csr|crt|keypair`` all go
through this module so that they agree on the format and on the error texts.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import ipaddress
import os
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeAlias

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# PEM and key encoding live in .pem; they are re-exported here for existing callers.
from .pem import PEM_CERTIFICATE as PEM_CERTIFICATE
from .pem import PEM_CERTIFICATE_REQUEST as PEM_CERTIFICATE_REQUEST
from .pem import PEM_EC_PRIVATE as PEM_EC_PRIVATE
from .pem import PEM_ED25519_PRIVATE as PEM_ED25519_PRIVATE
from .pem import PEM_PRIVATE as PEM_PRIVATE
from .pem import PEM_RSA_PRIVATE as PEM_RSA_PRIVATE
from .pem import REDACTED as REDACTED
from .pem import PEMBlock as PEMBlock
from .pem import PEMEncodedKey as PEMEncodedKey
from .pem import PrivateKey as PrivateKey
from .pem import X509Error as X509Error
from .pem import b64_field as b64_field
from .pem import encode_private_key as encode_private_key
from .pem import parse_private_key as parse_private_key
from .pem import pem_decode as pem_decode
from .pem import pem_decode_all as pem_decode_all
from .pem import pem_encode as pem_encode
from .pem import unb64_field as unb64_field

_Hash: TypeAlias = hashes.SHA256 | hashes.SHA384 | hashes.SHA512 | None
IPLike: TypeAlias = str | ipaddress.IPv4Address | ipaddress.IPv6Address

#: ``x509.DefaultCertificateValidityDuration``: validity when a caller gives none.
DEFAULT_VALIDITY = timedelta(hours=24)
#: ``secrets.CAValidityTime``: validity of every CA in a secrets bundle.
CA_VALIDITY = timedelta(hours=87600)

SERVER_AUTH = ExtendedKeyUsageOID.SERVER_AUTH
CLIENT_AUTH = ExtendedKeyUsageOID.CLIENT_AUTH


class KeyAlgorithm(enum.Enum):
    ED25519 = "ed25519"
    ECDSA = "ecdsa"
    RSA = "rsa"


class KeyUsage(enum.Flag):
    """X.509 KeyUsage bits (RFC 5280 §4.2.1.3)."""

    DIGITAL_SIGNATURE = enum.auto()
    CONTENT_COMMITMENT = enum.auto()
    KEY_ENCIPHERMENT = enum.auto()
    DATA_ENCIPHERMENT = enum.auto()
    KEY_AGREEMENT = enum.auto()
    CERT_SIGN = enum.auto()
    CRL_SIGN = enum.auto()


# --- keys ------------------------------------------------------------------------------------------


def generate_private_key(algorithm: KeyAlgorithm, rsa_bits: int = 4096) -> PrivateKey:
    if algorithm is KeyAlgorithm.ED25519:
        return ed25519.Ed25519PrivateKey.generate()
    if algorithm is KeyAlgorithm.ECDSA:
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)


def key_algorithm(key: PrivateKey | x509.Certificate) -> KeyAlgorithm:
    public = key.public_key()
    if isinstance(public, ed25519.Ed25519PublicKey):
        return KeyAlgorithm.ED25519
    if isinstance(public, ec.EllipticCurvePublicKey):
        return KeyAlgorithm.ECDSA
    if isinstance(public, rsa.RSAPublicKey):
        return KeyAlgorithm.RSA
    raise X509Error(f"unsupported public key type {type(public).__name__}")


def parse_certificate(data: bytes) -> x509.Certificate:
    """The certificate in the first PEM block of ``data``."""
    block = pem_decode(data)
    if block is None:
        raise X509Error("failed to parse PEM block")
    return parse_certificate_der(block[1])


def parse_certificate_der(der: bytes) -> x509.Certificate:
    """A DER certificate (Go's ``x509.ParseCertificate``)."""
    try:
        return x509.load_der_x509_certificate(der)
    except ValueError as exc:
        raise X509Error(f"failed to parse certificate: {exc}") from exc


def parse_csr(data: bytes) -> x509.CertificateSigningRequest:
    block = pem_decode(data)
    if block is None:
        raise X509Error("failed to decode CSR")
    try:
        return x509.load_der_x509_csr(block[1])
    except ValueError as exc:
        raise X509Error(f"failed to parse CSR: {exc}") from exc


@dataclass(frozen=True)
class CertificateAndKey:
    """PEM certificate + PEM private key; YAML form ``{crt: base64(PEM), key: base64(PEM)}``."""

    crt: bytes
    key: bytes

    @property
    def crt_b64(self) -> str:
        return base64.b64encode(self.crt).decode()

    @property
    def key_b64(self) -> str:
        return b64_field(self.key)

    @classmethod
    def from_b64(cls, crt: str, key: str, where: str = "certificate") -> CertificateAndKey:
        return cls(unb64_field(crt, f"{where}.crt"), unb64_field(key, f"{where}.key"))

    def certificate(self) -> x509.Certificate:
        return parse_certificate(self.crt)

    def private_key(self) -> PrivateKey:
        return parse_private_key(self.key)

    def validate(self) -> None:
        """Check the key, then the certificate, like Talos's ``validatePEMEncodedCertificateAndKey``."""
        self.private_key()
        self.certificate()


# --- certificates ----------------------------------------------------------------------------------

_PRINTABLE = re.compile(r"[A-Za-z0-9 '()+,\-./:=?]*")


def _attr(oid: x509.ObjectIdentifier, value: str) -> x509.NameAttribute[str]:
    if _PRINTABLE.fullmatch(value) and value:
        return x509.NameAttribute(oid, value, _type=_ASN1Type.PrintableString)
    return x509.NameAttribute(oid, value)


def build_name(organizations: Iterable[str] = (), common_name: str = "") -> x509.Name:
    """Subject as Go's ``pkix.Name`` marshals it: all O= values in one RDN, then CN if set."""
    rdns = []
    orgs = list(organizations)
    if orgs:
        rdns.append(x509.RelativeDistinguishedName([_attr(NameOID.ORGANIZATION_NAME, o) for o in orgs]))
    if common_name:
        rdns.append(x509.RelativeDistinguishedName([_attr(NameOID.COMMON_NAME, common_name)]))
    return x509.Name(rdns)


def parse_ips(ips: Iterable[IPLike]) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    out = []
    for ip in ips:
        try:
            out.append(ipaddress.ip_address(ip))
        except ValueError as exc:
            raise X509Error(f"invalid IP: {ip}") from exc
    return out


def _san(dns_names: Sequence[str], ips: Sequence[IPLike]) -> x509.SubjectAlternativeName | None:
    names: list[x509.GeneralName] = [x509.DNSName(d) for d in dns_names]
    names += [x509.IPAddress(ip) for ip in parse_ips(ips)]
    return x509.SubjectAlternativeName(names) if names else None


def _key_usage(usage: KeyUsage) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=KeyUsage.DIGITAL_SIGNATURE in usage,
        content_commitment=KeyUsage.CONTENT_COMMITMENT in usage,
        key_encipherment=KeyUsage.KEY_ENCIPHERMENT in usage,
        data_encipherment=KeyUsage.DATA_ENCIPHERMENT in usage,
        key_agreement=KeyUsage.KEY_AGREEMENT in usage,
        key_cert_sign=KeyUsage.CERT_SIGN in usage,
        crl_sign=KeyUsage.CRL_SIGN in usage,
        encipher_only=False,
        decipher_only=False,
    )


def _sign_hash(key: PrivateKey) -> _Hash:
    """Ed25519: pure; RSA: SHA-512 (Go's SHA512WithRSA); ECDSA: by curve size (P-256 -> SHA-256)."""
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return None
    if isinstance(key, rsa.RSAPrivateKey) or key.curve.key_size > 384:
        return hashes.SHA512()
    return hashes.SHA384() if key.curve.key_size > 256 else hashes.SHA256()


def _validity(not_before: datetime | None, validity: timedelta) -> tuple[datetime, datetime]:
    start = (not_before or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return start, start + validity


def _serial() -> int:
    return secrets.randbelow(1 << 128) or 1


def new_self_signed_ca(
    *,
    organizations: Sequence[str] = (),
    algorithm: KeyAlgorithm = KeyAlgorithm.ED25519,
    not_before: datetime | None = None,
    validity: timedelta = DEFAULT_VALIDITY,
    ip_addresses: Sequence[IPLike] = (),
    dns_names: Sequence[str] = (),
    rsa_bits: int = 4096,
) -> CertificateAndKey:
    """``x509.NewSelfSignedCertificateAuthority``: subject is O= only (a common name is never set)."""
    key = generate_private_key(algorithm, rsa_bits)
    start, end = _validity(not_before, validity)
    name = build_name(organizations)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(_serial())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(_key_usage(KeyUsage.CERT_SIGN | KeyUsage.DIGITAL_SIGNATURE), critical=True)
        .add_extension(x509.ExtendedKeyUsage([SERVER_AUTH, CLIENT_AUTH]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier(os.urandom(20)), critical=False)
    )
    san = _san(dns_names, ip_addresses)
    if san is not None:
        builder = builder.add_extension(san, critical=False)
    crt = builder.sign(key, _sign_hash(key))
    return CertificateAndKey(crt.public_bytes(serialization.Encoding.PEM), encode_private_key(key))


def create_csr(
    key: PrivateKey,
    *,
    organizations: Sequence[str] = (),
    common_name: str = "",
    dns_names: Sequence[str] = (),
    ip_addresses: Sequence[IPLike] = (),
) -> bytes:
    """``x509.NewCertificateSigningRequest``: PEM ``CERTIFICATE REQUEST`` with subject and SANs."""
    builder = x509.CertificateSigningRequestBuilder().subject_name(build_name(organizations, common_name))
    san = _san(dns_names, ip_addresses)
    if san is not None:
        builder = builder.add_extension(san, critical=False)
    return builder.sign(key, _sign_hash(key)).public_bytes(serialization.Encoding.PEM)


def sign_csr(
    ca: CertificateAndKey,
    csr_pem: bytes,
    *,
    not_before: datetime | None = None,
    validity: timedelta = DEFAULT_VALIDITY,
    key_usage: KeyUsage = KeyUsage.DIGITAL_SIGNATURE,
    ext_key_usage: Sequence[x509.ObjectIdentifier] = (SERVER_AUTH, CLIENT_AUTH),
) -> bytes:
    """``x509.NewCertificateFromCSR``: subject and SANs from the CSR, usages from the caller, no CA bit."""
    ca_crt, ca_key = ca.certificate(), ca.private_key()
    csr = parse_csr(csr_pem)
    try:
        valid = csr.is_signature_valid
    except InvalidSignature:  # pragma: no cover - some backends raise instead of returning False
        valid = False
    if not valid:
        raise X509Error("failed verifying CSR signature: signature does not match the request")
    public = csr.public_key()
    if not isinstance(public, ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
        raise X509Error(f"unsupported CSR public key type {type(public).__name__}")
    start, end = _validity(not_before, validity)
    builder = (
        x509.CertificateBuilder()
        .subject_name(csr.subject)
        .issuer_name(ca_crt.subject)
        .public_key(public)
        .serial_number(_serial())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(_key_usage(key_usage), critical=True)
    )
    if ext_key_usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(ext_key_usage)), critical=False)
    try:
        ski = ca_crt.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    except x509.ExtensionNotFound:
        ski = None
    if ski is not None and ca_crt.subject.public_bytes() != csr.subject.public_bytes():
        aki = x509.AuthorityKeyIdentifier(ski.digest, None, None)
        builder = builder.add_extension(aki, critical=False)
    try:
        san = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        san = None
    if san is not None:
        kept = [n for n in san if isinstance(n, x509.DNSName | x509.IPAddress)]
        if kept:
            builder = builder.add_extension(x509.SubjectAlternativeName(kept), critical=False)
    return builder.sign(ca_key, _sign_hash(ca_key)).public_bytes(serialization.Encoding.PEM)


def issue_certificate(
    ca: CertificateAndKey,
    *,
    organizations: Sequence[str] = (),
    common_name: str = "",
    dns_names: Sequence[str] = (),
    ip_addresses: Sequence[IPLike] = (),
    not_before: datetime | None = None,
    validity: timedelta = DEFAULT_VALIDITY,
    key_usage: KeyUsage = KeyUsage.DIGITAL_SIGNATURE,
    ext_key_usage: Sequence[x509.ObjectIdentifier] = (SERVER_AUTH, CLIENT_AUTH),
) -> CertificateAndKey:
    """``x509.NewKeyPair``: a fresh key of the CA's algorithm, a CSR for it, signed by the CA."""
    key = generate_private_key(key_algorithm(ca.certificate()))
    csr = create_csr(
        key,
        organizations=organizations,
        common_name=common_name,
        dns_names=dns_names,
        ip_addresses=ip_addresses,
    )
    crt = sign_csr(
        ca, csr, not_before=not_before, validity=validity, key_usage=key_usage, ext_key_usage=ext_key_usage
    )
    return CertificateAndKey(crt, encode_private_key(key))


def _spki(cert: x509.Certificate) -> bytes:
    return cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def spki_fingerprint(cert: x509.Certificate) -> str:
    """``x509.SPKIFingerprint``: base64 (std) SHA-256 of the SubjectPublicKeyInfo, used for pinning."""
    return base64.b64encode(hashlib.sha256(_spki(cert)).digest()).decode()


def spki_hash(cert: x509.Certificate) -> str:
    """``x509.Hash``: ``sha256:<hex>`` of the SubjectPublicKeyInfo (the ``gen ca`` ``.sha256`` file)."""
    return "sha256:" + hashlib.sha256(_spki(cert)).hexdigest()

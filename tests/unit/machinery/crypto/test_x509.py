"""Keys, CAs, CSRs and certificates must have exactly the shape Talos (siderolabs/crypto) gives them."""

from __future__ import annotations

import base64
import hashlib
import ipaddress
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID

from pytalos.machinery.crypto import x509 as pki
from tests._shared import shared_path

pytestmark = pytest.mark.unit

SECRETS_FIXTURE = (
    "testdata",
    "talos",
    "pkg",
    "machinery",
    "config",
    "generate",
    "secrets",
    "testdata",
    "secrets.yaml",
)


def fixture_pair(name: str) -> pki.CertificateAndKey:
    data = yaml.safe_load(shared_path(*SECRETS_FIXTURE).read_text())
    entry = data["certs"][name]
    return pki.CertificateAndKey.from_b64(entry["crt"], entry["key"])


def ext_layout(cert: x509.Certificate) -> list[tuple[str, bool]]:
    return [(e.oid.dotted_string, e.critical) for e in cert.extensions]


def der_children(der: bytes) -> list[bytes]:
    """Split the content of a DER SEQUENCE into its encoded children (short test-only DER walker)."""

    def header(buf: bytes, pos: int) -> tuple[int, int]:
        length = buf[pos + 1]
        if length < 0x80:
            return pos + 2, length
        n = length & 0x7F
        return pos + 2 + n, int.from_bytes(buf[pos + 2 : pos + 2 + n], "big")

    start, length = header(der, 0)
    out, pos = [], start
    while pos < start + length:
        body, size = header(der, pos)
        out.append(der[pos : body + size])
        pos = body + size
    return out


NOW = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("algorithm", "label", "key_type", "hash_type"),
    [
        (pki.KeyAlgorithm.ED25519, b"ED25519 PRIVATE KEY", ed25519.Ed25519PrivateKey, type(None)),
        (pki.KeyAlgorithm.ECDSA, b"EC PRIVATE KEY", ec.EllipticCurvePrivateKey, hashes.SHA256),
        (pki.KeyAlgorithm.RSA, b"RSA PRIVATE KEY", rsa.RSAPrivateKey, hashes.SHA512),
    ],
)
def test_self_signed_ca_shape(
    algorithm: pki.KeyAlgorithm, label: bytes, key_type: type, hash_type: type
) -> None:
    pair = pki.new_self_signed_ca(
        organizations=["talos"], algorithm=algorithm, not_before=NOW, validity=pki.CA_VALIDITY, rsa_bits=2048
    )
    assert pair.key.startswith(b"-----BEGIN " + label + b"-----\n")
    assert isinstance(pair.private_key(), key_type)
    cert = pair.certificate()
    assert isinstance(cert.signature_hash_algorithm, hash_type)
    assert cert.subject == cert.issuer
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "talos"
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME) == []
    assert cert.not_valid_before_utc == NOW
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == timedelta(hours=87600)
    assert 0 < cert.serial_number < 1 << 128
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert ku.critical and ku.value.key_cert_sign and ku.value.digital_signature
    assert not (ku.value.key_encipherment or ku.value.crl_sign or ku.value.content_commitment)
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
    bc = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert bc.critical and bc.value.ca and bc.value.path_length is None
    assert len(cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest) == 20
    cert.verify_directly_issued_by(cert)


def test_ca_matches_talos_fixture_layout_and_subject_encoding() -> None:
    ours = pki.new_self_signed_ca(organizations=["etcd"], algorithm=pki.KeyAlgorithm.ECDSA).certificate()
    theirs = fixture_pair("etcd").certificate()
    assert ext_layout(ours) == ext_layout(theirs)
    # Go writes O= as a PrintableString: the encoded names must be byte-identical
    assert ours.subject.public_bytes() == theirs.subject.public_bytes()
    assert pki.build_name(["etcd"]).public_bytes() == theirs.subject.public_bytes()


def test_several_organizations_share_one_rdn_and_cn_follows() -> None:
    name = pki.build_name(["os:reader", "os:admin"], common_name="node")
    assert len(name.rdns) == 2
    assert {a.value for a in name.rdns[0]} == {"os:reader", "os:admin"}
    assert name.rdns[1].get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "node"


def test_ca_sans() -> None:
    pair = pki.new_self_signed_ca(organizations=["kp"], ip_addresses=["10.5.0.2"], dns_names=["a.b"])
    cert = pair.certificate()
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("10.5.0.2")]
    assert san.get_values_for_type(x509.DNSName) == ["a.b"]
    with pytest.raises(pki.X509Error, match="invalid IP: nope"):
        pki.new_self_signed_ca(organizations=["kp"], ip_addresses=["nope"])


@pytest.mark.parametrize("algorithm", [pki.KeyAlgorithm.ED25519, pki.KeyAlgorithm.ECDSA])
def test_issue_certificate_from_ca(algorithm: pki.KeyAlgorithm) -> None:
    ca = pki.new_self_signed_ca(organizations=["talos"], algorithm=algorithm, validity=pki.CA_VALIDITY)
    leaf = pki.issue_certificate(
        ca,
        organizations=["os:admin"],
        common_name="n1",
        dns_names=["n1.local"],
        ip_addresses=["192.168.0.10", "fd00::1"],
        not_before=NOW,
        validity=timedelta(hours=5),
    )
    cert, ca_cert = leaf.certificate(), ca.certificate()
    cert.verify_directly_issued_by(ca_cert)
    assert pki.key_algorithm(leaf.private_key()) is algorithm
    assert cert.issuer == ca_cert.subject
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == timedelta(hours=5)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "n1"
    with pytest.raises(x509.ExtensionNotFound):
        cert.extensions.get_extension_for_class(x509.BasicConstraints)
    aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert aki.key_identifier == ski.digest
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["n1.local"]
    assert [str(i) for i in san.get_values_for_type(x509.IPAddress)] == ["192.168.0.10", "fd00::1"]
    assert [o for o, _ in ext_layout(cert)] == [
        ExtensionOID.KEY_USAGE.dotted_string,
        ExtensionOID.EXTENDED_KEY_USAGE.dotted_string,
        ExtensionOID.AUTHORITY_KEY_IDENTIFIER.dotted_string,
        ExtensionOID.SUBJECT_ALTERNATIVE_NAME.dotted_string,
    ]


def test_csr_roundtrip_and_signing_usages() -> None:
    ca = pki.new_self_signed_ca(organizations=["talos"])
    key = pki.generate_private_key(pki.KeyAlgorithm.ED25519)
    csr_pem = pki.create_csr(key, organizations=["os:reader"], ip_addresses=["10.0.0.1"])
    assert csr_pem.startswith(b"-----BEGIN CERTIFICATE REQUEST-----\n")
    crt = pki.parse_certificate(
        pki.sign_csr(ca, csr_pem, validity=timedelta(hours=24), ext_key_usage=[pki.CLIENT_AUTH])
    )
    assert list(crt.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [
        ExtendedKeyUsageOID.CLIENT_AUTH
    ]
    ku = crt.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.digital_signature and not ku.key_cert_sign
    assert crt.public_key() == key.public_key()


def test_sign_csr_rejects_bad_signature() -> None:
    ca = pki.new_self_signed_ca(organizations=["talos"])
    key = pki.generate_private_key(pki.KeyAlgorithm.ED25519)
    der = x509.load_pem_x509_csr(pki.create_csr(key, organizations=["x"])).public_bytes(
        serialization.Encoding.DER
    )
    tampered = bytearray(der)
    tampered[-1] ^= 0xFF  # flip a bit of the signature
    with pytest.raises(pki.X509Error, match="failed verifying CSR signature"):
        pki.sign_csr(ca, pki.pem_encode("CERTIFICATE REQUEST", bytes(tampered)))
    with pytest.raises(pki.X509Error, match="failed to decode CSR"):
        pki.sign_csr(ca, b"nope")


@pytest.mark.parametrize("algorithm", list(pki.KeyAlgorithm))
def test_key_encode_parse_roundtrip(algorithm: pki.KeyAlgorithm) -> None:
    key = pki.generate_private_key(algorithm, rsa_bits=2048)
    pem = pki.encode_private_key(key)
    assert pki.encode_private_key(pki.parse_private_key(pem)) == pem
    assert pki.PEMEncodedKey(pem).get_key().public_key() == key.public_key()


def test_ed25519_pem_is_pkcs8_like_go() -> None:
    key = pki.generate_private_key(pki.KeyAlgorithm.ED25519)
    block = pki.pem_decode(pki.encode_private_key(key))
    assert block is not None and block[0] == "ED25519 PRIVATE KEY"
    assert len(block[1]) == 48  # PKCS#8 without the optional public key, as Go marshals it


def test_parse_key_errors_are_worded_like_go() -> None:
    cert_pem = pki.new_self_signed_ca(organizations=["x"]).crt
    with pytest.raises(pki.X509Error, match=r"^failed to parse PEM block$"):
        pki.parse_private_key(b"")
    with pytest.raises(pki.X509Error, match=r'^unsupported key type: "CERTIFICATE"$'):
        pki.parse_private_key(cert_pem)
    with pytest.raises(pki.X509Error, match=r'^unsupported key type "CERTIFICATE"$'):
        pki.PEMEncodedKey(cert_pem).get_key()
    ec_der = pki.pem_decode(pki.encode_private_key(pki.generate_private_key(pki.KeyAlgorithm.ECDSA)))
    assert ec_der is not None
    with pytest.raises(pki.X509Error, match="Ed25519 key"):
        pki.parse_private_key(pki.pem_encode("ED25519 PRIVATE KEY", ec_der[1]))
    pkcs8 = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assert isinstance(pki.parse_private_key(pkcs8), ec.EllipticCurvePrivateKey)


def test_pem_decode_skips_leading_text_and_rejects_garbage() -> None:
    pem = pki.pem_encode("CERTIFICATE", b"\x01\x02\x03")
    assert pki.pem_decode(b"junk before\n" + pem) == ("CERTIFICATE", b"\x01\x02\x03")
    assert pki.pem_decode(b"-----BEGIN X-----\n!!!!\n-----END X-----\n") is None
    assert pki.pem_decode(b"no pem at all") is None


def test_certificate_and_key_base64_helpers() -> None:
    pair = pki.new_self_signed_ca(organizations=["x"])
    again = pki.CertificateAndKey.from_b64(pair.crt_b64, pair.key_b64)
    assert again == pair
    assert base64.b64decode(pair.crt_b64) == pair.crt
    redacted = pki.CertificateAndKey.from_b64(pair.crt_b64, "******")
    assert redacted.key == pki.REDACTED and redacted.key_b64 == "******"
    with pytest.raises(pki.X509Error, match=r"certificate.crt: illegal base64"):
        pki.CertificateAndKey.from_b64("@@@", "")


def test_fingerprints_hash_the_raw_spki_of_a_talos_certificate() -> None:
    cert = fixture_pair("os").certificate()
    tbs = der_children(cert.tbs_bytes if hasattr(cert, "tbs_bytes") else cert.tbs_certificate_bytes)
    spki_der = tbs[6]  # [0] version, serial, sigalg, issuer, validity, subject, spki
    digest = hashlib.sha256(spki_der).digest()
    assert pki.spki_fingerprint(cert) == base64.b64encode(digest).decode()
    assert pki.spki_hash(cert) == "sha256:" + digest.hex()

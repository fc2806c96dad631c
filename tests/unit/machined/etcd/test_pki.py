"""etcd certificates: SANs, usages, validity and the chain to the cluster's etcd CA."""

from __future__ import annotations

import ipaddress
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from pytalos.machined.etcd.layout import EtcdLayout
from pytalos.machined.etcd.pki import NodeIdentity, issue_etcd_certs, write_pki
from pytalos.machinery.crypto.x509 import CertificateAndKey
from pytalos.machinery.secrets.ca import new_etcd_ca

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def ca() -> CertificateAndKey:
    return new_etcd_ca(NOW)


def _sans(cert: x509.Certificate) -> tuple[list[str], list[str]]:
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return san.get_values_for_type(x509.DNSName), [str(i) for i in san.get_values_for_type(x509.IPAddress)]


def _eku(cert: x509.Certificate) -> set[x509.ObjectIdentifier]:
    return set(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)


def _cn(cert: x509.Certificate) -> str:
    return str(cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)


def test_server_cert_sans_ipv4_only(ca: CertificateAndKey) -> None:
    certs = issue_etcd_certs(ca, NodeIdentity("cp-1", ["10.5.0.2", "192.168.1.10"], "example.org"), now=NOW)
    server = certs.server.certificate()
    assert _cn(server) == "cp-1"
    assert _sans(server) == (
        ["cp-1", "cp-1.example.org", "localhost"],
        ["10.5.0.2", "192.168.1.10", "127.0.0.1"],
    )
    assert _eku(server) == {ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH}


def test_server_cert_adds_ipv6_loopback_with_ipv6_address(ca: CertificateAndKey) -> None:
    server = issue_etcd_certs(ca, NodeIdentity("cp-1", ["fd00::2", "10.5.0.2"]), now=NOW).server.certificate()
    assert _sans(server)[1] == ["fd00::2", "10.5.0.2", "127.0.0.1", "::1"]


def test_peer_cert_has_no_localhost(ca: CertificateAndKey) -> None:
    peer = issue_etcd_certs(ca, NodeIdentity("cp-1", ["10.5.0.2"]), now=NOW).peer.certificate()
    assert _sans(peer) == (["cp-1"], ["10.5.0.2"])
    assert _eku(peer) == {ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH}


def test_admin_cert_is_client_only_without_sans(ca: CertificateAndKey) -> None:
    admin = issue_etcd_certs(ca, NodeIdentity("cp-1", ["10.5.0.2"]), now=NOW).admin.certificate()
    assert _cn(admin) == "talos"
    assert _eku(admin) == {ExtendedKeyUsageOID.CLIENT_AUTH}
    with pytest.raises(x509.ExtensionNotFound):
        admin.extensions.get_extension_for_class(x509.SubjectAlternativeName)


def test_usages_validity_and_chain(ca: CertificateAndKey) -> None:
    certs = issue_etcd_certs(ca, NodeIdentity("cp-1", ["10.5.0.2"]), now=NOW)
    ca_cert = ca.certificate()
    for pair in (certs.server, certs.peer, certs.admin):
        cert = pair.certificate()
        cert.verify_directly_issued_by(ca_cert)
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        assert usage.digital_signature and usage.key_encipherment and not usage.key_cert_sign
        with pytest.raises(x509.ExtensionNotFound):  # a leaf: no CA bit at all, as Talos's CSR signing
            cert.extensions.get_extension_for_class(x509.BasicConstraints)
        assert cert.not_valid_before_utc == NOW
        assert cert.not_valid_after_utc - cert.not_valid_before_utc == timedelta(hours=87600)
        key = pair.private_key()
        assert isinstance(key, ec.EllipticCurvePrivateKey)  # the CA's algorithm
        public = cert.public_key()
        assert isinstance(public, ec.EllipticCurvePublicKey)
        assert key.public_key().public_numbers() == public.public_numbers()


def test_other_ca_does_not_verify(ca: CertificateAndKey) -> None:
    other = new_etcd_ca(NOW)
    server = issue_etcd_certs(ca, NodeIdentity("cp-1", ["10.5.0.2"]), now=NOW).server.certificate()
    with pytest.raises(Exception):  # noqa: B017 - cryptography raises InvalidSignature or ValueError
        server.verify_directly_issued_by(other.certificate())


def test_write_pki_files_and_modes(ca: CertificateAndKey, tmp_path: Path) -> None:
    layout = EtcdLayout(tmp_path)
    certs = issue_etcd_certs(ca, NodeIdentity("cp-1", [ipaddress.ip_address("10.5.0.2")]), now=NOW)
    write_pki(layout, ca, certs)
    write_pki(layout, ca, certs)  # rewriting read-only files works (atomic replace)
    assert stat.S_IMODE(layout.pki_dir.stat().st_mode) == 0o700
    for path, data in ((layout.server_cert, certs.server.crt), (layout.admin_key, certs.admin.key)):
        assert path.read_bytes() == data
        assert stat.S_IMODE(path.stat().st_mode) == 0o400
    assert layout.ca_cert.read_bytes() == ca.crt
    assert sorted(p.name for p in layout.pki_dir.iterdir()) == [
        "admin.crt", "admin.key", "ca.crt", "ca.key", "peer.crt", "peer.key", "server.crt", "server.key",
    ]  # fmt: skip

"""The control plane certificates: subjects, SANs, usages, validity, chain to the issuing CA."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from pytalos.machinery.crypto.x509 import CertificateAndKey, KeyAlgorithm, new_self_signed_ca
from pytalos.machinery.kubernetes import certs

pytestmark = pytest.mark.unit

IP = ipaddress.ip_address


@pytest.fixture(scope="module")
def ca() -> CertificateAndKey:
    return new_self_signed_ca(
        organizations=("kubernetes",), algorithm=KeyAlgorithm.ECDSA, validity=timedelta(days=3650)
    )


def _chains(leaf: CertificateAndKey, ca: CertificateAndKey) -> x509.Certificate:
    cert = leaf.certificate()
    cert.verify_directly_issued_by(ca.certificate())
    assert leaf.private_key().public_key().public_numbers() == cert.public_key().public_numbers()  # type: ignore[union-attr]
    return cert


def _subject(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> list[str]:
    return [str(a.value) for a in cert.subject.get_attributes_for_oid(oid)]


def test_kubernetes_cert_sans_order_and_content() -> None:
    sans = certs.kubernetes_cert_sans(
        endpoint_host="k8s.example.org",
        cert_sans=["10.5.0.100", "lb.example.org"],
        dns_domain="cluster.local",
        hostname="cp-1",
        fqdn="cp-1.example.org",
        api_server_ips=[IP("10.96.0.1")],
        node_ips=[IP("10.5.0.2"), IP("fd00::2"), IP("10.5.0.2")],
    )
    assert sans.dns_names == (
        "cp-1",
        "cp-1.example.org",
        "k8s.example.org",
        "kubernetes",
        "kubernetes.default",
        "kubernetes.default.svc",
        "kubernetes.default.svc.cluster.local",
        "lb.example.org",
        "localhost",
    )
    assert sans.ips == (IP("10.5.0.2"), IP("10.5.0.100"), IP("10.96.0.1"), IP("127.0.0.1"), IP("fd00::2"))


def test_apiserver_serving_cert(ca: CertificateAndKey) -> None:
    sans = certs.CertSANs((IP("10.96.0.1"), IP("127.0.0.1")), ("kubernetes", "localhost"))
    cert = _chains(certs.apiserver_cert(ca, sans), ca)
    assert _subject(cert, NameOID.COMMON_NAME) == ["kube-apiserver"]
    assert _subject(cert, NameOID.ORGANIZATION_NAME) == ["kube-master"]
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["kubernetes", "localhost"]
    assert san.get_values_for_type(x509.IPAddress) == [IP("10.96.0.1"), IP("127.0.0.1")]
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.key_encipherment and not usage.key_cert_sign
    assert list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [
        ExtendedKeyUsageOID.SERVER_AUTH
    ]
    assert timedelta(days=364) < cert.not_valid_after_utc - datetime.now(UTC) <= timedelta(days=365)


def test_kubelet_client_and_front_proxy(ca: CertificateAndKey) -> None:
    client = _chains(certs.apiserver_kubelet_client_cert(ca), ca)
    assert _subject(client, NameOID.COMMON_NAME) == ["apiserver-kubelet-client"]
    assert _subject(client, NameOID.ORGANIZATION_NAME) == ["system:masters"]
    eku = client.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    aggregator = new_self_signed_ca(algorithm=KeyAlgorithm.ECDSA, validity=timedelta(days=10))
    proxy = _chains(certs.front_proxy_cert(aggregator), aggregator)
    assert _subject(proxy, NameOID.COMMON_NAME) == ["front-proxy-client"]
    assert _subject(proxy, NameOID.ORGANIZATION_NAME) == []


def test_client_cert_validity_window(ca: CertificateAndKey) -> None:
    now = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    cert = certs.client_cert(
        ca, common_name="admin", organization="system:masters", lifetime=timedelta(hours=2), now=now
    )
    parsed = _chains(cert, ca)
    assert parsed.not_valid_before_utc == now - timedelta(seconds=10)
    assert parsed.not_valid_after_utc == now + timedelta(hours=2)


def test_ca_without_key_is_an_error(ca: CertificateAndKey) -> None:
    with pytest.raises(certs.CertificateError, match="aggregator CA: the CA has no private key"):
        certs.front_proxy_cert(CertificateAndKey(ca.crt, b""))
    with pytest.raises(certs.CertificateError, match="CA certificate"):
        certs.apiserver_kubelet_client_cert(None)

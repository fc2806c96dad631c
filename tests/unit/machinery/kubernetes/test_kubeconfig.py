"""Kubeconfig rendering: Talos's template byte for byte, client certificates chaining to the CA."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
import yaml
from cryptography import x509
from cryptography.x509.oid import NameOID

from pytalos.machinery.crypto.x509 import CertificateAndKey, parse_certificate
from pytalos.machinery.kubernetes import kubeconfig
from pytalos.machinery.kubernetes.settings import kubernetes_settings

from ._fixtures import ENDPOINT, config

pytestmark = pytest.mark.unit


def test_render_is_talos_template() -> None:
    text = kubeconfig.render(
        cluster_name="demo",
        endpoint="https://10.5.0.2:6443",
        accepted_cas=[b"CA1", b"CA2"],
        client=CertificateAndKey(b"CRT", b"KEY"),
        username="admin",
        context_name="admin",
    )
    assert text == (
        "apiVersion: v1\n"
        "kind: Config\n"
        "clusters:\n"
        "- name: demo\n"
        "  cluster:\n"
        "    server: https://10.5.0.2:6443\n"
        f"    certificate-authority-data: {base64.b64encode(b'CA1CA2').decode()}\n"
        "users:\n"
        "- name: admin@demo\n"
        "  user:\n"
        f"    client-certificate-data: {base64.b64encode(b'CRT').decode()}\n"
        f"    client-key-data: {base64.b64encode(b'KEY').decode()}\n"
        "contexts:\n"
        "- context:\n"
        "    cluster: demo\n"
        "    namespace: default\n"
        "    user: admin@demo\n"
        "  name: admin@demo\n"
        "current-context: admin@demo\n"
    )


@pytest.mark.parametrize("contract", ["", "v1.7"])
def test_admin_kubeconfig_from_config(contract: str) -> None:
    settings = kubernetes_settings(config("controlplane", contract))
    doc = yaml.safe_load(kubeconfig.admin_kubeconfig(settings, lifetime=timedelta(hours=1)))
    assert doc["current-context"] == "admin@demo"
    assert doc["clusters"][0]["name"] == "demo"
    assert doc["clusters"][0]["cluster"]["server"] == ENDPOINT
    ca = parse_certificate(base64.b64decode(doc["clusters"][0]["cluster"]["certificate-authority-data"]))
    user = doc["users"][0]
    assert user["name"] == "admin@demo"
    cert = parse_certificate(base64.b64decode(user["user"]["client-certificate-data"]))
    cert.verify_directly_issued_by(ca)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "admin"
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "system:masters"
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == timedelta(hours=1, seconds=10)
    assert b"PRIVATE KEY" in base64.b64decode(user["user"]["client-key-data"])
    assert isinstance(cert.public_key(), type(ca.public_key()))
    assert doc["contexts"] == [
        {"context": {"cluster": "demo", "namespace": "default", "user": "admin@demo"}, "name": "admin@demo"}
    ]


def test_component_kubeconfig_uses_local_endpoint() -> None:
    settings = kubernetes_settings(config())
    doc = yaml.safe_load(kubeconfig.component_kubeconfig(settings, "system:kube-scheduler"))
    assert doc["clusters"][0]["cluster"]["server"] == "https://127.0.0.1:7445"
    assert doc["current-context"] == "default@demo"
    assert doc["users"][0]["name"] == "system:kube-scheduler@demo"
    crt = base64.b64decode(doc["users"][0]["user"]["client-certificate-data"])
    subject = parse_certificate(crt).subject
    assert [a.value for a in subject.get_attributes_for_oid(NameOID.COMMON_NAME)] == ["system:kube-scheduler"]
    assert isinstance(parse_certificate(crt), x509.Certificate)

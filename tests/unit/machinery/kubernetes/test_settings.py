"""Kubernetes settings read from both config shapes (Kube*Config documents and legacy v1alpha1)."""

from __future__ import annotations

import ipaddress
from datetime import timedelta

import pytest

from pytalos.machinery.config.loader import load
from pytalos.machinery.crypto.x509 import parse_certificate
from pytalos.machinery.kubernetes.settings import SettingsError, api_server_ips, kubernetes_settings

from ._fixtures import ENDPOINT, config

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("contract", ["", "v1.7"])
def test_settings_from_generated_configs(contract: str) -> None:
    s = kubernetes_settings(config("controlplane", contract))
    assert s.cluster_name == "demo"
    assert s.endpoint == ENDPOINT
    assert s.local_endpoint == "https://127.0.0.1:7445"  # KubePrism is on in both contracts
    assert s.dns_domain == "cluster.local"
    assert s.service_subnets == ("10.96.0.0/12",)
    assert s.api_server_ips == (ipaddress.ip_address("10.96.0.1"),)
    assert s.issuing_ca is not None and s.issuing_ca.key
    assert s.accepted_cas[-1] == s.issuing_ca.crt
    parse_certificate(s.accepted_cas[-1])
    assert s.aggregator_ca is not None and s.aggregator_ca.key
    assert b"PRIVATE KEY" in s.service_account_key
    assert len(s.bootstrap_token_id) == 6 and len(s.bootstrap_token_secret) == 16
    assert s.admin_cert_lifetime == timedelta(days=365)


def test_legacy_fields_lifetime_certsans_and_local_port() -> None:
    text = (
        config("controlplane", "v1.4")
        .bytes()
        .replace(b"    apiServer:\n", b"    adminKubeconfig:\n        certLifetime: 2h\n    apiServer:\n", 1)
    )
    s = kubernetes_settings(load(text, "t.yaml"))
    assert s.admin_cert_lifetime == timedelta(hours=2)
    assert "10.5.0.2" in s.cert_sans  # gen config puts the endpoint host into apiServer.certSANs
    assert s.local_endpoint == "https://localhost:6443"  # no KubePrism before v1.5


def test_worker_config_lacks_control_plane_secrets() -> None:
    # Talos builds KubernetesRootSecrets on control planes only; a worker config has no aggregator CA
    with pytest.raises(SettingsError, match=r"missing cluster\.aggregatorCA secret"):
        kubernetes_settings(config("worker"))


def test_missing_aggregator_ca_names_the_field() -> None:
    c = config("controlplane", "v1.7")
    c.v1alpha1().cluster_config.cluster_aggregator_ca = None
    with pytest.raises(SettingsError, match=r"missing cluster\.aggregatorCA secret"):
        kubernetes_settings(c)


def test_api_server_ips_dual_stack_and_bad_cidr() -> None:
    assert api_server_ips(["10.96.0.0/12", "fd00:10:96::/112"]) == (
        ipaddress.ip_address("10.96.0.1"),
        ipaddress.ip_address("fd00:10:96::1"),
    )
    with pytest.raises(SettingsError, match="service subnet 'nope'"):
        api_server_ips(["nope"])

"""``Config.redact``: every v1alpha1 secret is hidden (Talos's ``Config.Redact``), nothing else changes."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.codecs import Base64Bytes
from pytalos.machinery.config.contract import VersionContract
from pytalos.machinery.config.generate import Input, generate
from pytalos.machinery.config.loader import load
from pytalos.machinery.config.types.v1alpha1 import Config
from pytalos.machinery.secrets.bundle import SecretsBundle
from tests._shared import config_testdata

from ._helpers import decode, encode

pytestmark = pytest.mark.unit

MARK = "REDACTED"
MARK_B64 = "UkVEQUNURUQ="  # base64 of REDACTED: the PEM fields are written base64-encoded


@pytest.fixture(scope="module")
def secrets() -> SecretsBundle:
    path = config_testdata("types", "v1alpha1", "testdata", "stability", "secrets.yaml")
    return SecretsBundle.from_yaml(path.read_bytes(), str(path))


def _generated(secrets: SecretsBundle, machine_type: str) -> Config:
    inp = Input(
        "demo",
        "https://10.0.0.1:6443",
        "1.30.1",
        secrets_bundle=secrets,
        version_contract=VersionContract.parse("v1.3"),
    )
    cfg = generate(inp, machine_type).v1alpha1()
    assert isinstance(cfg, Config)
    return cfg


def test_control_plane_secrets_are_replaced(secrets: SecretsBundle) -> None:
    cfg = _generated(secrets, "controlplane")
    cfg.cluster().cluster_aescbc_encryption_secret = "c2VjcmV0"
    before = encode(cfg)
    cfg.redact(MARK)
    machine, cluster = cfg.machine(), cfg.cluster()
    assert machine.machine_token == MARK
    assert cluster.cluster_secret == MARK
    assert cluster.bootstrap_token == MARK
    assert cluster.cluster_aescbc_encryption_secret == MARK
    assert cluster.cluster_secretbox_encryption_secret == MARK
    holders = [
        machine.machine_ca,
        cluster.cluster_ca,
        cluster.cluster_aggregator_ca,
        cluster.cluster_service_account,
    ]
    assert cluster.etcd_config is not None
    holders.append(cluster.etcd_config.root_ca)
    for holder in holders:
        assert holder is not None
        assert holder.key == Base64Bytes(MARK.encode())
    # certificates and identifiers stay: they are not secret
    assert machine.machine_ca is not None and machine.machine_ca.crt.data.startswith(b"-----BEGIN")
    assert cluster.cluster_id and cluster.cluster_id != MARK
    text = encode(cfg)
    assert text != before
    assert text.count(f"key: {MARK_B64}") == 5
    assert decode(text) == cfg  # still a valid document


def test_empty_secrets_stay_empty(secrets: SecretsBundle) -> None:
    cfg = _generated(secrets, "worker")
    machine_ca, cluster_ca = cfg.machine().machine_ca, cfg.cluster().cluster_ca
    assert machine_ca is not None and not machine_ca.key.data
    cfg.redact(MARK)
    assert not machine_ca.key.data
    assert cfg.cluster().cluster_secretbox_encryption_secret == ""
    assert cfg.cluster().cluster_aescbc_encryption_secret == ""
    assert cluster_ca is not None and not cluster_ca.key.data
    assert cfg.machine().machine_token == MARK


def test_missing_sections_are_fine() -> None:
    cfg = decode("version: v1alpha1\n")
    before = encode(cfg)
    cfg.redact(MARK)
    assert cfg.machine_config is None and cfg.cluster_config is None
    assert encode(cfg) == before
    cfg = decode("version: v1alpha1\ncluster:\n    etcd:\n        ca: null\n")
    cfg.redact(MARK)
    etcd = cfg.cluster().etcd_config
    assert etcd is not None and etcd.root_ca is None


def test_container_redacted_hides_v1alpha1_secrets_and_keeps_the_original(secrets: SecretsBundle) -> None:
    inp = Input(
        "demo",
        "https://10.0.0.1:6443",
        "1.30.1",
        secrets_bundle=secrets,
        version_contract=VersionContract.parse("v1.10"),
    )
    container = generate(inp, "controlplane")
    original = container.encode()
    token = container.v1alpha1().machine().machine_token
    redacted = container.redacted("***")
    assert container.encode() == original
    text = redacted.encode()
    assert token not in text
    assert "token: '***'" in text
    assert load(text).encode() == text

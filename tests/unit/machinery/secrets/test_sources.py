"""Secrets bundles rebuilt from a control-plane config and from a kubeadm PKI directory."""

from __future__ import annotations

import functools
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from pytalos.machinery.config.container import Container
from pytalos.machinery.config.contract import VersionContract
from pytalos.machinery.config.generate import Input, generate
from pytalos.machinery.crypto.x509 import KeyAlgorithm, key_algorithm
from pytalos.machinery.secrets.bundle import SecretsBundle, SecretsBundleError
from pytalos.machinery.secrets.sources import SecretsSourceError, encryption_secret
from tests._shared import config_testdata

pytestmark = pytest.mark.unit

NOW = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
SECTIONS = ("cluster", "secrets", "trustd_info", "certs")


@functools.cache
def _bundle() -> SecretsBundle:
    return SecretsBundle.generate()


def _config(version: str, kind: str = "controlplane", bundle: SecretsBundle | None = None) -> Container:
    contract = VersionContract.parse(version)
    inp = Input("c1", "https://10.5.0.2:6443", secrets_bundle=bundle or _bundle(), version_contract=contract)
    return generate(inp, kind)


def _assert_same(got: SecretsBundle, want: SecretsBundle) -> None:
    assert {s: getattr(got, s) for s in SECTIONS} == {s: getattr(want, s) for s in SECTIONS}
    assert got == want and got.to_yaml() == want.to_yaml()


# --- from a control-plane config -------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1.3", "v1.7", "v1.13", "v1.14", "v1.15"])
def test_generated_controlplane_config_gives_back_its_bundle(version: str) -> None:
    config = _config(version)
    from_container = SecretsBundle.from_controlplane_config(config)
    _assert_same(from_container, _bundle())
    from_bytes = SecretsBundle.from_controlplane_config(config.bytes(), "cp.yaml", now=NOW)
    _assert_same(from_bytes, _bundle())
    assert from_bytes.source == "cp.yaml" and from_bytes.fixed_time == NOW
    from_bytes.validate()


def test_aescbc_secret_of_an_old_bundle_round_trips() -> None:
    old = SecretsBundle.from_yaml(_bundle().to_yaml())
    assert old.secrets is not None
    old.secrets.aescbc_encryption_secret, old.secrets.secretbox_encryption_secret = "a2V5" * 11, ""
    # v1.3 configs carry whichever key the bundle has (Talos writes secretbox for v1.3+ contracts)
    config = _config("v1.13", bundle=old)
    v1 = config.v1alpha1()
    v1.cluster_config.cluster_aescbc_encryption_secret = "a2V5" * 11
    v1.cluster_config.cluster_secretbox_encryption_secret = ""
    got = SecretsBundle.from_controlplane_config(config)
    assert got.secrets == old.secrets
    # contracts v1.14+ carry it in KubeEtcdEncryptionConfig's aescbc provider
    _assert_same(SecretsBundle.from_controlplane_config(_config("v1.15", bundle=old)), old)


@pytest.mark.parametrize("version", ["v1.3", "v1.7", "v1.10", "v1.13", "v1.14", "v1.15"])
@pytest.mark.parametrize("variant", ["base", "overrides"])
def test_talos_stability_configs_give_back_the_fixture_bundle(version: str, variant: str) -> None:
    stability = config_testdata("types", "v1alpha1", "testdata", "stability")
    want = SecretsBundle.from_yaml((stability / "secrets.yaml").read_bytes())
    path = stability / version / f"{variant}-controlplane.yaml"
    _assert_same(SecretsBundle.from_controlplane_config(path.read_bytes(), path.name), want)


def test_fixed_clock_dates_client_certificates() -> None:
    bundle = SecretsBundle.from_controlplane_config(_config("v1.15"), now=NOW)
    cert = bundle.admin_certificate().certificate()
    assert cert.not_valid_before_utc == NOW
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == timedelta(days=365)
    later = NOW + timedelta(days=3)
    assert bundle.admin_certificate(now=later).certificate().not_valid_before_utc == later


def test_a_worker_config_lists_every_missing_secret() -> None:
    with pytest.raises(SecretsSourceError) as err:
        SecretsBundle.from_controlplane_config(_config("v1.15", "worker").bytes(), "worker.yaml")
    assert err.value.source == "worker.yaml"
    assert err.value.errors == [
        "cluster.secretboxEncryptionSecret: missing",
        "machine.ca.key: missing (a worker's config carries no CA keys)",
        "cluster.etcd.ca: missing",
        "KubeAPIServerCAConfig.issuingCA: missing",
        "cluster.aggregatorCA: missing",
        "cluster.serviceAccount.key: missing",
    ]
    assert str(err.value).splitlines()[0] == "worker.yaml: cluster.secretboxEncryptionSecret: missing"
    assert isinstance(err.value, SecretsBundleError)  # callers catching bundle errors see these too


def test_one_missing_field_is_named_with_the_file() -> None:
    config = _config("v1.13")
    config.v1alpha1().cluster_config.cluster_aggregator_ca = None
    with pytest.raises(SecretsSourceError) as err:
        SecretsBundle.from_controlplane_config(config.encode().encode(), "controlplane.yaml")
    assert str(err.value) == "controlplane.yaml: cluster.aggregatorCA: missing"


def test_missing_identity_tokens_and_broken_pem_are_reported() -> None:
    config = _config("v1.13")
    v1 = config.v1alpha1()
    v1.cluster_config.cluster_id = v1.cluster_config.cluster_secret = ""
    v1.cluster_config.bootstrap_token = ""
    v1.machine_config.machine_token = ""
    v1.cluster_config.etcd_config.root_ca.key.data = (
        b"-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n"
    )
    v1.cluster_config.cluster_service_account.key.data = b"not pem"
    with pytest.raises(SecretsSourceError) as err:
        SecretsBundle.from_controlplane_config(config)
    errors = err.value.errors
    assert errors[0] == "cluster.id: missing (and no DiscoveryIdentityConfig document)"
    assert "cluster.token: missing" in errors and "machine.token: missing" in errors
    assert any(e.startswith("cluster.etcd.ca: invalid: ") for e in errors)
    assert any(e.startswith("cluster.serviceAccount.key: invalid: ") for e in errors)


def test_multidoc_secrets_missing_from_their_documents() -> None:
    config = _config("v1.15")
    identity = config.get("DiscoveryIdentityConfig")
    encryption = config.get("KubeEtcdEncryptionConfig")
    assert identity is not None and encryption is not None
    identity.cluster_secret = ""  # type: ignore[attr-defined]
    encryption.config.object = {"resources": [{"resources": ["secrets"], "providers": [{"identity": {}}]}]}  # type: ignore[attr-defined]
    with pytest.raises(SecretsSourceError) as err:
        SecretsBundle.from_controlplane_config(config, "cp.yaml")
    assert err.value.errors == [
        "DiscoveryIdentityConfig.clusterSecret: missing",
        "KubeEtcdEncryptionConfig.config: no secretbox or aescbc key for secrets",
    ]


def test_bytes_that_do_not_load_are_a_source_error() -> None:
    with pytest.raises(
        SecretsSourceError, match=r"^failed to load the machine config: bad\.yaml:2: decode error"
    ):
        SecretsBundle.from_controlplane_config(b"machine: [", "bad.yaml")


def test_encryption_secret_follows_talos_rules() -> None:
    def cfg(*blocks: dict[str, object]) -> dict[str, object]:
        return {"resources": list(blocks)}

    box = {"secretbox": {"keys": [{"name": "k", "secret": "S1"}, {"name": "k2", "secret": "S2"}]}}
    aes = {"aescbc": {"keys": [{"name": "key1", "secret": "A1"}]}}
    assert encryption_secret(cfg({"resources": ["secrets"], "providers": [box, aes]})) == ("secretbox", "S1")
    assert encryption_secret(cfg({"resources": ["secrets"], "providers": [aes, box]})) == ("aescbc", "A1")
    # only the first provider of the first block encrypting secrets counts
    assert encryption_secret(cfg({"resources": ["secrets"], "providers": [{"identity": {}}, box]})) == (
        "",
        "",
    )
    assert encryption_secret(cfg({"resources": ["configmaps"], "providers": [box]})) == ("", "")
    two = cfg(
        {"resources": ["configmaps"], "providers": [aes]}, {"resources": ["secrets"], "providers": [box]}
    )
    assert encryption_secret(two) == ("secretbox", "S1")
    assert encryption_secret({}) == ("", "") and encryption_secret({"resources": "x"}) == ("", "")


# --- from a kubeadm PKI directory ------------------------------------------------------------------


def _rsa_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


def _kubeadm_ca(directory: Path, stem: str, cn: str) -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(65537, 2048)
    name = cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, cn)])
    cert = (
        cx509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(cx509.random_serial_number())
        .not_valid_before(NOW)
        .not_valid_after(NOW + timedelta(days=3650))
        .add_extension(cx509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    crt_pem, key_pem = cert.public_bytes(serialization.Encoding.PEM), _rsa_pem(key)
    (directory / f"{stem}.crt").write_bytes(crt_pem)
    (directory / f"{stem}.key").write_bytes(key_pem)
    return crt_pem, key_pem


@pytest.fixture(scope="module")
def kubeadm_pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``/etc/kubernetes/pki`` as kubeadm lays it out (RSA CAs and service-account key, PKCS#1)."""
    pki = tmp_path_factory.mktemp("pki")
    (pki / "etcd").mkdir()
    _kubeadm_ca(pki, "ca", "kubernetes")
    _kubeadm_ca(pki, "front-proxy-ca", "front-proxy-ca")
    _kubeadm_ca(pki / "etcd", "ca", "etcd-ca")
    sa = rsa.generate_private_key(65537, 2048)
    (pki / "sa.key").write_bytes(_rsa_pem(sa))
    pub = sa.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (pki / "sa.pub").write_bytes(pub)
    _kubeadm_ca(pki, "apiserver", "kube-apiserver")  # leaf files kubeadm also keeps there are ignored
    return pki


def test_kubeadm_pki_is_adopted(kubeadm_pki: Path) -> None:
    bundle = SecretsBundle.from_kubernetes_pki(str(kubeadm_pki), "abcdef.0123456789abcdef", (1, 2), now=NOW)
    certs = bundle.certs
    assert (
        certs is not None and certs.k8s and certs.etcd and certs.k8s_aggregator and certs.k8s_service_account
    )
    assert certs.k8s.crt == (kubeadm_pki / "ca.crt").read_bytes()
    assert certs.k8s.key == (kubeadm_pki / "ca.key").read_bytes()
    assert certs.etcd.crt == (kubeadm_pki / "etcd" / "ca.crt").read_bytes()
    assert certs.k8s_aggregator.key == (kubeadm_pki / "front-proxy-ca.key").read_bytes()
    assert certs.k8s_service_account.key == (kubeadm_pki / "sa.key").read_bytes()
    # Talos-only secrets are generated around them: the OS CA (Ed25519, from the bundle's clock), tokens,
    # the cluster identity, and the contract's encryption key (AES-CBC up to v1.2)
    assert certs.os is not None and key_algorithm(certs.os.certificate()) is KeyAlgorithm.ED25519
    assert certs.os.certificate().not_valid_before_utc == NOW
    assert bundle.secrets and bundle.secrets.bootstrap_token == "abcdef.0123456789abcdef"
    assert bundle.secrets.aescbc_encryption_secret and not bundle.secrets.secretbox_encryption_secret
    assert bundle.trustd_info and bundle.trustd_info.token and bundle.cluster and bundle.cluster.id
    bundle.validate()
    # and the adopted bundle survives secrets.yaml and a generated config
    _assert_same(SecretsBundle.from_yaml(bundle.to_yaml()), bundle)
    current = SecretsBundle.from_kubernetes_pki(str(kubeadm_pki))
    assert current.secrets and current.secrets.secretbox_encryption_secret and current.secrets.bootstrap_token
    _assert_same(SecretsBundle.from_controlplane_config(_config("v1.15", bundle=current)), current)


def test_kubeadm_pki_problems_are_all_listed(tmp_path: Path, kubeadm_pki: Path) -> None:
    pki = tmp_path / "pki"
    (pki / "etcd").mkdir(parents=True)
    for name in ("ca.crt", "ca.key", "front-proxy-ca.crt"):
        (pki / name).write_bytes((kubeadm_pki / name).read_bytes())
    (pki / "etcd" / "ca.crt").write_bytes(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    (pki / "etcd" / "ca.key").write_bytes((kubeadm_pki / "etcd" / "ca.key").read_bytes())
    (pki / "sa.key").write_bytes(b"\n")
    with pytest.raises(SecretsSourceError) as err:
        SecretsBundle.from_kubernetes_pki(str(pki), "abcdef.0123456789abcdef")
    errors = err.value.errors
    assert errors[0].startswith(f"{pki}{os.sep}etcd{os.sep}ca.crt / etcd{os.sep}ca.key: invalid: ")
    assert errors[1:] == [f"{pki}{os.sep}front-proxy-ca.key: missing", f"{pki}{os.sep}sa.key: empty"]


def test_kubeadm_pki_directory_must_exist(tmp_path: Path) -> None:
    with pytest.raises(SecretsSourceError, match="no such directory"):
        SecretsBundle.from_kubernetes_pki(str(tmp_path / "nope"))
    (tmp_path / "file").write_text("x")
    with pytest.raises(SecretsSourceError, match="is not a directory"):
        SecretsBundle.from_kubernetes_pki(str(tmp_path / "file"))

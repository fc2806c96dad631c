"""The secrets bundle must load, validate, generate and serialise exactly like Talos's."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from pytalos.machinery import role
from pytalos.machinery.crypto import x509 as pki
from pytalos.machinery.secrets import ca
from pytalos.machinery.secrets.bundle import (
    Certs,
    Secrets,
    SecretsBundle,
    SecretsBundleError,
    contract_greater,
    parse_contract,
)
from tests._shared import shared_path

pytestmark = pytest.mark.unit

TESTDATA = ("testdata", "talos", "pkg", "machinery", "config", "generate", "secrets", "testdata")
STABILITY = (
    "testdata",
    "talos",
    "pkg",
    "machinery",
    "config",
    "types",
    "v1alpha1",
    "testdata",
    "stability",
    "secrets.yaml",
)
TOKEN = re.compile(r"^[0-9a-z]{6}\.[0-9a-z]{16}$")
NOW = datetime(2024, 5, 1, 8, 30, 0, tzinfo=UTC)

SIX_ERRORS = [
    "cluster.secret is required",
    "one of [secrets.secretboxencryptionsecret, secrets.aescbcencryptionsecret] is required",
    "trustdinfo is required",
    "certs.etcd is invalid: failed to parse PEM block",
    "certs.k8saggregator is required",
    'certs.os is invalid: unsupported key type: "CERTIFICATE"',
]


def load(path: Path) -> SecretsBundle:
    return SecretsBundle.from_yaml(path.read_text(), source=str(path))


@pytest.fixture(scope="module")
def generated() -> SecretsBundle:
    return SecretsBundle.generate(now=NOW)


def test_invalid_fixture_reports_all_six_errors_in_order() -> None:
    path = shared_path(*TESTDATA, "invalid-secrets.yaml")
    bundle = load(path)
    assert bundle.validation_errors() == SIX_ERRORS
    with pytest.raises(SecretsBundleError) as info:
        bundle.validate()
    assert info.value.errors == SIX_ERRORS
    expected = "6 errors occurred:\n\t" + "\n\t".join(f"* {e}" for e in SIX_ERRORS) + "\n\n"
    assert info.value.multierror_text == expected
    assert str(path) in str(info.value)
    assert "6 errors occurred:" in str(info.value)


def test_single_error_uses_go_singular_form() -> None:
    err = SecretsBundleError(["cluster is required"], "x.yaml")
    assert err.multierror_text == "1 error occurred:\n\t* cluster is required\n\n"
    assert str(err) == "invalid secrets bundle x.yaml: 1 error occurred:\n\t* cluster is required"


def test_valid_fixture_validates_and_reserialises_byte_for_byte() -> None:
    path = shared_path(*TESTDATA, "secrets.yaml")
    bundle = load(path)
    bundle.validate()
    assert bundle.to_yaml() == path.read_text()


def test_stability_fixture_validates_and_matches_except_comment() -> None:
    path = shared_path(*STABILITY)
    bundle = load(path)
    bundle.validate()
    body = "".join(ln for ln in path.read_text().splitlines(keepends=True) if not ln.startswith("#"))
    assert bundle.to_yaml() == body
    assert bundle.secrets is not None and bundle.secrets.bootstrap_token == "inn7ol.u4ehnti8qyls9ymo"


def test_generated_bundle_roundtrips_byte_for_byte(generated: SecretsBundle) -> None:
    text = generated.to_yaml()
    again = SecretsBundle.from_yaml(text)
    assert again == generated
    assert again.to_yaml() == text
    assert list(re.findall(r"^(\w+):", text, re.M)) == ["cluster", "secrets", "trustdinfo", "certs"]
    assert re.findall(r"^    (\w+):$", text.split("certs:\n")[1], re.M) == [
        "etcd",
        "k8s",
        "k8saggregator",
        "k8sserviceaccount",
        "os",
    ]


def test_generated_bundle_secrets(generated: SecretsBundle) -> None:
    generated.validate()
    assert generated.cluster and generated.secrets and generated.trustd_info
    assert len(base64.b64decode(generated.cluster.id, validate=True)) == 32
    assert len(base64.b64decode(generated.cluster.secret, validate=True)) == 32
    assert TOKEN.match(generated.secrets.bootstrap_token)
    assert TOKEN.match(generated.trustd_info.token)
    assert len(base64.b64decode(generated.secrets.secretbox_encryption_secret, validate=True)) == 32
    assert generated.secrets.aescbc_encryption_secret == ""
    assert "aescbcencryptionsecret" not in generated.to_yaml()


@pytest.mark.parametrize(
    ("name", "org", "key_type"),
    [
        ("etcd", ["etcd"], ec.EllipticCurvePrivateKey),
        ("k8s", ["kubernetes"], ec.EllipticCurvePrivateKey),
        ("k8s_aggregator", [], ec.EllipticCurvePrivateKey),
        ("os", ["talos"], ed25519.Ed25519PrivateKey),
    ],
)
def test_generated_cas(generated: SecretsBundle, name: str, org: list[str], key_type: type) -> None:
    assert generated.certs is not None
    pair: pki.CertificateAndKey = getattr(generated.certs, name)
    cert = pair.certificate()
    assert [a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)] == org
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME) == []
    assert isinstance(pair.private_key(), key_type)
    assert cert.not_valid_before_utc == NOW
    assert cert.not_valid_after_utc == NOW + timedelta(hours=87600)
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_contract_selects_encryption_and_service_account_key() -> None:
    old = SecretsBundle.generate((1, 2))
    assert old.secrets and old.secrets.aescbc_encryption_secret
    assert not old.secrets.secretbox_encryption_secret
    assert old.certs and old.certs.k8s_service_account
    assert isinstance(old.certs.k8s_service_account.get_key(), ec.EllipticCurvePrivateKey)
    assert "aescbcencryptionsecret:" in old.to_yaml()
    v16 = SecretsBundle.generate((1, 6))
    assert v16.secrets and v16.secrets.secretbox_encryption_secret
    assert v16.certs and v16.certs.k8s_service_account
    assert isinstance(v16.certs.k8s_service_account.get_key(), ec.EllipticCurvePrivateKey)


def test_current_contract_uses_rsa_service_account_key(generated: SecretsBundle) -> None:
    assert generated.certs and generated.certs.k8s_service_account
    key = generated.certs.k8s_service_account.get_key()
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 4096
    assert generated.certs.k8s_service_account.key.startswith(b"-----BEGIN RSA PRIVATE KEY-----")


@dataclass
class FakeContract:
    major: int
    minor: int


def test_contract_helpers() -> None:
    assert contract_greater(None, (1, 99))
    assert contract_greater((1, 7), (1, 6)) and not contract_greater((1, 6), (1, 6))
    assert contract_greater(FakeContract(2, 0), (1, 9))
    assert parse_contract("v1.7") == (1, 7)
    assert parse_contract("1.8.0-alpha.1") == (1, 8)
    with pytest.raises(ValueError, match='error parsing version "vbanana"'):
        parse_contract("banana")
    with pytest.raises(ValueError, match="error parsing version"):
        parse_contract("v1.7beta")


def test_other_validation_errors(generated: SecretsBundle) -> None:
    both = SecretsBundle.from_yaml(generated.to_yaml())
    assert both.secrets is not None
    both.secrets.aescbc_encryption_secret = "x"
    assert both.validation_errors() == [
        "only one of [secrets.secretboxencryptionsecret, secrets.aescbcencryptionsecret] is allowed"
    ]
    assert SecretsBundle().validation_errors() == [
        "cluster is required",
        "secrets is required",
        "trustdinfo is required",
        "certs is required",
    ]
    assert generated.certs and generated.certs.os
    broken = SecretsBundle.from_yaml(generated.to_yaml())
    assert broken.certs is not None
    broken.certs.k8s_service_account = pki.PEMEncodedKey(generated.certs.os.crt)
    broken.certs.k8s = None
    assert broken.validation_errors() == [
        "certs.k8s is required",
        'certs.k8sserviceaccount.key is invalid: unsupported key type "CERTIFICATE"',
    ]


def test_populate_keeps_existing_values() -> None:
    bundle = SecretsBundle(secrets=Secrets(bootstrap_token="abcdef.0123456789abcdef"), certs=Certs())
    bundle.populate((1, 5))
    assert bundle.secrets and bundle.secrets.bootstrap_token == "abcdef.0123456789abcdef"
    bundle.validate()


def test_from_yaml_errors_name_the_problem() -> None:
    with pytest.raises(SecretsBundleError, match=r"certs\.etcd\.crt: illegal base64"):
        SecretsBundle.from_yaml("certs:\n    etcd:\n        crt: '@@'\n        key: ''\n", source="s.yaml")
    with pytest.raises(SecretsBundleError, match="cluster: expected a mapping"):
        SecretsBundle.from_yaml("cluster: hello\n")
    with pytest.raises(SecretsBundleError, match="failed to parse YAML") as info:
        SecretsBundle.from_yaml("cluster: [\n", source="bad.yaml")
    assert "bad.yaml" in str(info.value)


def test_scalars_stay_strings_like_go_string_fields() -> None:
    text = "secrets:\n    bootstraptoken: 123456.1234567890123456\ncluster:\n    id: 1e5\n"
    bundle = SecretsBundle.from_yaml(text)
    assert bundle.secrets and bundle.secrets.bootstrap_token == "123456.1234567890123456"
    assert bundle.cluster and bundle.cluster.id == "1e5"
    assert SecretsBundle.from_yaml("cluster: null\n").cluster is None
    assert SecretsBundle.from_yaml("").cluster is None


def test_null_sections_serialise_as_null() -> None:
    assert SecretsBundle().to_yaml() == "cluster: null\nsecrets: null\ntrustdinfo: null\ncerts: null\n"


def test_admin_certificate_shape(generated: SecretsBundle) -> None:
    assert generated.certs and generated.certs.os
    pair = generated.admin_certificate(now=NOW)
    cert = pair.certificate()
    cert.verify_directly_issued_by(generated.certs.os.certificate())
    assert isinstance(pair.private_key(), ed25519.Ed25519PrivateKey)
    assert [a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)] == ["os:admin"]
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME) == []
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert ku.critical and ku.value.digital_signature
    assert not (ku.value.key_cert_sign or ku.value.key_encipherment or ku.value.crl_sign)
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    with pytest.raises(x509.ExtensionNotFound):
        cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert cert.not_valid_before_utc == NOW
    assert cert.not_valid_after_utc == NOW + timedelta(days=365)


def test_admin_certificate_roles_and_ttl(generated: SecretsBundle) -> None:
    assert generated.certs and generated.certs.os
    roles = [role.READER, role.ETCD_BACKUP]
    pair = ca.new_admin_certificate(generated.certs.os, roles, timedelta(hours=1), NOW)
    cert = pair.certificate()
    orgs = {a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)}
    assert orgs == {"os:reader", "os:etcd:backup"}
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == timedelta(hours=1)


def test_admin_certificate_needs_an_os_ca() -> None:
    with pytest.raises(SecretsBundleError, match=r"certs\.os is required"):
        SecretsBundle().admin_certificate()


def test_tokens_and_random_values() -> None:
    tokens = {ca.gen_token() for _ in range(200)}
    assert len(tokens) == 200 and all(TOKEN.match(t) for t in tokens)
    assert re.fullmatch(r"[0-9a-z]{3}\.[0-9a-z]{5}", ca.gen_token(3, 5))
    assert len(base64.b64decode(ca.random_b64(32))) == 32

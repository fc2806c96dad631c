"""CRI documents: byte-exact fixture round-trips (incl. stability configs), redaction, validation."""

from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pytalos.machinery.config.schema import merge_structs
from pytalos.machinery.config.types import cri as _group
from pytalos.machinery.config.types.common.labels import validate_qualified_name
from pytalos.machinery.config.types.common.pem import assert_valid_pem, has_parseable_certificate
from pytalos.machinery.config.types.common.url import URL
from pytalos.machinery.config.types.cri import (
    CertificateAndKey,
    CRIBaseRuntimeSpecConfigV1Alpha1,
    CRICustomizationConfigV1Alpha1,
    ImageCacheConfigV1Alpha1,
    RegistryAuthConfigV1Alpha1,
    RegistryEndpoint,
    RegistryMirrorConfigV1Alpha1,
    RegistryTLSConfigV1Alpha1,
)
from pytalos.machinery.config.types.cri.oci_spec import check_runtime_spec

from ._group_roundtrip import (
    decode_doc,
    encode_doc,
    fixture_names,
    fixture_round_trip_test,
    fixture_text,
    group_kinds,
    stability_round_trip_test,
)

pytestmark = pytest.mark.unit

KINDS = group_kinds(_group)


test_fixture_round_trip = fixture_round_trip_test("cri", KINDS)
test_stability_documents_round_trip = stability_round_trip_test(KINDS)


def test_every_cri_kind_has_a_fixture() -> None:
    names = fixture_names("cri")
    if not names:
        pytest.skip("../shared is not present")
    assert {decode_doc(fixture_text("cri", n), KINDS).kind for n in names} == set(KINDS)


def test_mirror_fixture_content() -> None:
    doc = decode_doc(fixture_text("cri", "registrymirrorconfig.yaml"), KINDS)
    assert isinstance(doc, RegistryMirrorConfigV1Alpha1)
    assert doc.identity() == "v1alpha1/RegistryMirrorConfig/ghcr.io"
    assert [str(e.endpoint_url) for e in doc.registry_endpoints] == [
        "https://my-private-registry.local:5000",
        "http://my-harbor/v2/registry-k8s.io/",
    ]
    assert doc.registry_endpoints[1].endpoint_override_path is True
    assert doc.skip_fallback is True
    assert doc.validate("metal") == ([], [])


# ---------------------------------------------------------------- redaction


def test_registry_auth_redact() -> None:
    doc = decode_doc(fixture_text("cri", "registryauthconfig.yaml"), KINDS)
    assert isinstance(doc, RegistryAuthConfigV1Alpha1)
    doc.redact("REDACTED")
    text = encode_doc(doc)
    assert "password: REDACTED\n" in text
    assert "username: agent007\n" in text
    assert "topsecret" not in text
    assert "auth:" not in text and "identityToken:" not in text  # unset secrets stay unset


def test_registry_auth_redact_all_secret_fields() -> None:
    doc = RegistryAuthConfigV1Alpha1(name="r", registry_auth="a", registry_identity_token="t")
    doc.redact("X")
    assert (doc.registry_password, doc.registry_auth, doc.registry_identity_token) == ("", "X", "X")


def test_registry_tls_redact_only_key() -> None:
    doc = decode_doc(fixture_text("cri", "registrytlsconfig.yaml"), KINDS)
    assert isinstance(doc, RegistryTLSConfigV1Alpha1)
    doc.redact("REDACTED")
    assert doc.tls_client_identity is not None
    assert doc.tls_client_identity.key == "REDACTED"
    assert doc.tls_client_identity.cert.startswith("-----BEGIN CERTIFICATE-----")
    assert doc.tls_ca.startswith("-----BEGIN CERTIFICATE-----")
    RegistryTLSConfigV1Alpha1(name="x").redact("REDACTED")  # no identity: nothing to do, no error


# ---------------------------------------------------------------- validation


def _self_signed() -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test-ca")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return cert_pem, key_pem


def test_registry_tls_validation() -> None:
    assert RegistryTLSConfigV1Alpha1().validate("metal") == ([], ["name must be specified"])
    assert RegistryTLSConfigV1Alpha1(name="rr.k8s.io", tls_insecure_skip_verify=True).validate("metal") == (
        [],
        [],
    )
    cert, key = _self_signed()
    good = RegistryTLSConfigV1Alpha1(
        name="k8s.io", tls_ca=cert, tls_client_identity=CertificateAndKey(cert, key)
    )
    assert good.validate("metal") == ([], [])
    fixture = decode_doc(fixture_text("cri", "registrytlsconfig.yaml"), KINDS)
    assert fixture.validate("metal") == (
        [],
        [
            "ca must be a valid PEM-encoded certificate",
            "client identity: certificate: no PEM blocks found",
        ],
    )
    swapped = RegistryTLSConfigV1Alpha1(name="k8s.io", tls_client_identity=CertificateAndKey(key, key))
    assert swapped.validate("metal") == (
        [],
        [
            'client identity: certificate: unexpected PEM block type "PRIVATE KEY", '
            'expected one of ["CERTIFICATE"]'
        ],
    )
    missing = RegistryTLSConfigV1Alpha1(name="k8s.io", tls_client_identity=CertificateAndKey(cert, ""))
    assert missing.validate("metal") == ([], ["client identity: key is required"])


def test_pem_helpers() -> None:
    cert, key = _self_signed()
    assert has_parseable_certificate(cert)
    assert not has_parseable_certificate(key)
    bogus = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    assert assert_valid_pem(bogus, "CERTIFICATE") is None  # well-formed PEM ...
    assert not has_parseable_certificate(bogus)  # ... but not a certificate
    assert assert_valid_pem("junk") == "no PEM blocks found"


@pytest.mark.parametrize(
    ("doc", "errors"),
    [
        (RegistryAuthConfigV1Alpha1(), ["name must be specified"]),
        (RegistryAuthConfigV1Alpha1(name="r", registry_username="u", registry_password="p"), []),
        (
            RegistryAuthConfigV1Alpha1(name="r", registry_username="u", registry_identity_token="t"),
            [
                "only one of username/password or identityToken authentication can be specified",
                "only one of auth, username/password or identityToken authentication can be specified",
            ][:1],
        ),
        (
            RegistryAuthConfigV1Alpha1(name="r", registry_auth="a", registry_identity_token="t"),
            ["only one of auth, username/password or identityToken authentication can be specified"],
        ),
        (RegistryMirrorConfigV1Alpha1(), ["name must be specified"]),
        (
            RegistryMirrorConfigV1Alpha1(
                name="docker.io",
                registry_endpoints=[
                    RegistryEndpoint(URL("")),
                    RegistryEndpoint(URL("ftp://mirror")),
                    RegistryEndpoint(URL("mirror.local")),
                    RegistryEndpoint(URL("https://ok")),
                ],
            ),
            [
                "endpoints[0].url must be specified",
                'endpoints[1].url has unsupported scheme: "ftp"',
                'endpoints[2].url has unsupported scheme: ""',
            ],
        ),
        (CRICustomizationConfigV1Alpha1(name="enable-metrics"), []),
        (
            CRICustomizationConfigV1Alpha1(name="customization"),
            ['name "customization" is reserved for the legacy CRI customization'],
        ),
        (CRICustomizationConfigV1Alpha1(name=""), ['invalid name: name cannot be empty: ""']),
        (CRICustomizationConfigV1Alpha1(name="-bad"), ['invalid name: name "-bad" is invalid']),
        (CRIBaseRuntimeSpecConfigV1Alpha1(), []),
        (
            CRIBaseRuntimeSpecConfigV1Alpha1(overrides_config={"process": {"rlimits": [{"hard": "many"}]}}),
            [
                "failed to unmarshal base runtime spec overrides: json: cannot unmarshal string into "
                "Go struct field POSIXRlimit.process.rlimits.hard of type uint64"
            ],
        ),
        (ImageCacheConfigV1Alpha1(), []),
    ],
    ids=lambda v: getattr(v, "KIND", None) or str(v)[:30],
)
def test_validate(doc: object, errors: list[str]) -> None:
    assert doc.validate("metal") == ([], errors)  # type: ignore[attr-defined]


def test_fixture_runtime_spec_is_valid() -> None:
    doc = decode_doc(fixture_text("cri", "cribaseruntimespecconfig.yaml"), KINDS)
    assert isinstance(doc, CRIBaseRuntimeSpecConfigV1Alpha1)
    assert doc.overrides_config == {
        "process": {"rlimits": [{"hard": 1024, "soft": 1024, "type": "RLIMIT_NOFILE"}]}
    }
    assert doc.validate("metal") == ([], [])


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        (
            {"process": []},
            "json: cannot unmarshal array into Go struct field Spec.process of type specs.Process",
        ),
        ({"hostname": 5}, "json: cannot unmarshal number into Go struct field Spec.hostname of type string"),
        (
            {"process": {"user": {"uid": -1}}},
            "json: cannot unmarshal number -1 into Go struct field User.process.user.uid of type uint32",
        ),
        (
            {"process": {"args": ["a", 1]}},
            "json: cannot unmarshal number into Go struct field Process.process.args of type string",
        ),
        ({"unknownTopLevel": {"anything": 1}, "process": None}, None),
    ],
)
def test_runtime_spec_type_check(overrides: dict[str, object], error: str | None) -> None:
    assert check_runtime_spec(overrides) == error


def test_base_runtime_spec_overrides_are_replaced_on_merge() -> None:
    left = CRIBaseRuntimeSpecConfigV1Alpha1(overrides_config={"process": {"cwd": "/"}, "hostname": "a"})
    merge_structs(left, CRIBaseRuntimeSpecConfigV1Alpha1(overrides_config={"hostname": "b"}))
    assert left.overrides_config == {"hostname": "b"}
    merge_structs(left, CRIBaseRuntimeSpecConfigV1Alpha1())
    assert left.overrides_config == {"hostname": "b"}


def test_mirror_endpoints_append_on_merge() -> None:
    left = RegistryMirrorConfigV1Alpha1(
        name="ghcr.io", registry_endpoints=[RegistryEndpoint(URL("https://a"))]
    )
    merge_structs(
        left,
        RegistryMirrorConfigV1Alpha1(name="ghcr.io", registry_endpoints=[RegistryEndpoint(URL("https://b"))]),
    )
    assert [str(e.endpoint_url) for e in left.registry_endpoints] == ["https://a", "https://b"]


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("example.com/name", None),
        ("a" * 63, None),
        ("a" * 64, f'name is too long: "{"a" * 64}" (limit is 63)'),
        ("/x", 'prefix cannot be empty: "/x"'),
        ("a/b/c", 'invalid format: too many slashes: "a/b/c"'),
        (
            "Bad_Prefix/x",
            'prefix "Bad_Prefix" is invalid: domain doesn\'t match required format: "Bad_Prefix"',
        ),
    ],
)
def test_qualified_name(value: str, error: str | None) -> None:
    assert validate_qualified_name(value) == error


def test_image_cache_empty_local_is_written() -> None:
    assert (
        encode_doc(ImageCacheConfigV1Alpha1()) == "apiVersion: v1alpha1\nkind: ImageCacheConfig\nlocal: {}\n"
    )

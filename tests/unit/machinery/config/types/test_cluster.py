"""Cluster discovery documents: round trips (fixtures and stability configs), validation, redaction."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.errors import DecodeError
from pytalos.machinery.config.types import cluster
from pytalos.machinery.config.types.cluster import (
    URL,
    DiscoveryIdentityConfigV1Alpha1,
    DiscoveryServiceConfigV1Alpha1,
)
from pytalos.machinery.yamlx import parse_documents

from ._group_roundtrip import (
    decode_doc,
    encode_doc,
    fixture_names,
    fixture_text,
    group_kinds,
    stability_round_trip_test,
)

pytestmark = pytest.mark.unit

KINDS = group_kinds(cluster)
SECRET = "vlf2HU1NEZL3Ezi9Tk+RZBLJUbjnsHnTzs3wK9JNk6Q="


@pytest.mark.parametrize("name", fixture_names("cluster"))
def test_fixture_round_trips_byte_for_byte(name: str) -> None:
    text = fixture_text("cluster", name)
    chunks = [c if c.endswith("\n") else c + "\n" for c in text.split("\n---\n")]
    assert len(chunks) == len(parse_documents(text))
    docs = [decode_doc(chunk, KINDS) for chunk in chunks]
    assert "---\n".join(encode_doc(d) for d in docs) == text
    for doc in docs:
        assert doc.validate("metal") == ([], [])


test_stability_documents_round_trip = stability_round_trip_test(KINDS, valid=True)


@pytest.mark.parametrize(
    ("endpoint", "error"),
    [
        ("", "endpoint is required"),
        ("discovery.talos.dev", "endpoint scheme is required"),
        ("ftp://discovery.talos.dev", "endpoint scheme must be http://, https:// or grpc://"),
        ("https:///path", "endpoint host is required"),
        ("grpc://discovery:443", None),
    ],
)
def test_discovery_service_validate(endpoint: str, error: str | None) -> None:
    doc = DiscoveryServiceConfigV1Alpha1(name="primary", endpoint_url=URL(endpoint))
    assert doc.validate("metal")[1] == ([error] if error else [])
    assert DiscoveryServiceConfigV1Alpha1(endpoint_url=URL(endpoint)).validate("metal")[1] == [
        "name is required"
    ]


def test_bad_url_is_a_decode_error() -> None:
    text = "apiVersion: v1alpha1\nkind: DiscoveryServiceConfig\nname: x\nendpoint: ://nope\n"
    with pytest.raises(DecodeError, match='parse "://nope": missing protocol scheme'):
        decode_doc(text, KINDS)


@pytest.mark.parametrize(
    ("cluster_id", "secret", "error"),
    [
        ("", SECRET, "clusterID is required"),
        ("id", "", "clusterSecret is required"),
        ("id", "c2hvcnQ=", "invalid clusterSecret: expected 32 bytes, got 5: c2hvcnQ="),
        (
            "id",
            "not*base64",
            "invalid clusterSecret: failed to decode from base64: not*base64; "
            "illegal base64 data at input byte 3",
        ),
        (
            "id",
            SECRET.rstrip("="),
            f"invalid clusterSecret: failed to decode from base64: {SECRET.rstrip('=')}; "
            "illegal base64 data at input byte 40",
        ),
        ("any-string-is-fine", SECRET, None),
    ],
)
def test_discovery_identity_validate(cluster_id: str, secret: str, error: str | None) -> None:
    doc = DiscoveryIdentityConfigV1Alpha1(cluster_id=cluster_id, cluster_secret=secret)
    assert doc.validate("metal")[1] == ([error] if error else [])


def test_discovery_identity_redact() -> None:
    text = fixture_text("cluster", "discoveryidentityconfig.yaml")
    doc = decode_doc(text, KINDS)
    doc.redact("REDACTED")  # type: ignore[attr-defined]
    assert encode_doc(doc) == text.replace(SECRET, "REDACTED")
    empty = DiscoveryIdentityConfigV1Alpha1(cluster_id="x")
    empty.redact("REDACTED")
    assert empty.cluster_secret == ""

"""Kube* documents: byte-exact fixtures (incl. redaction and multi-doc stability configs), registry, merge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pytalos.machinery.config.document import _REGISTRY, Document
from pytalos.machinery.config.errors import DecodeError
from pytalos.machinery.config.schema import Struct, merge_structs
from pytalos.machinery.config.types import k8s
from pytalos.machinery.config.types.meta import Args, Unstructured
from pytalos.machinery.yamlx import Mapping, Scalar, parse_document
from tests._shared import config_testdata

from ._group_roundtrip import decode_doc, group_kinds
from ._group_roundtrip import encode_doc as encode

pytestmark = pytest.mark.unit

KINDS = {
    "KubeAdmissionControlConfig": True,
    "KubeAggregatorCAConfig": False,
    "KubeAPIServerCAConfig": False,
    "KubeAPIServerConfig": False,
    "KubeAuditPolicyConfig": False,
    "KubeAuthenticationConfig": False,
    "KubeAuthorizerConfig": True,
    "KubeClusterConfig": False,
    "KubeControllerManagerConfig": False,
    "KubeCoreDNSConfig": False,
    "KubeCredentialProviderConfig": False,
    "KubeEtcdEncryptionConfig": False,
    "KubeExternalManifestConfig": True,
    "KubeFlannelCNIConfig": False,
    "KubeInlineManifestConfig": True,
    "KubeletConfig": False,
    "KubeNetworkConfig": False,
    "KubeNodeConfig": False,
    "KubePrismConfig": False,
    "KubeProxyConfig": False,
    "KubeSchedulerConfig": False,
    "KubeServiceAccountConfig": False,
    "KubeStaticPodConfig": True,
    "KubeTalosAPIAccessConfig": False,
}
REDACTED = "REDACTED"


def _testdata() -> Path:
    return config_testdata("types", "k8s", "testdata")


def _fixture_names(redacted: bool) -> list[str]:
    # collected at import time: an absent ../shared yields a placeholder that skips in the test
    from tests._shared import SHARED, TALOS_CONFIG_TESTDATA

    folder = SHARED.joinpath(*TALOS_CONFIG_TESTDATA, "types", "k8s", "testdata")
    names = sorted(p.name for p in folder.glob("*.yaml") if p.stem.endswith("_redacted") == redacted)
    return names or ["<missing>"]


GROUP_KINDS = group_kinds(k8s)


def decode(text: str) -> Document:
    return decode_doc(text, GROUP_KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_is_registered(kind: str) -> None:
    # the registry itself (document.lookup imports every group; only ours matters here)
    cls = _REGISTRY.get(("v1alpha1", kind))
    assert cls is not None
    assert kind == cls.KIND
    assert cls.NAMED is KINDS[kind]
    assert cls.__name__ == f"{kind}V1Alpha1"
    assert cls.__module__.startswith("pytalos.machinery.config.types.k8s.")
    assert getattr(k8s, cls.__name__) is cls


@pytest.mark.parametrize("name", _fixture_names(redacted=False))
def test_fixture_round_trips(name: str) -> None:
    text = (_testdata() / name).read_text()
    assert encode(decode(text)) == text


def _unredact(value: Any, counter: list[int]) -> Any:
    """Replace every "REDACTED" string in a document with a distinct stand-in secret."""
    if isinstance(value, str) and value == REDACTED:
        counter[0] += 1
        return f"secret-{counter[0]}"
    if isinstance(value, dict):
        return {k: _unredact(v, counter) for k, v in value.items()}
    if isinstance(value, list):
        return [_unredact(v, counter) for v in value]
    if isinstance(value, Unstructured):
        return Unstructured(_unredact(value.object, counter))
    if isinstance(value, Struct):
        for fi in value.fields_info():
            setattr(value, fi.attr, _unredact(getattr(value, fi.attr), counter))
    return value


@pytest.mark.parametrize("name", _fixture_names(redacted=True))
def test_redacted_fixture(name: str) -> None:
    expected = (_testdata() / name).read_text()
    doc = decode(expected)
    counter = [0]
    _unredact(doc, counter)
    assert counter[0] > 0
    secret_text = encode(doc)
    assert REDACTED not in secret_text
    redact = getattr(doc, "redact", None)
    assert callable(redact), f"{type(doc).__name__} holds secrets but has no redact()"
    redact(REDACTED)
    assert encode(doc) == expected


@pytest.mark.parametrize("name", _fixture_names(redacted=True))
def test_redacting_the_unredacted_sibling(name: str) -> None:
    sibling = _testdata() / name.replace("_redacted", "")
    original = sibling.read_text()
    doc = decode(original)
    doc.redact(REDACTED)  # type: ignore[attr-defined]
    text = encode(doc)
    assert text != original and REDACTED in text
    # only secret values change: the certificates stay intact
    if "BEGIN CERTIFICATE" in original:
        assert text.count("BEGIN CERTIFICATE") == original.count("BEGIN CERTIFICATE")
        assert "PRIVATE KEY" not in text


def _stability_files() -> list[str]:
    from tests._shared import SHARED, TALOS_CONFIG_TESTDATA

    folder = SHARED.joinpath(*TALOS_CONFIG_TESTDATA, "types", "v1alpha1", "testdata", "stability")
    names = sorted(
        f"{p.parent.name}/{p.name}" for v in ("v1.14", "v1.15") for p in (folder / v).glob("*.yaml")
    )
    return names or ["<missing>"]


def _split_documents(text: str) -> list[str]:
    docs, current = [], []
    for line in text.splitlines(keepends=True):
        if line == "---\n":
            docs.append("".join(current))
            current = []
        else:
            current.append(line)
    docs.append("".join(current))
    return docs


@pytest.mark.parametrize("name", _stability_files())
def test_stability_documents_round_trip(name: str) -> None:
    text = config_testdata("types", "v1alpha1", "testdata", "stability", name).read_text()
    checked = 0
    for doc_text in _split_documents(text)[1:]:
        node = parse_document(doc_text)
        assert isinstance(node, Mapping)
        kind = node.get("kind")
        if not isinstance(kind, Scalar) or kind.value not in KINDS:
            continue
        assert encode(decode(doc_text)) == doc_text
        checked += 1
    assert checked >= 5


def test_unknown_key_is_rejected_with_path() -> None:
    with pytest.raises(DecodeError, match='unknown key "extraArg"') as exc:
        decode("apiVersion: v1alpha1\nkind: KubeAPIServerConfig\nimage: x\nextraArg: {}\n")
    assert exc.value.path == "extraArg"


def test_bad_extra_args_value_names_the_path() -> None:
    with pytest.raises(DecodeError, match="arg value must be a string or list of strings") as exc:
        decode("apiVersion: v1alpha1\nkind: KubeletConfig\nimage: x\nextraArgs:\n  foo:\n    bar: 1\n")
    assert exc.value.path == "extraArgs.foo"


def test_absent_fields_encode_as_go_zero_values() -> None:
    doc = k8s.KubeletConfigV1Alpha1()
    assert encode(doc) == 'apiVersion: v1alpha1\nkind: KubeletConfig\nimage: ""\nconfig: {}\n'
    assert encode(k8s.KubeClusterConfigV1Alpha1()) == (
        'apiVersion: v1alpha1\nkind: KubeClusterConfig\nclusterName: ""\nendpoint: ""\n'
    )


def test_merge_extra_args_per_key() -> None:
    left = decode(
        "apiVersion: v1alpha1\nkind: KubeAPIServerConfig\nimage: a\nextraArgs:\n  x: '1'\n  y: [a]\n"
    )
    right = decode("apiVersion: v1alpha1\nkind: KubeAPIServerConfig\nimage: b\nextraArgs:\n  y: [b]\n")
    merge_structs(left, right)
    assert isinstance(left, k8s.KubeAPIServerConfigV1Alpha1)
    assert left.image == "b"
    assert left.extra_args.to_map() == {"x": ["1"], "y": ["b"]}


def test_merge_replace_fields() -> None:
    left = decode(
        "apiVersion: v1alpha1\nkind: KubeNetworkConfig\ndnsDomain: a\npodSubnets: [10.0.0.0/8]\n"
        "serviceSubnets: [10.96.0.0/12]\n"
    )
    right = decode(
        "apiVersion: v1alpha1\nkind: KubeNetworkConfig\ndnsDomain: ''\npodSubnets: [10.1.0.0/16]\n"
    )
    merge_structs(left, right)
    assert isinstance(left, k8s.KubeNetworkConfigV1Alpha1)
    assert [str(p) for p in left.pod_subnets] == ["10.1.0.0/16"]
    assert [str(p) for p in left.service_subnets] == ["10.96.0.0/12"]
    assert left.dns_domain == "a"

    audit_left = decode("apiVersion: v1alpha1\nkind: KubeAuditPolicyConfig\nconfiguration: {a: 1, b: [1]}\n")
    audit_right = decode("apiVersion: v1alpha1\nkind: KubeAuditPolicyConfig\nconfiguration: {b: [2]}\n")
    merge_structs(audit_left, audit_right)
    assert isinstance(audit_left, k8s.KubeAuditPolicyConfigV1Alpha1)
    assert audit_left.configuration.object == {"b": [2]}


def test_merge_unstructured_config_is_deep() -> None:
    left = decode("apiVersion: v1alpha1\nkind: KubeSchedulerConfig\nimage: a\nconfig: {a: {x: 1}, l: [1]}\n")
    right = decode("apiVersion: v1alpha1\nkind: KubeSchedulerConfig\nimage: a\nconfig: {a: {y: 2}, l: [2]}\n")
    merge_structs(left, right)
    assert isinstance(left, k8s.KubeSchedulerConfigV1Alpha1)
    assert left.config.object == {"a": {"x": 1, "y": 2}, "l": [1, 2]}


def test_document_identity() -> None:
    doc = decode((_testdata() / "staticpodconfig.yaml").read_text())
    assert doc.identity() == "v1alpha1/KubeStaticPodConfig/nginx"
    assert decode((_testdata() / "kubeprismconfig.yaml").read_text()).identity() == "v1alpha1/KubePrismConfig"


def test_helpers() -> None:
    sa = decode((_testdata() / "serviceaccountconfig.yaml").read_text())
    assert isinstance(sa, k8s.KubeServiceAccountConfigV1Alpha1)
    assert sa.api_audiences() == ["https://another-control-plane:6443", "https://my-control-plane:6443"]
    sa.accepted.audiences = []
    assert sa.api_audiences() == ["https://my-control-plane:6443"]
    ca = decode((_testdata() / "apiservercaconfig.yaml").read_text())
    assert isinstance(ca, k8s.KubeAPIServerCAConfigV1Alpha1)
    assert len(ca.accepted_ca_certificates()) == 3
    api = k8s.KubeAPIServerConfigV1Alpha1()
    assert api.port() == 6443 and api.startup_probes_enabled()
    assert k8s.KubeCoreDNSConfigV1Alpha1().effective_image().startswith("registry.k8s.io/coredns/coredns:")
    proxy = k8s.KubeProxyConfigV1Alpha1(extra_args=Args.of({"v": "2"}))
    assert proxy.is_enabled() and proxy.extra_args.to_map() == {"v": ["2"]}

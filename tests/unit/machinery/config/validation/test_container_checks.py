"""Cross-document checks (Talos ``validateContainer``) and the whole-config ``validate_documents``."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.loader import load
from pytalos.machinery.config.validation import multierror_text, validate_container, validate_documents

pytestmark = pytest.mark.unit

WORKER = """\
version: v1alpha1
cluster:
  clusterName: test
machine:
  type: worker
  ca:
    crt: Zm9v
"""
CONTROLPLANE = """\
version: v1alpha1
machine:
  type: controlplane
  ca:
    crt: Zm9v
    key: YmFy
"""
KUBESPAN = "machine:\n  network:\n    kubespan:\n      enabled: true\n"


def _docs(text: str) -> list[object]:
    return list(load(text, "config.yaml").config_documents)


def test_kubespan_needs_cluster_identity() -> None:
    text = WORKER.replace(
        "cluster:\n", "cluster:\n  discovery:\n    enabled: true\n"
    ) + KUBESPAN.removeprefix("machine:\n")
    assert validate_container(_docs(text), "cloud") == [  # type: ignore[arg-type]
        "cluster ID (.cluster.id or DiscoveryIdentityConfig) should be set when "
        ".machine.network.kubespan is enabled",
        "cluster secret (.cluster.secret or DiscoveryIdentityConfig) should be set when "
        ".machine.network.kubespan is enabled",
    ]
    with_doc = (
        text + "---\napiVersion: v1alpha1\nkind: DiscoveryIdentityConfig\nclusterID: a\nclusterSecret: b\n"
    )
    assert validate_container(_docs(with_doc), "cloud") == []  # type: ignore[arg-type]
    legacy_identity = text.replace("cluster:\n", "cluster:\n  id: a\n  secret: b\n")
    assert validate_container(_docs(legacy_identity), "cloud") == []  # type: ignore[arg-type]


def test_kubespan_document_also_needs_identity() -> None:
    text = WORKER + "---\napiVersion: v1alpha1\nkind: KubeSpanConfig\nenabled: true\n"
    errors = validate_container(_docs(text), "metal")  # type: ignore[arg-type]
    assert len(errors) == 2 and errors[0].startswith("cluster ID (.cluster.id or DiscoveryIdentityConfig)")


def test_control_plane_needs_etcd_encryption() -> None:
    assert validate_container(_docs(CONTROLPLANE + "cluster:\n  clusterName: test\n"), "cloud") == [  # type: ignore[arg-type]
        "etcd encryption config is required for control plane machines"
    ]
    legacy = CONTROLPLANE + "cluster:\n  secretboxEncryptionSecret: c2VjcmV0\n  clusterName: test\n"
    assert validate_container(_docs(legacy), "cloud") == []  # type: ignore[arg-type]
    doc = (
        CONTROLPLANE + "---\napiVersion: v1alpha1\nkind: KubeEtcdEncryptionConfig\nconfig:\n  resources: []\n"
    )
    assert validate_container(_docs(doc), "cloud") == []  # type: ignore[arg-type]


def test_controlplane_only_kinds_on_worker() -> None:
    text = (
        WORKER + "---\napiVersion: v1alpha1\nkind: KubeTalosAPIAccessConfig\nallowedRoles:\n  - os:reader\n"
    )
    assert validate_container(_docs(text), "cloud") == [  # type: ignore[arg-type]
        "the following document kinds are only allowed on control plane machines: [KubeTalosAPIAccessConfig]"
    ]


def test_container_mode_host_dns() -> None:
    assert validate_container(_docs(WORKER), "container") == [  # type: ignore[arg-type]
        "hostDNS config is required in container mode"
    ]
    half = WORKER + "  features:\n    hostDNS:\n      enabled: true\n"
    assert validate_container(_docs(half), "container") == [  # type: ignore[arg-type]
        "forwardKubeDNSToHost must be enabled in container mode"
    ]
    resolver = WORKER + (
        "---\napiVersion: v1alpha1\nkind: ResolverConfig\nhostDNS:\n  enabled: true\n  "
        "forwardKubeDNSToHost: true\n"
    )
    assert validate_container(_docs(resolver), "container") == []  # type: ignore[arg-type]


def test_encrypted_dns_needs_host_dns() -> None:
    text = WORKER + (
        "---\napiVersion: v1alpha1\nkind: ResolverConfig\nnameservers:\n"
        "  - address: 1.1.1.1\n    protocol: DoT\n    tlsServerName: one.one.one.one\n"
    )
    assert "hostDNS must be enabled when using non-default DNS protocols" in validate_container(
        _docs(text),
        "cloud",  # type: ignore[arg-type]
    )


def test_validate_documents_nests_v1alpha1_errors_like_talos() -> None:
    text = (
        WORKER
        + "  install:\n    wipe: false\n"
        + "  network:\n    interfaces:\n      - interface: eth0\n        cidr: 10.0.0.1/24\n"
    )
    warnings, errors = validate_documents(_docs(text), "metal")  # type: ignore[arg-type]
    assert warnings == [
        '"eth0": machine.network.interface.cidr is deprecated, please use machine.network.interface.addresses'
    ]
    assert errors == [
        "v1alpha1.Config: " + multierror_text(["either install disk or diskSelector should be defined"])
    ]
    warnings, errors = validate_documents(_docs(text), "metal", strict=True)  # type: ignore[arg-type]
    assert warnings == []
    assert len(errors) == 1 and '\t* warning: "eth0": machine.network.interface.cidr' in errors[0]


def test_validate_documents_prefixes_other_documents() -> None:
    text = (
        WORKER + '---\napiVersion: v1alpha1\nkind: DiscoveryIdentityConfig\nclusterID: ""\nclusterSecret: b\n'
    )
    _, errors = validate_documents(_docs(text), "cloud")  # type: ignore[arg-type]
    assert errors[0] == "DiscoveryIdentityConfig: clusterID is required"

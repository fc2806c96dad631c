"""The documents that follow ``v1alpha1`` in a generated config (machine side).

Talos appends them in a fixed order (discovery, install, resolver, sysctls, block volumes, security
profile, registries, network; then Kubernetes, see :mod:`.kubernetes`) and only for the contracts
that moved the setting out of ``v1alpha1``.  Each builder returns plain YAML-keyed documents.
"""

from __future__ import annotations

from typing import Any

from ..types.common.gofmt import go_quote
from . import constants as c
from .input import Input

Doc = dict[str, Any]


def doc(kind: str, **fields: Any) -> Doc:
    """A typed document with ``apiVersion: v1alpha1``."""
    return {"apiVersion": "v1alpha1", "kind": kind, **fields}


def discovery_documents(inp: Input) -> list[Doc]:
    contract = inp.version_contract
    docs: list[Doc] = []
    if inp.discovery_enabled and contract.discovery_service_multidoc_config():
        docs.append(doc("DiscoveryServiceConfig", name="default", endpoint=c.DEFAULT_DISCOVERY_ENDPOINT))
    if contract.discovery_identity_multidoc_config():
        cluster = inp.bundle.cluster
        assert cluster is not None
        docs.append(doc("DiscoveryIdentityConfig", clusterID=cluster.id, clusterSecret=cluster.secret))
    return docs


def install_documents(inp: Input) -> list[Doc]:
    """``UnattendedInstallConfig``: only with an install disk (the disk selector needs one)."""
    if not inp.version_contract.unattended_install_config() or not inp.install_disk:
        return []
    installer: dict[str, Any] = {}
    if inp.install_image:
        installer["image"] = inp.install_image
    match = f"disk.dev_path == {go_quote(inp.install_disk)}"
    provisioning = {"diskSelector": {"match": match}, "wipe": False}
    return [doc("UnattendedInstallConfig", installer=installer, provisioning=provisioning)]


def resolver_documents(inp: Input) -> list[Doc]:
    contract = inp.version_contract
    if not (contract.host_dns_enabled() and contract.host_dns_multidoc_config()):
        return []
    host_dns: dict[str, Any] = {"enabled": True}
    if inp.forward_kube_dns_to_host():
        host_dns["forwardKubeDNSToHost"] = True
    return [doc("ResolverConfig", hostDNS=host_dns)]


def sysctl_documents(inp: Input) -> list[Doc]:
    if not inp.sysctls or not inp.version_contract.multidoc_sysctl_config_supported():
        return []
    return [doc("SysctlConfig", params=dict(inp.sysctls))]


def block_documents(inp: Input) -> list[Doc]:
    docs: list[Doc] = []
    if inp.version_contract.filesystem_trim_enabled_by_default():
        docs.append(doc("VolumeConfig", name=c.EPHEMERAL_LABEL, mount={"secure": True}))
        docs.append(doc("FilesystemTrimConfig", interval=c.DEFAULT_FILESYSTEM_TRIM_INTERVAL))
    return docs


def security_profile_documents(inp: Input) -> list[Doc]:
    if not inp.version_contract.workload_isolation_enabled_by_default():
        return []
    return [doc("SecurityProfileConfig", workloadIsolation=True)]


def registry_documents(inp: Input) -> list[Doc]:
    """Registry mirror and TLS documents (contracts v1.12+), sorted by kind, then name."""
    if not inp.version_contract.multidoc_network_config_supported():
        return []
    docs: list[Doc] = [
        doc("RegistryMirrorConfig", name=host, endpoints=[{"url": ep} for ep in endpoints])
        for host, endpoints in inp.registry_mirrors.items()
    ]
    tls: dict[str, Doc] = {}
    for host, ca in inp.registry_ca_certs.items():
        tls.setdefault(host, doc("RegistryTLSConfig", name=host))["ca"] = ca
    for host in inp.registry_insecure:
        tls.setdefault(host, doc("RegistryTLSConfig", name=host))["insecureSkipVerify"] = True
    docs += tls.values()
    docs.sort(key=lambda d: (d["kind"], d["name"]))
    return docs


def network_documents(inp: Input) -> list[Doc]:
    contract = inp.version_contract
    docs: list[Doc] = []
    if contract.multidoc_network_config_supported():
        docs.append(doc("HostnameConfig", auto="stable"))
    if inp.kubespan_enabled is not None and contract.kubespan_multidoc_config():
        docs.append(doc("KubeSpanConfig", enabled=inp.kubespan_enabled))
    return docs

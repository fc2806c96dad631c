"""The ``v1alpha1`` document of a generated config (Talos ``generate/init.go`` and ``worker.go``).

Until contract v1.13 nearly everything lives in this one document; every later release moved a part of
it into a dedicated document (hostname and registries in v1.12, KubeSpan in v1.13, Kubernetes,
discovery, install, host DNS and sysctls in v1.14), so each field here is written only while the
contract still expects it.  The document is built as plain YAML-keyed data; the typed ``Config`` model
decodes it and decides the output order and omission, exactly like go-yaml does for Talos's structs.
"""

from __future__ import annotations

from typing import Any

from . import constants as c
from .input import Input
from .policies import audit_policy, pod_security_configuration


def _pair(crt_b64: str, key_b64: str) -> dict[str, str]:
    return {"crt": crt_b64, "key": key_b64}


def v1alpha1_document(inp: Input, machine_type: str) -> dict[str, Any]:
    """Plain data of the ``v1alpha1`` document for ``machine_type``."""
    return {
        "version": "v1alpha1",
        "debug": inp.debug,
        "persist": True,
        "machine": machine_section(inp, machine_type),
        "cluster": cluster_section(inp, machine_type),
    }


def machine_section(inp: Input, machine_type: str) -> dict[str, Any]:
    contract = inp.version_contract
    control_plane = machine_type != c.TYPE_WORKER
    certs = inp.bundle.certs
    assert certs is not None and certs.os is not None and inp.bundle.trustd_info is not None
    machine: dict[str, Any] = {
        "type": machine_type,
        "token": inp.bundle.trustd_info.token,
        "ca": _pair(certs.os.crt_b64, certs.os.key_b64 if control_plane else ""),
        "certSANs": inp.machine_cert_sans,
    }
    if not contract.multidoc_kubernetes_config_supported():
        kubelet: dict[str, Any] = {}
        if inp.kubernetes_version:
            kubelet["image"] = inp.kubernetes_image(c.KUBELET_IMAGE)
        if contract.kubelet_default_runtime_seccomp_profile_enabled():
            kubelet["defaultRuntimeSeccompProfileEnabled"] = True
        if contract.kubelet_manifests_directory_disabled():
            kubelet["disableManifestsDirectory"] = True
        machine["kubelet"] = kubelet
    network = _legacy_network(inp)
    if network is not None:
        machine["network"] = network
    if not contract.unattended_install_config():
        machine["install"] = _legacy_install(inp)
    if inp.sysctls and not contract.multidoc_sysctl_config_supported():
        machine["sysctls"] = dict(inp.sysctls)
    registries = _legacy_registries(inp)
    if registries:
        machine["registries"] = registries
    machine["features"] = _features(inp)
    if (
        control_plane
        and contract.add_exclude_from_external_load_balancer()
        and not contract.multidoc_kubernetes_config_supported()
    ):
        machine["nodeLabels"] = {c.LABEL_EXCLUDE_FROM_EXTERNAL_LB: ""}
    return machine


def _legacy_network(inp: Input) -> dict[str, Any] | None:
    contract = inp.version_contract
    if contract.kubespan_multidoc_config():
        return None
    network: dict[str, Any] = {}
    if inp.kubespan_enabled is not None:
        network["kubespan"] = {"enabled": inp.kubespan_enabled}
    return network


def _legacy_install(inp: Input) -> dict[str, Any]:
    install: dict[str, Any] = {"wipe": False}
    if inp.install_disk:
        install["disk"] = inp.install_disk
    if inp.install_image:
        install["image"] = inp.install_image
    if inp.install_extra_kernel_args:
        install["extraKernelArgs"] = list(inp.install_extra_kernel_args)
    if inp.version_contract.grub_use_uki_cmdline_default():
        install["grubUseUKICmdline"] = True
    return install


def _legacy_registries(inp: Input) -> dict[str, Any]:
    contract = inp.version_contract
    if contract.multidoc_network_config_supported():
        return {}
    mirrors: dict[str, Any] = {}
    if contract.kubernetes_alternate_image_registries():
        mirrors["k8s.gcr.io"] = {"endpoints": ["https://registry.k8s.io", "https://k8s.gcr.io"]}
    for host, endpoints in inp.registry_mirrors.items():
        mirrors[host] = {"endpoints": list(endpoints)}
    config: dict[str, Any] = {}
    for host, ca in inp.registry_ca_certs.items():
        config.setdefault(host, {}).setdefault("tls", {})["ca"] = ca
    for host in inp.registry_insecure:
        config.setdefault(host, {}).setdefault("tls", {})["insecureSkipVerify"] = True
    out: dict[str, Any] = {}
    if mirrors:
        out["mirrors"] = mirrors
    if config:
        out["config"] = config
    return out


def _features(inp: Input) -> dict[str, Any]:
    contract = inp.version_contract
    features: dict[str, Any] = {}
    if not contract.hide_rbac_and_key_usage():
        if contract.supports_rbac_feature():
            features["rbac"] = True
        if contract.apid_ext_key_usage_check_enabled():
            features["apidCheckExtKeyUsage"] = True
    if contract.stable_hostname_enabled() and not contract.multidoc_network_config_supported():
        features["stableHostname"] = True
    if contract.disk_quota_support_enabled():
        features["diskQuotaSupport"] = True
    port = inp.effective_kubeprism_port()
    if port and not contract.multidoc_kubernetes_config_supported():
        features["kubePrism"] = {"enabled": True, "port": port}
    if contract.host_dns_enabled() and not contract.host_dns_multidoc_config():
        host_dns: dict[str, Any] = {"enabled": True}
        if inp.forward_kube_dns_to_host():
            host_dns["forwardKubeDNSToHost"] = True
        features["hostDNS"] = host_dns
    return features


def cluster_section(inp: Input, machine_type: str) -> dict[str, Any]:
    contract = inp.version_contract
    control_plane = machine_type != c.TYPE_WORKER
    legacy_k8s = not contract.multidoc_kubernetes_config_supported()
    bundle = inp.bundle
    assert bundle.cluster is not None and bundle.secrets is not None and bundle.certs is not None
    certs = bundle.certs
    cluster: dict[str, Any] = {}
    if not contract.discovery_identity_multidoc_config():
        cluster["id"] = bundle.cluster.id
        cluster["secret"] = bundle.cluster.secret
        if control_plane or contract.cluster_name_for_workers():
            cluster["clusterName"] = inp.cluster_name
    if legacy_k8s:
        control: dict[str, Any] = {"endpoint": inp.endpoint}
        if control_plane and inp.local_api_server_port:
            control["localAPIServerPort"] = inp.local_api_server_port
        cluster["controlPlane"] = control
        network: dict[str, Any] = {
            "dnsDomain": inp.dns_domain,
            "podSubnets": inp.pod_subnets,
            "serviceSubnets": inp.service_subnets,
        }
        if inp.custom_cni_url:
            network["cni"] = {"name": c.CUSTOM_CNI, "urls": [inp.custom_cni_url]}
        cluster["network"] = network
    cluster["token"] = bundle.secrets.bootstrap_token
    if legacy_k8s:
        assert certs.k8s is not None
        cluster["ca"] = _pair(certs.k8s.crt_b64, certs.k8s.key_b64 if control_plane else "")
    if control_plane:
        if legacy_k8s:
            _legacy_control_plane_components(inp, cluster)
        assert certs.etcd is not None
        cluster["etcd"] = {"ca": _pair(certs.etcd.crt_b64, certs.etcd.key_b64)}
        if inp.allow_scheduling_on_control_planes and legacy_k8s:
            if contract.kubernetes_allow_scheduling_on_control_planes():
                cluster["allowSchedulingOnControlPlanes"] = True
            else:
                cluster["allowSchedulingOnMasters"] = True
    if not contract.discovery_service_multidoc_config():
        discovery: dict[str, Any] = {"enabled": bool(inp.discovery_enabled)}
        if contract.kubernetes_discovery_backend_disabled():
            discovery["registries"] = {"kubernetes": {"disabled": True}}
        cluster["discovery"] = discovery
    return cluster


def _legacy_control_plane_components(inp: Input, cluster: dict[str, Any]) -> None:
    """The control-plane-only parts of ``cluster`` for contracts before multi-document Kubernetes."""
    contract = inp.version_contract
    bundle = inp.bundle
    assert bundle.secrets is not None and bundle.certs is not None
    certs = bundle.certs
    if contract.secretbox_encryption_supported():
        cluster["secretboxEncryptionSecret"] = bundle.secrets.secretbox_encryption_secret
    else:
        cluster["aescbcEncryptionSecret"] = bundle.secrets.aescbc_encryption_secret
    if certs.k8s_aggregator is not None:
        cluster["aggregatorCA"] = _pair(certs.k8s_aggregator.crt_b64, certs.k8s_aggregator.key_b64)
    if certs.k8s_service_account is not None:
        cluster["serviceAccount"] = {"key": certs.k8s_service_account.key_b64}
    api_server: dict[str, Any] = {"image": inp.kubernetes_image(c.KUBE_APISERVER_IMAGE)}
    if inp.api_server_sans:
        api_server["certSANs"] = inp.api_server_sans
    if not contract.hide_disable_psp():
        api_server["disablePodSecurityPolicy"] = True
    if contract.pod_security_admission_enabled():
        api_server["admissionControl"] = [
            {"name": "PodSecurity", "configuration": pod_security_configuration()}
        ]
    if contract.api_server_audit_policy_supported():
        api_server["auditPolicy"] = audit_policy()
    cluster["apiServer"] = api_server
    cluster["controllerManager"] = {"image": inp.kubernetes_image(c.KUBE_CONTROLLER_MANAGER_IMAGE)}
    cluster["proxy"] = {"image": inp.kubernetes_image(c.KUBE_PROXY_IMAGE)}
    cluster["scheduler"] = {"image": inp.kubernetes_image(c.KUBE_SCHEDULER_IMAGE)}

"""The kubelet's command line and ``KubeletConfiguration`` as Talos builds them (``kubelet_config.go``,
``kubelet_spec.go``).

:func:`kubelet_settings` reads what the machine config says about the kubelet, from the ``KubeletConfig``
/ ``KubeNodeConfig`` documents or the legacy ``machine.kubelet`` section. :func:`kubelet_args` gives
``--config=/etc/kubernetes/kubelet.yaml --cert-dir=... --hostname-override=<nodename>
--bootstrap-kubeconfig=... --kubeconfig=... --node-ip=...`` merged with ``extraArgs`` (the paths
Talos manages are denied). :func:`kubelet_configuration` applies Talos's defaults over the user's
``extraConfig``: fields Talos must own (authentication, authorization, cgroups, port ...) are refused
with every offending field named; fields the user may set keep the user's value.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytalos.machinery.config.container import Container
from pytalos.machinery.config.types.k8s.components import KUBELET_PROTECTED_FIELDS

from .argsbuilder import Args, MergePolicy
from .controlplane import DEFAULT_KUBERNETES_VERSION, cluster_network, key

KUBELET_IMAGE = "ghcr.io/siderolabs/kubelet"
CONFIG_PATH = "/etc/kubernetes/kubelet.yaml"
PKI_DIR = "/var/lib/kubelet/pki"
BOOTSTRAP_KUBECONFIG = "/etc/kubernetes/bootstrap-kubeconfig"
KUBECONFIG = "/etc/kubernetes/kubeconfig-kubelet"
CA_CERT = "/etc/kubernetes/pki/ca.crt"
MANIFESTS_DIR = "/etc/kubernetes/manifests"
CRI_ENDPOINT = "unix:///run/containerd/containerd.sock"
RESOLV_CONF = "/system/resolved/resolv.conf"
CONTROL_PLANE_TAINT = "node-role.kubernetes.io/control-plane"
CONTROL_PLANE_TYPES = ("controlplane", "init")

#: ``kubelet.ProtectedConfigurationFields`` (the config validation checks the same list)
PROTECTED_FIELDS = KUBELET_PROTECTED_FIELDS
DENIED_ARGS = (
    "bootstrap-kubeconfig",
    "kubeconfig",
    "container-runtime",
    "container-runtime-endpoint",
    "config",
    "cert-dir",
)


class KubeletConfigError(ValueError):
    """``extraConfig``/``extraArgs`` try to override what Talos manages (every field is named)."""


@dataclass(frozen=True)
class KubeletSettings:
    """``k8s.KubeletConfigSpec``: the kubelet part of the machine config, resolved."""

    image: str = field(default="", metadata=key("image"))
    cluster_dns: tuple[str, ...] = field(default=(), metadata=key("clusterDNS"))
    cluster_domain: str = field(default="", metadata=key("clusterDomain"))
    extra_args: dict[str, tuple[str, ...]] = field(default_factory=dict, metadata=key("extraArgs"))
    extra_config: dict[str, Any] = field(default_factory=dict, metadata=key("extraConfig"))
    cloud_provider_external: bool = field(default=False, metadata=key("cloudProviderExternal"))
    default_runtime_seccomp_enabled: bool = field(default=False, metadata=key("defaultRuntimeSeccompEnabled"))
    skip_node_registration: bool = field(default=False, metadata=key("skipNodeRegistration"))
    static_pod_list_url: str = field(default="", metadata=key("staticPodListURL"))
    register_with_taints: dict[str, str] = field(default_factory=dict, metadata=key("registerWithTaints"))
    valid_subnets: tuple[str, ...] = field(default=(), metadata=key("nodeIPValidSubnets"))


def _dns_addresses(service_subnets: Iterable[str]) -> tuple[str, ...]:
    """``DNSServiceIPs``: the 10th address of every service CIDR (10.96.0.10)."""
    return tuple(str(ipaddress.ip_network(s, strict=False).network_address + 10) for s in service_subnets)


def kubelet_settings(container: Container, machine_type: str, static_pod_url: str = "") -> KubeletSettings:
    dns_domain, _, service_subnets = cluster_network(container)
    v1 = container.v1alpha1()
    machine = getattr(v1, "machine_config", None) if v1 is not None else None
    cluster = getattr(v1, "cluster_config", None) if v1 is not None else None
    legacy = getattr(machine, "machine_kubelet", None)
    doc: Any = container.get("KubeletConfig")
    node: Any = container.get("KubeNodeConfig")
    if doc is not None:
        image, dns, seccomp = (
            doc.image,
            list(doc.cluster_dns),
            bool(doc.default_runtime_seccomp_profile_enabled),
        )
        raw_args: Mapping[str, Any] = doc.extra_args.values
        extra_config = dict(doc.config.object)
    else:
        image = getattr(legacy, "kubelet_image", "") or ""
        dns = list(getattr(legacy, "kubelet_cluster_dns", None) or [])
        seccomp = bool(getattr(legacy, "kubelet_default_runtime_seccomp_profile_enabled", False))
        raw_args = getattr(legacy, "kubelet_extra_args", None) or {}
        extra_config = dict(getattr(getattr(legacy, "kubelet_extra_config", None), "object", None) or {})
    if node is not None:
        taints = dict(node.taints)
        skip = bool(node.skip_node_registration)
        subnets = tuple(node.node_ip.valid_subnets)
    else:
        taints = dict(getattr(machine, "machine_node_taints", None) or {})
        skip = bool(getattr(legacy, "kubelet_skip_node_registration", False))
        subnets = tuple(
            getattr(getattr(legacy, "kubelet_node_ip", None), "kubelet_node_ip_valid_subnets", None) or ()
        )
        allow = getattr(cluster, "allow_scheduling_on_control_planes", None) or getattr(
            cluster, "allow_scheduling_on_masters", None
        )
        if machine_type in CONTROL_PLANE_TYPES and not allow:
            taints.setdefault(CONTROL_PLANE_TAINT, ":NoSchedule")
    external = getattr(getattr(cluster, "external_cloud_provider_config", None), "external_enabled", None)
    return KubeletSettings(
        image=image or f"{KUBELET_IMAGE}:v{DEFAULT_KUBERNETES_VERSION}",
        cluster_dns=tuple(dns) or _dns_addresses(service_subnets),
        cluster_domain=dns_domain,
        extra_args={k: (v,) if isinstance(v, str) else tuple(v) for k, v in raw_args.items()},
        extra_config=extra_config,
        cloud_provider_external=bool(external),
        default_runtime_seccomp_enabled=seccomp,
        skip_node_registration=skip,
        static_pod_list_url=static_pod_url,
        register_with_taints=taints,
        valid_subnets=subnets,
    )


def pick_node_ips(addresses: Iterable[str], valid_subnets: Iterable[str] = ()) -> list[str]:
    """``NodeIPController``: the first IPv4 and the first IPv6 address (in that order) among
    ``addresses`` that fall in ``valid_subnets`` (``!cidr`` excludes); all when no subnet is given."""
    include = [ipaddress.ip_network(s, strict=False) for s in valid_subnets if not s.startswith("!")]
    exclude = [ipaddress.ip_network(s[1:], strict=False) for s in valid_subnets if s.startswith("!")]
    picked: dict[int, str] = {}
    for text in addresses:
        ip = ipaddress.ip_interface(text).ip
        if ip.is_loopback or ip.is_link_local:
            continue
        if include and not any(ip in net for net in include if net.version == ip.version):
            continue
        if any(ip in net for net in exclude if net.version == ip.version):
            continue
        picked.setdefault(ip.version, str(ip))
    return [picked[v] for v in (4, 6) if v in picked]


def kubelet_args(settings: KubeletSettings, nodename: str, node_ips: Iterable[str]) -> list[str]:
    """The kubelet command line after the binary (raises :class:`KubeletConfigError`)."""
    args = Args({"config": CONFIG_PATH, "cert-dir": PKI_DIR, "hostname-override": nodename})
    if not settings.skip_node_registration:
        args.set("bootstrap-kubeconfig", BOOTSTRAP_KUBECONFIG)
        args.set("kubeconfig", KUBECONFIG)
    if settings.cloud_provider_external:
        args.set("cloud-provider", "external")
    if "node-ip" not in settings.extra_args:
        args.set("node-ip", ",".join(node_ips))
    denied = [a for a in DENIED_ARGS if a in settings.extra_args]
    if denied:
        names = ", ".join(f"kubelet.extraArgs.{a}" for a in denied)
        raise KubeletConfigError(
            f"{names}: extra arg{'s' if len(denied) > 1 else ''} not allowed (managed by Talos)"
        )
    args.merge(settings.extra_args, dict.fromkeys(DENIED_ARGS, MergePolicy.DENIED), what="kubelet.extraArgs")
    return args.args()


def _parse_taint(text: str) -> tuple[str, str]:
    value, sep, effect = text.partition(":")
    return (value, effect) if sep else ("", value)


def kubelet_configuration(
    settings: KubeletSettings, machine_type: str, *, container_mode: bool = False
) -> dict[str, Any]:
    """``NewKubeletConfiguration``: Talos's defaults over ``extraConfig`` (as plain data)."""
    protected = [f for f in PROTECTED_FIELDS if f in settings.extra_config]
    if protected:
        fields = ", ".join(f"kubelet.extraConfig.{f}" for f in protected)
        raise KubeletConfigError(f"{fields}: field{'s' if len(protected) > 1 else ''} can't be overridden")
    config: dict[str, Any] = dict(settings.extra_config)
    config["apiVersion"] = "kubelet.config.k8s.io/v1beta1"
    config["kind"] = "KubeletConfiguration"
    config["staticPodPath"] = MANIFESTS_DIR
    if settings.static_pod_list_url:
        config["staticPodURL"] = settings.static_pod_list_url
    config["port"] = 10250
    webhook = not settings.skip_node_registration
    config["authentication"] = {
        "anonymous": {"enabled": False},
        "webhook": {"enabled": webhook},
        "x509": {"clientCAFile": CA_CERT},
    }
    config["authorization"] = {"mode": "Webhook" if webhook else "AlwaysAllow"}
    config["cgroupRoot"] = "/"
    config["systemCgroups"] = "/system"
    config["kubeletCgroups"] = "/podruntime/kubelet"
    config["rotateCertificates"] = True
    config["protectKernelDefaults"] = not container_mode
    config["containerRuntimeEndpoint"] = CRI_ENDPOINT
    if settings.default_runtime_seccomp_enabled:
        config["seccompDefault"] = True
    if webhook and "register-with-taints" not in settings.extra_args:
        taints = [dict(t) for t in config.get("registerWithTaints") or []]
        for name, spec in settings.register_with_taints.items():
            if not any(t.get("key") == name for t in taints):
                value, effect = _parse_taint(spec)
                taints.append({"effect": effect, "key": name, **({"value": value} if value else {})})
        if taints:
            config["registerWithTaints"] = sorted(taints, key=lambda t: str(t.get("key")))
    config.setdefault("address", "0.0.0.0")
    config.setdefault("oomScoreAdj", -450)
    config["clusterDomain"] = config.get("clusterDomain") or settings.cluster_domain
    config["clusterDNS"] = config.get("clusterDNS") or list(settings.cluster_dns)
    config.setdefault("serializeImagePulls", False)
    config.setdefault("failSwapOn", False)
    if not config.get("systemReserved"):
        memory = "512Mi" if machine_type in CONTROL_PLANE_TYPES else "384Mi"
        config["systemReserved"] = {
            "cpu": "50m",
            "ephemeral-storage": "256Mi",
            "memory": memory,
            "pid": "100",
        }
    logging = dict(config.get("logging") or {})
    logging["format"] = logging.get("format") or "json"
    config["logging"] = logging
    config.setdefault("shutdownGracePeriod", "30s")
    config.setdefault("shutdownGracePeriodCriticalPods", "10s")
    config.setdefault("streamingConnectionIdleTimeout", "5m0s")
    config["tlsMinVersion"] = config.get("tlsMinVersion") or "VersionTLS13"
    config["resolvConf"] = RESOLV_CONF
    return config

"""Cluster-wide Kubernetes documents: identity, pod/service networks, CNI, KubePrism, Talos API access.

They replace ``cluster.clusterName``, ``cluster.controlPlane.endpoint``, ``cluster.network``,
``machine.features.kubePrism`` and ``machine.features.kubernetesTalosAPIAccess`` of the v1alpha1
document, with the same checks Talos applies (endpoint URL shape, dual-stack subnet rules, roles).
"""

from __future__ import annotations

import ipaddress
from typing import ClassVar

from ....role import ALL as ALL_ROLES
from ...document import Document, register
from ...schema import yfield
from ..common.netaddr import Prefix
from ..common.url import URL, validate_endpoint_uri
from ..meta import Unstructured
from .common import ResourcesConfig


@register
class KubeClusterConfigV1Alpha1(Document):
    """Cluster name and the Kubernetes API endpoint nodes use."""

    KIND: ClassVar[str] = "KubeClusterConfig"

    cluster_name: str = yfield("clusterName", doc="Cluster name (informational, used in kubeconfig).")
    endpoint: URL = yfield("endpoint", default_factory=URL, doc="Kubernetes API endpoint URL (https://...).")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        if not self.cluster_name:
            errors.append("clusterName must be specified")
        if self.endpoint.is_zero():
            errors.append("endpoint must be specified")
        else:
            err = validate_endpoint_uri(self.endpoint.text)
            if err:
                errors.append(f"cluster endpoint is invalid: {err}")
        return [], errors


DEFAULT_DNS_DOMAIN = "cluster.local"


def _validate_subnets(subnets: list[Prefix], min_size: int) -> str:
    if not subnets:
        return "at least one subnets must be specified"
    if len(subnets) > 2:
        return "at most two subnets can be specified for dual-stack clusters"
    ipv4 = ipv6 = 0
    for subnet in subnets:
        if subnet.addr is None:
            return "invalid subnet: invalid Prefix"  # Go prints a zero netip.Prefix like this
        if not subnet.is_masked():
            return f"invalid subnet: {subnet} is not a valid CIDR"
        if subnet.addr.version == 4:
            ipv4 += 1
        else:
            ipv6 += 1
        if subnet.addr.max_prefixlen - subnet.bits < min_size:
            return f"invalid subnet: {subnet} is too small, it must be at least /{min_size} IPs"
    if ipv4 > 1 or ipv6 > 1:
        return "at most one IPv4 and one IPv6 subnet can be specified for dual-stack clusters"
    return ""


@register
class KubeNetworkConfigV1Alpha1(Document):
    """DNS domain and the pod/service CIDRs (one, or one IPv4 plus one IPv6)."""

    KIND: ClassVar[str] = "KubeNetworkConfig"

    dns_domain: str = yfield("dnsDomain", doc="Kubernetes DNS domain (default cluster.local).")
    pod_subnets: list[Prefix] = yfield("podSubnets", merge="replace", doc="Pod CIDRs.")
    service_subnets: list[Prefix] = yfield("serviceSubnets", merge="replace", doc="Service CIDRs.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        err = _validate_subnets(self.pod_subnets, 4)
        if err:
            errors.append(f"pod subnets: {err}")
        err = _validate_subnets(self.service_subnets, 4)
        if err:
            errors.append(f"service subnets: {err}")
        if len(self.pod_subnets) != len(self.service_subnets):
            errors.append("the number of pod subnets must match the number of service subnets")
        return [], errors

    def effective_dns_domain(self) -> str:
        return self.dns_domain or DEFAULT_DNS_DOMAIN


@register
class KubeFlannelCNIConfigV1Alpha1(Document):
    """Flannel CNI deployed by Talos."""

    KIND: ClassVar[str] = "KubeFlannelCNIConfig"

    backend_type: str = yfield("backendType", doc="Flannel backend (generated configs use vxlan).")
    backend_port: int = yfield("backendPort", omitempty=True, doc="Encapsulation UDP port (e.g. 4789).")
    backend_mtu: int = yfield("backendMTU", omitempty=True, doc="Transport MTU for the pod network.")
    backend_extra_config: Unstructured = yfield(
        "backendExtraConfig",
        default_factory=Unstructured,
        omitempty=True,
        doc="Extra keys for Flannel's Backend section.",
    )
    resources: ResourcesConfig = yfield("resources", omitempty=True, doc="flanneld resource requests/limits.")
    extra_args: list[str] = yfield("extraArgs", omitempty=True, doc="Extra flanneld arguments.")
    kube_network_policies_enabled: bool | None = yfield(
        "kubeNetworkPoliciesEnabled", omitempty=True, doc="Also deploy kube-network-policies."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors = [] if self.backend_type else ["flannel backend type must be specified"]
        return [], errors + self.resources.validate()


@register
class KubePrismConfigV1Alpha1(Document):
    """The node-local Kubernetes API load balancer on 127.0.0.1:<port>."""

    KIND: ClassVar[str] = "KubePrismConfig"

    port: int = yfield("port", doc="Local listen port (Talos default 7445).")
    tls_server_name: str = yfield("tlsServerName", omitempty=True, doc="SNI the kubelet uses via KubePrism.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        if self.port <= 0 or self.port > 65535:
            return [], [f"invalid port {self.port}: must be in range 1-65535"]
        return [], []


@register
class KubeTalosAPIAccessConfigV1Alpha1(Document):
    """Which Talos API roles Kubernetes pods may get, and from which namespaces."""

    KIND: ClassVar[str] = "KubeTalosAPIAccessConfig"
    CONTROLPLANE_ONLY: ClassVar[bool] = True

    allowed_roles: list[str] = yfield("allowedRoles", omitempty=True, doc="Talos roles pods may be granted.")
    allowed_kubernetes_namespaces: list[str] = yfield(
        "allowedKubernetesNamespaces", omitempty=True, doc="Namespaces allowed to access the Talos API."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors = [f'invalid role "{r}" in .allowedRoles' for r in self.allowed_roles if r not in ALL_ROLES]
        return [], errors


def parse_subnet_or_address(text: str) -> str:
    """siderolabs/net ``ParseSubnetOrAddress``-style check: "" when ``text`` is a CIDR or an IP."""
    try:
        if "/" in text:
            ipaddress.ip_network(text, strict=False)
        else:
            ipaddress.ip_address(text)
    except ValueError as exc:
        return str(exc)
    return ""

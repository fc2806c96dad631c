"""``machine.features`` of the v1alpha1 document: Talos features switched on or off per machine.

Generated configs set several of these depending on the version contract (``kubePrism``,
``hostDNS``, ``diskQuotaSupport``…), so their order and ``omitempty`` shape the generated YAML.
"""

from __future__ import annotations

from ...schema import Struct, yfield


class KubePrism(Struct):
    """The KubePrism local API server load balancer."""

    server_enabled: bool | None = yfield("enabled", omitempty=True, doc="Enable KubePrism.")
    server_port: int = yfield("port", omitempty=True, doc="KubePrism port.")


class ImageCacheConfig(Struct):
    """The image cache feature."""

    cache_local_enabled: bool | None = yfield("localEnabled", omitempty=True, doc="Enable the local cache.")


class KubernetesTalosAPIAccessConfig(Struct):
    """Talos API access from Kubernetes pods."""

    access_enabled: bool | None = yfield("enabled", omitempty=True, doc="Enable the access.")
    access_allowed_roles: list[str] = yfield("allowedRoles", omitempty=True, doc="Talos roles allowed.")
    access_allowed_kubernetes_namespaces: list[str] = yfield(
        "allowedKubernetesNamespaces", omitempty=True, doc="Namespaces allowed."
    )


class HostDNSConfig(Struct):
    """The host DNS caching resolver."""

    host_dns_enabled: bool | None = yfield("enabled", omitempty=True, doc="Enable host DNS.")
    host_dns_forward_kube_dns_to_host: bool | None = yfield(
        "forwardKubeDNSToHost", omitempty=True, doc="CoreDNS forwards to host DNS."
    )
    host_dns_resolve_member_names: bool | None = yfield(
        "resolveMemberNames", omitempty=True, doc="Resolve cluster member names."
    )


class FeaturesConfig(Struct):
    """``machine.features``."""

    rbac: bool | None = yfield("rbac", omitempty=True, doc="Role-based access control for the Talos API.")
    stable_hostname: bool | None = yfield("stableHostname", omitempty=True, doc="Deprecated stable hostname.")
    kubernetes_talos_api_access_config: KubernetesTalosAPIAccessConfig | None = yfield(
        "kubernetesTalosAPIAccess", omitempty=True, doc="Talos API access from pods."
    )
    apid_check_ext_key_usage: bool | None = yfield(
        "apidCheckExtKeyUsage", omitempty=True, doc="apid checks extended key usage."
    )
    disk_quota_support: bool | None = yfield("diskQuotaSupport", omitempty=True, doc="XFS project quotas.")
    kube_prism_support: KubePrism | None = yfield("kubePrism", omitempty=True, doc="KubePrism settings.")
    host_dns_support: HostDNSConfig | None = yfield("hostDNS", omitempty=True, doc="Host DNS settings.")
    image_cache_support: ImageCacheConfig | None = yfield("imageCache", omitempty=True, doc="Image cache.")
    feature_node_address_sort_algorithm: str = yfield(
        "nodeAddressSortAlgorithm", omitempty=True, doc="Node address sort algorithm (v1 or v2)."
    )

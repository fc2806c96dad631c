"""Rules for the ``cluster`` section of a v1alpha1 config (Talos ``ClusterConfig.Validate`` & co).

Covers the control plane endpoint, the DNS domain, the CNI choice, the external cloud provider,
inline manifests, discovery, etcd and the control plane components' resources/authorization
settings. Each function returns error texts in Talos's words and order, so a failing config reads
the same under ``pytalos`` as under ``talosctl``.
"""

from __future__ import annotations

import re

from ..types.common.gofmt import go_quote
from ..types.common.url import validate_endpoint_uri
from ..types.v1alpha1 import (
    APIServerConfig,
    ClusterConfig,
    ClusterDiscoveryConfig,
    CNIConfig,
    ControllerManagerConfig,
    EtcdConfig,
    ExternalCloudProviderConfig,
    FlannelCNIConfig,
    ResourcesConfig,
    SchedulerConfig,
)
from ..types.v1alpha1.cluster import ClusterInlineManifest
from .located import join_path, located, path_of, rebase
from .netutil import parse_request_uri, parse_subnet_or_address

FLANNEL_CNI = "flannel"
CUSTOM_CNI = "custom"
NONE_CNI = "none"
DEFAULT_DISCOVERY_SERVICE_ENDPOINT = "https://discovery.talos.dev/"
_AUTHORIZER_TYPES = ("Node", "RBAC", "Webhook")
_DNS_NAME = re.compile(r"^([a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})(\.[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})*[._]?$")


def is_valid_dns_name(name: str) -> bool:
    """Talos ``isValidDNSName`` (used for ``.cluster.network.dnsDomain``)."""
    if not name or len(name) - name.count(".") > 255:
        return False
    return _DNS_NAME.match(name) is not None


def validate_cluster(cluster: ClusterConfig | None, is_control_plane: bool) -> list[str]:
    """``ClusterConfig.Validate``: errors of the cluster section."""
    if cluster is None:
        return [located("cluster instructions are required", "cluster")]
    errors: list[str] = []
    if cluster.control_plane is not None:
        if cluster.control_plane.endpoint is None:
            return [located("cluster controlplane endpoint is required", "cluster.controlPlane.endpoint")]
        err = validate_endpoint_uri(str(cluster.control_plane.endpoint))
        if err:
            errors.append(located(f"invalid controlplane endpoint: {err}", "cluster.controlPlane.endpoint"))
    network = cluster.cluster_network
    if network is not None and network.dns_domain and not is_valid_dns_name(network.dns_domain):
        errors.append(
            located(f"{go_quote(network.dns_domain)} is not a valid DNS name", "cluster.network.dnsDomain")
        )
    if cluster.external_cloud_provider_config is not None:
        errors += validate_external_cloud_provider(cluster.external_cloud_provider_config)
    if cluster.etcd_config is not None:
        if is_control_plane:
            errors += validate_etcd(cluster.etcd_config)
        else:
            errors.append(located("etcd config is only allowed on control plane machines", "cluster.etcd"))
    if cluster.cluster_ca is not None and not is_control_plane and cluster.cluster_ca.key.data:
        errors.append(
            located("cluster CA key is not allowed on non-controlplane nodes (.cluster.ca)", "cluster.ca.key")
        )
    errors += validate_inline_manifests(cluster.cluster_inline_manifests)
    errors += validate_discovery(cluster.cluster_discovery_config, cluster)
    errors += rebase("cluster.apiServer", _one(validate_api_server(cluster.api_server_config)))
    errors += rebase(
        "cluster.controllerManager", _one(validate_controller_manager(cluster.controller_manager_config))
    )
    errors += rebase("cluster.scheduler", _one(validate_scheduler(cluster.scheduler_config)))
    return errors


def _one(err: str | None) -> list[str]:
    return [err] if err else []


def cluster_cni(cluster: ClusterConfig) -> CNIConfig:
    """``ClusterConfig.CNI()``: the configured CNI, flannel when none is set."""
    network = cluster.cluster_network
    if network is None or network.cni is None:
        return CNIConfig(cni_name=FLANNEL_CNI)
    return network.cni


def validate_cni(cni: CNIConfig, path: str = "") -> tuple[list[str], list[str]]:
    """``ValidateCNI``: (warnings, errors) of the CNI choice and its fields.

    With ``path`` (where the CNI section is, e.g. ``cluster.network.cni``) messages carry their paths.
    """
    warnings: list[str] = []
    errors: list[str] = []
    name = cni.cni_name
    flannel = cni.cni_flannel if cni.cni_flannel is not None else FlannelCNIConfig()
    policies = bool(getattr(flannel, "flannel_kube_network_policies_enabled", None))
    quoted = go_quote(name)

    def where(*parts: str | int) -> str:
        return join_path(path, *parts) if path else ""

    if name in (FLANNEL_CNI, NONE_CNI, CUSTOM_CNI):
        if name != CUSTOM_CNI and cni.cni_urls:
            errors.append(_at(f'"urls" field should be empty for {quoted} CNI', where("urls")))
        if name == CUSTOM_CNI and not cni.cni_urls:
            warnings.append(_at(f'"urls" field should not be empty for {quoted} CNI', where("urls")))
        if name != FLANNEL_CNI:
            if flannel.flanneld_extra_args:
                errors.append(
                    _at(
                        f'"flanneldExtraArgs" field should be empty for {quoted} CNI',
                        where("flannel", "extraArgs"),
                    )
                )
            if policies:
                errors.append(
                    _at(
                        f'"flannelKubeNetworkPoliciesEnabled" should not be enabled for {quoted} CNI',
                        where("flannel"),
                    )
                )
        if name == CUSTOM_CNI:
            for idx, url in enumerate(cni.cni_urls):
                err = validate_endpoint_uri(url)
                if err:
                    errors.append(_at(err, where("urls", idx)))
    else:
        errors.append(
            _at(f'cni name should be one of ["{FLANNEL_CNI}", "{CUSTOM_CNI}", "{NONE_CNI}"]', where("name"))
        )
    return warnings, errors


def _at(message: str, path: str) -> str:
    return located(message, path) if path else message


def validate_external_cloud_provider(ecp: ExternalCloudProviderConfig) -> list[str]:
    if not ecp.external_enabled and ecp.external_manifests:
        return [
            located(
                "external cloud provider is disabled, but manifests are provided",
                "cluster.externalCloudProvider.enabled",
            )
        ]
    errors: list[str] = []
    for idx, url in enumerate(ecp.external_manifests):
        err = validate_endpoint_uri(url)
        if err:
            errors.append(
                located(
                    f"invalid external cloud provider manifest url {go_quote(url)}: {err}",
                    f"cluster.externalCloudProvider.manifests[{idx}]",
                )
            )
    return errors


def validate_inline_manifests(manifests: list[ClusterInlineManifest]) -> list[str]:
    errors: list[str] = []
    seen: set[str] = set()
    for idx, manifest in enumerate(manifests):
        name = manifest.inline_manifest_name
        where = f"cluster.inlineManifests[{idx}].name"
        if not name.strip():
            errors.append(located("inline manifest name can't be empty", where))
        if name in seen:
            errors.append(located(f"inline manifest name {go_quote(name)} is duplicate", where))
        seen.add(name)
    return errors


def validate_discovery(discovery: ClusterDiscoveryConfig | None, cluster: ClusterConfig) -> list[str]:
    if discovery is None or not discovery.discovery_enabled:
        return []
    errors: list[str] = []
    service = discovery.discovery_registries.registry_service
    endpoint = "cluster.discovery.registries.service.endpoint"
    if not service.registry_disabled:
        url, err = parse_request_uri(service.registry_endpoint or DEFAULT_DISCOVERY_SERVICE_ENDPOINT)
        if err:
            errors.append(located(f"cluster discovery service registry endpoint is invalid: {err}", endpoint))
        elif url is not None and url.path not in ("", "/"):
            errors.append(located("cluster discovery service path should be empty", endpoint))
        if not cluster.cluster_id:
            errors.append(located("cluster discovery service requires .cluster.id", "cluster.id"))
        if not cluster.cluster_secret:
            errors.append(located("cluster discovery service requires .cluster.secret", "cluster.secret"))
    return errors


def etcd_advertised_subnets(etcd: EtcdConfig) -> list[str]:
    if etcd.etcd_advertised_subnets:
        return etcd.etcd_advertised_subnets
    return [etcd.etcd_subnet] if etcd.etcd_subnet else []


def etcd_listen_subnets(etcd: EtcdConfig) -> list[str]:
    return etcd.etcd_listen_subnets or etcd.etcd_advertised_subnets


def validate_etcd(etcd: EtcdConfig) -> list[str]:
    errors: list[str] = []
    if etcd.root_ca is None:
        errors.append(located("key/cert combination should not be empty", "cluster.etcd.ca"))
    if etcd.etcd_subnet and etcd.etcd_advertised_subnets:
        errors.append(
            located("etcd subnet can't be set when advertised subnets are set", "cluster.etcd.subnet")
        )
    advertised = "cluster.etcd.advertisedSubnets" if etcd.etcd_advertised_subnets else "cluster.etcd.subnet"
    for idx, cidr in enumerate(etcd_advertised_subnets(etcd)):
        cidr = cidr.removeprefix("!")
        if parse_subnet_or_address(cidr):
            where = f"{advertised}[{idx}]" if etcd.etcd_advertised_subnets else advertised
            errors.append(located(f"etcd advertised subnet is not valid: {go_quote(cidr)}", where))
    listen = "cluster.etcd.listenSubnets" if etcd.etcd_listen_subnets else "cluster.etcd.advertisedSubnets"
    for idx, cidr in enumerate(etcd_listen_subnets(etcd)):
        cidr = cidr.removeprefix("!")
        if parse_subnet_or_address(cidr):
            errors.append(located(f"etcd listen subnet is not valid: {go_quote(cidr)}", f"{listen}[{idx}]"))
    return errors


def validate_resources(resources: ResourcesConfig | None) -> str | None:
    """``ResourcesConfig.Validate``: only ``cpu`` and ``memory`` may be requested or limited.

    The error is located relative to the resources section (``requests.<name>``, ``limits.<name>``).
    """
    if resources is None:
        return None
    for name, part in (("requests", resources.requests), ("limits", resources.limits)):
        for key in part.object or {}:
            if key not in ("cpu", "memory"):
                return located(f"unsupported pod resource {go_quote(str(key))}", join_path(name, str(key)))
    return None


def _resources_error(component: str, err: str | None) -> str | None:
    """``<component> resource validation failed: …`` located under the component's ``resources``."""
    if not err:
        return None
    return located(f"{component} resource validation failed: {err}", join_path("resources", path_of(err)))


def validate_api_server(api: APIServerConfig | None) -> str | None:
    """``APIServerConfig.Validate``: authorization config vs flags, authorizers, resources.

    Go distinguishes an absent ``authorizationConfig`` from an empty one; a decoded config cannot, so
    the flag conflict is reported when at least one authorizer is configured. Errors are located
    relative to the ``apiServer`` section.
    """
    if api is None:
        return None
    if api.authorization_config_config:
        for key in api.extra_args_config:
            if key == "authorization-mode":
                return located(
                    "authorization-mode cannot be used in conjunction with AuthorizationConfig, "
                    "use eitherr AuthorizationConfig or authorization-mode",
                    join_path("extraArgs", key),
                )
            if key.startswith("authorization-webhook-"):
                return located(
                    "authorization-webhook-* flags cannot be used in conjunction with AuthorizationConfig, "
                    "use either AuthorizationConfig or authorization-webhook-* flags",
                    join_path("extraArgs", key),
                )
    for idx, authorizer in enumerate(api.authorization_config_config):
        err = None
        where = f"authorizationConfig[{idx}].type"
        if not authorizer.authorizer_type:
            err = "authorizer type must be set"
        elif not authorizer.authorizer_name:
            err = "authorizer name must be set"
            where = f"authorizationConfig[{idx}].name"
        elif authorizer.authorizer_type not in _AUTHORIZER_TYPES:
            err = (
                f"authorizer type {authorizer.authorizer_type} is not allowed, "
                f"allowed types are [{' '.join(_AUTHORIZER_TYPES)}]"
            )
        if err:
            return located(f"apiserver authorization config validation failed: {err}", where)
    return _resources_error("apiserver", validate_resources(api.resources_config))


def validate_controller_manager(cm: ControllerManagerConfig | None) -> str | None:
    err = validate_resources(cm.resources_config) if cm is not None else None
    return _resources_error("controller-manager", err)


def validate_scheduler(scheduler: SchedulerConfig | None) -> str | None:
    err = validate_resources(scheduler.resources_config) if scheduler is not None else None
    return _resources_error("scheduler", err)

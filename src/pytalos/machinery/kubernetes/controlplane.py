"""The control plane components' settings, read from either config shape (Talos ``control_plane.go``).

Talos turns the machine config into ``APIServerConfig``, ``ControllerManagerConfig``,
``SchedulerConfig``, ``AdmissionControlConfig`` and ``AuditPolicyConfig`` resources before anything
is rendered; this module computes their contents from the legacy v1alpha1 ``cluster.apiServer`` /
``controllerManager`` / ``scheduler`` sections or from the ``KubeAPIServerConfig``,
``KubeControllerManagerConfig``, ``KubeSchedulerConfig``, ``KubeAdmissionControlConfig``,
``KubeAuditPolicyConfig`` and ``KubeAuthorizerConfig`` documents (a document wins over the legacy
section). Field metadata carries Talos's YAML key so the node's resource specs print like Talos's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pytalos.machinery.config.container import Container

from .settings import DEFAULT_API_SERVER_PORT, DEFAULT_DNS_DOMAIN, DEFAULT_SERVICE_SUBNET, kubernetes_settings

DEFAULT_KUBERNETES_VERSION = "1.36.0"
ETCD_SERVERS = ("https://127.0.0.1:2379",)
CLOUD_PROVIDER_EXTERNAL = "external"
DEFAULT_POD_SUBNET = "10.244.0.0/16"

#: Talos's audit policy when the config has none (``v1alpha1.APIServerDefaultAuditPolicy``).
DEFAULT_AUDIT_POLICY: dict[str, Any] = {
    "apiVersion": "audit.k8s.io/v1",
    "kind": "Policy",
    "rules": [{"level": "Metadata"}],
}


def key(name: str, omitempty: bool = False) -> dict[str, Any]:
    """Field metadata naming Talos's YAML key (read by the node's resource spec encoder)."""
    return {"yaml": name, "omitempty": omitempty}


ArgMap = dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class ExtraVolume:
    """``k8s.ExtraVolume``: a host path mounted into a static pod."""

    name: str = field(default="", metadata=key("name"))
    host_path: str = field(default="", metadata=key("hostPath"))
    mount_path: str = field(default="", metadata=key("mountPath"))
    read_only: bool = field(default=False, metadata=key("readonly"))


@dataclass(frozen=True)
class Resources:
    """``k8s.Resources``: requests/limits as given (``cpu``, ``memory``)."""

    requests: dict[str, str] = field(default_factory=dict, metadata=key("requests"))
    limits: dict[str, str] = field(default_factory=dict, metadata=key("limits"))


@dataclass(frozen=True)
class APIServerSettings:
    """``k8s.APIServerConfigSpec`` (plus the authorizers Talos keeps in ``AuthorizationConfig``)."""

    image: str = field(default="", metadata=key("image"))
    cloud_provider: str = field(default="", metadata=key("cloudProvider"))
    control_plane_endpoint: str = field(default="", metadata=key("controlPlaneEndpoint"))
    etcd_servers: tuple[str, ...] = field(default=ETCD_SERVERS, metadata=key("etcdServers"))
    local_port: int = field(default=DEFAULT_API_SERVER_PORT, metadata=key("localPort"))
    service_cidrs: tuple[str, ...] = field(default=(), metadata=key("serviceCIDRs"))
    extra_args: ArgMap = field(default_factory=dict, metadata=key("extraArgs"))
    extra_volumes: tuple[ExtraVolume, ...] = field(default=(), metadata=key("extraVolumes"))
    environment_variables: dict[str, str] = field(default_factory=dict, metadata=key("environmentVariables"))
    advertised_address: str = field(default="$(POD_IP)", metadata=key("advertisedAddress"))
    resources: Resources = field(default_factory=Resources, metadata=key("resources"))
    authorizers: tuple[tuple[str, str], ...] = field(default=(), metadata=key("authorizers"))


@dataclass(frozen=True)
class ControllerManagerSettings:
    """``k8s.ControllerManagerConfigSpec``."""

    enabled: bool = field(default=True, metadata=key("enabled"))
    image: str = field(default="", metadata=key("image"))
    cloud_provider: str = field(default="", metadata=key("cloudProvider"))
    pod_cidrs: tuple[str, ...] = field(default=(), metadata=key("podCIDRs"))
    service_cidrs: tuple[str, ...] = field(default=(), metadata=key("serviceCIDRs"))
    extra_args: ArgMap = field(default_factory=dict, metadata=key("extraArgs"))
    extra_volumes: tuple[ExtraVolume, ...] = field(default=(), metadata=key("extraVolumes"))
    environment_variables: dict[str, str] = field(default_factory=dict, metadata=key("environmentVariables"))
    resources: Resources = field(default_factory=Resources, metadata=key("resources"))


@dataclass(frozen=True)
class SchedulerSettings:
    """``k8s.SchedulerConfigSpec``."""

    enabled: bool = field(default=True, metadata=key("enabled"))
    image: str = field(default="", metadata=key("image"))
    extra_args: ArgMap = field(default_factory=dict, metadata=key("extraArgs"))
    extra_volumes: tuple[ExtraVolume, ...] = field(default=(), metadata=key("extraVolumes"))
    environment_variables: dict[str, str] = field(default_factory=dict, metadata=key("environmentVariables"))
    resources: Resources = field(default_factory=Resources, metadata=key("resources"))
    config: dict[str, Any] = field(default_factory=dict, metadata=key("config"))


@dataclass(frozen=True)
class AdmissionPlugin:
    """``k8s.AdmissionPluginSpec``."""

    name: str = field(default="", metadata=key("name"))
    configuration: dict[str, Any] = field(default_factory=dict, metadata=key("configuration"))


def _cluster(container: Container) -> Any:
    v1 = container.v1alpha1()
    return getattr(v1, "cluster_config", None) if v1 is not None else None


def _section(container: Container, name: str) -> Any:
    cluster = _cluster(container)
    return getattr(cluster, name, None) if cluster is not None else None


def _args(raw: Any) -> ArgMap:
    values = raw if isinstance(raw, dict) else getattr(raw, "values", None) or {}
    return {k: (v,) if isinstance(v, str) else tuple(v) for k, v in values.items()}


def _volumes(raw: Any) -> tuple[ExtraVolume, ...]:
    out = []
    for vol in raw or []:
        host = str(vol.volume_host_path)
        name = host.strip("/").replace("/", "-") or "root"
        out.append(ExtraVolume(name, host, str(vol.volume_mount_path), bool(vol.volume_read_only)))
    return tuple(out)


def _resources(raw: Any) -> Resources:
    if raw is None:
        return Resources()

    def plain(section: Any) -> dict[str, str]:
        obj = getattr(section, "object", section) or {}
        return {str(k): str(v) for k, v in obj.items() if k in ("cpu", "memory")}

    return Resources(plain(raw.requests), plain(raw.limits))


def _default_image(component: str) -> str:
    return f"registry.k8s.io/{component}:v{DEFAULT_KUBERNETES_VERSION}"


def cluster_network(container: Container) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(DNS domain, pod CIDRs, service CIDRs) from ``KubeNetworkConfig`` or ``cluster.network``
    (Talos's defaults when unset); workers have them too, without any Kubernetes secret."""
    doc = container.get("KubeNetworkConfig")
    if doc is not None:
        domain = str(getattr(doc, "dns_domain", "") or "")
        pods = tuple(str(p) for p in getattr(doc, "pod_subnets", []))
        services = tuple(str(p) for p in getattr(doc, "service_subnets", []))
    else:
        network = _section(container, "cluster_network")
        domain = str(getattr(network, "dns_domain", "") or "")
        pods = tuple(getattr(network, "pod_subnet", None) or ())
        services = tuple(getattr(network, "service_subnet", None) or ())
    return domain or DEFAULT_DNS_DOMAIN, pods or (DEFAULT_POD_SUBNET,), services or (DEFAULT_SERVICE_SUBNET,)


def _networks(container: Container) -> tuple[tuple[str, ...], tuple[str, ...]]:
    _, pods, services = cluster_network(container)
    return pods, services


def _cloud_provider(container: Container) -> str:
    external = _section(container, "external_cloud_provider_config")
    return CLOUD_PROVIDER_EXTERNAL if external is not None and external.external_enabled else ""


def _authorizers(container: Container, legacy: Any) -> tuple[tuple[str, str], ...]:
    docs = container.get_all("KubeAuthorizerConfig")
    pairs = [(str(d.type), str(d.name)) for d in docs]  # type: ignore[attr-defined]
    if not docs and legacy is not None:
        pairs = [(str(a.authorizer_type), str(a.authorizer_name)) for a in legacy.authorization_config_config]
    if not docs:  # Talos injects the defaults for the legacy shape
        if not any(t == "Node" for t, _ in pairs):
            pairs.insert(0, ("Node", "node"))
        if not any(t == "RBAC" for t, _ in pairs):
            pairs.insert(1, ("RBAC", "rbac"))
    return tuple(pairs)


def api_server_settings(container: Container) -> APIServerSettings:
    """``ControlPlaneAPIServerController``'s spec (raises ``SettingsError`` without an endpoint/CA)."""
    settings = kubernetes_settings(container)
    _, services = _networks(container)
    doc = container.get("KubeAPIServerConfig")
    legacy = _section(container, "api_server_config")
    node = container.get("KubeNodeConfig")
    skip = bool(getattr(node, "skip_node_registration", False))
    if doc is not None:
        image, args, env = doc.image, _args(doc.extra_args), dict(doc.env)  # type: ignore[attr-defined]
        volumes: tuple[ExtraVolume, ...] = ()
        resources = _resources(doc.resources)  # type: ignore[attr-defined]
        port = doc.port()  # type: ignore[attr-defined]
    else:
        image = getattr(legacy, "container_image", "") or ""
        args = _args(getattr(legacy, "extra_args_config", None))
        env = dict(getattr(legacy, "env_config", None) or {})
        volumes = _volumes(getattr(legacy, "extra_volumes_config", None))
        resources = _resources(getattr(legacy, "resources_config", None))
        control_plane = _section(container, "control_plane")
        port = getattr(control_plane, "local_api_server_port", 0) or DEFAULT_API_SERVER_PORT
    return APIServerSettings(
        image=image or _default_image("kube-apiserver"),
        cloud_provider=_cloud_provider(container),
        control_plane_endpoint=settings.endpoint,
        local_port=port,
        service_cidrs=services,
        extra_args=args,
        extra_volumes=volumes,
        environment_variables=env,
        advertised_address="" if skip else "$(POD_IP)",
        resources=resources,
        authorizers=_authorizers(container, legacy),
    )


def controller_manager_settings(container: Container) -> ControllerManagerSettings:
    pods, services = _networks(container)
    doc = container.get("KubeControllerManagerConfig")
    if doc is not None:
        return ControllerManagerSettings(
            enabled=doc.is_enabled(),  # type: ignore[attr-defined]
            image=doc.image or _default_image("kube-controller-manager"),  # type: ignore[attr-defined]
            cloud_provider=_cloud_provider(container),
            pod_cidrs=pods,
            service_cidrs=services,
            extra_args=_args(doc.extra_args),  # type: ignore[attr-defined]
            environment_variables=dict(doc.env),  # type: ignore[attr-defined]
            resources=_resources(doc.resources),  # type: ignore[attr-defined]
        )
    legacy = _section(container, "controller_manager_config")
    return ControllerManagerSettings(
        image=getattr(legacy, "container_image", "") or _default_image("kube-controller-manager"),
        cloud_provider=_cloud_provider(container),
        pod_cidrs=pods,
        service_cidrs=services,
        extra_args=_args(getattr(legacy, "extra_args_config", None)),
        extra_volumes=_volumes(getattr(legacy, "extra_volumes_config", None)),
        environment_variables=dict(getattr(legacy, "env_config", None) or {}),
        resources=_resources(getattr(legacy, "resources_config", None)),
    )


def scheduler_settings(container: Container) -> SchedulerSettings:
    doc = container.get("KubeSchedulerConfig")
    if doc is not None:
        return SchedulerSettings(
            enabled=doc.is_enabled(),  # type: ignore[attr-defined]
            image=doc.image or _default_image("kube-scheduler"),  # type: ignore[attr-defined]
            extra_args=_args(doc.extra_args),  # type: ignore[attr-defined]
            environment_variables=dict(doc.env),  # type: ignore[attr-defined]
            resources=_resources(doc.resources),  # type: ignore[attr-defined]
            config=dict(doc.config.object),  # type: ignore[attr-defined]
        )
    legacy = _section(container, "scheduler_config")
    config = getattr(legacy, "scheduler_config", None)
    return SchedulerSettings(
        image=getattr(legacy, "container_image", "") or _default_image("kube-scheduler"),
        extra_args=_args(getattr(legacy, "extra_args_config", None)),
        extra_volumes=_volumes(getattr(legacy, "extra_volumes_config", None)),
        environment_variables=dict(getattr(legacy, "env_config", None) or {}),
        resources=_resources(getattr(legacy, "resources_config", None)),
        config=dict(getattr(config, "object", None) or {}),
    )


def admission_plugins(container: Container) -> tuple[AdmissionPlugin, ...]:
    docs = container.get_all("KubeAdmissionControlConfig")
    if docs:
        return tuple(
            AdmissionPlugin(str(d.name), dict(d.configuration.object))  # type: ignore[attr-defined]
            for d in docs
        )
    legacy = _section(container, "api_server_config")
    return tuple(
        AdmissionPlugin(str(p.plugin_name), dict(p.plugin_configuration.object))
        for p in getattr(legacy, "admission_control_config", None) or []
    )


def audit_policy(container: Container) -> dict[str, Any]:
    doc = container.get("KubeAuditPolicyConfig")
    if doc is not None:
        policy = dict(doc.configuration.object)  # type: ignore[attr-defined]
    else:
        legacy = _section(container, "api_server_config")
        policy = dict(getattr(getattr(legacy, "audit_policy_config", None), "object", None) or {})
    return policy or dict(DEFAULT_AUDIT_POLICY)

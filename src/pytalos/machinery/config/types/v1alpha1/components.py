"""Kubernetes control plane components of the v1alpha1 ``cluster`` section.

``apiServer``, ``controllerManager``, ``proxy``, ``scheduler`` and ``etcd`` (deprecated at HEAD in
favour of the ``Kube*Config`` documents, except etcd). ``admissionControl`` has Talos's custom merge
(entries matched by plugin ``name``) and ``auditPolicy`` is replaced wholesale by a patch.
"""

from __future__ import annotations

from ...schema import Struct, merge_structs, yfield
from .pki import PEMEncodedCertificateAndKey
from .values import Unstructured


class VolumeMountConfig(Struct):
    """An extra host volume of a static pod."""

    volume_host_path: str = yfield("hostPath", doc="Path on the host.")
    volume_mount_path: str = yfield("mountPath", doc="Path in the container.")
    volume_read_only: bool = yfield("readonly", omitempty=True, doc="Mount read-only.")


class ResourcesConfig(Struct):
    """Pod resource requests and limits."""

    requests: Unstructured = yfield("requests", omitempty=True, default_factory=Unstructured, doc="Requests.")
    limits: Unstructured = yfield("limits", omitempty=True, default_factory=Unstructured, doc="Limits.")


class AdmissionPluginConfig(Struct):
    """Configuration of one API server admission plugin."""

    plugin_name: str = yfield("name", doc="Admission plugin name.")
    plugin_configuration: Unstructured = yfield(
        "configuration", default_factory=Unstructured, doc="Plugin configuration object."
    )


def merge_admission_plugins(
    left: list[AdmissionPluginConfig] | None, right: list[AdmissionPluginConfig] | None
) -> list[AdmissionPluginConfig]:
    """Talos ``AdmissionPluginConfigList.Merge``: an entry with a known ``name`` is merged into it."""
    merged = list(left or [])
    for config in right or []:
        existing = next((c for c in merged if c.plugin_name == config.plugin_name), None)
        if existing is not None:
            merge_structs(existing, config)
        else:
            merged.append(config)
    return merged


class AuthorizationConfigAuthorizerConfig(Struct):
    """One authorizer of the API server authorization config."""

    authorizer_type: str = yfield("type", doc="Node, RBAC or Webhook.")
    authorizer_name: str = yfield("name", doc="Authorizer name.")
    authorizer_webhook: Unstructured = yfield(
        "webhook", omitempty=True, default_factory=Unstructured, doc="Webhook settings."
    )


class APIServerConfig(Struct):
    """``cluster.apiServer``."""

    container_image: str = yfield("image", omitempty=True, doc="kube-apiserver image.")
    extra_args_config: dict[str, str] = yfield(
        "extraArgs",
        omitempty=True,
        doc="Extra flags.",
        examples=[("A bigger watch cache and verbose logs.", {"default-watch-cache-size": "500", "v": "4"})],
    )
    extra_volumes_config: list[VolumeMountConfig] = yfield(
        "extraVolumes", omitempty=True, doc="Extra volumes."
    )
    env_config: dict[str, str] = yfield("env", omitempty=True, doc="Environment variables.")
    cert_sans: list[str] = yfield(
        "certSANs",
        omitempty=True,
        doc="Extra certificate SANs.",
        examples=[("A load balancer name and address.", ["k8s.example.org", "203.0.113.10"])],
    )
    disable_pod_security_policy_config: bool | None = yfield(
        "disablePodSecurityPolicy", omitempty=True, doc="Deprecated PSP switch."
    )
    admission_control_config: list[AdmissionPluginConfig] = yfield(
        "admissionControl",
        omitempty=True,
        merge=merge_admission_plugins,
        doc="Admission plugins.",
        examples=lambda: [("Enforce the restricted Pod Security level.", [_pod_security_restricted()])],
    )
    audit_policy_config: Unstructured = yfield(
        "auditPolicy", omitempty=True, merge="replace", default_factory=Unstructured, doc="Audit policy."
    )
    resources_config: ResourcesConfig | None = yfield("resources", omitempty=True, doc="Pod resources.")
    authorization_config_config: list[AuthorizationConfigAuthorizerConfig] = yfield(
        "authorizationConfig", omitempty=True, doc="Authorizers."
    )


class ControllerManagerConfig(Struct):
    """``cluster.controllerManager``."""

    container_image: str = yfield("image", omitempty=True, doc="kube-controller-manager image.")
    extra_args_config: dict[str, str] = yfield("extraArgs", omitempty=True, doc="Extra flags.")
    extra_volumes_config: list[VolumeMountConfig] = yfield(
        "extraVolumes", omitempty=True, doc="Extra volumes."
    )
    env_config: dict[str, str] = yfield("env", omitempty=True, doc="Environment variables.")
    resources_config: ResourcesConfig | None = yfield("resources", omitempty=True, doc="Pod resources.")


class ProxyConfig(Struct):
    """``cluster.proxy``."""

    disabled: bool | None = yfield("disabled", omitempty=True, doc="Do not deploy kube-proxy.")
    container_image: str = yfield("image", omitempty=True, doc="kube-proxy image.")
    mode_config: str = yfield("mode", omitempty=True, doc="Proxy mode.")
    extra_args_config: dict[str, str] = yfield("extraArgs", omitempty=True, doc="Extra flags.")


class SchedulerConfig(Struct):
    """``cluster.scheduler``."""

    container_image: str = yfield("image", omitempty=True, doc="kube-scheduler image.")
    extra_args_config: dict[str, str] = yfield("extraArgs", omitempty=True, doc="Extra flags.")
    extra_volumes_config: list[VolumeMountConfig] = yfield(
        "extraVolumes", omitempty=True, doc="Extra volumes."
    )
    env_config: dict[str, str] = yfield("env", omitempty=True, doc="Environment variables.")
    resources_config: ResourcesConfig | None = yfield("resources", omitempty=True, doc="Pod resources.")
    scheduler_config: Unstructured = yfield(
        "config", omitempty=True, default_factory=Unstructured, doc="Scheduler configuration."
    )


class EtcdConfig(Struct):
    """``cluster.etcd``."""

    container_image: str = yfield("image", omitempty=True, doc="etcd image.")
    root_ca: PEMEncodedCertificateAndKey | None = yfield("ca", doc="etcd CA.")
    etcd_extra_args: dict[str, str] = yfield("extraArgs", omitempty=True, doc="Extra flags.")
    etcd_subnet: str = yfield("subnet", omitempty=True, doc="Deprecated advertised subnet.")
    etcd_advertised_subnets: list[str] = yfield(
        "advertisedSubnets",
        omitempty=True,
        doc="Advertised subnets.",
        examples=[("Peers talk over the private network only.", ["10.0.0.0/8"])],
    )
    etcd_listen_subnets: list[str] = yfield("listenSubnets", omitempty=True, doc="Listen subnets.")


def _pod_security_restricted() -> AdmissionPluginConfig:
    """An example ``admissionControl`` entry: the PodSecurity plugin enforcing ``restricted``."""
    configuration = {
        "apiVersion": "pod-security.admission.config.k8s.io/v1",
        "kind": "PodSecurityConfiguration",
        "defaults": {"enforce": "restricted", "enforce-version": "latest"},
        "exemptions": {"namespaces": ["kube-system"]},
    }
    return AdmissionPluginConfig(plugin_name="PodSecurity", plugin_configuration=Unstructured(configuration))

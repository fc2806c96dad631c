"""Kubernetes component documents: control-plane static pods, kubelet, kube-proxy and CoreDNS.

These replace ``cluster.apiServer|controllerManager|scheduler|proxy|coreDNS`` and ``machine.kubelet``
of the v1alpha1 document. They share one shape (image, ``extraArgs``, env, resources) and the same
kind of checks; the Kubernetes-version compatibility of the image tag is only checked on a running
node in Talos (not in local ``talosctl validate``), so it is not repeated here.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import yfield
from ..meta import Args, Unstructured
from .common import ResourcesConfig

#: extraArgs prefixes kube-apiserver refuses, and the document to use instead
_APISERVER_DENIED_ARGS = {
    "anonymous-auth": "use KubeAuthenticationConfig",
    "oidc-": "use KubeAuthenticationConfig",
    "authentication-config": "use KubeAuthenticationConfig",
    "authorization-config": "use KubeAuthorizationConfig",
    "authorization-mode": "use KubeAuthorizationConfig",
    "authorization-webhook-": "use KubeAuthorizationConfig",
}

#: kubelet configuration keys Talos manages itself
KUBELET_PROTECTED_FIELDS = (
    "apiVersion",
    "authentication",
    "authorization",
    "cgroupRoot",
    "kind",
    "kubeletCgroups",
    "port",
    "protectKernelDefaults",
    "resolvConf",
    "rotateCertificates",
    "systemCgroups",
    "staticPodPath",
    "seccompDefault",
)

DEFAULT_API_PORT = 6443


@register
class KubeAPIServerConfigV1Alpha1(Document):
    """The kube-apiserver static pod."""

    KIND: ClassVar[str] = "KubeAPIServerConfig"

    image: str = yfield("image", doc="kube-apiserver container image (with tag).")
    extra_args: Args = yfield(
        "extraArgs", default_factory=Args, omitempty=True, doc="Extra kube-apiserver flags."
    )
    env: dict[str, str] = yfield("env", omitempty=True, doc="Extra environment variables.")
    resources: ResourcesConfig = yfield("resources", omitempty=True, doc="Pod resource requests/limits.")
    api_port: int | None = yfield("apiPort", omitempty=True, doc="Listen port (default 6443).")
    cert_extra_sans: list[str] = yfield(
        "certExtraSANs", omitempty=True, doc="Extra serving certificate SANs."
    )
    startup_probes: bool | None = yfield("startupProbes", omitempty=True, doc="Enable startup probes.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        if not self.image:
            errors.append("kube-apiserver image cannot be empty")
        for prefix, hint in sorted(_APISERVER_DENIED_ARGS.items()):
            for arg in sorted(self.extra_args.values):
                if arg.startswith(prefix):
                    errors.append(f'kube-apiserver extra argument "{arg}" is not allowed: {hint}')
        errors += self.resources.validate()
        return [], errors

    def port(self) -> int:
        return DEFAULT_API_PORT if self.api_port is None else self.api_port

    def startup_probes_enabled(self) -> bool:
        return True if self.startup_probes is None else self.startup_probes


def _validate_pod(name: str, enabled: bool | None, image: str, resources: ResourcesConfig) -> list[str]:
    if enabled is False:
        return []  # a disabled component is not validated further
    errors = [f"{name} image cannot be empty"] if not image else []
    return errors + resources.validate()


@register
class KubeControllerManagerConfigV1Alpha1(Document):
    """The kube-controller-manager static pod."""

    KIND: ClassVar[str] = "KubeControllerManagerConfig"

    enabled: bool | None = yfield("enabled", omitempty=True, doc="Run the static pod (default true).")
    image: str = yfield("image", doc="kube-controller-manager container image (with tag).")
    extra_args: Args = yfield(
        "extraArgs", default_factory=Args, omitempty=True, doc="Extra kube-controller-manager flags."
    )
    env: dict[str, str] = yfield("env", omitempty=True, doc="Extra environment variables.")
    resources: ResourcesConfig = yfield("resources", omitempty=True, doc="Pod resource requests/limits.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        return [], _validate_pod("kube-controller-manager", self.enabled, self.image, self.resources)

    def is_enabled(self) -> bool:
        return self.enabled is not False


@register
class KubeSchedulerConfigV1Alpha1(Document):
    """The kube-scheduler static pod."""

    KIND: ClassVar[str] = "KubeSchedulerConfig"

    enabled: bool | None = yfield("enabled", omitempty=True, doc="Run the static pod (default true).")
    image: str = yfield("image", doc="kube-scheduler container image (with tag).")
    config: Unstructured = yfield(
        "config", default_factory=Unstructured, doc="KubeSchedulerConfiguration overrides."
    )
    extra_args: Args = yfield(
        "extraArgs", default_factory=Args, omitempty=True, doc="Extra kube-scheduler flags."
    )
    env: dict[str, str] = yfield("env", omitempty=True, doc="Extra environment variables.")
    resources: ResourcesConfig = yfield("resources", omitempty=True, doc="Pod resource requests/limits.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        return [], _validate_pod("scheduler", self.enabled, self.image, self.resources)

    def is_enabled(self) -> bool:
        return self.enabled is not False


@register
class KubeProxyConfigV1Alpha1(Document):
    """The kube-proxy DaemonSet deployed at bootstrap."""

    KIND: ClassVar[str] = "KubeProxyConfig"
    CONTROLPLANE_ONLY: ClassVar[bool] = True

    enabled: bool | None = yfield("enabled", omitempty=True, doc="Deploy kube-proxy (default true).")
    image: str = yfield("image", omitempty=True, doc="kube-proxy container image.")
    mode: str = yfield("mode", omitempty=True, doc="Proxy mode: nftables (default), iptables or ipvs.")
    config: Unstructured = yfield(
        "config", default_factory=Unstructured, doc="KubeProxyConfiguration overrides."
    )
    extra_args: Args = yfield(
        "extraArgs", default_factory=Args, omitempty=True, doc="Extra kube-proxy flags."
    )
    resources: ResourcesConfig = yfield("resources", omitempty=True, doc="Pod resource requests/limits.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        warnings: list[str] = []
        errors: list[str] = []
        if self.enabled is False:
            return warnings, errors
        if not self.image:
            errors.append("proxy image cannot be empty")
        if self.mode in ("iptables", "ipvs"):
            warnings.append(
                f'proxy mode "{self.mode}" is not recommended, please switch to nftables if possible'
            )
        elif self.mode not in ("", "nftables"):
            errors.append(
                f'invalid proxy mode "{self.mode}": supported modes are iptables, ipvs and nftables'
            )
        if self.extra_args.values:
            warnings.append(
                "extra arguments for kube-proxy may not work as expected, please use configuration instead"
            )
        errors += self.resources.validate()
        return warnings, errors

    def is_enabled(self) -> bool:
        return self.enabled is not False


@register
class KubeletConfigV1Alpha1(Document):
    """The kubelet on this node."""

    KIND: ClassVar[str] = "KubeletConfig"

    image: str = yfield("image", doc="kubelet container image (with tag).")
    config: Unstructured = yfield(
        "config", default_factory=Unstructured, doc="KubeletConfiguration overrides."
    )
    extra_args: Args = yfield("extraArgs", default_factory=Args, omitempty=True, doc="Extra kubelet flags.")
    cluster_dns: list[str] = yfield("clusterDNS", omitempty=True, doc="Cluster DNS server IPs.")
    default_runtime_seccomp_profile_enabled: bool | None = yfield(
        "defaultRuntimeSeccompProfileEnabled", omitempty=True, doc="Use the runtime default seccomp profile."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        if not self.image:
            errors.append("kubelet image cannot be empty")
        for name in KUBELET_PROTECTED_FIELDS:
            if name in self.config.object:
                errors.append(f'kubelet configuration field "{name}" can\'t be overridden')
        return [], errors


DEFAULT_COREDNS_IMAGE = "registry.k8s.io/coredns/coredns:v1.14.2"


@register
class KubeCoreDNSConfigV1Alpha1(Document):
    """The CoreDNS deployment."""

    KIND: ClassVar[str] = "KubeCoreDNSConfig"

    enabled: bool | None = yfield("enabled", omitempty=True, doc="Deploy CoreDNS (default true).")
    image: str = yfield("image", omitempty=True, doc="CoreDNS image (default: Talos's pinned image).")

    def is_enabled(self) -> bool:
        return self.enabled is not False

    def effective_image(self) -> str:
        return self.image or DEFAULT_COREDNS_IMAGE

"""What a ``gen config`` run is asked to produce: cluster identity, endpoint, secrets and options.

Talos splits this into ``generate.Input`` plus functional ``Option``s; here it is a single dataclass
whose fields are the options (with Talos's defaults) and whose properties are the values Talos derives
in ``NewInput`` (pod/service subnets, SAN lists, the discovery default).  A missing secrets bundle is
generated on construction, as ``NewInput`` does, so controlplane and worker configs of one input share
the same secrets.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..contract import CURRENT, VersionContract
from ..types.common.neturl import GoURL, GoURLError
from . import constants as c
from .endpoint import is_ipv6_address

if TYPE_CHECKING:
    from pytalos.machinery.secrets.bundle import SecretsBundle


@dataclass
class Input:
    """Generation input; field names follow Talos's ``generate.Options``."""

    cluster_name: str
    endpoint: str
    kubernetes_version: str = c.DEFAULT_KUBERNETES_VERSION
    secrets_bundle: SecretsBundle | None = None
    version_contract: VersionContract = CURRENT

    # machine
    debug: bool = False
    install_disk: str = ""
    install_image: str = ""
    install_extra_kernel_args: list[str] = field(default_factory=list)
    sysctls: dict[str, str] = field(default_factory=dict)
    registry_mirrors: dict[str, list[str]] = field(default_factory=dict)
    registry_ca_certs: dict[str, str] = field(default_factory=dict)
    registry_insecure: list[str] = field(default_factory=list)
    kubeprism_port: int | None = None
    kubespan_enabled: bool | None = None
    host_dns_forward_kube_dns_to_host: bool | None = None

    # cluster
    dns_domain: str = c.DEFAULT_DNS_DOMAIN
    additional_subject_alt_names: list[str] = field(default_factory=list)
    allow_scheduling_on_control_planes: bool = False
    local_api_server_port: int = 0
    discovery_enabled: bool | None = None
    custom_cni_url: str = ""

    # client (talosconfig)
    endpoint_list: list[str] = field(default_factory=list)
    roles: tuple[str, ...] = ("os:admin",)

    def __post_init__(self) -> None:
        self.kubernetes_version = self.kubernetes_version.removeprefix("v")
        if self.secrets_bundle is None:
            from pytalos.machinery.secrets.bundle import SecretsBundle

            self.secrets_bundle = SecretsBundle.generate(self.version_contract)
        if self.discovery_enabled is None:
            self.discovery_enabled = self.version_contract.cluster_discovery_enabled()

    @property
    def bundle(self) -> SecretsBundle:
        """The secrets bundle (always present after construction)."""
        assert self.secrets_bundle is not None
        return self.secrets_bundle

    @property
    def pod_subnets(self) -> list[str]:
        """Pod CIDRs: IPv6 defaults when the endpoint itself is a bare IPv6 address."""
        return [c.IPV6_POD_NET if is_ipv6_address(self.endpoint) else c.IPV4_POD_NET]

    @property
    def service_subnets(self) -> list[str]:
        return [c.IPV6_SERVICE_NET if is_ipv6_address(self.endpoint) else c.IPV4_SERVICE_NET]

    @property
    def additional_sans(self) -> list[str]:
        """Extra SANs (plus the talosconfig endpoints for contracts without dynamic SANs)."""
        sans = list(self.additional_subject_alt_names)
        if not self.version_contract.supports_dynamic_cert_sans():
            sans += self.endpoint_list
        return sans

    @property
    def machine_cert_sans(self) -> list[str]:
        """``machine.certSANs``."""
        return self.additional_sans

    @property
    def api_server_sans(self) -> list[str]:
        """Kubernetes API server certificate SANs (the endpoint host only for contracts ≤ v1.11)."""
        sans: list[str] = []
        if self.version_contract.populate_endpoint_sans_by_default():
            with contextlib.suppress(GoURLError):
                sans.append(GoURL.parse(self.endpoint).hostname)
        return sans + self.additional_sans

    def kubernetes_image(self, repository: str) -> str:
        """``<repository>:v<kubernetes version>``."""
        return f"{repository}:v{self.kubernetes_version}"

    def effective_kubeprism_port(self) -> int:
        """The KubePrism port to configure, 0 when KubePrism stays off."""
        if self.kubeprism_port is not None:
            return max(self.kubeprism_port, 0)
        return c.DEFAULT_KUBEPRISM_PORT if self.version_contract.kubeprism_enabled() else 0

    def forward_kube_dns_to_host(self) -> bool | None:
        """``forwardKubeDNSToHost`` value: true or unset (Talos never writes an explicit false)."""
        forward = bool(self.host_dns_forward_kube_dns_to_host)
        return True if forward or self.version_contract.host_dns_forward_kube_dns_to_host() else None

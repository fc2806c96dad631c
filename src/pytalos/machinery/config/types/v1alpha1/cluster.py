"""``cluster`` section of the v1alpha1 document (Go ``ClusterConfig`` and its members).

Holds the cluster-wide identity and secrets (``id``, ``secret``, ``token``, CAs, encryption
secrets) and the (mostly deprecated at HEAD) Kubernetes settings. ``podSubnets``/``serviceSubnets``
are ``merge:"replace"``: a patch sets them instead of appending to the generated defaults.
"""

from __future__ import annotations

from ...codecs import Duration
from ...schema import Struct, yfield
from .components import APIServerConfig, ControllerManagerConfig, EtcdConfig, ProxyConfig, SchedulerConfig
from .endpoint import Endpoint
from .pki import PEMEncodedCertificate, PEMEncodedCertificateAndKey, PEMEncodedKey

# Go's strings.TrimLeft cutset used by ClusterInlineManifests.UnmarshalYAML (spaces are kept)
_MANIFEST_TRIM = "\t\n\v\f\r"


class ControlPlaneConfig(Struct):
    """``cluster.controlPlane``."""

    endpoint: Endpoint | None = yfield("endpoint", doc="Canonical control plane endpoint URL.")
    local_api_server_port: int = yfield("localAPIServerPort", omitempty=True, doc="Local API server port.")


class FlannelCNIConfig(Struct):
    """Flannel options."""

    flanneld_extra_args: list[str] = yfield("extraArgs", omitempty=True, doc="Extra flanneld arguments.")


class CNIConfig(Struct):
    """``cluster.network.cni``."""

    cni_name: str = yfield("name", omitempty=True, doc="flannel, custom or none.")
    cni_urls: list[str] = yfield("urls", omitempty=True, doc="Manifests of a custom CNI.")
    cni_flannel: FlannelCNIConfig | None = yfield("flannel", omitempty=True, doc="Flannel options.")


class ClusterNetworkConfig(Struct):
    """``cluster.network``."""

    cni: CNIConfig | None = yfield(
        "cni",
        omitempty=True,
        doc="CNI settings.",
        examples=lambda: [
            (
                "Deploy your own CNI from manifest URLs.",
                CNIConfig(cni_name="custom", cni_urls=["https://example.org/cni/install.yaml"]),
            )
        ],
    )
    dns_domain: str = yfield("dnsDomain", doc="Kubernetes DNS domain.")
    pod_subnet: list[str] = yfield(
        "podSubnets",
        merge="replace",
        doc="Pod subnets.",
        examples=[("An IPv4 and an IPv6 pod range.", ["10.244.0.0/16", "fd00:10:244::/56"])],
    )
    service_subnet: list[str] = yfield(
        "serviceSubnets",
        merge="replace",
        doc="Service subnets.",
        examples=[("An IPv4 and an IPv6 service range.", ["10.96.0.0/12", "fd00:10:96::/112"])],
    )


class ExternalCloudProviderConfig(Struct):
    """``cluster.externalCloudProvider``."""

    external_enabled: bool | None = yfield("enabled", omitempty=True, doc="Enable the external provider.")
    external_manifests: list[str] = yfield("manifests", omitempty=True, doc="Provider manifests.")


class AdminKubeconfigConfig(Struct):
    """``cluster.adminKubeconfig``."""

    admin_kubeconfig_cert_lifetime: Duration = yfield(
        "certLifetime", omitempty=True, default_factory=Duration, doc="Admin certificate lifetime."
    )


class CoreDNS(Struct):
    """``cluster.coreDNS``."""

    core_dns_disabled: bool | None = yfield("disabled", omitempty=True, doc="Do not deploy CoreDNS.")
    core_dns_image: str = yfield("image", omitempty=True, doc="CoreDNS image.")


class RegistryKubernetesConfig(Struct):
    """The Kubernetes discovery registry."""

    registry_disabled: bool | None = yfield("disabled", omitempty=True, doc="Disable this registry.")


class RegistryServiceConfig(Struct):
    """The discovery service registry."""

    registry_disabled: bool | None = yfield("disabled", omitempty=True, doc="Disable this registry.")
    registry_endpoint: str = yfield("endpoint", omitempty=True, doc="Discovery service endpoint.")


class DiscoveryRegistriesConfig(Struct):
    """Discovery registries."""

    registry_kubernetes: RegistryKubernetesConfig = yfield(
        "kubernetes", default_factory=RegistryKubernetesConfig, doc="Kubernetes registry."
    )
    registry_service: RegistryServiceConfig = yfield(
        "service", default_factory=RegistryServiceConfig, doc="Discovery service registry."
    )


class ClusterDiscoveryConfig(Struct):
    """``cluster.discovery``."""

    discovery_enabled: bool | None = yfield("enabled", omitempty=True, doc="Enable member discovery.")
    discovery_registries: DiscoveryRegistriesConfig = yfield(
        "registries", default_factory=DiscoveryRegistriesConfig, doc="Registries."
    )


class ClusterInlineManifest(Struct):
    """A manifest applied at bootstrap, given inline."""

    inline_manifest_name: str = yfield("name", doc="Unique manifest name.")
    inline_manifest_contents: str = yfield("contents", doc="Manifest YAML.")

    def after_decode(self) -> None:
        """Like ``ClusterInlineManifests.UnmarshalYAML``: drop leading blank lines and tabs."""
        self.inline_manifest_contents = self.inline_manifest_contents.lstrip(_MANIFEST_TRIM)


class ClusterConfig(Struct):
    """``cluster``: settings shared by every machine of the cluster."""

    cluster_id: str = yfield("id", omitempty=True, doc="Cluster identity (base64 of 32 random bytes).")
    cluster_secret: str = yfield("secret", omitempty=True, doc="Cluster shared secret.")
    # omitempty as at HEAD (the endpoint moved to KubeClusterConfig; v1.14+ fixtures omit it)
    control_plane: ControlPlaneConfig | None = yfield(
        "controlPlane", omitempty=True, doc="Control plane endpoint."
    )
    cluster_name: str = yfield("clusterName", omitempty=True, doc="Cluster name.")
    cluster_network: ClusterNetworkConfig | None = yfield(
        "network",
        omitempty=True,
        doc="Cluster networking.",
        examples=lambda: [
            (
                "The usual pod and service ranges.",
                ClusterNetworkConfig(
                    dns_domain="cluster.local", pod_subnet=["10.244.0.0/16"], service_subnet=["10.96.0.0/12"]
                ),
            )
        ],
    )
    bootstrap_token: str = yfield("token", omitempty=True, doc="Kubernetes bootstrap token.")
    cluster_aescbc_encryption_secret: str = yfield(
        "aescbcEncryptionSecret", omitempty=True, doc="AESCBC encryption key for secrets at rest."
    )
    cluster_secretbox_encryption_secret: str = yfield(
        "secretboxEncryptionSecret", omitempty=True, doc="Secretbox encryption key for secrets at rest."
    )
    cluster_ca: PEMEncodedCertificateAndKey | None = yfield("ca", omitempty=True, doc="Kubernetes CA.")
    cluster_accepted_cas: list[PEMEncodedCertificate] = yfield(
        "acceptedCAs", omitempty=True, doc="Extra accepted Kubernetes CAs."
    )
    cluster_aggregator_ca: PEMEncodedCertificateAndKey | None = yfield(
        "aggregatorCA", omitempty=True, doc="Front-proxy (aggregator) CA."
    )
    cluster_service_account: PEMEncodedKey | None = yfield(
        "serviceAccount", omitempty=True, doc="Service account signing key."
    )
    api_server_config: APIServerConfig | None = yfield(
        "apiServer",
        omitempty=True,
        doc="kube-apiserver.",
        examples=lambda: [
            (
                "Another name for the API server and more verbose logs.",
                APIServerConfig(cert_sans=["k8s.example.org"], extra_args_config={"v": "4"}),
            )
        ],
    )
    controller_manager_config: ControllerManagerConfig | None = yfield(
        "controllerManager", omitempty=True, doc="kube-controller-manager."
    )
    proxy_config: ProxyConfig | None = yfield(
        "proxy",
        omitempty=True,
        doc="kube-proxy.",
        examples=lambda: [
            (
                "IPVS mode, metrics reachable from other hosts.",
                ProxyConfig(mode_config="ipvs", extra_args_config={"metrics-bind-address": "0.0.0.0:10249"}),
            ),
            ("No kube-proxy (the CNI replaces it).", ProxyConfig(disabled=True)),
        ],
    )
    scheduler_config: SchedulerConfig | None = yfield("scheduler", omitempty=True, doc="kube-scheduler.")
    cluster_discovery_config: ClusterDiscoveryConfig | None = yfield(
        "discovery", omitempty=True, doc="Member discovery."
    )
    etcd_config: EtcdConfig | None = yfield("etcd", omitempty=True, doc="etcd.")
    core_dns_config: CoreDNS | None = yfield("coreDNS", omitempty=True, doc="CoreDNS.")
    external_cloud_provider_config: ExternalCloudProviderConfig | None = yfield(
        "externalCloudProvider", omitempty=True, doc="External cloud provider."
    )
    extra_manifests: list[str] = yfield(
        "extraManifests",
        omitempty=True,
        doc="Extra manifest URLs.",
        examples=[
            (
                "Apply two manifests from a web server.",
                ["https://example.org/a.yaml", "https://example.org/b.yaml"],
            )
        ],
    )
    extra_manifest_headers: dict[str, str] = yfield(
        "extraManifestHeaders", omitempty=True, doc="Headers for fetching extra manifests."
    )
    cluster_inline_manifests: list[ClusterInlineManifest] = yfield(
        "inlineManifests",
        omitempty=True,
        doc="Inline manifests.",
        examples=lambda: [
            (
                "Create a namespace at bootstrap.",
                [
                    ClusterInlineManifest(
                        "apps", "apiVersion: v1\nkind: Namespace\nmetadata:\n    name: apps\n"
                    )
                ],
            )
        ],
    )
    admin_kubeconfig_config: AdminKubeconfigConfig | None = yfield(
        "adminKubeconfig", omitempty=True, doc="Admin kubeconfig settings."
    )
    allow_scheduling_on_masters: bool | None = yfield(
        "allowSchedulingOnMasters", omitempty=True, doc="Deprecated name of allowSchedulingOnControlPlanes."
    )
    allow_scheduling_on_control_planes: bool | None = yfield(
        "allowSchedulingOnControlPlanes", omitempty=True, doc="Run workloads on control plane nodes."
    )

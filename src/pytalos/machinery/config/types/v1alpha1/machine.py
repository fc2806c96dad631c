"""``machine`` section of the v1alpha1 document (Go ``MachineConfig`` and its smaller members).

Field order is the YAML order of every generated config, and most members are deprecated at HEAD
(replaced by dedicated documents) but still accepted, so all of them are modelled.
"""

from __future__ import annotations

from ...codecs import Duration
from ...schema import ExampleList, Struct, yfield
from .endpoint import Endpoint
from .features import FeaturesConfig
from .install import InstallConfig, MachineDisk, SystemDiskEncryptionConfig
from .network import Device, NetworkConfig
from .pki import PEMEncodedCertificate, PEMEncodedCertificateAndKey
from .registries import RegistriesConfig, registries_examples
from .values import FileMode, Unstructured


class MachineControllerManagerConfig(Struct):
    """Per-machine kube-controller-manager switch."""

    machine_controller_manager_disabled: bool | None = yfield(
        "disabled", omitempty=True, doc="Disable kube-controller-manager here."
    )


class MachineSchedulerConfig(Struct):
    """Per-machine kube-scheduler switch."""

    machine_scheduler_disabled: bool | None = yfield(
        "disabled", omitempty=True, doc="Disable kube-scheduler here."
    )


class MachineControlPlaneConfig(Struct):
    """``machine.controlPlane``."""

    machine_controller_manager: MachineControllerManagerConfig | None = yfield(
        "controllerManager", omitempty=True, doc="Controller manager switch."
    )
    machine_scheduler: MachineSchedulerConfig | None = yfield(
        "scheduler", omitempty=True, doc="Scheduler switch."
    )


class LinuxIDMapping(Struct):
    """A UID/GID mapping of a mount."""

    container_id: int = yfield("containerID", doc="First ID in the container.")
    host_id: int = yfield("hostID", doc="First ID on the host.")
    size: int = yfield("size", doc="Number of IDs.")


class ExtraMount(Struct):
    """An extra mount of the kubelet container."""

    destination: str = yfield("destination", doc="Mount point in the container.")
    type: str = yfield("type", omitempty=True, doc="Mount type.")
    source: str = yfield("source", omitempty=True, doc="Mount source.")
    options: list[str] = yfield("options", omitempty=True, doc="Mount options.")
    uid_mappings: list[LinuxIDMapping] = yfield("uidMappings", omitempty=True, doc="UID mappings.")
    gid_mappings: list[LinuxIDMapping] = yfield("gidMappings", omitempty=True, doc="GID mappings.")


class KubeletNodeIPConfig(Struct):
    """How the kubelet picks its node IP."""

    kubelet_node_ip_valid_subnets: list[str] = yfield(
        "validSubnets", omitempty=True, doc="Subnets to pick from."
    )


class KubeletConfig(Struct):
    """``machine.kubelet`` (deprecated, now the KubeletConfig document)."""

    kubelet_image: str = yfield(
        "image",
        omitempty=True,
        doc="Kubelet image.",
        examples=[("A specific kubelet release.", "ghcr.io/siderolabs/kubelet:v1.33.2")],
    )
    kubelet_cluster_dns: list[str] = yfield(
        "clusterDNS",
        omitempty=True,
        doc="Cluster DNS addresses.",
        examples=[("Resolve cluster names through two DNS servers.", ["10.96.0.10", "169.254.2.53"])],
    )
    kubelet_extra_args: dict[str, str] = yfield(
        "extraArgs",
        omitempty=True,
        doc="Extra kubelet flags.",
        examples=[
            (
                "Allow more pods and rotate serving certificates.",
                {"max-pods": "250", "rotate-server-certificates": "true"},
            )
        ],
    )
    kubelet_extra_mounts: list[ExtraMount] = yfield(
        "extraMounts",
        omitempty=True,
        doc="Extra mounts.",
        examples=lambda: [
            (
                "Share a host directory with pods using local volumes.",
                [
                    ExtraMount(
                        destination="/var/mnt/local-volumes",
                        type="bind",
                        source="/var/mnt/local-volumes",
                        options=["bind", "rshared", "rw"],
                    )
                ],
            )
        ],
    )
    kubelet_extra_config: Unstructured = yfield(
        "extraConfig", omitempty=True, default_factory=Unstructured, doc="Kubelet configuration overrides."
    )
    kubelet_credential_provider_config: Unstructured = yfield(
        "credentialProviderConfig", omitempty=True, default_factory=Unstructured, doc="Credential providers."
    )
    kubelet_default_runtime_seccomp_profile_enabled: bool | None = yfield(
        "defaultRuntimeSeccompProfileEnabled", omitempty=True, doc="Default seccomp profile."
    )
    kubelet_register_with_fqdn: bool | None = yfield(
        "registerWithFQDN", omitempty=True, doc="Register by FQDN."
    )
    kubelet_node_ip: KubeletNodeIPConfig | None = yfield(
        "nodeIP",
        omitempty=True,
        doc="Node IP selection.",
        examples=lambda: [
            (
                "Pick the node IP from the private networks, never from one address.",
                KubeletNodeIPConfig(kubelet_node_ip_valid_subnets=["10.0.0.0/8", "!10.0.0.3/32", "fd00::/8"]),
            )
        ],
    )
    kubelet_skip_node_registration: bool | None = yfield(
        "skipNodeRegistration", omitempty=True, doc="Run standalone, static pods only."
    )
    kubelet_disable_manifests_directory: bool | None = yfield(
        "disableManifestsDirectory", omitempty=True, doc="Ignore /etc/kubernetes/manifests."
    )


class MachineFile(Struct):
    """A file written on the machine (deprecated)."""

    file_content: str = yfield("content", doc="File contents.")
    file_permissions: FileMode = yfield("permissions", default_factory=FileMode, doc="Permissions (octal).")
    file_path: str = yfield("path", doc="File path.")
    file_op: str = yfield("op", doc="create, append or overwrite.")


class TimeConfig(Struct):
    """``machine.time`` (deprecated, now TimeSyncConfig)."""

    time_disabled: bool | None = yfield("disabled", omitempty=True, doc="Disable time sync.")
    time_servers: list[str] = yfield("servers", omitempty=True, doc="NTP servers or PTP devices.")
    time_boot_timeout: Duration = yfield(
        "bootTimeout", omitempty=True, default_factory=Duration, doc="Time sync boot timeout."
    )


class UdevConfig(Struct):
    """``machine.udev``."""

    udev_rules: list[str] = yfield("rules", omitempty=True, doc="udev rules.")


class LoggingDestination(Struct):
    """A log destination."""

    logging_endpoint: Endpoint | None = yfield("endpoint", doc="tcp:// or udp:// endpoint.")
    logging_format: str = yfield("format", doc="Log format (json_lines).")
    logging_extra_tags: dict[str, str] = yfield("extraTags", omitempty=True, doc="Extra tags.")


class LoggingConfig(Struct):
    """``machine.logging``."""

    logging_destinations: list[LoggingDestination] = yfield("destinations", doc="Destinations.")


class KernelModuleConfig(Struct):
    """A kernel module to load."""

    module_name: str = yfield("name", doc="Module name.")
    module_parameters: list[str] = yfield("parameters", omitempty=True, doc="Module parameters.")


class KernelConfig(Struct):
    """``machine.kernel``."""

    kernel_modules: list[KernelModuleConfig] = yfield("modules", omitempty=True, doc="Modules to load.")


class MachineSeccompProfile(Struct):
    """A seccomp profile installed on the machine."""

    machine_seccomp_profile_name: str = yfield("name", doc="Profile file name.")
    machine_seccomp_profile_value: Unstructured = yfield(
        "value", default_factory=Unstructured, doc="Profile."
    )


class MachineConfig(Struct):
    """``machine``: settings of this machine."""

    machine_type: str = yfield("type", doc="controlplane or worker.")
    machine_token: str = yfield("token", doc="Token to join the Talos PKI.")
    machine_ca: PEMEncodedCertificateAndKey | None = yfield("ca", omitempty=True, doc="Talos API CA.")
    machine_accepted_cas: list[PEMEncodedCertificate] = yfield(
        "acceptedCAs", omitempty=True, doc="Extra accepted CAs."
    )
    machine_cert_sans: list[str] = yfield(
        "certSANs",
        doc="Extra certificate SANs.",
        examples=[
            ("Other names and addresses clients use to reach this node.", ["10.0.0.10", "node1.example.org"])
        ],
    )
    machine_control_plane: MachineControlPlaneConfig | None = yfield(
        "controlPlane", omitempty=True, doc="Control plane component switches."
    )
    machine_kubelet: KubeletConfig | None = yfield("kubelet", omitempty=True, doc="Kubelet settings.")
    machine_pods: list[Unstructured] = yfield("pods", omitempty=True, doc="Static pods.")
    machine_network: NetworkConfig | None = yfield(
        "network", omitempty=True, doc="Network settings.", examples=lambda: _network_examples()
    )
    machine_disks: list[MachineDisk] = yfield("disks", omitempty=True, doc="Deprecated extra disks.")
    machine_install: InstallConfig | None = yfield(
        "install", omitempty=True, doc="Install settings.", examples=lambda: _install_examples()
    )
    machine_files: list[MachineFile] = yfield(
        "files", omitempty=True, doc="Extra files.", examples=lambda: _files_examples()
    )
    machine_env: dict[str, str] = yfield(
        "env",
        omitempty=True,
        doc="Environment variables.",
        examples=[
            (
                "Reach the internet through a proxy.",
                {"https_proxy": "http://proxy.example.org:3128", "no_proxy": "10.0.0.0/8,.cluster.local"},
            ),
            (
                "More verbose gRPC logs.",
                {"GRPC_GO_LOG_SEVERITY_LEVEL": "info", "GRPC_GO_LOG_VERBOSITY_LEVEL": "99"},
            ),
        ],
    )
    machine_time: TimeConfig | None = yfield(
        "time",
        omitempty=True,
        doc="Deprecated time settings.",
        examples=lambda: [
            (
                "Sync with a public NTP pool, waiting at most three minutes at boot.",
                TimeConfig(
                    time_disabled=False, time_servers=["pool.ntp.org"], time_boot_timeout=Duration.of("3m")
                ),
            )
        ],
    )
    machine_sysctls: dict[str, str] = yfield(
        "sysctls",
        omitempty=True,
        doc="Kernel sysctls.",
        examples=[
            (
                "Raise connection and memory map limits.",
                {"net.core.somaxconn": "65535", "vm.max_map_count": "262144"},
            )
        ],
    )
    machine_sysfs: dict[str, str] = yfield("sysfs", omitempty=True, doc="sysfs values.")
    machine_registries: RegistriesConfig = yfield(
        "registries",
        omitempty=True,
        default_factory=RegistriesConfig,
        doc="Deprecated registry settings.",
        examples=lambda: registries_examples(),
    )
    machine_system_disk_encryption: SystemDiskEncryptionConfig | None = yfield(
        "systemDiskEncryption", omitempty=True, doc="Deprecated disk encryption."
    )
    machine_features: FeaturesConfig | None = yfield("features", omitempty=True, doc="Feature switches.")
    machine_udev: UdevConfig | None = yfield("udev", omitempty=True, doc="udev settings.")
    machine_logging: LoggingConfig | None = yfield("logging", omitempty=True, doc="Logging settings.")
    machine_kernel: KernelConfig | None = yfield("kernel", omitempty=True, doc="Kernel settings.")
    machine_seccomp_profiles: list[MachineSeccompProfile] = yfield(
        "seccompProfiles", omitempty=True, doc="Seccomp profiles."
    )
    machine_base_runtime_spec_overrides: Unstructured = yfield(
        "baseRuntimeSpecOverrides", omitempty=True, default_factory=Unstructured, doc="OCI spec overrides."
    )
    machine_node_labels: dict[str, str] = yfield(
        "nodeLabels",
        omitempty=True,
        doc="Node labels.",
        examples=[
            (
                "Place the node in a zone and a rack.",
                {"topology.kubernetes.io/zone": "zone-a", "example.org/rack": "r12"},
            )
        ],
    )
    machine_node_annotations: dict[str, str] = yfield(
        "nodeAnnotations", omitempty=True, doc="Node annotations."
    )
    machine_node_taints: dict[str, str] = yfield(
        "nodeTaints",
        omitempty=True,
        doc="Node taints.",
        examples=[("Keep other workloads off a GPU node.", {"dedicated": "gpu:NoSchedule"})],
    )


def _network_examples() -> ExampleList:
    device = Device(device_interface="eth0", device_dhcp=True)
    return [
        (
            "A fixed hostname, DHCP on eth0.",
            NetworkConfig(network_hostname="worker-1", network_interfaces=[device]),
        )
    ]


def _install_examples() -> ExampleList:
    install = InstallConfig(
        install_disk="/dev/sda", install_image="ghcr.io/siderolabs/installer:v1.11.0", install_wipe=False
    )
    return [("Install to the first SATA disk.", install)]


def _files_examples() -> ExampleList:
    file = MachineFile(
        file_content='[metrics]\n  address = "0.0.0.0:11234"\n',
        file_permissions=FileMode(0o644),
        file_path="/etc/cri/conf.d/20-customization.part",
        file_op="create",
    )
    return [("A containerd configuration fragment.", [file])]

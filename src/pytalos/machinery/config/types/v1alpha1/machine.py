"""``machine`` section of the v1alpha1 document (Go ``MachineConfig`` and its smaller members).

Field order is the YAML order of every generated config, and most members are deprecated at HEAD
(replaced by dedicated documents) but still accepted, so all of them are modelled.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...codecs import Duration
from ...schema import Struct, yfield
from .endpoint import Endpoint
from .features import FeaturesConfig
from .install import InstallConfig, MachineDisk, SystemDiskEncryptionConfig
from .network import NetworkConfig
from .pki import PEMEncodedCertificate, PEMEncodedCertificateAndKey
from .registries import RegistriesConfig
from .values import FileMode, Unstructured


@dataclass
class MachineControllerManagerConfig(Struct):
    """Per-machine kube-controller-manager switch."""

    machine_controller_manager_disabled: bool | None = yfield(
        "disabled", omitempty=True, doc="Disable kube-controller-manager here."
    )


@dataclass
class MachineSchedulerConfig(Struct):
    """Per-machine kube-scheduler switch."""

    machine_scheduler_disabled: bool | None = yfield(
        "disabled", omitempty=True, doc="Disable kube-scheduler here."
    )


@dataclass
class MachineControlPlaneConfig(Struct):
    """``machine.controlPlane``."""

    machine_controller_manager: MachineControllerManagerConfig | None = yfield(
        "controllerManager", omitempty=True, doc="Controller manager switch."
    )
    machine_scheduler: MachineSchedulerConfig | None = yfield(
        "scheduler", omitempty=True, doc="Scheduler switch."
    )


@dataclass
class LinuxIDMapping(Struct):
    """A UID/GID mapping of a mount."""

    container_id: int = yfield("containerID", doc="First ID in the container.")
    host_id: int = yfield("hostID", doc="First ID on the host.")
    size: int = yfield("size", doc="Number of IDs.")


@dataclass
class ExtraMount(Struct):
    """An extra mount of the kubelet container."""

    destination: str = yfield("destination", doc="Mount point in the container.")
    type: str = yfield("type", omitempty=True, doc="Mount type.")
    source: str = yfield("source", omitempty=True, doc="Mount source.")
    options: list[str] = yfield("options", omitempty=True, doc="Mount options.")
    uid_mappings: list[LinuxIDMapping] = yfield("uidMappings", omitempty=True, doc="UID mappings.")
    gid_mappings: list[LinuxIDMapping] = yfield("gidMappings", omitempty=True, doc="GID mappings.")


@dataclass
class KubeletNodeIPConfig(Struct):
    """How the kubelet picks its node IP."""

    kubelet_node_ip_valid_subnets: list[str] = yfield(
        "validSubnets", omitempty=True, doc="Subnets to pick from."
    )


@dataclass
class KubeletConfig(Struct):
    """``machine.kubelet`` (deprecated, now the KubeletConfig document)."""

    kubelet_image: str = yfield("image", omitempty=True, doc="Kubelet image.")
    kubelet_cluster_dns: list[str] = yfield("clusterDNS", omitempty=True, doc="Cluster DNS addresses.")
    kubelet_extra_args: dict[str, str] = yfield("extraArgs", omitempty=True, doc="Extra kubelet flags.")
    kubelet_extra_mounts: list[ExtraMount] = yfield("extraMounts", omitempty=True, doc="Extra mounts.")
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
    kubelet_node_ip: KubeletNodeIPConfig | None = yfield("nodeIP", omitempty=True, doc="Node IP selection.")
    kubelet_skip_node_registration: bool | None = yfield(
        "skipNodeRegistration", omitempty=True, doc="Run standalone, static pods only."
    )
    kubelet_disable_manifests_directory: bool | None = yfield(
        "disableManifestsDirectory", omitempty=True, doc="Ignore /etc/kubernetes/manifests."
    )


@dataclass
class MachineFile(Struct):
    """A file written on the machine (deprecated)."""

    file_content: str = yfield("content", doc="File contents.")
    file_permissions: FileMode = yfield("permissions", default_factory=FileMode, doc="Permissions (octal).")
    file_path: str = yfield("path", doc="File path.")
    file_op: str = yfield("op", doc="create, append or overwrite.")


@dataclass
class TimeConfig(Struct):
    """``machine.time`` (deprecated, now TimeSyncConfig)."""

    time_disabled: bool | None = yfield("disabled", omitempty=True, doc="Disable time sync.")
    time_servers: list[str] = yfield("servers", omitempty=True, doc="NTP servers or PTP devices.")
    time_boot_timeout: Duration = yfield(
        "bootTimeout", omitempty=True, default_factory=Duration, doc="Time sync boot timeout."
    )


@dataclass
class UdevConfig(Struct):
    """``machine.udev``."""

    udev_rules: list[str] = yfield("rules", omitempty=True, doc="udev rules.")


@dataclass
class LoggingDestination(Struct):
    """A log destination."""

    logging_endpoint: Endpoint | None = yfield("endpoint", doc="tcp:// or udp:// endpoint.")
    logging_format: str = yfield("format", doc="Log format (json_lines).")
    logging_extra_tags: dict[str, str] = yfield("extraTags", omitempty=True, doc="Extra tags.")


@dataclass
class LoggingConfig(Struct):
    """``machine.logging``."""

    logging_destinations: list[LoggingDestination] = yfield("destinations", doc="Destinations.")


@dataclass
class KernelModuleConfig(Struct):
    """A kernel module to load."""

    module_name: str = yfield("name", doc="Module name.")
    module_parameters: list[str] = yfield("parameters", omitempty=True, doc="Module parameters.")


@dataclass
class KernelConfig(Struct):
    """``machine.kernel``."""

    kernel_modules: list[KernelModuleConfig] = yfield("modules", omitempty=True, doc="Modules to load.")


@dataclass
class MachineSeccompProfile(Struct):
    """A seccomp profile installed on the machine."""

    machine_seccomp_profile_name: str = yfield("name", doc="Profile file name.")
    machine_seccomp_profile_value: Unstructured = yfield(
        "value", default_factory=Unstructured, doc="Profile."
    )


@dataclass
class MachineConfig(Struct):
    """``machine``: settings of this machine."""

    machine_type: str = yfield("type", doc="controlplane or worker.")
    machine_token: str = yfield("token", doc="Token to join the Talos PKI.")
    machine_ca: PEMEncodedCertificateAndKey | None = yfield("ca", omitempty=True, doc="Talos API CA.")
    machine_accepted_cas: list[PEMEncodedCertificate] = yfield(
        "acceptedCAs", omitempty=True, doc="Extra accepted CAs."
    )
    machine_cert_sans: list[str] = yfield("certSANs", doc="Extra certificate SANs.")
    machine_control_plane: MachineControlPlaneConfig | None = yfield(
        "controlPlane", omitempty=True, doc="Control plane component switches."
    )
    machine_kubelet: KubeletConfig | None = yfield("kubelet", omitempty=True, doc="Kubelet settings.")
    machine_pods: list[Unstructured] = yfield("pods", omitempty=True, doc="Static pods.")
    machine_network: NetworkConfig | None = yfield("network", omitempty=True, doc="Network settings.")
    machine_disks: list[MachineDisk] = yfield("disks", omitempty=True, doc="Deprecated extra disks.")
    machine_install: InstallConfig | None = yfield("install", omitempty=True, doc="Install settings.")
    machine_files: list[MachineFile] = yfield("files", omitempty=True, doc="Extra files.")
    machine_env: dict[str, str] = yfield("env", omitempty=True, doc="Environment variables.")
    machine_time: TimeConfig | None = yfield("time", omitempty=True, doc="Deprecated time settings.")
    machine_sysctls: dict[str, str] = yfield("sysctls", omitempty=True, doc="Kernel sysctls.")
    machine_sysfs: dict[str, str] = yfield("sysfs", omitempty=True, doc="sysfs values.")
    machine_registries: RegistriesConfig = yfield(
        "registries", omitempty=True, default_factory=RegistriesConfig, doc="Deprecated registry settings."
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
    machine_node_labels: dict[str, str] = yfield("nodeLabels", omitempty=True, doc="Node labels.")
    machine_node_annotations: dict[str, str] = yfield(
        "nodeAnnotations", omitempty=True, doc="Node annotations."
    )
    machine_node_taints: dict[str, str] = yfield("nodeTaints", omitempty=True, doc="Node taints.")

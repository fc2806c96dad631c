"""Rules for the ``machine`` section of a v1alpha1 config other than networking.

Machine type and the Talos API CA, the install disk (when the runtime mode installs), extra disks
and system disk encryption, kubelet overrides, KubeSpan, logging destinations, node labels/
annotations/taints, feature switches and registries: each helper appends Talos's texts to a
:class:`~.report.Report` in the order Talos's ``Config.Validate`` checks them.
"""

from __future__ import annotations

from ...role import ALL as ALL_ROLES
from ..types.common.gofmt import go_quote
from ..types.common.labels import validate_annotations, validate_labels, validate_taints
from ..types.k8s.components import KUBELET_PROTECTED_FIELDS
from ..types.v1alpha1 import (
    Config,
    EncryptionConfig,
    InstallConfig,
    KubeletConfig,
    LoggingConfig,
    MachineConfig,
    NetworkKubeSpan,
)
from .netutil import parse_prefix_error, parse_subnet_or_address
from .report import Report

TYPE_INIT, TYPE_CONTROLPLANE, TYPE_WORKER, TYPE_UNKNOWN = "init", "controlplane", "worker", "unknown"
KUBESPAN_LINK_MTU = 1420
KUBESPAN_LINK_MINIMUM_MTU = 1280
LOGGING_FORMAT_JSON_LINES = "json_lines"
EPHEMERAL_PARTITION_LABEL, STATE_PARTITION_LABEL = "EPHEMERAL", "STATE"
EXTENSIONS_DEPRECATED = (
    ".machine.install.extensions is deprecated, please see "
    "https://docs.siderolabs.com/talos/latest/platform-specific-installations/boot-assets"
)
_ADDRESS_SORT_ALGORITHMS = ("v1", "v2")
_SUPPORTED_DISK_TYPES = ("nvme", "sd", "hdd", "ssd")


def machine_type(text: str) -> str:
    """``machine.ParseType`` as ``MachineConfig.Type()`` uses it (``join`` and "" mean worker)."""
    if text in (TYPE_INIT, TYPE_CONTROLPLANE):
        return text
    if text in (TYPE_WORKER, "join", ""):
        return TYPE_WORKER
    return TYPE_UNKNOWN


def is_control_plane(machine: MachineConfig | None) -> bool:
    return machine is not None and machine_type(machine.machine_type) in (TYPE_INIT, TYPE_CONTROLPLANE)


def disk_selector_error(install: InstallConfig) -> str | None:
    """Why ``InstallConfig.DiskMatchExpression`` cannot build a disk expression (None if it can)."""
    selector = install.install_disk_selector
    if selector is None:
        return None
    if selector.name:
        return "selector on name is not supported"
    if selector.type and selector.type not in _SUPPORTED_DISK_TYPES:
        return f"unsupported disk type {go_quote(selector.type)}"
    return None


def validate_install(install: InstallConfig, report: Report) -> None:
    """Install checks done when the runtime mode installs Talos (metal)."""
    err = disk_selector_error(install)
    if err:
        report.error(f"install disk selector is invalid: {err}")
    has_matcher = install.install_disk_selector is not None and err is None
    if not install.install_disk and not has_matcher:
        report.error("either install disk or diskSelector should be defined")
    if install.install_extra_kernel_args and install.install_grub_use_uki_cmdline:
        report.error("install.extraKernelArgs and install.grubUseUKICmdline can't be used together")


def validate_type_and_cas(config: Config, machine: MachineConfig, report: Report) -> None:
    """Machine type warnings/errors and the Talos API CA rules per machine type."""
    from .cluster import cluster_cni, validate_cni

    kind = machine_type(machine.machine_type)
    if kind != TYPE_UNKNOWN and kind != machine.machine_type:
        report.warn(f"use {go_quote(kind)} instead of {go_quote(machine.machine_type)} for machine type")
    ca = machine.machine_ca
    if ca is None and not machine.machine_accepted_cas:
        report.error("issuing CA or some accepted CAs are required (.machine.ca, machine.acceptedCAs)")
    cluster = config.cluster_config
    if kind in (TYPE_INIT, TYPE_CONTROLPLANE):
        if cluster is not None and cluster.cluster_network is not None:
            report.extend(*validate_cni(cluster_cni(cluster)))
        if ca is None:
            report.error("issuing CA is required (.machine.ca)")
        elif not ca.key.data:
            report.error("issuing CA key is required for controlplane nodes (.machine.ca.key)")
    elif kind == TYPE_WORKER:
        network = machine.machine_network
        for device in network.network_interfaces if network is not None else []:
            if device.device_vip_config is not None:
                report.error("virtual (shared) IP is not allowed on non-controlplane nodes")
            for vlan in device.device_vlans:
                if vlan.vlan_vip is not None:
                    report.error("virtual (shared) IP is not allowed on non-controlplane nodes")
        if ca is not None:
            if ca.key.data:
                report.error(
                    "issuing Talos API CA key is not allowed on non-controlplane nodes (.machine.ca)"
                )
            if not ca.crt.data and not machine.machine_accepted_cas:
                report.error(
                    "trusted CA certificates are required on non-controlplane nodes "
                    "(.machine.ca.crt, .machine.acceptedCAs)"
                )
        if cluster is not None and cluster.cluster_ca is not None and cluster.cluster_ca.key.data:
            report.error(
                "issuing Kubernetes API CA key is not allowed on non-controlplane nodes (.cluster.ca)"
            )
    else:
        report.error(f"unknown machine type {go_quote(machine.machine_type)}")


def kubespan_mtu(kubespan: NetworkKubeSpan) -> int:
    return kubespan.kube_span_mtu or KUBESPAN_LINK_MTU


def validate_disks(machine: MachineConfig, report: Report) -> None:
    for idx, disk in enumerate(machine.machine_disks):
        if disk is None:  # a null list entry (only possible when built in code)
            report.error(f"machine.disks[{idx}] is null")
            continue
        last = len(disk.disk_partitions) - 1
        for pidx, partition in enumerate(disk.disk_partitions):
            if partition.disk_size.size == 0 and pidx != last:
                report.error(
                    f"partition for disk {go_quote(disk.device_name)} is set to occupy full disk, "
                    "but it's not the last partition in the list"
                )


def validate_kubelet(kubelet: KubeletConfig, report: Report) -> None:
    """``KubeletConfig.Validate``: node IP subnets parse, protected kubelet fields untouched."""
    if kubelet.kubelet_node_ip is not None:
        for cidr in kubelet.kubelet_node_ip.kubelet_node_ip_valid_subnets:
            cidr = cidr.removeprefix("!")
            if parse_subnet_or_address(cidr):
                report.error(f"kubelet nodeIP subnet is not valid: {go_quote(cidr)}")
    extra = kubelet.kubelet_extra_config.object or {}
    for name in KUBELET_PROTECTED_FIELDS:
        if name in extra:
            report.error(f"kubelet configuration field {go_quote(name)} can't be overridden")


def validate_encryption(machine: MachineConfig, report: Report) -> None:
    sde = machine.machine_system_disk_encryption
    if sde is None:
        return
    partitions: tuple[tuple[str, EncryptionConfig | None], ...] = (
        (EPHEMERAL_PARTITION_LABEL, sde.ephemeral_partition),
        (STATE_PARTITION_LABEL, sde.state_partition),
    )
    for label, encryption in partitions:
        if encryption is None:
            continue
        if not encryption.encryption_keys:
            report.error(f"partition {go_quote(label)}: no encryption keys provided")
        slots: set[int] = set()
        for key in encryption.encryption_keys:
            if key.key_slot in slots:
                report.error(
                    f"partition {go_quote(label)}: encryption key slot {key.key_slot} is already in use"
                )
            slots.add(key.key_slot)
            if (
                key.key_node_id is None
                and key.key_static is None
                and key.key_kms is None
                and key.key_tpm is None
            ):
                report.error(
                    f"partition {go_quote(label)}: encryption key at slot {key.key_slot} "
                    "doesn't have the configuration parameters"
                )


def validate_kubespan(config: Config, kubespan: NetworkKubeSpan, report: Report) -> None:
    """KubeSpan needs discovery; its endpoint filters must be subnets or addresses."""
    cluster = config.cluster_config
    discovery = cluster.cluster_discovery_config if cluster is not None else None
    if discovery is None or not discovery.discovery_enabled:
        report.error(".cluster.discovery should be enabled when .machine.network.kubespan is enabled")
    filters = kubespan.kube_span_filters
    for cidr in filters.kube_span_filters_endpoints if filters is not None else []:
        cidr = cidr.removeprefix("!")
        if parse_subnet_or_address(cidr):
            report.error(f"KubeSpan endpoint filter is not valid: {go_quote(cidr)}")
    if filters is not None:
        for cidr in getattr(filters, "kube_span_filters_exclude_advertised_networks", None) or []:
            if parse_prefix_error(cidr):
                report.error(f"KubeSpan exclude advertised networks filter is not valid: {go_quote(cidr)}")


def validate_logging(logging: LoggingConfig, report: Report) -> None:
    """``LoggingConfig.Validate``: tcp/udp endpoints with a host, ``json_lines`` format."""
    for dest in logging.logging_destinations:
        endpoint = dest.logging_endpoint
        if endpoint is None:
            report.error("empty logging endpoint")
        else:
            if not endpoint.host:
                report.error("empty logging endpoint's host")
            if endpoint.scheme not in ("tcp", "udp"):
                report.error(f"unexpected logging endpoint scheme {go_quote(endpoint.scheme)}")
        if dest.logging_format != LOGGING_FORMAT_JSON_LINES:
            report.error(f"unknown logging format {go_quote(dest.logging_format)}")


def validate_extensions(install: InstallConfig, report: Report) -> None:
    seen: set[str] = set()
    for ext in install.install_extensions:
        if ext.extension_image in seen:
            report.error(f"duplicate system extension {go_quote(ext.extension_image)}")
        seen.add(ext.extension_image)
    if seen:
        report.warn(EXTENSIONS_DEPRECATED)


def validate_node_metadata(machine: MachineConfig, report: Report) -> None:
    """Node labels, annotations and taints use Kubernetes syntax."""
    err = validate_labels(machine.machine_node_labels)
    if err:
        report.error(f"invalid machine node labels: {err}")
    err = validate_annotations(machine.machine_node_annotations)
    if err:
        report.error(f"invalid machine node annotations: {err}")
    err = validate_taints(machine.machine_node_taints)
    if err:
        report.error(f"invalid machine node taints: {err}")


def validate_features(machine: MachineConfig, report: Report) -> None:
    """Kubernetes Talos API access (control planes only, known roles) and the address sort algorithm."""
    features = machine.machine_features
    if features is None:
        return
    access = features.kubernetes_talos_api_access_config
    if access is not None and access.access_enabled:
        if not is_control_plane(machine):
            report.error("feature Kubernetes Talos API Access can only be enabled on control plane machines")
        for role in access.access_allowed_roles:
            if not ALL_ROLES.includes(role):
                report.error(
                    f"invalid role {go_quote(role)} in allowed roles for Kubernetes Talos API Access"
                )
    algorithm = features.feature_node_address_sort_algorithm
    if (
        algorithm
        and algorithm not in _ADDRESS_SORT_ALGORITHMS
        and algorithm.lower() not in _ADDRESS_SORT_ALGORITHMS
    ):
        report.error(
            f"invalid node address sort algorithm: {algorithm} does not belong to AddressSortAlgorithm values"
        )


def validate_runtime_spec(machine: MachineConfig, report: Report) -> None:
    overrides = machine.machine_base_runtime_spec_overrides.object
    if overrides:
        from ..types.cri.oci_spec import check_runtime_spec

        err = check_runtime_spec(overrides)
        if err:
            report.error(f"failed to unmarshal base runtime spec overrides: {err}")


def validate_registries(machine: MachineConfig, report: Report) -> None:
    registries = machine.machine_registries
    for key, config_value in registries.registry_config.items():
        if config_value is None:
            report.error(f"registries.config[{go_quote(key)}] is null")
    for key, mirror in registries.registry_mirrors.items():
        if mirror is None:
            report.error(f"registries.mirrors[{go_quote(key)}] is null")

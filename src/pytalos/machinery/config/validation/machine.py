"""Rules for the ``machine`` section of a v1alpha1 config other than networking.

Machine type and the Talos API CA, the install disk (when the runtime mode installs), extra disks
and system disk encryption, kubelet overrides, KubeSpan, logging destinations, node labels/
annotations/taints, feature switches and registries: each helper appends Talos's texts to a
:class:`~.report.Report` in the order Talos's ``Config.Validate`` checks them.
"""

from __future__ import annotations

from collections.abc import Callable

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
from .located import join_path
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
        report.error(f"install disk selector is invalid: {err}", "machine.install.diskSelector")
    has_matcher = install.install_disk_selector is not None and err is None
    if not install.install_disk and not has_matcher:
        report.error("either install disk or diskSelector should be defined", "machine.install.disk")
    if install.install_extra_kernel_args and install.install_grub_use_uki_cmdline:
        report.error(
            "install.extraKernelArgs and install.grubUseUKICmdline can't be used together",
            "machine.install.grubUseUKICmdline",
        )


def validate_type_and_cas(config: Config, machine: MachineConfig, report: Report) -> None:
    """Machine type warnings/errors and the Talos API CA rules per machine type."""
    from .cluster import cluster_cni, validate_cni

    kind = machine_type(machine.machine_type)
    if kind != TYPE_UNKNOWN and kind != machine.machine_type:
        report.warn(
            f"use {go_quote(kind)} instead of {go_quote(machine.machine_type)} for machine type",
            "machine.type",
        )
    ca = machine.machine_ca
    if ca is None and not machine.machine_accepted_cas:
        report.error(
            "issuing CA or some accepted CAs are required (.machine.ca, machine.acceptedCAs)", "machine.ca"
        )
    cluster = config.cluster_config
    if kind in (TYPE_INIT, TYPE_CONTROLPLANE):
        if cluster is not None and cluster.cluster_network is not None:
            report.extend(*validate_cni(cluster_cni(cluster), "cluster.network.cni"))
        if ca is None:
            report.error("issuing CA is required (.machine.ca)", "machine.ca")
        elif not ca.key.data:
            report.error(
                "issuing CA key is required for controlplane nodes (.machine.ca.key)", "machine.ca.key"
            )
    elif kind == TYPE_WORKER:
        network = machine.machine_network
        for idx, device in enumerate(network.network_interfaces if network is not None else []):
            where = f"machine.network.interfaces[{idx}]"
            if device.device_vip_config is not None:
                report.error("virtual (shared) IP is not allowed on non-controlplane nodes", f"{where}.vip")
            for vidx, vlan in enumerate(device.device_vlans):
                if vlan.vlan_vip is not None:
                    report.error(
                        "virtual (shared) IP is not allowed on non-controlplane nodes",
                        f"{where}.vlans[{vidx}].vip",
                    )
        if ca is not None:
            if ca.key.data:
                report.error(
                    "issuing Talos API CA key is not allowed on non-controlplane nodes (.machine.ca)",
                    "machine.ca.key",
                )
            if not ca.crt.data and not machine.machine_accepted_cas:
                report.error(
                    "trusted CA certificates are required on non-controlplane nodes "
                    "(.machine.ca.crt, .machine.acceptedCAs)",
                    "machine.ca.crt",
                )
        if cluster is not None and cluster.cluster_ca is not None and cluster.cluster_ca.key.data:
            report.error(
                "issuing Kubernetes API CA key is not allowed on non-controlplane nodes (.cluster.ca)",
                "cluster.ca.key",
            )
    else:
        report.error(f"unknown machine type {go_quote(machine.machine_type)}", "machine.type")


def kubespan_mtu(kubespan: NetworkKubeSpan) -> int:
    return kubespan.kube_span_mtu or KUBESPAN_LINK_MTU


def validate_disks(machine: MachineConfig, report: Report) -> None:
    for idx, disk in enumerate(machine.machine_disks):
        if disk is None:  # a null list entry (only possible when built in code)
            report.error(f"machine.disks[{idx}] is null", f"machine.disks[{idx}]")
            continue
        last = len(disk.disk_partitions) - 1
        for pidx, partition in enumerate(disk.disk_partitions):
            if partition.disk_size.size == 0 and pidx != last:
                report.error(
                    f"partition for disk {go_quote(disk.device_name)} is set to occupy full disk, "
                    "but it's not the last partition in the list",
                    f"machine.disks[{idx}].partitions[{pidx}]",
                )


def validate_kubelet(kubelet: KubeletConfig, report: Report) -> None:
    """``KubeletConfig.Validate``: node IP subnets parse, protected kubelet fields untouched."""
    if kubelet.kubelet_node_ip is not None:
        for idx, cidr in enumerate(kubelet.kubelet_node_ip.kubelet_node_ip_valid_subnets):
            cidr = cidr.removeprefix("!")
            if parse_subnet_or_address(cidr):
                report.error(
                    f"kubelet nodeIP subnet is not valid: {go_quote(cidr)}",
                    f"machine.kubelet.nodeIP.validSubnets[{idx}]",
                )
    extra = kubelet.kubelet_extra_config.object or {}
    for name in KUBELET_PROTECTED_FIELDS:
        if name in extra:
            report.error(
                f"kubelet configuration field {go_quote(name)} can't be overridden",
                join_path("machine.kubelet.extraConfig", name),
            )


def validate_encryption(machine: MachineConfig, report: Report) -> None:
    sde = machine.machine_system_disk_encryption
    if sde is None:
        return
    partitions: tuple[tuple[str, str, EncryptionConfig | None], ...] = (
        (EPHEMERAL_PARTITION_LABEL, "ephemeral", sde.ephemeral_partition),
        (STATE_PARTITION_LABEL, "state", sde.state_partition),
    )
    for label, key_name, encryption in partitions:
        if encryption is None:
            continue
        where = f"machine.systemDiskEncryption.{key_name}"
        if not encryption.encryption_keys:
            report.error(f"partition {go_quote(label)}: no encryption keys provided", f"{where}.keys")
        slots: set[int] = set()
        for kidx, key in enumerate(encryption.encryption_keys):
            if key.key_slot in slots:
                report.error(
                    f"partition {go_quote(label)}: encryption key slot {key.key_slot} is already in use",
                    f"{where}.keys[{kidx}].slot",
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
                    "doesn't have the configuration parameters",
                    f"{where}.keys[{kidx}]",
                )


def validate_kubespan(config: Config, kubespan: NetworkKubeSpan, report: Report) -> None:
    """KubeSpan needs discovery; its endpoint filters must be subnets or addresses."""
    cluster = config.cluster_config
    discovery = cluster.cluster_discovery_config if cluster is not None else None
    if discovery is None or not discovery.discovery_enabled:
        report.error(
            ".cluster.discovery should be enabled when .machine.network.kubespan is enabled",
            "cluster.discovery.enabled",
        )
    filters = kubespan.kube_span_filters
    where = "machine.network.kubespan.filters"
    for idx, cidr in enumerate(filters.kube_span_filters_endpoints if filters is not None else []):
        cidr = cidr.removeprefix("!")
        if parse_subnet_or_address(cidr):
            report.error(
                f"KubeSpan endpoint filter is not valid: {go_quote(cidr)}", f"{where}.endpoints[{idx}]"
            )
    if filters is not None:
        excluded = getattr(filters, "kube_span_filters_exclude_advertised_networks", None) or []
        for idx, cidr in enumerate(excluded):
            if parse_prefix_error(cidr):
                report.error(
                    f"KubeSpan exclude advertised networks filter is not valid: {go_quote(cidr)}",
                    f"{where}.excludeAdvertisedNetworks[{idx}]",
                )


def validate_logging(logging: LoggingConfig, report: Report) -> None:
    """``LoggingConfig.Validate``: tcp/udp endpoints with a host, ``json_lines`` format."""
    for idx, dest in enumerate(logging.logging_destinations):
        where = f"machine.logging.destinations[{idx}]"
        endpoint = dest.logging_endpoint
        if endpoint is None:
            report.error("empty logging endpoint", f"{where}.endpoint")
        else:
            if not endpoint.host:
                report.error("empty logging endpoint's host", f"{where}.endpoint")
            if endpoint.scheme not in ("tcp", "udp"):
                report.error(
                    f"unexpected logging endpoint scheme {go_quote(endpoint.scheme)}", f"{where}.endpoint"
                )
        if dest.logging_format != LOGGING_FORMAT_JSON_LINES:
            report.error(f"unknown logging format {go_quote(dest.logging_format)}", f"{where}.format")


def validate_extensions(install: InstallConfig, report: Report) -> None:
    seen: set[str] = set()
    for idx, ext in enumerate(install.install_extensions):
        if ext.extension_image in seen:
            report.error(
                f"duplicate system extension {go_quote(ext.extension_image)}",
                f"machine.install.extensions[{idx}].image",
            )
        seen.add(ext.extension_image)
    if seen:
        report.warn(EXTENSIONS_DEPRECATED, "machine.install.extensions")


def validate_node_metadata(machine: MachineConfig, report: Report) -> None:
    """Node labels, annotations and taints use Kubernetes syntax."""
    checks = (
        ("labels", "machine.nodeLabels", validate_labels, machine.machine_node_labels),
        ("annotations", "machine.nodeAnnotations", validate_annotations, machine.machine_node_annotations),
        ("taints", "machine.nodeTaints", validate_taints, machine.machine_node_taints),
    )
    for what, path, check, entries in checks:
        err = check(entries)
        if err:
            report.error(f"invalid machine node {what}: {err}", _first_bad_entry(path, check, entries))


def _first_bad_entry(
    path: str, check: Callable[[dict[str, str]], str | None], entries: dict[str, str]
) -> str:
    """The path of the first map entry that fails ``check`` on its own (the map's path if none does)."""
    bad = next((key for key, value in entries.items() if check({key: value})), None)
    return join_path(path, bad) if bad is not None else path


def validate_features(machine: MachineConfig, report: Report) -> None:
    """Kubernetes Talos API access (control planes only, known roles) and the address sort algorithm."""
    features = machine.machine_features
    if features is None:
        return
    access = features.kubernetes_talos_api_access_config
    where = "machine.features.kubernetesTalosAPIAccess"
    if access is not None and access.access_enabled:
        if not is_control_plane(machine):
            report.error(
                "feature Kubernetes Talos API Access can only be enabled on control plane machines",
                f"{where}.enabled",
            )
        for idx, role in enumerate(access.access_allowed_roles):
            if not ALL_ROLES.includes(role):
                report.error(
                    f"invalid role {go_quote(role)} in allowed roles for Kubernetes Talos API Access",
                    f"{where}.allowedRoles[{idx}]",
                )
    algorithm = features.feature_node_address_sort_algorithm
    if (
        algorithm
        and algorithm not in _ADDRESS_SORT_ALGORITHMS
        and algorithm.lower() not in _ADDRESS_SORT_ALGORITHMS
    ):
        report.error(
            f"invalid node address sort algorithm: {algorithm} "
            "does not belong to AddressSortAlgorithm values",
            "machine.features.nodeAddressSortAlgorithm",
        )


def validate_runtime_spec(machine: MachineConfig, report: Report) -> None:
    overrides = machine.machine_base_runtime_spec_overrides.object
    if overrides:
        from ..types.cri.oci_spec import check_runtime_spec

        err = check_runtime_spec(overrides)
        if err:
            report.error(
                f"failed to unmarshal base runtime spec overrides: {err}", "machine.baseRuntimeSpecOverrides"
            )


def validate_registries(machine: MachineConfig, report: Report) -> None:
    registries = machine.machine_registries
    for key, config_value in registries.registry_config.items():
        if config_value is None:
            report.error(
                f"registries.config[{go_quote(key)}] is null", join_path("machine.registries.config", key)
            )
    for key, mirror in registries.registry_mirrors.items():
        if mirror is None:
            report.error(
                f"registries.mirrors[{go_quote(key)}] is null", join_path("machine.registries.mirrors", key)
            )

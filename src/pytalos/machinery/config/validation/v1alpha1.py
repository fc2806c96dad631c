"""Validation of the legacy v1alpha1 document (Talos ``Config.Validate`` in ``v1alpha1_validation.go``).

:func:`validate_config` runs every rule in Talos's order and returns ``(warnings, errors)`` with
Talos's texts, so ``talosctl validate`` and ``Container.validate`` report exactly what Talos would
for the same config. The rules themselves live in sibling modules by area (machine, network,
cluster); this module only sequences them. Kubernetes image version checks are not run: Talos
skips them for client-side validation (``WithLocal``), which is what ``talosctl validate`` does.
"""

from __future__ import annotations

from ..mode import RuntimeMode, parse_mode
from ..types.v1alpha1 import Config
from .cluster import validate_cluster
from .located import located, reword
from .machine import (
    KUBESPAN_LINK_MINIMUM_MTU,
    is_control_plane,
    kubespan_mtu,
    validate_disks,
    validate_encryption,
    validate_extensions,
    validate_features,
    validate_install,
    validate_kubelet,
    validate_kubespan,
    validate_logging,
    validate_node_metadata,
    validate_registries,
    validate_runtime_spec,
    validate_type_and_cas,
)
from .network import validate_network
from .report import Report


def validate_config(
    config: Config, mode: RuntimeMode | str, strict: bool = False
) -> tuple[list[str], list[str]]:
    """Validate a v1alpha1 config for a runtime mode: ``(warnings, errors)``.

    With ``strict`` every warning becomes an error ``warning: <text>`` and no warnings are returned.
    """
    runtime_mode = mode if isinstance(mode, RuntimeMode) else parse_mode(mode)
    machine = config.machine_config
    if machine is None:
        return [], [located("machine instructions are required", "machine")]
    report = Report()
    if machine.machine_files:
        report.warn(
            ".machine.files is deprecated; use dedicated configuration documents instead", "machine.files"
        )
    if machine.machine_base_runtime_spec_overrides.object:
        report.warn(
            ".machine.baseRuntimeSpecOverrides is deprecated; "
            "use a CRIBaseRuntimeSpecConfig document instead",
            "machine.baseRuntimeSpecOverrides",
        )
    report.errors.extend(validate_cluster(config.cluster_config, is_control_plane(machine)))
    # .machine.install is optional at HEAD (UnattendedInstallConfig replaces it); validated when present
    if runtime_mode.requires_install() and machine.machine_install is not None:
        validate_install(machine.machine_install, report)
    host_dns = machine.machine_features.host_dns_support if machine.machine_features is not None else None
    if host_dns is not None and host_dns.host_dns_forward_kube_dns_to_host and not host_dns.host_dns_enabled:
        report.error(
            "feature hostDNS.forwardKubeDNSToHost requires hostDNS.enabled to be true "
            "(.machine.features.hostDNS)",
            "machine.features.hostDNS.forwardKubeDNSToHost",
        )
    validate_type_and_cas(config, machine, report)
    network = machine.machine_network
    kubespan = network.network_kube_span if network is not None else None
    kubespan_enabled = kubespan is not None and bool(kubespan.kube_span_enabled)
    if network is not None:
        validate_network(network, report)
        if kubespan is not None and kubespan_enabled and kubespan_mtu(kubespan) < KUBESPAN_LINK_MINIMUM_MTU:
            report.error(
                f"kubespan link MTU must be at least {KUBESPAN_LINK_MINIMUM_MTU}",
                "machine.network.kubespan.mtu",
            )
    validate_disks(machine, report)
    if machine.machine_kubelet is not None:
        validate_kubelet(machine.machine_kubelet, report)
    validate_encryption(machine, report)
    if kubespan is not None and kubespan_enabled:
        validate_kubespan(config, kubespan, report)
    if machine.machine_logging is not None:
        validate_logging(machine.machine_logging, report)
    if machine.machine_install is not None:
        validate_extensions(machine.machine_install, report)
    validate_node_metadata(machine, report)
    validate_features(machine, report)
    if config.config_persist is False:
        report.error(".persist should be enabled", "persist")
    validate_runtime_spec(machine, report)
    validate_registries(machine, report)
    warnings, errors = report.result()
    if strict:
        errors = errors + [reword(w, f"warning: {w}") for w in warnings]
        warnings = []
    return warnings, errors

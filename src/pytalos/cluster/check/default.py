"""The default check list, in Talos's order (``default.go``: PreBootSequenceChecks, then
K8sComponentsReadinessChecks, then the rest of DefaultClusterChecks), with pytalos's two extra checks
(``all services to be healthy``, ``all nodes to have synced time``) after the boot sequence one."""

from __future__ import annotations

from . import apid, diagnostics, etcd, kubernetes, nodes, service
from .conditions import Check

ETCD_HEALTHY = "etcd to be healthy"
ETCD_CONSISTENT = "etcd members to be consistent across nodes"
ETCD_CONTROL_PLANE = "etcd members to be control plane nodes"
APID_READY = "apid to be ready"
MEMORY_SIZES = "all nodes memory sizes"
DISK_SIZES = "all nodes disk sizes"
NO_DIAGNOSTICS = "no diagnostics"
KUBELET_HEALTHY = "kubelet to be healthy"
BOOT_FINISHED = "all nodes to finish boot sequence"
SERVICES_HEALTHY = "all services to be healthy"
TIME_SYNCED = "all nodes to have synced time"

K8S_NODES_REPORTED = "all k8s nodes to report"
K8S_STATIC_PODS = "all control plane static pods to be running"
K8S_COMPONENTS_READY = "all control plane components to be ready"
K8S_NODES_READY = "all k8s nodes to report ready"
KUBE_PROXY_READY = "kube-proxy to report ready"
COREDNS_READY = "coredns to report ready"
K8S_NODES_SCHEDULABLE = "all k8s nodes to report schedulable"

KUBERNETES_CHECKS = (
    K8S_NODES_REPORTED,
    K8S_STATIC_PODS,
    K8S_COMPONENTS_READY,
    K8S_NODES_READY,
    KUBE_PROXY_READY,
    COREDNS_READY,
    K8S_NODES_SCHEDULABLE,
)


def pre_boot_checks() -> list[Check]:
    """Talos's PreBootSequenceChecks plus pytalos's services and time checks."""
    return [
        Check(ETCD_HEALTHY, service.etcd_healthy),
        Check(ETCD_CONSISTENT, etcd.etcd_consistent),
        Check(ETCD_CONTROL_PLANE, etcd.etcd_control_plane),
        Check(APID_READY, apid.apid_ready),
        Check(MEMORY_SIZES, nodes.memory_sizes),
        Check(DISK_SIZES, nodes.disk_sizes),
        Check(NO_DIAGNOSTICS, diagnostics.no_diagnostics),
        Check(KUBELET_HEALTHY, service.kubelet_healthy),
        Check(BOOT_FINISHED, nodes.boot_finished),
        Check(SERVICES_HEALTHY, service.all_services_healthy),
        Check(TIME_SYNCED, nodes.time_synced),
    ]


def kubernetes_checks(k8s_endpoint: str = "") -> list[Check]:
    assertion = kubernetes.kubernetes_assertion(k8s_endpoint)
    return [Check(name, assertion) for name in KUBERNETES_CHECKS]


def default_checks(k8s_endpoint: str = "") -> list[Check]:
    """Every check ``talosctl health`` runs, in order."""
    return [*pre_boot_checks(), *kubernetes_checks(k8s_endpoint)]


def check_names() -> list[str]:
    return [c.name for c in default_checks()]

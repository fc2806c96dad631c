"""Every check's assertion against a fake cluster: passing, failing with a message naming the node and
the cause, and skipping with its reason."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from pytalos.cluster.check import ClusterInfo, SkipCheck
from pytalos.cluster.check.access import AccessError, EtcdMember, MountStat, ResourceData, ServiceStatus
from pytalos.cluster.check.conditions import Assertion
from pytalos.cluster.check.default import KUBERNETES_CHECKS, default_checks
from pytalos.cluster.check.fake import FakeNodeAccess
from pytalos.cluster.check.nodes import GIB, MIB

from ._cluster import CP1, CP2, INFO, KUBELET_SKIPPED, W1, healthy, running

pytestmark = pytest.mark.unit

CHECKS = {c.name: c.assertion for c in default_checks()}


def outcome(name: str, fake: FakeNodeAccess, info: ClusterInfo = INFO) -> str:
    """``ok``, ``skip: <reason>`` or ``fail: <error>`` of one attempt of check ``name``."""
    assertion: Assertion = CHECKS[name]

    async def attempt() -> str:
        try:
            await assertion(fake, info)
        except SkipCheck as skip:
            return f"skip: {skip}"
        except Exception as err:
            return f"fail: {err}"
        return "ok"

    return asyncio.run(attempt())


def test_every_check_on_a_healthy_cluster() -> None:
    fake = healthy()
    results = {name: outcome(name, fake) for name in CHECKS}
    k8s = list(KUBERNETES_CHECKS)
    for name, result in results.items():
        if name in ("no diagnostics", "kubelet to be healthy", *k8s):
            assert result.startswith("skip: "), (name, result)
        else:
            assert result == "ok", (name, result)
    assert results["kubelet to be healthy"] == (
        f"skip: service 'kubelet' is Skipped on {CP1}, {CP2}: {KUBELET_SKIPPED}"
    )
    assert results["all k8s nodes to report"] == (
        "skip: no Kubernetes API to ask: "
        f"service 'kubelet' is Skipped on {CP1}, {CP2}, {W1}: {KUBELET_SKIPPED}"
    )
    assert results["no diagnostics"].startswith(f"skip: {CP1} does not serve Diagnostics.runtime.talos.dev")
    assert "PermissionDenied" in results["no diagnostics"]


def test_check_names_are_talos_names_in_talos_order() -> None:
    assert list(CHECKS) == [
        "etcd to be healthy",
        "etcd members to be consistent across nodes",
        "etcd members to be control plane nodes",
        "apid to be ready",
        "all nodes memory sizes",
        "all nodes disk sizes",
        "no diagnostics",
        "kubelet to be healthy",
        "all nodes to finish boot sequence",
        "all services to be healthy",
        "all nodes to have synced time",
        "all k8s nodes to report",
        "all control plane static pods to be running",
        "all control plane components to be ready",
        "all k8s nodes to report ready",
        "kube-proxy to report ready",
        "coredns to report ready",
        "all k8s nodes to report schedulable",
    ]


def test_etcd_healthy_fails_naming_node_state_and_health() -> None:
    fake = healthy()
    fake.services_by_node[CP2] = [
        ServiceStatus("etcd", "Preparing", last_event="Running pre state"),
        *fake.services_by_node[CP2][:1],
    ]
    assert outcome("etcd to be healthy", fake) == (
        f'fail: {CP2}: service "etcd" not in expected state "Running": '
        "current state [Preparing] Running pre state"
    )
    fake.services_by_node[CP2] = [ServiceStatus("etcd", "Running", healthy=False, health_unknown=False)]
    assert outcome("etcd to be healthy", fake) == f"fail: {CP2}: service is not healthy: etcd"
    fake.services_by_node[CP2] = [running("machined")]
    assert outcome("etcd to be healthy", fake) == f'fail: {CP2}: service "etcd" not found'


def test_unreachable_node_is_named() -> None:
    fake = healthy()
    fake.errors[(CP1, "services")] = AccessError(
        "rpc error: code = Unavailable desc = dial: refused", "Unavailable"
    )
    assert outcome("etcd to be healthy", fake) == (
        f"fail: {CP1}: rpc error: code = Unavailable desc = dial: refused"
    )
    info = ClusterInfo((CP1,), ("10.9.0.99",))
    assert outcome("apid to be ready", fake, info).startswith(
        "fail: 10.9.0.99: rpc error: code = Unavailable"
    )


def test_etcd_members_consistency_and_control_plane_subset() -> None:
    fake = healthy()
    fake.etcd[CP2] = fake.etcd[CP2][:1]
    assert outcome("etcd members to be consistent across nodes", fake) == (
        f'fail: {CP2}: expected to have ["cp-1" "cp-2"] members, got ["cp-1"]'
    )
    fake.etcd[CP2] = [fake.etcd[CP2][0], EtcdMember(0xB9, "intruder", ("https://10.9.0.77:2380",))]
    assert outcome("etcd members to be consistent across nodes", fake) == (
        f"fail: {CP2}: found unexpected etcd member intruder"
    )
    fake = healthy()
    fake.etcd[CP1] = [*fake.etcd[CP1], EtcdMember(0xB9, "intruder", ("https://10.9.0.77:2380",))]
    assert outcome("etcd members to be control plane nodes", fake) == (
        f'fail: etcd member ips ["{CP1}" "{CP2}" "10.9.0.77"] are not subset of control plane node ips '
        f'["{CP1}" "{CP2}"]'
    )


def test_memory_minimum_by_machine_type() -> None:
    fake = healthy()
    fake.memory[W1] = GIB - 150 * MIB  # exactly the worker minimum
    fake.memory[CP2] = GIB
    assert outcome("all nodes memory sizes", fake) == (
        f'fail: node "{CP2}" does not meet memory requirements: expected at least 1898 MiB, actual 1024 MiB'
    )


def test_disk_uses_the_filesystem_holding_var() -> None:
    fake = healthy()
    fake.mount_table[CP1] = [
        MountStat("/dev/vda", "/", 250 * GIB, 80 * GIB),
        MountStat("/dev/vdb", "/var", 10 * GIB, 2 * GIB),
        MountStat("tmpfs", "/var/run", GIB, GIB),
    ]
    assert outcome("all nodes disk sizes", fake) == (
        f'fail: ephemeral partition "/var" for node "{CP1}" is too small: the filesystem mounted at "/var" '
        "has 2.0 GiB free (EPHEMERAL uses 9.5 MiB), expected at least 4.6 GiB"
    )
    fake.mount_table[CP1][1] = MountStat("/dev/vdb", "/var", 10 * GIB, 5 * GIB)
    assert outcome("all nodes disk sizes", fake) == "ok"
    del fake.usage[(W1, "/var")]
    assert outcome("all nodes disk sizes", fake).startswith(f"fail: {W1}: rpc error: code = Unavailable")


def test_boot_sequence_groups_nodes_by_stage() -> None:
    fake = healthy()
    fake.resources[(CP2, "runtime", "MachineStatuses.runtime.talos.dev")] = [
        ResourceData("machine", {"stage": "booting"})
    ]
    fake.resources[(W1, "runtime", "MachineStatuses.runtime.talos.dev")] = []
    assert outcome("all nodes to finish boot sequence", fake) == (
        f'fail: nodes are not running: booting: ["{CP2}"], unknown: ["{W1}"]'
    )


def test_time_sync() -> None:
    fake = healthy()
    fake.resources[(W1, "runtime", "TimeStatuses.v1alpha1.talos.dev")] = [
        ResourceData("node", {"synced": False})
    ]
    assert outcome("all nodes to have synced time", fake) == f'fail: time is not synced on ["{W1}"]'


def test_all_services_healthy_accepts_skipped_finished_and_unknown_health() -> None:
    fake = healthy()
    fake.services_by_node[W1] = [
        *fake.services_by_node[W1],
        ServiceStatus("oneshot", "Finished"),
        ServiceStatus("trustd", "Waiting", last_event='Waiting for service "containerd" to be up'),
        ServiceStatus("udevd", "Running", healthy=False, health_unknown=False, health_message="probe failed"),
    ]
    assert outcome("all services to be healthy", fake) == (
        f'fail: {W1}: service "trustd" is Waiting Waiting for service "containerd" to be up; '
        f'{W1}: service "udevd" is not healthy: probe failed'
    )


def test_kubelet_checks_when_kubelet_runs() -> None:
    fake = healthy()
    for node in INFO.nodes:
        fake.services_by_node[node] = [running("kubelet")]
    assert outcome("kubelet to be healthy", fake) == "ok"
    assert outcome("all k8s nodes to report", fake) == (
        "fail: Kubernetes checks are not implemented in pytalos yet: a kubelet runs"
    )
    fake.services_by_node[CP1] = [dataclasses.replace(running("kubelet"), state="Failed", last_event="crash")]
    assert outcome("kubelet to be healthy", fake) == (
        f'fail: {CP1}: service "kubelet" not in expected state "Running": current state [Failed] crash'
    )


def test_diagnostics_listed() -> None:
    fake = healthy()
    fake.unsupported.clear()
    assert outcome("no diagnostics", fake) == "ok"
    fake.resources[(CP2, "runtime", "Diagnostics.runtime.talos.dev")] = [
        ResourceData("address-overlap", {"message": "host and Kubernetes pod/service CIDR addresses overlap"})
    ]
    assert outcome("no diagnostics", fake) == (
        f"fail: active diagnostics: {CP2}: host and Kubernetes pod/service CIDR addresses overlap"
    )

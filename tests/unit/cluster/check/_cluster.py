"""A healthy fake cluster for the check tests: two control planes and a worker in a FakeNodeAccess."""

from __future__ import annotations

from pytalos.cluster.check import ClusterInfo
from pytalos.cluster.check.access import EtcdMember, MountStat, NodeVersion, ResourceData, ServiceStatus
from pytalos.cluster.check.fake import FakeNodeAccess
from pytalos.cluster.check.nodes import GIB

CP1, CP2, W1 = "10.9.0.2", "10.9.0.3", "10.9.0.4"
INFO = ClusterInfo((CP1, CP2), (W1,))
KUBELET_SKIPPED = "Condition failed: no kubelet image: ghcr.io/siderolabs/kubelet:latest"


def running(id: str) -> ServiceStatus:
    return ServiceStatus(
        id, "Running", healthy=True, health_unknown=False, last_event="Health check successful"
    )


def kubelet_skipped() -> ServiceStatus:
    return ServiceStatus("kubelet", "Skipped", last_event=KUBELET_SKIPPED, last_event_state="Skipped")


def members() -> list[EtcdMember]:
    return [
        EtcdMember(0xA1, "cp-1", (f"https://{CP1}:2380",), (f"https://{CP1}:2379",)),
        EtcdMember(0xA2, "cp-2", (f"https://{CP2}:2380",), (f"https://{CP2}:2379",)),
    ]


def healthy() -> FakeNodeAccess:
    fake = FakeNodeAccess()
    for node in INFO.nodes:
        cp = node in INFO.control_planes
        fake.versions[node] = NodeVersion(f"host-{node}", "v1.0.0", "container")
        fake.services_by_node[node] = [
            running("machined"),
            ServiceStatus("containerd", "Running", health_unknown=True),
            *([running("etcd")] if cp else []),
            kubelet_skipped(),
        ]
        if cp:
            fake.etcd[node] = members()
        fake.memory[node] = 24 * GIB
        fake.mount_table[node] = [
            MountStat("/dev/vda", "/", 250 * GIB, 80 * GIB),
            MountStat("tmpfs", "/run", GIB, GIB),
        ]
        fake.usage[(node, "/var")] = 10_000_000
        fake.resources[(node, "runtime", "MachineStatuses.runtime.talos.dev")] = [
            ResourceData("machine", {"stage": "running", "status": {"ready": True}})
        ]
        fake.resources[(node, "runtime", "TimeStatuses.v1alpha1.talos.dev")] = [
            ResourceData("node", {"synced": True, "epoch": 0, "syncDisabled": False})
        ]
        fake.unsupported.add((node, "Diagnostics.runtime.talos.dev"))
    return fake

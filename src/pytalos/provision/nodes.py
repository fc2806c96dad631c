"""Nodes of a local cluster: where each one's files go and the process that runs it.

A node's root is ``<state>/<cluster>/<role>-<n>`` (``controlplane-1``, ``worker-2``: the cluster name
is already the parent folder), its machined output goes to ``<state>/<cluster>/<node name>.log`` and
its machine config to ``<state>/<cluster>/<node name>.yaml``. containerd keeps its unix sockets under
the root and ``AF_UNIX`` paths are limited to 108 bytes (107 plus NUL), so every socket path a node
will create is checked here, before anything is written; the error names the longest path and asks
for a shorter ``--state``.
"""

from __future__ import annotations

from pathlib import Path

from pytalos.machined.containerd.config import MAX_SOCKET_PATH, cri_instance, system_instance
from pytalos.machined.launcher import NodeProcess
from pytalos.machined.netns import IpRunner, NetnsSpec, run_ip

from . import ProvisionError
from .network import netns_name
from .state import ClusterState, NodeState


def node_root(directory: Path, cluster: str, node_name: str) -> Path:
    """``<directory>/<node name without the cluster prefix>``."""
    return directory / node_name.removeprefix(f"{cluster}-")


def socket_paths(root: Path) -> list[Path]:
    """Every unix socket a node under ``root`` creates (containerd's two instances, machined's API)."""
    paths = [root / "system" / "run" / "machined" / "machine.sock"]
    for instance in (system_instance(root), cri_instance(root)):
        paths += [instance.address, instance.ttrpc_address]
    return paths


def check_socket_paths(node_name: str, root: Path) -> None:
    """Fail early when a socket path of this node would not fit in ``sockaddr_un``."""
    longest = max(socket_paths(root), key=lambda p: len(str(p).encode()))
    size = len(str(longest).encode())
    if size > MAX_SOCKET_PATH:
        over = size - MAX_SOCKET_PATH
        raise ProvisionError(
            f"node {node_name}: socket path {longest} is {size} bytes, over the unix socket limit of "
            f"{MAX_SOCKET_PATH} by {over}: use a --state directory at least {over} bytes shorter "
            "(e.g. --state /tmp/talos)"
        )


def new_node(cluster: str, directory: Path, name: str, machine_type: str, ip: str) -> NodeState:
    """The state entry of a node that does not exist yet (its socket paths checked)."""
    root = node_root(directory, cluster, name)
    check_socket_paths(name, root)
    return NodeState(
        name=name,
        type=machine_type,
        ip=ip,
        netns=netns_name(name),
        root=str(root),
        log=str(directory / f"{name}.log"),
        config=str(directory / f"{name}.yaml"),
    )


def netns_spec(cluster: ClusterState, node: NodeState) -> NetnsSpec:
    return NetnsSpec.on_bridge(
        node.netns, f"{node.ip}/{cluster.prefixlen}", bridge=cluster.bridge, gateway=cluster.gateway
    )


def node_process(cluster: ClusterState, node: NodeState, ip: IpRunner = run_ip) -> NodeProcess:
    """A launcher for a node about to be started (its namespace is created on start)."""
    return NodeProcess(Path(node.root), netns_spec(cluster, node), log_path=Path(node.log), ip=ip)


def attached_process(cluster: ClusterState, node: NodeState, ip: IpRunner = run_ip) -> NodeProcess:
    """A launcher for a node started by an earlier ``talosctl`` (stopped through its recorded PID)."""
    return NodeProcess.attach(
        Path(node.root), netns_spec(cluster, node), node.pid, log_path=Path(node.log), ip=ip
    )

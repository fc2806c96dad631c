"""The ``netns`` provisioner: plan, create, reflect and destroy a local cluster.

Create is split into steps that ``talosctl cluster create`` reports one by one: :meth:`plan` (pure:
names, addresses, roots), :meth:`prepare` (the state directory, refused when it exists, as Talos's
``provision.NewState`` does, and the first state file), :meth:`create_network` (the bridge),
:meth:`start_discovery` (the cluster's discovery service on the gateway) and :meth:`start_node`
(namespace on the bridge, machined started detached, its PID recorded). Nothing is removed on
failure -- Talos does not either -- because :meth:`destroy` can always clean up from the state
file: it stops every node (SIGTERM, machined's Shutdown sequence, SIGKILL after a grace period, then
whatever still runs in the namespace or names the node root) and the discovery service, deletes
namespaces, veths and the bridge, verifies that none of it survived and removes the state directory. Whatever
survived is reported and, unless forced, the state directory is kept so destroy can be retried.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pytalos.machined import netns
from pytalos.machined.launcher import LaunchError, mounts_under, pid_alive, processes_naming
from pytalos.machined.netns import IpRunner, run_ip

from . import ProvisionError
from .discovery import discovery_endpoint, discovery_pids, spawn_discovery, stop_discovery, wait_discovery
from .network import DEFAULT_CIDR, bridge_name, create_bridge, delete_bridge, node_names, plan_addresses
from .nodes import attached_process, netns_spec, new_node, node_process
from .state import ClusterState, NodeState, cluster_directory, read_state

#: How long machined gets for its Shutdown sequence before SIGKILL.
STOP_GRACE = 30.0


@dataclass(frozen=True)
class ClusterRequest:
    name: str
    state_root: Path
    cidr: str = DEFAULT_CIDR
    controlplanes: int = 1
    workers: int = 1


def check_name(name: str) -> None:
    if not name or name in (".", "..") or "/" in name or "\0" in name:
        raise ProvisionError(f"invalid cluster name {name!r}: it names a folder under --state")


@dataclass
class NetnsProvisioner:
    """OS access goes through ``ip`` (:class:`IpRunner`), the launcher and ``link_exists``."""

    ip: IpRunner = run_ip
    python: str = sys.executable
    link_exists: Callable[[str], bool] = netns.link_exists
    stop_grace: float = STOP_GRACE
    log: Callable[[str], None] = field(default=lambda _line: None)

    name = "netns"

    # --- create ------------------------------------------------------------------------------

    def plan(self, request: ClusterRequest) -> ClusterState:
        """Names, addresses and paths of the cluster; nothing is touched."""
        check_name(request.name)
        if request.controlplanes < 1:
            raise ProvisionError("number of controlplanes can't be less than 1")
        if request.workers < 0:
            raise ProvisionError("number of workers can't be negative")
        names = node_names(request.name, request.controlplanes, request.workers)
        addresses = plan_addresses(request.cidr, len(names))
        directory = cluster_directory(request.state_root.absolute(), request.name)
        nodes = [
            new_node(request.name, directory, name, kind, str(addresses.nodes[i]))
            for i, (name, kind) in enumerate(names)
        ]
        return ClusterState(
            name=request.name,
            directory=str(directory),
            cidr=str(addresses.cidr),
            gateway=str(addresses.gateway),
            bridge=bridge_name(request.name),
            nodes=nodes,
            discovery=discovery_endpoint(str(addresses.gateway)),
        )

    def prepare(self, state: ClusterState) -> None:
        """Create the state directory (refusing an existing one) and write the first state file."""
        directory = Path(state.directory)
        if directory.exists():
            raise ProvisionError(
                f'state directory "{directory}" already exists, is the cluster "{state.name}" already '
                "running? remove cluster state with talosctl cluster destroy"
            )
        try:
            directory.mkdir(parents=True, mode=0o755)
        except OSError as exc:
            raise ProvisionError(f"error creating state directory {directory}: {exc.strerror}") from None
        state.created = datetime.now(UTC).isoformat(timespec="seconds")
        state.save()

    def create_network(self, state: ClusterState) -> None:
        create_bridge(state.bridge, f"{state.gateway}/{state.prefixlen}", state.name, self.ip)

    def start_discovery(self, state: ClusterState) -> int:
        """The cluster's discovery service on the gateway (:mod:`.discovery`); its PID is recorded."""
        proc = spawn_discovery(state, self.python)
        state.discovery_pid = proc.pid
        state.save()
        wait_discovery(state, proc)
        return proc.pid

    def start_node(self, state: ClusterState, node: NodeState) -> int:
        """Namespace on the bridge, machined started detached; the PID is recorded in the state file."""
        proc = node_process(state, node, self.ip)
        proc.python = self.python
        try:
            proc.start()
        except (OSError, netns.NetnsError) as exc:
            raise ProvisionError(f"node {node.name}: starting machined: {exc}") from None
        state.with_pid(node.name, proc.pid)
        state.save()
        return proc.pid

    # --- reflect -----------------------------------------------------------------------------

    def reflect(self, state_root: Path, name: str) -> ClusterState:
        check_name(name)
        return read_state(state_root.absolute(), name)

    def running(self, state: ClusterState, node: NodeState) -> bool:
        """machined of ``node`` runs: its recorded PID, else any process naming its root."""
        if node.pid is not None:
            return attached_process(state, node, self.ip).running()
        return any(pid_alive(p) for p in processes_naming(Path(node.root)))

    # --- destroy -----------------------------------------------------------------------------

    def destroy(self, state: ClusterState, force: bool = False) -> list[str]:
        """Remove the cluster; returns what survived (empty when everything is gone).

        The state directory is removed when nothing survived, or regardless with ``force``."""
        procs = [attached_process(state, node, self.ip) for node in state.nodes]
        self.log("stopping nodes")
        with ThreadPoolExecutor(max_workers=max(len(procs), 1)) as pool:
            stop_errors = list(pool.map(lambda p: _try(lambda: p.stop(self.stop_grace)), procs))
        survivors = [f"node {n.name}: {e}" for n, e in zip(state.nodes, stop_errors, strict=True) if e]
        for node, proc in zip(state.nodes, procs, strict=True):
            self.log(f"destroying node {node.name}")
            error = _try(proc.cleanup)
            if error and not any(s.startswith(f"node {node.name}:") for s in survivors):
                survivors.append(f"node {node.name}: {error}")
        if state.discovery_pid is not None:
            self.log("stopping discovery service")
        error = stop_discovery(state)
        if error:
            survivors.append(error)
        self.log(f"destroying network {state.bridge}")
        delete_bridge(state.bridge, self.ip)
        survivors += [s for s in self.leftovers(state) if s not in survivors]
        if survivors and not force:
            return survivors
        self.log(f"removing state directory {state.directory}")
        shutil.rmtree(state.directory, ignore_errors=True)
        if Path(state.directory).exists():
            survivors.append(f"state directory {state.directory} could not be removed")
        return survivors

    def leftovers(self, state: ClusterState) -> list[str]:
        """Everything of the cluster that still exists on the machine, one line each."""
        found: list[str] = []
        for node in state.nodes:
            spec = netns_spec(state, node)
            root = Path(node.root)
            pids = sorted(set(processes_naming(root)) | set(netns.pids_in(node.netns)))
            if pids:
                found.append(f"node {node.name}: processes {pids} still run")
            if netns.exists(node.netns):
                found.append(f"node {node.name}: network namespace {node.netns} still exists")
            if self.link_exists(spec.host_if):
                found.append(f"node {node.name}: veth {spec.host_if} still exists")
            mounts = mounts_under(root)
            if mounts:
                found.append(f"node {node.name}: mounts left: {', '.join(m.split()[1] for m in mounts)}")
        if self.link_exists(state.bridge):
            found.append(f"bridge {state.bridge} still exists")
        pids = discovery_pids(state)
        if pids:
            found.append(f"discovery service: processes {pids} still run")
        return found


def _try(action: Callable[[], object]) -> str:
    """Run ``action``; its error text (launcher/ip failures) or ``""``."""
    try:
        action()
    except (LaunchError, netns.NetnsError, OSError) as exc:
        return str(exc)
    return ""

"""The state file of a local cluster: ``<state>/<name>/state.json``.

Everything ``cluster show`` and ``cluster destroy`` need is in it: the network (CIDR, gateway,
bridge), every node (name, type, address, namespace, root folder, log, config file, machined PID once
started), the discovery service (endpoint, PID) and where the talosconfig context went. ``cluster
create`` writes it before it creates the bridge or starts a node and again after each node started,
always atomically (temp file, fsync, rename;
:func:`~pytalos.machinery.client.config.write_file_atomic`), so that an interrupted create leaves a
readable file naming everything that may exist. Like Talos's ``provision.ReadState``, a
missing state directory means the cluster does not exist.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from pytalos.machinery.client.config import write_file_atomic

from . import ProvisionError

STATE_FILE = "state.json"
FORMAT_VERSION = 1
PROVISIONER_NETNS = "netns"


@dataclass(frozen=True)
class NodeState:
    """One node as created: ``type`` is ``controlplane`` or ``worker``; paths are absolute."""

    name: str
    type: str
    ip: str
    netns: str
    root: str
    log: str
    config: str
    pid: int | None = None


@dataclass
class ClusterState:
    """One cluster; :attr:`directory` is ``<state>/<name>``."""

    name: str
    directory: str
    cidr: str
    gateway: str
    bridge: str
    nodes: list[NodeState] = field(default_factory=list)
    provisioner: str = PROVISIONER_NETNS
    talosconfig: str = ""
    context: str = ""
    created: str = ""
    #: The discovery service every node registers with (``http://<gateway>:3000``) and its PID.
    discovery: str = ""
    discovery_pid: int | None = None

    @property
    def path(self) -> Path:
        return Path(self.directory) / STATE_FILE

    @property
    def prefixlen(self) -> int:
        return int(self.cidr.rpartition("/")[2])

    @property
    def control_planes(self) -> list[NodeState]:
        return [n for n in self.nodes if n.type == "controlplane"]

    @property
    def workers(self) -> list[NodeState]:
        return [n for n in self.nodes if n.type == "worker"]

    def node(self, name: str) -> NodeState:
        for node in self.nodes:
            if node.name == name:
                return node
        raise ProvisionError(f"cluster {self.name!r}: no node named {name!r}")

    def with_pid(self, name: str, pid: int | None) -> None:
        self.nodes = [replace(n, pid=pid) if n.name == name else n for n in self.nodes]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {"version": FORMAT_VERSION, **data}

    def save(self) -> None:
        """Replace the state file atomically (mode 0600: it names the node configs)."""
        text = json.dumps(self.to_dict(), indent=2) + "\n"
        write_file_atomic(str(self.path), text.encode(), mode=0o600)

    @classmethod
    def from_dict(cls, data: Any, source: str) -> ClusterState:
        if not isinstance(data, dict):
            raise ProvisionError(f"{source}: expected a JSON object")
        if data.get("version") != FORMAT_VERSION:
            raise ProvisionError(f"{source}: unsupported state version {data.get('version')!r}")
        try:
            nodes = [NodeState(**n) for n in data.get("nodes", [])]
            fields = {k: v for k, v in data.items() if k not in ("version", "nodes")}
            return cls(nodes=nodes, **fields)
        except TypeError as exc:
            raise ProvisionError(f"{source}: malformed state: {exc}") from None


def cluster_directory(state_root: Path, name: str) -> Path:
    return state_root / name


def read_state(state_root: Path, name: str) -> ClusterState:
    """The cluster ``name`` under ``state_root``; a clear error when it does not exist."""
    directory = cluster_directory(state_root, name)
    if not directory.exists():
        raise ProvisionError(f'cluster "{name}" not found: no state directory {directory}')
    if not directory.is_dir():
        raise ProvisionError(f'state path "{directory}" is not a directory')
    path = directory / STATE_FILE
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise ProvisionError(
            f'cluster "{name}": state directory {directory} has no {STATE_FILE} '
            "(not created by pytalos's netns provisioner?)"
        ) from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ProvisionError(f"error unmarshalling state file {path}: {exc}") from None
    state = ClusterState.from_dict(data, str(path))
    if state.provisioner != PROVISIONER_NETNS:
        raise ProvisionError(f"cluster {name!r} was created with different provisioner {state.provisioner!r}")
    return state

"""Which nodes the checks look at: :class:`ClusterInfo`, from flags or discovered from one node.

Talos's ``cluster.Info`` (``NodesByType``): the init node (legacy ``init`` machine type), the control
planes and the workers, by address. :func:`discover` is the ``talosctl health`` fallback when no node
flag is given (Talos: ``check.NewDiscoveredClusterInfo`` over the ``Members`` resources, then the
Kubernetes node list). It asks the node the access talks to (``node=""``):

* ``Members`` (namespace ``cluster``): every member's first address, typed by its ``machineType``;
* the etcd member list: the host of every peer URL is a control plane.

What discovery finds: ``Members`` come from affiliates, which nodes exchange through the discovery
service their config names (:mod:`pytalos.discovery`; ``talosctl cluster create`` runs one per
cluster), so every node of such a cluster -- workers included -- is found. Without a reachable
discovery service a node's ``Members`` hold only itself: from a control plane the etcd member list
still adds the other control planes, but workers must then be given with ``--worker-nodes``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from .access import AccessError, NodeAccess

CLUSTER_NAMESPACE = "cluster"
MEMBER_TYPE = "Members.cluster.talos.dev"
CONTROL_PLANE_TYPES = frozenset({"controlplane", "init"})


@dataclass(frozen=True)
class ClusterInfo:
    """The nodes of a cluster by role (addresses as the API is called with them)."""

    control_planes: tuple[str, ...]
    workers: tuple[str, ...] = ()
    init_node: str | None = None

    @property
    def control_plane_nodes(self) -> tuple[str, ...]:
        """The init node (if any) and the control planes: where etcd and the control plane run."""
        init = (self.init_node,) if self.init_node else ()
        return tuple(dict.fromkeys((*init, *self.control_planes)))

    @property
    def nodes(self) -> tuple[str, ...]:
        """Every node, control planes first, without duplicates."""
        return tuple(dict.fromkeys((*self.control_plane_nodes, *self.workers)))

    def machine_type(self, node: str) -> str:
        """``init``, ``controlplane`` or ``worker`` (Talos's machine type names)."""
        if node == self.init_node:
            return "init"
        return "controlplane" if node in self.control_planes else "worker"

    def describe(self) -> str:
        """Talos's ``discovered nodes`` text: every node address, quoted, in brackets."""
        return quoted(self.nodes)


def quoted(items: object) -> str:
    """Go's ``%q`` of a ``[]string``: ``["a" "b"]``."""
    assert isinstance(items, list | tuple)
    return "[" + " ".join(f'"{i}"' for i in items) + "]"


def _first_address(addresses: object) -> str | None:
    if not isinstance(addresses, list | tuple):
        return None
    parsed = []
    for text in addresses:
        try:
            parsed.append(ipaddress.ip_address(str(text)))
        except ValueError:
            continue
    if not parsed:
        return None
    parsed.sort(key=lambda ip: ip.version)  # IPv4 first, as node flags usually name them
    return str(parsed[0])


def peer_host(url: str) -> str:
    """The host of an etcd peer URL (``https://10.5.0.2:2380`` → ``10.5.0.2``, IPv6 unbracketed)."""
    return urlsplit(url).hostname or ""


async def discover(access: NodeAccess) -> ClusterInfo:
    """The cluster as the access's own node sees it (see the module docstring); ``ValueError`` when
    nothing was found, naming what was asked and what failed."""
    control_planes: list[str] = []
    workers: list[str] = []
    problems: list[str] = []
    try:
        members = await access.list_resources("", CLUSTER_NAMESPACE, MEMBER_TYPE)
    except AccessError as err:
        problems.append(f"listing Members: {err}")
        members = []
    for member in members:
        spec = member.spec if isinstance(member.spec, dict) else {}
        address = _first_address(spec.get("addresses"))
        if address is None:
            problems.append(f"member {member.id!r} has no address")
            continue
        kind = str(spec.get("machineType", ""))
        (control_planes if kind in CONTROL_PLANE_TYPES else workers).append(address)
    try:
        etcd = await access.etcd_members("")
    except AccessError as err:
        if control_planes == []:
            problems.append(f"etcd member list: {err}")
        etcd = []
    for etcd_member in etcd:
        for url in etcd_member.peer_urls:
            host = peer_host(url)
            if host and host not in control_planes:
                control_planes.append(host)
                workers = [w for w in workers if w != host]
    if not control_planes and not workers:
        detail = "; ".join(problems) or "no Members and no etcd members"
        raise ValueError(f"discovering nodes found none ({detail}): give them with --control-plane-nodes")
    return ClusterInfo(tuple(dict.fromkeys(control_planes)), tuple(dict.fromkeys(workers)))

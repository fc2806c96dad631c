"""The cluster network of the ``netns`` provisioner: addresses, names and the bridge.

Addresses follow Talos's docker/QEMU provisioners (``cmd/talosctl/cmd/mgmt/cluster/create``): the
gateway is the first address of the CIDR and sits on the bridge; nodes take addresses from the second
one on, control planes first, then workers. Interface names are limited to 15 bytes by the kernel, so
the bridge name is a hash of the cluster name; namespace names (files in ``/run/netns``) carry the node
name as is. Bridge commands go through :class:`~pytalos.machined.netns.IpRunner` like the namespaces.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass

from pytalos.machined.netns import IpRunner, NetnsError, run_ip

from . import ProvisionError

DEFAULT_CIDR = "10.5.0.0/24"
#: Offsets from the network address (Talos's ``gatewayOffset`` and ``nodesOffset``).
GATEWAY_OFFSET = 1
NODES_OFFSET = 2
#: The kernel's ``IFNAMSIZ`` minus the terminating NUL.
MAX_IFNAME = 15


@dataclass(frozen=True)
class AddressPlan:
    """Where everything sits on the cluster network."""

    cidr: ipaddress.IPv4Network
    gateway: ipaddress.IPv4Address
    nodes: tuple[ipaddress.IPv4Address, ...]

    @property
    def gateway_cidr(self) -> str:
        """The bridge's address with the network's prefix length (``10.5.0.1/24``)."""
        return f"{self.gateway}/{self.cidr.prefixlen}"

    def node_cidr(self, index: int) -> str:
        return f"{self.nodes[index]}/{self.cidr.prefixlen}"


def plan_addresses(cidr: str, count: int) -> AddressPlan:
    """Gateway and ``count`` node addresses in ``cidr``; errors say why the CIDR cannot be used."""
    try:
        network = ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError as exc:
        raise ProvisionError(f"error validating cidr block: {exc}") from None
    if not isinstance(network, ipaddress.IPv4Network):
        raise ProvisionError("--cidr is expected to be IPV4 CIDR")
    # the network address, the gateway, the nodes and the broadcast address
    room = network.num_addresses - NODES_OFFSET - 1
    if count > room:
        raise ProvisionError(
            f"cidr {network} is too small for {count} nodes: it has room for {max(room, 0)} "
            f"(gateway at .{GATEWAY_OFFSET}, nodes from .{NODES_OFFSET}, broadcast excluded)"
        )
    base = network.network_address
    return AddressPlan(
        cidr=network,
        gateway=base + GATEWAY_OFFSET,
        nodes=tuple(base + NODES_OFFSET + i for i in range(count)),
    )


def node_names(cluster: str, controlplanes: int, workers: int) -> list[tuple[str, str]]:
    """``(name, type)`` of every node in address order, named as Talos's provisioners do."""
    names = [(f"{cluster}-controlplane-{i + 1}", "controlplane") for i in range(controlplanes)]
    return names + [(f"{cluster}-worker-{i + 1}", "worker") for i in range(workers)]


def bridge_name(cluster: str) -> str:
    """``ptbr`` + a hash of the cluster name: unique per cluster name, within the 15-byte limit."""
    return "ptbr" + hashlib.sha256(cluster.encode()).hexdigest()[: MAX_IFNAME - 4]


def netns_name(node_name: str) -> str:
    return f"pytalos-{node_name}"


def create_bridge(name: str, gateway_cidr: str, cluster: str, ip: IpRunner = run_ip) -> None:
    """The bridge with the gateway address, up; removed again if a later step fails."""
    try:
        ip("link", "add", name, "type", "bridge")
    except NetnsError as exc:
        raise ProvisionError(
            f"cluster {cluster!r}: creating bridge {name}: {exc} "
            f"(does a cluster named {cluster!r} already run? `talosctl cluster destroy --name {cluster}`)"
        ) from None
    try:
        ip("addr", "add", gateway_cidr, "dev", name)
        ip("link", "set", name, "up")
    except NetnsError as exc:
        delete_bridge(name, ip)
        raise ProvisionError(f"cluster {cluster!r}: configuring bridge {name}: {exc}") from None


def delete_bridge(name: str, ip: IpRunner = run_ip) -> None:
    """Remove the bridge; a missing bridge is not an error."""
    ip("link", "del", name, check=False)

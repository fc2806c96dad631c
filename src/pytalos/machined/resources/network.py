"""Resources of the ``network`` namespace: links, addresses, the node's addresses and hostname.

Types, ids and YAML keys are Talos's (``pkg/machinery/resources/network``): ``LinkStatuses`` are
keyed by link name, ``AddressStatuses`` by ``<link>/<address>/<prefix>``, ``NodeAddresses`` has the
well-known ids ``default`` (one address, e.g. for etcd), ``current``, ``routed`` and
``accumulative``, ``HostnameStatuses`` the single id ``hostname``. Enum-like values (link type,
flags, operational state, family, scope) are kept as the strings Talos prints.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from dataclasses import field

from pytalos.machined.runtime import define

from ._spec import Spec, yaml

NAMESPACE = "network"

LINK_STATUS_TYPE = "LinkStatuses.net.talos.dev"
ADDRESS_STATUS_TYPE = "AddressStatuses.net.talos.dev"
NODE_ADDRESS_TYPE = "NodeAddresses.net.talos.dev"
HOSTNAME_STATUS_TYPE = "HostnameStatuses.net.talos.dev"

HOSTNAME_ID = "hostname"
NODE_ADDRESS_DEFAULT_ID = "default"
NODE_ADDRESS_CURRENT_ID = "current"
NODE_ADDRESS_ROUTED_ID = "routed"
NODE_ADDRESS_ACCUMULATIVE_ID = "accumulative"

DEFINITIONS = (
    define(
        LINK_STATUS_TYPE,
        NAMESPACE,
        aliases=("link", "links"),
        print_columns=(
            ("Alias", "{.alias}"),
            ("Type", "{.type}"),
            ("Kind", "{.kind}"),
            ("Hw Addr", "{.hardwareAddr}"),
            ("Oper State", "{.operationalState}"),
            ("Link State", "{.linkState}"),
        ),
    ),
    define(
        ADDRESS_STATUS_TYPE,
        NAMESPACE,
        aliases=("address", "addresses"),
        print_columns=(("Address", "{.address}"), ("Link", "{.linkName}")),
    ),
    define(NODE_ADDRESS_TYPE, NAMESPACE, print_columns=(("Addresses", "{.addresses}"),)),
    define(
        HOSTNAME_STATUS_TYPE,
        NAMESPACE,
        aliases=("hostname",),
        print_columns=(("Hostname", "{.hostname}"), ("Domainname", "{.domainname}")),
    ),
)

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
Prefix = ipaddress.IPv4Interface | ipaddress.IPv6Interface


@dataclasses.dataclass(frozen=True)
class LinkStatusSpec(Spec):
    """``network.LinkStatusSpec`` (the rtnetlink part; ethtool and per-kind details are not read yet)."""

    alias: str = field(default="", metadata=yaml("alias", omitempty=True))
    alt_names: tuple[str, ...] = field(default=(), metadata=yaml("altNames", omitempty=True))
    index: int = field(default=0, metadata=yaml("index"))
    type: str = field(default="ether", metadata=yaml("type"))
    link_index: int = field(default=0, metadata=yaml("linkIndex"))
    flags: str = field(default="", metadata=yaml("flags"))
    hardware_addr: str = field(default="", metadata=yaml("hardwareAddr"))
    permanent_addr: str = field(default="", metadata=yaml("permanentAddr"))
    broadcast_addr: str = field(default="", metadata=yaml("broadcastAddr"))
    mtu: int = field(default=0, metadata=yaml("mtu"))
    queue_disc: str = field(default="", metadata=yaml("queueDisc"))
    master_index: int = field(default=0, metadata=yaml("masterIndex", omitempty=True))
    operational_state: str = field(default="unknown", metadata=yaml("operationalState"))
    kind: str = field(default="", metadata=yaml("kind"))
    slave_kind: str = field(default="", metadata=yaml("slaveKind"))
    link_state: bool = field(default=False, metadata=yaml("linkState"))

    @property
    def physical(self) -> bool:
        """Talos's ``Physical()``: an Ethernet link that is no virtual kind."""
        return self.type == "ether" and self.kind == ""


@dataclasses.dataclass(frozen=True)
class AddressStatusSpec(Spec):
    """``network.AddressStatusSpec``."""

    address: Prefix = field(default=ipaddress.ip_interface("0.0.0.0/0"), metadata=yaml("address"))
    local: IP | None = field(default=None, metadata=yaml("local", omitempty=True))
    broadcast: IP | None = field(default=None, metadata=yaml("broadcast", omitempty=True))
    anycast: IP | None = field(default=None, metadata=yaml("anycast", omitempty=True))
    multicast: IP | None = field(default=None, metadata=yaml("multicast", omitempty=True))
    link_index: int = field(default=0, metadata=yaml("linkIndex"))
    link_name: str = field(default="", metadata=yaml("linkName"))
    family: str = field(default="inet4", metadata=yaml("family"))
    scope: str = field(default="global", metadata=yaml("scope"))
    flags: str = field(default="", metadata=yaml("flags"))


@dataclasses.dataclass(frozen=True)
class NodeAddressSpec(Spec):
    """``network.NodeAddressSpec``: prefixes in the node's preferred order."""

    addresses: tuple[Prefix, ...] = field(default=(), metadata=yaml("addresses"))

    def ips(self) -> list[IP]:
        """The addresses without prefix length, first occurrence kept (``IPs()``)."""
        return list(dict.fromkeys(p.ip for p in self.addresses))


@dataclasses.dataclass(frozen=True)
class HostnameStatusSpec(Spec):
    """``network.HostnameStatusSpec``."""

    hostname: str = field(default="", metadata=yaml("hostname"))
    domainname: str = field(default="", metadata=yaml("domainname"))

    @property
    def fqdn(self) -> str:
        return f"{self.hostname}.{self.domainname}" if self.domainname else self.hostname

    def dns_names(self) -> list[str]:
        """Hostname, plus the FQDN when there is a domain (``DNSNames()``)."""
        return [self.hostname, self.fqdn] if self.domainname else [self.hostname]


def address_id(link_name: str, address: Prefix) -> str:
    """``network.AddressID``: ``<link>/<address>/<prefixlen>``."""
    return f"{link_name}/{address.with_prefixlen}"

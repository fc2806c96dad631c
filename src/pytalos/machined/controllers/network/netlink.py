"""The rtnetlink edge of the network controllers: what they need to know about links and addresses.

:class:`Netlink` is the small Protocol the link/address status controllers read the node's network
namespace through: two dumps and a change feed. :mod:`.rtnetlink` implements it over a plain
``AF_NETLINK`` socket (optionally inside a named netns), :mod:`.netlink_fake` in memory for unit
tests. The records are the raw kernel values; the helpers below turn them into the strings Talos prints
(``nethelpers`` link types, flags, operational states, families, scopes, address flags).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class LinkInfo:
    """One ``RTM_NEWLINK`` record; empty strings/zero where the kernel gave no attribute."""

    index: int
    name: str
    type: int  # ARPHRD_*
    flags: int  # IFF_*
    mtu: int = 0
    operstate: str = "UNKNOWN"  # IFLA_OPERSTATE as iproute2 names it
    hardware_addr: str = ""
    broadcast_addr: str = ""
    permanent_addr: str = ""
    qdisc: str = ""
    link_index: int = 0  # IFLA_LINK (the peer of a veth, the parent of a VLAN)
    master_index: int = 0
    kind: str = ""
    slave_kind: str = ""
    alias: str = ""
    alt_names: tuple[str, ...] = ()
    carrier: bool = False


@dataclass(frozen=True)
class AddressInfo:
    """One ``RTM_NEWADDR`` record."""

    index: int
    family: int  # AF_INET (2) or AF_INET6 (10)
    prefixlen: int
    address: str
    local: str = ""
    broadcast: str = ""
    anycast: str = ""
    multicast: str = ""
    scope: int = 0
    flags: int = 0  # IFA_F_* (IFA_FLAGS when present, else ifa_flags)
    label: str = ""


class ChangeFeed(Protocol):
    """Wake-ups for link/address changes (the kernel's rtnetlink multicast groups)."""

    async def wait(self) -> None:
        """Return once some link or address changed since the previous call (at once if it did)."""
        ...


class Netlink(Protocol):
    """Read access to one network namespace's links and addresses."""

    async def links(self) -> Sequence[LinkInfo]: ...

    async def addresses(self) -> Sequence[AddressInfo]: ...

    def subscribe(self) -> AbstractAsyncContextManager[ChangeFeed]:
        """Open a change feed; subscribe *before* the first dump so no change falls in between."""
        ...


class NetlinkError(OSError):
    """A netlink request failed; the message names the namespace and the request."""


# --- Talos's names for kernel values (pkg/machinery/nethelpers) ------------------------------------

_LINK_TYPES = {
    0: "netrom", 1: "ether", 2: "eether", 3: "ax25", 4: "pronet", 5: "chaos", 6: "ieee802", 7: "arcnet",
    8: "atalk", 15: "dlci", 19: "atm", 23: "metricom", 24: "ieee1394", 27: "eui64", 32: "infiniband",
    256: "slip", 257: "cslip", 258: "slip6", 259: "cslip6", 260: "rsrvd", 264: "adapt", 270: "rose",
    271: "x25", 272: "hwx25", 280: "can", 512: "ppp", 513: "cisco", 516: "lapb", 517: "ddcmp",
    518: "rawhdlc", 768: "ipip", 769: "tunnel6", 770: "frad", 771: "skip", 772: "loopback",
    773: "localtlk", 774: "fddi", 775: "bif", 776: "sit", 777: "ip/ddp", 778: "gre", 779: "pimreg",
    780: "hippi", 781: "ash", 782: "econet", 783: "irda", 823: "ip6gre", 824: "netlink", 825: "6lowpan",
    65534: "none", 65535: "void",
}  # fmt: skip

_LINK_FLAGS = (
    (1, "UP"), (2, "BROADCAST"), (4, "DEBUG"), (8, "LOOPBACK"), (16, "POINTTOPOINT"), (32, "NOTRAILERS"),
    (64, "RUNNING"), (128, "NOARP"), (256, "PROMISC"), (512, "ALLMULTI"), (1024, "MASTER"), (2048, "SLAVE"),
    (4096, "MULTICAST"), (8192, "PORTSEL"), (16384, "AUTOMEDIA"), (32768, "DYNAMIC"), (65536, "LOWER_UP"),
    (131072, "DORMANT"), (262144, "ECHO"),
)  # fmt: skip

_OPER_STATES = {
    "UNKNOWN": "unknown", "NOTPRESENT": "notPresent", "DOWN": "down", "LOWERLAYERDOWN": "lowerLayerDown",
    "TESTING": "testing", "DORMANT": "dormant", "UP": "up",
}  # fmt: skip

_ADDRESS_FLAGS = (
    (0x01, "temporary"), (0x02, "nodad"), (0x04, "optimistic"), (0x08, "dadfailed"), (0x10, "homeaddress"),
    (0x20, "deprecated"), (0x40, "tentative"), (0x80, "permanent"), (0x100, "managetempaddr"),
    (0x200, "noprefixroute"), (0x400, "mcautojoin"), (0x800, "stableprivacy"),
)  # fmt: skip

_SCOPES = {0: "global", 200: "site", 253: "link", 254: "host", 255: "nowhere"}

AF_INET = 2
AF_INET6 = 10


def link_type_name(arphrd: int) -> str:
    return _LINK_TYPES.get(arphrd, f"LinkType({arphrd})")


def link_flags_text(flags: int) -> str:
    return ",".join(name for bit, name in _LINK_FLAGS if flags & bit)


def oper_state_name(operstate: str) -> str:
    return _OPER_STATES.get(operstate.upper(), "unknown")


def address_flags_text(flags: int) -> str:
    return ",".join(name for bit, name in _ADDRESS_FLAGS if flags & bit)


def scope_name(scope: int) -> str:
    return _SCOPES.get(scope, str(scope))


def family_name(family: int) -> str:
    return {AF_INET: "inet4", AF_INET6: "inet6"}.get(family, f"Family({family})")

"""Named network constants (Talos ``nethelpers`` enums) used by the network documents.

In Go these are small integers that marshal to their names (``802.3ad``, ``DoT``, ``main``…). The
integer matters for Go's semantics (the zero value is omitted by ``omitempty``; ``auto: off`` is
zero), the name for the YAML text; the shared :class:`..common.enums.GoEnum` codec handles both,
so each enum here only lists its names.
"""

from __future__ import annotations

from ..common.enums import GoEnum


class AutoHostnameKind(GoEnum):
    """How the hostname is generated automatically (``off`` is the zero value)."""

    TYPE_NAME = "AutoHostnameKind"
    NAMES = {0: "off", 1: "talos-addr", 2: "stable"}


class BondMode(GoEnum):
    TYPE_NAME = "BondMode"
    NAMES = {
        0: "balance-rr",
        1: "active-backup",
        2: "balance-xor",
        3: "broadcast",
        4: "802.3ad",
        5: "balance-tlb",
        6: "balance-alb",
    }


class BondXmitHashPolicy(GoEnum):
    TYPE_NAME = "BondXmitHashPolicy"
    NAMES = {0: "layer2", 1: "layer3+4", 2: "layer2+3", 3: "encap2+3", 4: "encap3+4"}


class ARPValidate(GoEnum):
    TYPE_NAME = "ARPValidate"
    NAMES = {
        0: "none",
        1: "active",
        2: "backup",
        3: "all",
        4: "filter",
        5: "filter-active",
        6: "filter-backup",
    }


class ARPAllTargets(GoEnum):
    TYPE_NAME = "ARPAllTargets"
    NAMES = {0: "any", 1: "all"}


class LACPRate(GoEnum):
    TYPE_NAME = "LACPRate"
    NAMES = {0: "slow", 1: "fast"}


class FailOverMAC(GoEnum):
    TYPE_NAME = "FailOverMAC"
    NAMES = {0: "none", 1: "active", 2: "follow"}


class ADSelect(GoEnum):
    TYPE_NAME = "ADSelect"
    NAMES = {0: "stable", 1: "bandwidth", 2: "count"}


class ADLACPActive(GoEnum):
    TYPE_NAME = "ADLACPActive"
    NAMES = {0: "off", 1: "on"}


class PrimaryReselect(GoEnum):
    TYPE_NAME = "PrimaryReselect"
    NAMES = {0: "always", 1: "better", 2: "failure"}


class ClientIdentifier(GoEnum):
    """DHCP client identifier kind (``mac`` is Talos's default when unset)."""

    TYPE_NAME = "ClientIdentifier"
    NAMES = {0: "none", 1: "mac", 2: "duid"}


class DefaultAction(GoEnum):
    TYPE_NAME = "DefaultAction"
    NAMES = {0: "accept", 1: "block"}


class DNSProtocol(GoEnum):
    TYPE_NAME = "DNSProtocol"
    NAMES = {0: "Do53", 1: "DoT", 2: "DoH"}


class Protocol(GoEnum):
    """IP protocol of a firewall rule (numbers are the IANA protocol numbers)."""

    TYPE_NAME = "Protocol"
    NAMES = {1: "icmp", 6: "tcp", 17: "udp", 58: "icmpv6"}


class VLANProtocol(GoEnum):
    TYPE_NAME = "VLANProtocol"
    NAMES = {0x8100: "802.1q", 0x88A8: "802.1ad"}


class WOLMode(GoEnum):
    """A Wake-on-LAN mode (bit flags as in ethtool)."""

    TYPE_NAME = "WOLMode"
    NAMES = {
        1 << 0: "phy",
        1 << 1: "unicast",
        1 << 2: "multicast",
        1 << 3: "broadcast",
        1 << 4: "arp",
        1 << 5: "magic",
        1 << 6: "magicsecure",
        1 << 7: "filter",
    }


class RoutingRuleAction(GoEnum):
    TYPE_NAME = "RoutingRuleAction"
    NAMES = {0: "unspec", 1: "unicast", 6: "blackhole", 7: "unreachable", 8: "prohibit"}


class RoutingTable(GoEnum):
    """A routing table: a well-known name (``main``…) or a number, written ``"100"`` when numeric."""

    TYPE_NAME = "RoutingTable"
    NAMES = {0: "unspec", 253: "default", 254: "main", 255: "local"}

    @classmethod
    def parse(cls, text: str) -> RoutingTable:
        if text.isdigit():
            number = int(text)
            if number >= 2**32:
                raise ValueError(f'strconv.ParseUint: parsing "{text}": value out of range')
            return cls(number)
        return super().parse(text)

    def __str__(self) -> str:
        return self.NAMES.get(self.value, str(self.value))

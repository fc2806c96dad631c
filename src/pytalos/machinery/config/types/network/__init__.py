"""Network documents (Talos ``pkg/machinery/config/types/network``).

Importing this package registers every network kind with the document registry; the classes and
the field types they use are re-exported here for callers (network controllers, generators).
"""

from __future__ import annotations

from ..common.enums import GoEnum
from ..common.netaddr import Addr, AddrPort, HardwareAddr, Prefix
from ..common.url import URL
from .bgp import BGPBFDConfig, BGPImportRoute, BGPInstanceConfigV1Alpha1, BGPNeighborConfig
from .bond import BondConfigV1Alpha1
from .dhcp import DHCPv4ConfigV1Alpha1, DHCPv6ConfigV1Alpha1
from .enums import (
    ADLACPActive,
    ADSelect,
    ARPAllTargets,
    ARPValidate,
    AutoHostnameKind,
    BondMode,
    BondXmitHashPolicy,
    ClientIdentifier,
    DefaultAction,
    DNSProtocol,
    FailOverMAC,
    LACPRate,
    PrimaryReselect,
    Protocol,
    RoutingRuleAction,
    RoutingTable,
    VLANProtocol,
    WOLMode,
)
from .ethernet import EthernetChannelsConfig, EthernetConfigV1Alpha1, EthernetRingsConfig
from .firewall import DefaultActionConfigV1Alpha1, IngressRule, RuleConfigV1Alpha1, RulePortSelector
from .host import (
    HostDNSConfig,
    HostnameConfigV1Alpha1,
    NameserverConfig,
    ResolverConfigV1Alpha1,
    SearchDomainsConfig,
    StaticHostConfigV1Alpha1,
)
from .kubespan import KubeSpanConfigV1Alpha1, KubespanEndpointsConfigV1Alpha1, KubeSpanFiltersConfig
from .link import AddressConfig, CommonLinkConfig, LinkConfigV1Alpha1, RouteConfig, conflicting_link_kinds
from .link_alias import LinkAliasConfigV1Alpha1, LinkSelector
from .logical_links import (
    BridgeConfigV1Alpha1,
    BridgeSTPConfig,
    BridgeVLANConfig,
    DummyLinkConfigV1Alpha1,
    VethConfigV1Alpha1,
    VethPeerConfig,
    VLANConfigV1Alpha1,
    VRFConfigV1Alpha1,
)
from .port_range import PortRange, validate_port_ranges
from .probe import CommonProbeConfig, HTTPProbeConfigV1Alpha1, TCPProbeConfigV1Alpha1
from .routing import BlackholeRouteConfigV1Alpha1, RoutingRuleConfigV1Alpha1
from .time_sync import NTPConfig, PTPConfig, TimeSyncConfigV1Alpha1
from .vip import HCloudVIPConfigV1Alpha1, Layer2VIPConfigV1Alpha1
from .wireguard import WireguardConfigV1Alpha1, WireguardPeer

__all__ = [
    "URL",
    "ADLACPActive",
    "ADSelect",
    "ARPAllTargets",
    "ARPValidate",
    "Addr",
    "AddrPort",
    "AddressConfig",
    "AutoHostnameKind",
    "BGPBFDConfig",
    "BGPImportRoute",
    "BGPInstanceConfigV1Alpha1",
    "BGPNeighborConfig",
    "BlackholeRouteConfigV1Alpha1",
    "BondConfigV1Alpha1",
    "BondMode",
    "BondXmitHashPolicy",
    "BridgeConfigV1Alpha1",
    "BridgeSTPConfig",
    "BridgeVLANConfig",
    "ClientIdentifier",
    "CommonLinkConfig",
    "CommonProbeConfig",
    "DHCPv4ConfigV1Alpha1",
    "DHCPv6ConfigV1Alpha1",
    "DNSProtocol",
    "DefaultAction",
    "DefaultActionConfigV1Alpha1",
    "DummyLinkConfigV1Alpha1",
    "EthernetChannelsConfig",
    "EthernetConfigV1Alpha1",
    "EthernetRingsConfig",
    "FailOverMAC",
    "GoEnum",
    "HCloudVIPConfigV1Alpha1",
    "HTTPProbeConfigV1Alpha1",
    "HardwareAddr",
    "HostDNSConfig",
    "HostnameConfigV1Alpha1",
    "IngressRule",
    "KubeSpanConfigV1Alpha1",
    "KubeSpanFiltersConfig",
    "KubespanEndpointsConfigV1Alpha1",
    "LACPRate",
    "Layer2VIPConfigV1Alpha1",
    "LinkAliasConfigV1Alpha1",
    "LinkConfigV1Alpha1",
    "LinkSelector",
    "NTPConfig",
    "NameserverConfig",
    "PTPConfig",
    "PortRange",
    "Prefix",
    "PrimaryReselect",
    "Protocol",
    "ResolverConfigV1Alpha1",
    "RouteConfig",
    "RoutingRuleAction",
    "RoutingRuleConfigV1Alpha1",
    "RoutingTable",
    "RuleConfigV1Alpha1",
    "RulePortSelector",
    "SearchDomainsConfig",
    "StaticHostConfigV1Alpha1",
    "TCPProbeConfigV1Alpha1",
    "TimeSyncConfigV1Alpha1",
    "VLANConfigV1Alpha1",
    "VLANProtocol",
    "VRFConfigV1Alpha1",
    "VethConfigV1Alpha1",
    "VethPeerConfig",
    "WOLMode",
    "WireguardConfigV1Alpha1",
    "WireguardPeer",
    "conflicting_link_kinds",
    "validate_port_ranges",
]

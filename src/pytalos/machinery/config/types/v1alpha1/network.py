"""``machine.network`` of the v1alpha1 document (deprecated at HEAD in favour of network documents).

Besides field order and ``omitempty``, two list types carry Talos's custom ``Merge``: a patch to
``interfaces`` updates the entry with the same ``interface`` name (or an identical
``deviceSelector``) instead of appending a duplicate, and ``vlans`` are matched by ``vlanId``.
"""

from __future__ import annotations

from ...codecs import Duration
from ...schema import ExampleList, Struct, merge_structs, yfield


class NetworkDeviceSelector(Struct):
    """Selects a link by bus path, MAC, PCI ID, driver… (wildcards allowed)."""

    network_device_bus: str = yfield("busPath", omitempty=True, doc="PCI/USB bus prefix.")
    network_device_hardware_address: str = yfield("hardwareAddr", omitempty=True, doc="MAC address.")
    network_device_permanent_address: str = yfield("permanentAddr", omitempty=True, doc="Permanent MAC.")
    network_device_pciid: str = yfield("pciID", omitempty=True, doc="PCI vendor and product ID.")
    network_device_kernel_driver: str = yfield("driver", omitempty=True, doc="Kernel driver name.")
    network_device_physical: bool | None = yfield("physical", omitempty=True, doc="Physical devices only.")

    def same_as(self, other: NetworkDeviceSelector) -> bool:
        """Go's ``*a == *b`` on the struct: strings equal and the same ``physical`` pointer.

        Two separately decoded ``physical`` values are distinct pointers in Go, so selectors that both
        set ``physical`` never match; we mirror that so patches merge exactly as Talos merges them.
        """
        return (
            self.network_device_bus == other.network_device_bus
            and self.network_device_hardware_address == other.network_device_hardware_address
            and self.network_device_permanent_address == other.network_device_permanent_address
            and self.network_device_pciid == other.network_device_pciid
            and self.network_device_kernel_driver == other.network_device_kernel_driver
            and (self.network_device_physical is other.network_device_physical is None or self is other)
        )


class Route(Struct):
    """A static route."""

    route_network: str = yfield("network", doc="Destination prefix.")
    route_gateway: str = yfield("gateway", doc="Gateway address (empty for a link-scope route).")
    route_source: str = yfield("source", omitempty=True, doc="Source address.")
    route_metric: int = yfield("metric", omitempty=True, doc="Route metric.")
    route_mtu: int = yfield("mtu", omitempty=True, doc="Route MTU.")


class DHCPOptions(Struct):
    """DHCP client options."""

    dhcp_route_metric: int = yfield("routeMetric", doc="Metric of routes received via DHCP.")
    dhcp_ipv4: bool | None = yfield("ipv4", omitempty=True, doc="Enable DHCPv4.")
    dhcp_ipv6: bool | None = yfield("ipv6", omitempty=True, doc="Enable DHCPv6.")
    dhcp_duidv6: str = yfield("duidv6", omitempty=True, doc="Client DUID (hex).")


class DeviceWireguardPeer(Struct):
    """A WireGuard peer."""

    wireguard_public_key: str = yfield("publicKey", omitempty=True, doc="Peer public key.")
    wireguard_endpoint: str = yfield("endpoint", omitempty=True, doc="Peer endpoint.")
    wireguard_persistent_keepalive_interval: Duration = yfield(
        "persistentKeepaliveInterval", omitempty=True, default_factory=Duration, doc="Keepalive interval."
    )
    wireguard_allowed_ips: list[str] = yfield("allowedIPs", omitempty=True, doc="Allowed IP prefixes.")


class DeviceWireguardConfig(Struct):
    """WireGuard link settings."""

    wireguard_private_key: str = yfield("privateKey", omitempty=True, doc="Private key (base64).")
    wireguard_listen_port: int = yfield("listenPort", omitempty=True, doc="Listening port.")
    wireguard_firewall_mark: int = yfield("firewallMark", omitempty=True, doc="Firewall mark.")
    wireguard_peers: list[DeviceWireguardPeer] = yfield("peers", omitempty=True, doc="Peers.")


class VIPEquinixMetalConfig(Struct):
    """Equinix Metal API settings for a VIP."""

    equinix_metal_api_token: str = yfield("apiToken", doc="Equinix Metal API token.")


class VIPHCloudConfig(Struct):
    """Hetzner Cloud API settings for a VIP."""

    hcloud_api_token: str = yfield("apiToken", doc="Hetzner Cloud API token.")


class DeviceVIPConfig(Struct):
    """A shared (virtual) IP on a link."""

    shared_ip: str = yfield("ip", omitempty=True, doc="The shared IP address.")
    equinix_metal_config: VIPEquinixMetalConfig | None = yfield(
        "equinixMetal", omitempty=True, doc="Equinix."
    )
    hcloud_config: VIPHCloudConfig | None = yfield("hcloud", omitempty=True, doc="Hetzner Cloud.")


class Bond(Struct):
    """Bond link options (kernel bonding driver settings)."""

    bond_interfaces: list[str] = yfield("interfaces", doc="Member links.")
    bond_device_selectors: list[NetworkDeviceSelector] = yfield(
        "deviceSelectors", omitempty=True, doc="Member links by selector."
    )
    bond_arpip_target: list[str] = yfield("arpIPTarget", omitempty=True, doc="ARP IP targets.")
    bond_mode: str = yfield("mode", doc="Bond mode.")
    bond_hash_policy: str = yfield("xmitHashPolicy", omitempty=True, doc="Transmit hash policy.")
    bond_lacp_rate: str = yfield("lacpRate", omitempty=True, doc="LACP rate.")
    bond_ad_actor_system: str = yfield("adActorSystem", omitempty=True, doc="802.3ad actor system.")
    bond_arp_validate: str = yfield("arpValidate", omitempty=True, doc="ARP validation.")
    bond_arp_all_targets: str = yfield("arpAllTargets", omitempty=True, doc="ARP all targets.")
    bond_primary: str = yfield("primary", omitempty=True, doc="Primary member.")
    bond_primary_reselect: str = yfield("primaryReselect", omitempty=True, doc="Primary reselect policy.")
    bond_fail_over_mac: str = yfield("failOverMac", omitempty=True, doc="Fail-over MAC policy.")
    bond_ad_select: str = yfield("adSelect", omitempty=True, doc="802.3ad aggregator selection.")
    bond_mii_mon: int = yfield("miimon", omitempty=True, doc="MII monitoring interval.")
    bond_up_delay: int = yfield("updelay", omitempty=True, doc="Up delay.")
    bond_down_delay: int = yfield("downdelay", omitempty=True, doc="Down delay.")
    bond_arp_interval: int = yfield("arpInterval", omitempty=True, doc="ARP interval.")
    bond_resend_igmp: int = yfield("resendIgmp", omitempty=True, doc="IGMP resend count.")
    bond_min_links: int = yfield("minLinks", omitempty=True, doc="Minimum active links.")
    bond_lp_interval: int = yfield("lpInterval", omitempty=True, doc="Learning packet interval.")
    bond_packets_per_slave: int = yfield("packetsPerSlave", omitempty=True, doc="Packets per member.")
    bond_num_peer_notif: int = yfield("numPeerNotif", omitempty=True, doc="Peer notifications.")
    bond_tlb_dynamic_lb: int = yfield("tlbDynamicLb", omitempty=True, doc="TLB dynamic balancing.")
    bond_all_slaves_active: int = yfield("allSlavesActive", omitempty=True, doc="All members active.")
    bond_use_carrier: bool | None = yfield("useCarrier", omitempty=True, doc="Use carrier state.")
    bond_ad_actor_sys_prio: int = yfield("adActorSysPrio", omitempty=True, doc="Actor system priority.")
    bond_ad_user_port_key: int = yfield("adUserPortKey", omitempty=True, doc="User port key.")
    bond_peer_notify_delay: int = yfield("peerNotifyDelay", omitempty=True, doc="Peer notify delay.")


class STP(Struct):
    """Spanning tree settings of a bridge."""

    stp_enabled: bool | None = yfield("enabled", omitempty=True, doc="Enable STP.")


class BridgeVLAN(Struct):
    """VLAN settings of a bridge."""

    bridge_vlan_filtering: bool | None = yfield("vlanFiltering", omitempty=True, doc="VLAN filtering.")


class Bridge(Struct):
    """Bridge link options."""

    bridged_interfaces: list[str] = yfield("interfaces", doc="Member links.")
    bridge_stp: STP | None = yfield("stp", omitempty=True, doc="STP settings.")
    bridge_vlan: BridgeVLAN | None = yfield("vlan", omitempty=True, doc="VLAN settings.")


class BridgePort(Struct):
    """Makes a link a port of a bridge."""

    bridge_port_master: str = yfield("master", omitempty=True, doc="Bridge link name.")


class Vlan(Struct):
    """A VLAN on top of a link."""

    vlan_addresses: list[str] = yfield("addresses", omitempty=True, doc="Addresses (CIDR or plain IP).")
    vlan_cidr: str = yfield("cidr", omitempty=True, doc="Deprecated single address.")
    vlan_routes: list[Route] = yfield("routes", doc="Routes.")
    vlan_dhcp: bool | None = yfield("dhcp", omitempty=True, doc="Use DHCP.")
    vlan_id: int = yfield("vlanId", doc="VLAN ID.")
    vlan_mtu: int = yfield("mtu", omitempty=True, doc="MTU.")
    vlan_vip: DeviceVIPConfig | None = yfield("vip", omitempty=True, doc="Shared IP.")
    vlan_dhcp_options: DHCPOptions | None = yfield("dhcpOptions", omitempty=True, doc="DHCP options.")


def merge_vlans(left: list[Vlan] | None, right: list[Vlan] | None) -> list[Vlan]:
    """Talos ``VlanList.Merge``: a right VLAN updates the left one with the same ``vlanId``, else appends."""
    merged = list(left or [])
    for vlan in right or []:
        existing = next((v for v in merged if v.vlan_id == vlan.vlan_id), None)
        if existing is not None:
            merge_structs(existing, vlan)
        else:
            merged.append(vlan)
    return merged


class Device(Struct):
    """One entry of ``machine.network.interfaces``."""

    device_interface: str = yfield("interface", omitempty=True, doc="Link name.")
    device_selector: NetworkDeviceSelector | None = yfield(
        "deviceSelector", omitempty=True, doc="Link selector."
    )
    device_addresses: list[str] = yfield(
        "addresses",
        omitempty=True,
        doc="Static addresses.",
        examples=[("An IPv4 and an IPv6 address.", ["192.168.10.20/24", "fd00:10::20/64"])],
    )
    device_cidr: str = yfield("cidr", omitempty=True, doc="Deprecated single address.")
    device_routes: list[Route] = yfield(
        "routes", omitempty=True, doc="Routes.", examples=lambda: [("A default route.", [_default_route()])]
    )
    device_bond: Bond | None = yfield(
        "bond", omitempty=True, doc="Bond options.", examples=lambda: [("An LACP bond.", _bond())]
    )
    device_bridge: Bridge | None = yfield("bridge", omitempty=True, doc="Bridge options.")
    device_bridge_port: BridgePort | None = yfield("bridgePort", omitempty=True, doc="Bridge port options.")
    device_vlans: list[Vlan] = yfield(
        "vlans",
        omitempty=True,
        merge=merge_vlans,
        doc="VLANs.",
        examples=lambda: [("VLAN 100 with a static address.", [_vlan()])],
    )
    device_mtu: int = yfield("mtu", omitempty=True, doc="MTU.")
    device_dhcp: bool | None = yfield("dhcp", omitempty=True, doc="Use DHCP.")
    device_ignore: bool | None = yfield("ignore", omitempty=True, doc="Skip configuring this link.")
    device_dummy: bool | None = yfield("dummy", omitempty=True, doc="Create a dummy link.")
    device_dhcp_options: DHCPOptions | None = yfield("dhcpOptions", omitempty=True, doc="DHCP options.")
    device_wireguard_config: DeviceWireguardConfig | None = yfield(
        "wireguard", omitempty=True, doc="WireGuard."
    )
    device_vip_config: DeviceVIPConfig | None = yfield("vip", omitempty=True, doc="Shared IP.")


def _find_device(devices: list[Device], device: Device) -> Device | None:
    if device.device_interface:
        return next((d for d in devices if d.device_interface == device.device_interface), None)
    selector = device.device_selector
    if selector is not None:
        return next(
            (d for d in devices if d.device_selector is not None and d.device_selector.same_as(selector)),
            None,
        )
    return None


def merge_devices(left: list[Device] | None, right: list[Device] | None) -> list[Device]:
    """Talos ``NetworkDeviceList.Merge``: match by ``interface`` name, else by an equal ``deviceSelector``."""
    merged = list(left or [])
    for device in right or []:
        existing = _find_device(merged, device)
        if existing is not None:
            merge_structs(existing, device)
        else:
            merged.append(device)
    return merged


class ExtraHost(Struct):
    """An extra ``/etc/hosts`` entry."""

    host_ip: str = yfield("ip", doc="IP address.")
    host_aliases: list[str] = yfield("aliases", doc="Host names.")


class KubeSpanFilters(Struct):
    """KubeSpan address filters."""

    kube_span_filters_endpoints: list[str] = yfield("endpoints", omitempty=True, doc="Endpoint filters.")


class NetworkKubeSpan(Struct):
    """Deprecated KubeSpan settings (now the KubeSpanConfig document)."""

    kube_span_enabled: bool | None = yfield("enabled", omitempty=True, doc="Enable KubeSpan.")
    kube_span_advertise_kubernetes_networks: bool | None = yfield(
        "advertiseKubernetesNetworks", omitempty=True, doc="Route pod CIDRs over KubeSpan."
    )
    kube_span_allow_down_peer_bypass: bool | None = yfield(
        "allowDownPeerBypass", omitempty=True, doc="Bypass KubeSpan for down peers."
    )
    kube_span_harvest_extra_endpoints: bool | None = yfield(
        "harvestExtraEndpoints", omitempty=True, doc="Publish harvested endpoints."
    )
    kube_span_mtu: int | None = yfield("mtu", omitempty=True, doc="KubeSpan link MTU.")
    kube_span_filters: KubeSpanFilters | None = yfield("filters", omitempty=True, doc="Address filters.")


class NetworkConfig(Struct):
    """``machine.network``."""

    network_hostname: str = yfield(
        "hostname", omitempty=True, doc="Static hostname.", examples=[("A fixed name.", "worker-1")]
    )
    network_interfaces: list[Device] = yfield(
        "interfaces",
        omitempty=True,
        merge=merge_devices,
        doc="Links.",
        examples=lambda: _interfaces_examples(),
    )
    name_servers: list[str] = yfield(
        "nameservers",
        omitempty=True,
        doc="DNS servers.",
        examples=[("Two public resolvers.", ["1.1.1.1", "9.9.9.9"])],
    )
    searches: list[str] = yfield("searchDomains", omitempty=True, doc="DNS search domains.")
    extra_host_entries: list[ExtraHost] = yfield(
        "extraHostEntries",
        omitempty=True,
        doc="Extra hosts.",
        examples=lambda: [
            ("Names for a registry on the LAN.", [ExtraHost("192.168.10.50", ["registry", "registry.lan"])])
        ],
    )
    network_kube_span: NetworkKubeSpan | None = yfield("kubespan", omitempty=True, doc="KubeSpan settings.")
    network_disable_search_domain: bool | None = yfield(
        "disableSearchDomain", omitempty=True, doc="Do not add the default search domain."
    )


# ---------------------------------------------------------------- examples (--with-examples)


def _default_route() -> Route:
    return Route(route_network="0.0.0.0/0", route_gateway="192.168.10.1", route_metric=1024)


def _bond() -> Bond:
    return Bond(bond_interfaces=["eth0", "eth1"], bond_mode="802.3ad", bond_lacp_rate="fast")


def _vlan() -> Vlan:
    return Vlan(vlan_addresses=["10.100.0.20/24"], vlan_id=100, vlan_mtu=1500)


def _interfaces_examples() -> ExampleList:
    static = Device(
        device_interface="eth0",
        device_addresses=["192.168.10.20/24"],
        device_routes=[_default_route()],
        device_mtu=1500,
    )
    bonded = Device(device_interface="bond0", device_bond=_bond(), device_dhcp=True, device_vlans=[_vlan()])
    return [
        ("A static address with a default route.", [static]),
        ("Two links bonded, plus a VLAN.", [bonded]),
    ]

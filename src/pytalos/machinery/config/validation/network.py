"""Rules for ``machine.network`` of a v1alpha1 config (links, bonds, bridges, VLANs, routes, WireGuard).

Talos checks each ``interfaces[]`` entry with ``CheckDeviceInterface``, ``CheckDeviceAddressing``
and ``CheckDeviceRoutes`` after collecting which links are members of a bond or bridge; the
messages keep Talos's historical ``[networking.os.device…]`` prefixes so they match what users
search for.
"""

from __future__ import annotations

from ..schema import is_zero
from ..types.common.gofmt import go_quote
from ..types.v1alpha1 import Bond, Device, DeviceWireguardConfig, NetworkConfig
from .netutil import address_contains_port, go_base64_decode, parse_cidr, parse_ip, validate_ip_or_cidr
from .report import Report

ERR_REQUIRED_SECTION_OPTIONS = "required either config section to be set"
ERR_MUTUALLY_EXCLUSIVE = "config sections are mutually exclusive"
ERR_EMPTY = "config section should contain at least one field"
ERR_INVALID_ADDRESS = "invalid network address"

# nethelpers ``*ByName`` parsers: accepted names ("" is the default) and the error prefix
BOND_MODES = (
    "balance-rr",
    "active-backup",
    "balance-xor",
    "broadcast",
    "802.3ad",
    "balance-tlb",
    "balance-alb",
)
_BOND_ENUMS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "bond_hash_policy",
        ("layer2", "layer3+4", "layer2+3", "encap2+3", "encap3+4"),
        "invalid xmit hash policy",
    ),
    ("bond_lacp_rate", ("slow", "fast"), "invalid lacp rate"),
    ("bond_arp_validate", ("none", "active", "backup", "all"), "invalid arp_validate mode"),
    ("bond_arp_all_targets", ("any", "all"), "invalid arp_all_targets mode"),
    ("bond_primary_reselect", ("always", "better", "failure"), "invalid primary_reselect mode"),
    ("bond_fail_over_mac", ("none", "active", "follow"), "invalid fail_over_mac value"),
    ("bond_ad_select", ("stable", "bandwidth", "count"), "invalid ad_select mode"),
)
_RR, _AB, _8023AD, _TLB, _ALB = "balance-rr", "active-backup", "802.3ad", "balance-tlb", "balance-alb"


def secondary_interfaces(network: NetworkConfig, report: Report) -> dict[str, str]:
    """Member link → owning bond/bridge; reports bond+bridge on one link and links in two masters."""
    owners: dict[str, str] = {}
    for device in network.network_interfaces:
        name = device.device_interface
        if device.device_bond is not None and device.device_bridge is not None:
            report.error(
                f"interface has both bridge and bond sections set {go_quote(name)}: {ERR_MUTUALLY_EXCLUSIVE}"
            )
        members: list[str] = []
        if device.device_bond is not None:
            members = device.device_bond.bond_interfaces
            if device.device_bond.bond_interfaces and device.device_bond.bond_device_selectors:
                report.error(
                    f"interface {go_quote(name)} has both interfaces and selectors set: "
                    f"{ERR_MUTUALLY_EXCLUSIVE}"
                )
        if device.device_bridge is not None:
            members = device.device_bridge.bridged_interfaces
        for member in members:
            other = owners.get(member)
            if other is not None and other != name:
                report.error(
                    f"interface {go_quote(member)} is declared as part of two separate links: "
                    f"{go_quote(other)} and {go_quote(name)}"
                )
            owners[member] = name
    return owners


def validate_network(network: NetworkConfig, report: Report) -> None:
    """All ``machine.network.interfaces`` rules (the KubeSpan ones live with the machine rules)."""
    owners = secondary_interfaces(network, report)
    for device in network.network_interfaces:
        if device.device_ignore:
            continue
        check_device_interface(device, report)
        check_device_addressing(device, owners, report)
        check_device_routes(device, report)


def check_device_interface(device: Device, report: Report) -> None:
    """``CheckDeviceInterface``: name or selector (not both, selector not empty), bond/WireGuard/VLANs."""
    sections = "[networking.os.device.interface], [networking.os.device.deviceSelector]"
    if not device.device_interface and device.device_selector is None:
        report.error(f"{sections}: {ERR_REQUIRED_SECTION_OPTIONS}")
    elif device.device_interface and device.device_selector is not None:
        report.error(f"{sections}: {ERR_MUTUALLY_EXCLUSIVE}")
    if device.device_selector is not None and is_zero(device.device_selector):
        report.error(f"[networking.os.device.deviceSelector]: {ERR_EMPTY}")
    if device.device_bond is not None:
        report.errors.extend(check_bond(device.device_bond))
    if device.device_wireguard_config is not None:
        report.errors.extend(check_wireguard(device.device_wireguard_config))
    if device.device_vlans:
        report.errors.extend(check_vlans(device))


def check_bond(bond: Bond) -> list[str]:
    """``checkBond``: option values and their compatibility with the bond mode."""
    errors: list[str] = []
    mode = bond.bond_mode or _RR
    if mode not in BOND_MODES:
        errors.append(f"invalid bond type {bond.bond_mode}")
        mode = _RR  # Go falls back to the zero value (balance-rr) for the checks below
    for attr, names, message in _BOND_ENUMS:
        value = getattr(bond, attr)
        if value and value not in names:
            errors.append(f"{message} {value}")
    if bond.bond_mii_mon == 0:
        if bond.bond_up_delay != 0:
            errors.append("bond.upDelay can't be set if miiMon is zero")
        if bond.bond_down_delay != 0:
            errors.append("bond.downDelay can't be set if miiMon is zero")
    else:
        if bond.bond_up_delay % bond.bond_mii_mon != 0:
            errors.append("bond.upDelay should be a multiple of miiMon")
        if bond.bond_down_delay % bond.bond_mii_mon != 0:
            errors.append("bond.downDelay should be a multiple of miiMon")
    if bond.bond_arpip_target:
        errors.append("bond.arpIPTarget is not supported")
    if bond.bond_lacp_rate and mode != _8023AD:
        errors.append("bond.lacpRate is only available in 802.3ad mode")
    if bond.bond_ad_actor_system:
        errors.append("bond.adActorSystem is not supported")
    if mode in (_8023AD, _ALB, _TLB) and bond.bond_arp_validate:
        errors.append(f"bond.arpValidate is not available in {mode} mode")
    if mode not in (_AB, _ALB, _TLB) and bond.bond_primary:
        errors.append(f"bond.primary is not available in {mode} mode")
    if mode in (_8023AD, _ALB, _TLB) and bond.bond_arp_interval > 0:
        errors.append(f"bond.arpInterval is not available in {mode} mode")
    if mode != _RR and bond.bond_packets_per_slave > 1:
        errors.append(f"bond.packetsPerSlave is not available in {mode} mode")
    if mode not in (_ALB, _TLB) and bond.bond_tlb_dynamic_lb > 0:
        errors.append(f"bond.tlbDynamicTLB is not available in {mode} mode")
    if mode != _8023AD and bond.bond_ad_actor_sys_prio > 0:
        errors.append("bond.adActorSysPrio is only available in 802.3ad mode")
    if mode != _8023AD and bond.bond_ad_user_port_key > 0:
        errors.append("bond.adUserPortKey is only available in 802.3ad mode")
    return errors


def _check_wireguard_key(key: str) -> str | None:
    raw, err = go_base64_decode(key)
    if err:
        return err
    if len(raw) != 32:
        return f"wrong key {go_quote(key)} length: {len(raw)}"
    return None


def check_wireguard(wg: DeviceWireguardConfig) -> list[str]:
    """``checkWireguard``: 32-byte base64 keys, ``host:port`` endpoints, CIDR allowed IPs."""
    errors: list[str] = []
    err = _check_wireguard_key(wg.wireguard_private_key)
    if err:
        errors.append(f"private key is invalid: {err}")
    for peer in wg.wireguard_peers:
        err = _check_wireguard_key(peer.wireguard_public_key)
        if err:
            errors.append(f"public key invalid: {err}")
        if peer.wireguard_endpoint and not address_contains_port(peer.wireguard_endpoint):
            errors.append(f"peer endpoint {go_quote(peer.wireguard_endpoint)} is invalid")
        for allowed in peer.wireguard_allowed_ips:
            err = parse_cidr(allowed)
            if err:
                errors.append(f"peer allowed IP {go_quote(allowed)} is invalid: {err}")
    return errors


def check_vlans(device: Device) -> list[str]:
    """``checkVlans``: each VLAN's ``cidr``/``addresses``."""
    errors: list[str] = []
    name = device.device_interface
    for vlan in device.device_vlans:
        where = f"{name}.{vlan.vlan_id}"
        if vlan.vlan_addresses and vlan.vlan_cidr:
            errors.append(
                f"[networking.os.device.vlan] {where}: vlan can't have both .cidr and .addresses set"
            )
        if vlan.vlan_cidr:
            err = validate_ip_or_cidr(vlan.vlan_cidr)
            if err:
                errors.append(f"[networking.os.device.vlan.CIDR] {where}: {err}")
        for address in vlan.vlan_addresses:
            err = validate_ip_or_cidr(address)
            if err:
                errors.append(f"[networking.os.device.vlan.addresses] {where}: {err}")
    return errors


def check_device_addressing(device: Device, owners: dict[str, str], report: Report) -> None:
    """``CheckDeviceAddressing``: no addressing on bond/bridge members, valid addresses, cidr deprecation."""
    name = go_quote(device.device_interface)
    if device.device_interface in owners and (
        device.device_dhcp
        or device.device_cidr
        or device.device_addresses
        or device.device_vip_config is not None
    ):
        report.error(
            f"[networking.os.device] {name}: bonded/bridged interface shouldn't have any "
            "addressing methods configured"
        )
    if device.device_addresses and device.device_cidr:
        report.error(f"[networking.os.device] {name}: interface can't have both .cidr and .addresses set")
    if device.device_cidr:
        err = validate_ip_or_cidr(device.device_cidr)
        if err:
            report.error(f"[networking.os.device.CIDR] {name}: {err}")
        report.warn(
            f"{name}: machine.network.interface.cidr is deprecated, please use "
            "machine.network.interface.addresses"
        )
    for address in device.device_addresses:
        err = validate_ip_or_cidr(address)
        if err:
            report.error(f"[networking.os.device.addresses] {name}: {err}")
    if device.device_vip_config is not None and parse_ip(device.device_vip_config.shared_ip) is None:
        report.error(
            "[networking.os.device.vip] failed to parse "
            f"{go_quote(device.device_vip_config.shared_ip)} as IP address"
        )


def check_device_routes(device: Device, report: Report) -> None:
    """``CheckDeviceRoutes``: network is a CIDR, gateway/source are IPs, one of network/gateway set."""
    for idx, route in enumerate(device.device_routes):
        where = f"networking.os.device.route[{idx}]"
        if route.route_network and parse_cidr(route.route_network):
            report.error(f"[{where}.network] {go_quote(route.route_network)}: {ERR_INVALID_ADDRESS}")
        if route.route_gateway and parse_ip(route.route_gateway) is None:
            report.error(f"[{where}.gateway] {go_quote(route.route_gateway)}: {ERR_INVALID_ADDRESS}")
        if not route.route_gateway and not route.route_network:
            report.error(f"[{where}]: either network or gateway should be set")
        if route.route_source and parse_ip(route.route_source) is None:
            report.error(f"[{where}.source] {go_quote(route.route_source)}: {ERR_INVALID_ADDRESS}")

"""Rules for ``machine.network`` of a v1alpha1 config (links, bonds, bridges, VLANs, routes, WireGuard).

Talos checks each ``interfaces[]`` entry with ``CheckDeviceInterface``, ``CheckDeviceAddressing``
and ``CheckDeviceRoutes`` after collecting which links are members of a bond or bridge; the
messages keep Talos's historical ``[networking.os.device…]`` prefixes so they match what users
search for.
"""

from __future__ import annotations

from ..schema import is_zero
from ..types.common.gobase64 import go_base64_decode
from ..types.common.gofmt import go_quote
from ..types.v1alpha1 import Bond, Device, DeviceWireguardConfig, NetworkConfig
from .located import join_path, located
from .netutil import address_contains_port, parse_cidr, parse_ip, validate_ip_or_cidr
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
INTERFACES_PATH = "machine.network.interfaces"


def secondary_interfaces(network: NetworkConfig, report: Report) -> dict[str, str]:
    """Member link → owning bond/bridge; reports bond+bridge on one link and links in two masters."""
    owners: dict[str, str] = {}
    for idx, device in enumerate(network.network_interfaces):
        name = device.device_interface
        where = f"{INTERFACES_PATH}[{idx}]"
        if device.device_bond is not None and device.device_bridge is not None:
            report.error(
                f"interface has both bridge and bond sections set {go_quote(name)}: {ERR_MUTUALLY_EXCLUSIVE}",
                where,
            )
        members: list[str] = []
        members_path = where
        if device.device_bond is not None:
            members = device.device_bond.bond_interfaces
            members_path = f"{where}.bond.interfaces"
            if device.device_bond.bond_interfaces and device.device_bond.bond_device_selectors:
                report.error(
                    f"interface {go_quote(name)} has both interfaces and selectors set: "
                    f"{ERR_MUTUALLY_EXCLUSIVE}",
                    f"{where}.bond",
                )
        if device.device_bridge is not None:
            members = device.device_bridge.bridged_interfaces
            members_path = f"{where}.bridge.interfaces"
        for midx, member in enumerate(members):
            other = owners.get(member)
            if other is not None and other != name:
                report.error(
                    f"interface {go_quote(member)} is declared as part of two separate links: "
                    f"{go_quote(other)} and {go_quote(name)}",
                    f"{members_path}[{midx}]",
                )
            owners[member] = name
    return owners


def validate_network(network: NetworkConfig, report: Report) -> None:
    """All ``machine.network.interfaces`` rules (the KubeSpan ones live with the machine rules)."""
    owners = secondary_interfaces(network, report)
    for idx, device in enumerate(network.network_interfaces):
        if device.device_ignore:
            continue
        where = f"{INTERFACES_PATH}[{idx}]"
        check_device_interface(device, report, where)
        check_device_addressing(device, owners, report, where)
        check_device_routes(device, report, where)


def check_device_interface(device: Device, report: Report, path: str = "") -> None:
    """``CheckDeviceInterface``: name or selector (not both, selector not empty), bond/WireGuard/VLANs.

    ``path`` is where the device is (``machine.network.interfaces[i]``); messages are located under it.
    """
    sections = "[networking.os.device.interface], [networking.os.device.deviceSelector]"
    if not device.device_interface and device.device_selector is None:
        report.error(f"{sections}: {ERR_REQUIRED_SECTION_OPTIONS}", _sub(path, "interface"))
    elif device.device_interface and device.device_selector is not None:
        report.error(f"{sections}: {ERR_MUTUALLY_EXCLUSIVE}", _sub(path, "deviceSelector"))
    if device.device_selector is not None and is_zero(device.device_selector):
        report.error(f"[networking.os.device.deviceSelector]: {ERR_EMPTY}", _sub(path, "deviceSelector"))
    if device.device_bond is not None:
        report.errors.extend(check_bond(device.device_bond, _sub(path, "bond")))
    if device.device_wireguard_config is not None:
        wireguard = _sub(path, "wireguard")
        report.errors.extend(check_wireguard(device.device_wireguard_config, wireguard))
    if device.device_vlans:
        report.errors.extend(check_vlans(device, path))


def _sub(path: str, *parts: str | int) -> str:
    """``path`` extended by ``parts``, or "" when there is no base path (messages stay plain)."""
    return join_path(path, *parts) if path else ""


def _at(message: str, path: str) -> str:
    return located(message, path) if path else message


_BOND_KEYS = {
    "bond_hash_policy": "xmitHashPolicy",
    "bond_lacp_rate": "lacpRate",
    "bond_arp_validate": "arpValidate",
    "bond_arp_all_targets": "arpAllTargets",
    "bond_primary_reselect": "primaryReselect",
    "bond_fail_over_mac": "failOverMac",
    "bond_ad_select": "adSelect",
}


def check_bond(bond: Bond, path: str = "") -> list[str]:
    """``checkBond``: option values and their compatibility with the bond mode (located under ``path``)."""
    errors: list[str] = []
    mode = bond.bond_mode or _RR
    if mode not in BOND_MODES:
        errors.append(_at(f"invalid bond type {bond.bond_mode}", _sub(path, "mode")))
        mode = _RR  # Go falls back to the zero value (balance-rr) for the checks below
    for attr, names, message in _BOND_ENUMS:
        value = getattr(bond, attr)
        if value and value not in names:
            errors.append(_at(f"{message} {value}", _sub(path, _BOND_KEYS[attr])))
    if bond.bond_mii_mon == 0:
        if bond.bond_up_delay != 0:
            errors.append(_at("bond.upDelay can't be set if miiMon is zero", _sub(path, "updelay")))
        if bond.bond_down_delay != 0:
            errors.append(_at("bond.downDelay can't be set if miiMon is zero", _sub(path, "downdelay")))
    else:
        if bond.bond_up_delay % bond.bond_mii_mon != 0:
            errors.append(_at("bond.upDelay should be a multiple of miiMon", _sub(path, "updelay")))
        if bond.bond_down_delay % bond.bond_mii_mon != 0:
            errors.append(_at("bond.downDelay should be a multiple of miiMon", _sub(path, "downdelay")))
    if bond.bond_arpip_target:
        errors.append(_at("bond.arpIPTarget is not supported", _sub(path, "arpIPTarget")))
    if bond.bond_lacp_rate and mode != _8023AD:
        errors.append(_at("bond.lacpRate is only available in 802.3ad mode", _sub(path, "lacpRate")))
    if bond.bond_ad_actor_system:
        errors.append(_at("bond.adActorSystem is not supported", _sub(path, "adActorSystem")))
    if mode in (_8023AD, _ALB, _TLB) and bond.bond_arp_validate:
        errors.append(_at(f"bond.arpValidate is not available in {mode} mode", _sub(path, "arpValidate")))
    if mode not in (_AB, _ALB, _TLB) and bond.bond_primary:
        errors.append(_at(f"bond.primary is not available in {mode} mode", _sub(path, "primary")))
    if mode in (_8023AD, _ALB, _TLB) and bond.bond_arp_interval > 0:
        errors.append(_at(f"bond.arpInterval is not available in {mode} mode", _sub(path, "arpInterval")))
    if mode != _RR and bond.bond_packets_per_slave > 1:
        errors.append(
            _at(f"bond.packetsPerSlave is not available in {mode} mode", _sub(path, "packetsPerSlave"))
        )
    if mode not in (_ALB, _TLB) and bond.bond_tlb_dynamic_lb > 0:
        errors.append(_at(f"bond.tlbDynamicTLB is not available in {mode} mode", _sub(path, "tlbDynamicLb")))
    if mode != _8023AD and bond.bond_ad_actor_sys_prio > 0:
        errors.append(
            _at("bond.adActorSysPrio is only available in 802.3ad mode", _sub(path, "adActorSysPrio"))
        )
    if mode != _8023AD and bond.bond_ad_user_port_key > 0:
        errors.append(
            _at("bond.adUserPortKey is only available in 802.3ad mode", _sub(path, "adUserPortKey"))
        )
    return errors


def _check_wireguard_key(key: str) -> str | None:
    raw, err = go_base64_decode(key)
    if err:
        return err
    if len(raw) != 32:
        return f"wrong key {go_quote(key)} length: {len(raw)}"
    return None


def check_wireguard(wg: DeviceWireguardConfig, path: str = "") -> list[str]:
    """``checkWireguard``: 32-byte base64 keys, ``host:port`` endpoints, CIDR allowed IPs (under ``path``)."""
    errors: list[str] = []
    err = _check_wireguard_key(wg.wireguard_private_key)
    if err:
        errors.append(_at(f"private key is invalid: {err}", _sub(path, "privateKey")))
    for pidx, peer in enumerate(wg.wireguard_peers):
        err = _check_wireguard_key(peer.wireguard_public_key)
        if err:
            errors.append(_at(f"public key invalid: {err}", _sub(path, "peers", pidx, "publicKey")))
        if peer.wireguard_endpoint and not address_contains_port(peer.wireguard_endpoint):
            errors.append(
                _at(
                    f"peer endpoint {go_quote(peer.wireguard_endpoint)} is invalid",
                    _sub(path, "peers", pidx, "endpoint"),
                )
            )
        for aidx, allowed in enumerate(peer.wireguard_allowed_ips):
            err = parse_cidr(allowed)
            if err:
                errors.append(
                    _at(
                        f"peer allowed IP {go_quote(allowed)} is invalid: {err}",
                        _sub(path, "peers", pidx, "allowedIPs", aidx),
                    )
                )
    return errors


def check_vlans(device: Device, path: str = "") -> list[str]:
    """``checkVlans``: each VLAN's ``cidr``/``addresses`` (located under the device's ``path``)."""
    errors: list[str] = []
    name = device.device_interface
    for vidx, vlan in enumerate(device.device_vlans):
        where = f"{name}.{vlan.vlan_id}"
        if vlan.vlan_addresses and vlan.vlan_cidr:
            errors.append(
                _at(
                    f"[networking.os.device.vlan] {where}: vlan can't have both .cidr and .addresses set",
                    _sub(path, "vlans", vidx),
                )
            )
        if vlan.vlan_cidr:
            err = validate_ip_or_cidr(vlan.vlan_cidr)
            if err:
                errors.append(
                    _at(f"[networking.os.device.vlan.CIDR] {where}: {err}", _sub(path, "vlans", vidx, "cidr"))
                )
        for aidx, address in enumerate(vlan.vlan_addresses):
            err = validate_ip_or_cidr(address)
            if err:
                errors.append(
                    _at(
                        f"[networking.os.device.vlan.addresses] {where}: {err}",
                        _sub(path, "vlans", vidx, "addresses", aidx),
                    )
                )
    return errors


def check_device_addressing(device: Device, owners: dict[str, str], report: Report, path: str = "") -> None:
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
            "addressing methods configured",
            path,
        )
    if device.device_addresses and device.device_cidr:
        report.error(
            f"[networking.os.device] {name}: interface can't have both .cidr and .addresses set",
            _sub(path, "cidr"),
        )
    if device.device_cidr:
        err = validate_ip_or_cidr(device.device_cidr)
        if err:
            report.error(f"[networking.os.device.CIDR] {name}: {err}", _sub(path, "cidr"))
        report.warn(
            f"{name}: machine.network.interface.cidr is deprecated, please use "
            "machine.network.interface.addresses",
            _sub(path, "cidr"),
        )
    for aidx, address in enumerate(device.device_addresses):
        err = validate_ip_or_cidr(address)
        if err:
            report.error(f"[networking.os.device.addresses] {name}: {err}", _sub(path, "addresses", aidx))
    if device.device_vip_config is not None and parse_ip(device.device_vip_config.shared_ip) is None:
        report.error(
            "[networking.os.device.vip] failed to parse "
            f"{go_quote(device.device_vip_config.shared_ip)} as IP address",
            _sub(path, "vip", "ip"),
        )


def check_device_routes(device: Device, report: Report, path: str = "") -> None:
    """``CheckDeviceRoutes``: network is a CIDR, gateway/source are IPs, one of network/gateway set."""
    for idx, route in enumerate(device.device_routes):
        where = f"networking.os.device.route[{idx}]"
        if route.route_network and parse_cidr(route.route_network):
            report.error(
                f"[{where}.network] {go_quote(route.route_network)}: {ERR_INVALID_ADDRESS}",
                _sub(path, "routes", idx, "network"),
            )
        if route.route_gateway and parse_ip(route.route_gateway) is None:
            report.error(
                f"[{where}.gateway] {go_quote(route.route_gateway)}: {ERR_INVALID_ADDRESS}",
                _sub(path, "routes", idx, "gateway"),
            )
        if not route.route_gateway and not route.route_network:
            report.error(f"[{where}]: either network or gateway should be set", _sub(path, "routes", idx))
        if route.route_source and parse_ip(route.route_source) is None:
            report.error(
                f"[{where}.source] {go_quote(route.route_source)}: {ERR_INVALID_ADDRESS}",
                _sub(path, "routes", idx, "source"),
            )

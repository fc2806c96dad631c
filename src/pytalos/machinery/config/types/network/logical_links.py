"""Logical links Talos creates itself: bridges, dummy links, VLANs, VRFs and veth pairs.

Each embeds the common link block (addresses, routes, MTU) and adds what the kernel needs to create
the link (member links, VLAN id and parent, routing table, peer name); validation reports what is
missing with Talos's messages.
"""

from __future__ import annotations

import unicodedata
from typing import ClassVar

from ...document import register
from ...schema import Struct, yfield
from ...validation.located import located, rebase
from ..common.netaddr import HardwareAddr
from .enums import RoutingTable, VLANProtocol
from .link import CommonLinkConfig, LinkDocument, link_validation


class BridgeSTPConfig(Struct):
    enabled: bool | None = yfield("enabled", omitempty=True, doc="Enable spanning tree protocol.")


class BridgeVLANConfig(Struct):
    filtering: bool | None = yfield("filtering", omitempty=True, doc="Enable VLAN filtering.")


@register
class BridgeConfigV1Alpha1(LinkDocument):
    """Creates a bridge over ``links``."""

    KIND: ClassVar[str] = "BridgeConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Name of the bridge link to create.")
    hardware_addr: HardwareAddr = yfield(
        "hardwareAddr", omitempty=True, default_factory=HardwareAddr, doc="Override the MAC address."
    )
    links: list[str] = yfield("links", omitempty=True, doc="Links (or aliases) to attach to the bridge.")
    stp: BridgeSTPConfig = yfield("stp", omitempty=True, doc="Spanning tree settings.")
    vlan: BridgeVLANConfig = yfield("vlan", omitempty=True, doc="VLAN settings.")
    common: CommonLinkConfig = yfield("", inline=True)

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        return link_validation(self.name, self.common)


@register
class DummyLinkConfigV1Alpha1(LinkDocument):
    """Creates a dummy (virtual) link."""

    KIND: ClassVar[str] = "DummyLinkConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Name of the dummy link to create.")
    hardware_addr: HardwareAddr = yfield(
        "hardwareAddr", omitempty=True, default_factory=HardwareAddr, doc="Override the MAC address."
    )
    common: CommonLinkConfig = yfield("", inline=True)

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        return link_validation(self.name, self.common)


@register
class VLANConfigV1Alpha1(LinkDocument):
    """Creates a VLAN link on top of a parent link."""

    KIND: ClassVar[str] = "VLANConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Name of the VLAN link to create.")
    vlan_id: int = yfield("vlanID", omitempty=True, doc="VLAN ID (1-4094).")
    vlan_mode: VLANProtocol | None = yfield("vlanMode", omitempty=True, doc="802.1q (default) or 802.1ad.")
    parent: str = yfield("parent", omitempty=True, doc="Parent link (or alias).")
    common: CommonLinkConfig = yfield("", inline=True)

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        if not 1 <= self.vlan_id <= 4094:
            errors.append(located("vlanID must be specified and between 1 and 4094", "vlanID"))
        if not self.parent:
            errors.append(located("parent must be specified", "parent"))
        if self.vlan_mode is not None and str(self.vlan_mode) not in ("802.1q", "802.1ad"):
            errors.append(located("vlanMode must be either '802.1q' or '802.1ad'", "vlanMode"))
        return link_validation(self.name, self.common, errors)


@register
class VRFConfigV1Alpha1(LinkDocument):
    """Creates a VRF bound to a routing table and enslaves ``links`` to it."""

    KIND: ClassVar[str] = "VRFConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Name of the VRF link to create.")
    hardware_addr: HardwareAddr = yfield(
        "hardwareAddr", omitempty=True, default_factory=HardwareAddr, doc="Override the MAC address."
    )
    links: list[str] = yfield("links", omitempty=True, doc="Links (or aliases) to put into the VRF.")
    table: RoutingTable = yfield(
        "table", default_factory=RoutingTable, doc="Routing table number of the VRF."
    )
    common: CommonLinkConfig = yfield("", inline=True)

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        if self.table.value in (0, 253, 254, 255):
            errors.append(located(f"cannot create vrf with reserved table {self.table}", "table"))
        return link_validation(self.name, self.common, errors)


class VethPeerConfig(Struct):
    """The other end of a veth pair: its name and its own link settings."""

    name: str = yfield("name", doc="Interface name of the peer end.")
    common: CommonLinkConfig = yfield("", inline=True)


def validate_veth_link_name(field: str, name: str) -> str | None:
    """Kernel interface-name rules for both veth ends (Talos ``validateVethLinkName``)."""
    if not name:
        return f"{field} must be specified"
    if len(name.encode()) > 15:
        return f"{field} must not exceed 15 bytes"
    if name in (".", ".."):
        return f'{field} must not be "{name}"'
    if "/" in name or ":" in name:
        return f"{field} must not contain '/' or ':'"
    for ch in name:
        if not ch.isprintable() or ch.isspace() or unicodedata.category(ch).startswith("Z"):
            return f"{field} must not contain whitespace or non-printable characters"
    return None


@register
class VethConfigV1Alpha1(LinkDocument):
    """Creates a virtual Ethernet pair in the host namespace."""

    KIND: ClassVar[str] = "VethConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Interface name of this end.")
    peer: VethPeerConfig = yfield("peer", doc="The peer end of the pair.")
    common: CommonLinkConfig = yfield("", inline=True)

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors = [
            located(err, path)
            for err, path in (
                (validate_veth_link_name("name", self.name), "name"),
                (validate_veth_link_name("peer name", self.peer.name), "peer.name"),
            )
            if err
        ]
        if self.name and self.name == self.peer.name:
            errors.append(located("name and peer name must be different", "peer.name"))
        warnings, extra = self.common.validate()
        peer_warnings, peer_errors = self.peer.common.validate()
        return warnings + rebase("peer", peer_warnings), errors + extra + rebase("peer", peer_errors)

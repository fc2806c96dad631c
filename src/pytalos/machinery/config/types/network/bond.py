"""``BondConfig``: a bond (link aggregation) created over a set of links.

Bonds carry many driver options; each is optional (a Go pointer), so an option set to its zero
value (``adSelect: stable``) is still written and sent to the kernel, while an unset one is left to
the driver default. 802.3ad bonds without link monitoring timers get Talos's warnings.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import register
from ...schema import yfield
from ...validation.located import located
from ..common.netaddr import Addr, HardwareAddr
from .enums import (
    ADLACPActive,
    ADSelect,
    ARPAllTargets,
    ARPValidate,
    BondMode,
    BondXmitHashPolicy,
    FailOverMAC,
    LACPRate,
    PrimaryReselect,
)
from .link import CommonLinkConfig, LinkDocument, link_validation


@register
class BondConfigV1Alpha1(LinkDocument):
    """Creates a bond link over ``links``."""

    KIND: ClassVar[str] = "BondConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Name of the bond link to create.")
    hardware_addr: HardwareAddr = yfield(
        "hardwareAddr", omitempty=True, default_factory=HardwareAddr, doc="Override the MAC address."
    )
    links: list[str] = yfield("links", omitempty=True, doc="Links (or aliases) to aggregate.")
    bond_mode: BondMode | None = yfield("bondMode", omitempty=True, doc="Bonding mode, e.g. 802.3ad.")
    miimon: int | None = yfield("miimon", omitempty=True, doc="MII link monitoring interval (ms).")
    updelay: int | None = yfield(
        "updelay", omitempty=True, doc="Delay before enabling a recovered link (ms)."
    )
    downdelay: int | None = yfield(
        "downdelay", omitempty=True, doc="Delay before disabling a failed link (ms)."
    )
    use_carrier: bool | None = yfield("useCarrier", omitempty=True, doc="Use carrier state for miimon.")
    xmit_hash_policy: BondXmitHashPolicy | None = yfield(
        "xmitHashPolicy", omitempty=True, doc="Transmit hash policy."
    )
    arp_interval: int | None = yfield("arpInterval", omitempty=True, doc="ARP monitoring interval (ms).")
    arp_ip_targets: list[Addr] = yfield("arpIpTargets", omitempty=True, doc="IPv4 ARP monitoring targets.")
    ns_ip6_targets: list[Addr] = yfield("nsIp6Targets", omitempty=True, doc="IPv6 NS monitoring targets.")
    arp_validate: ARPValidate | None = yfield("arpValidate", omitempty=True, doc="ARP probe validation.")
    arp_all_targets: ARPAllTargets | None = yfield(
        "arpAllTargets", omitempty=True, doc="Whether any or all ARP targets must answer."
    )
    lacp_rate: LACPRate | None = yfield("lacpRate", omitempty=True, doc="LACPDU transmission rate.")
    fail_over_mac: FailOverMAC | None = yfield(
        "failOverMac", omitempty=True, doc="MAC address handling on failover."
    )
    ad_select: ADSelect | None = yfield("adSelect", omitempty=True, doc="802.3ad aggregator selection.")
    ad_actor_sys_prio: int | None = yfield("adActorSysPrio", omitempty=True, doc="802.3ad system priority.")
    ad_user_port_key: int | None = yfield("adUserPortKey", omitempty=True, doc="802.3ad user port key.")
    ad_lacp_active: ADLACPActive | None = yfield(
        "adLACPActive", omitempty=True, doc="Send LACPDUs periodically (on/off)."
    )
    primary_reselect: PrimaryReselect | None = yfield(
        "primaryReselect", omitempty=True, doc="When to reselect the primary link."
    )
    resend_igmp: int | None = yfield("resendIGMP", omitempty=True, doc="IGMP resends after failover.")
    min_links: int | None = yfield("minLinks", omitempty=True, doc="Minimum active links for carrier.")
    lp_interval: int | None = yfield("lpInterval", omitempty=True, doc="Learning packet interval (s).")
    packets_per_slave: int | None = yfield(
        "packetsPerSlave", omitempty=True, doc="Packets sent through a link before moving on."
    )
    num_peer_notif: int | None = yfield(
        "numPeerNotif", omitempty=True, doc="Peer notifications sent after failover."
    )
    tlb_logical_lb: int | None = yfield(
        "tlbLogicalLb", omitempty=True, doc="Dynamic flow shuffling (tlb/alb)."
    )
    all_slaves_active: int | None = yfield(
        "allSlavesActive", omitempty=True, doc="Deliver (1) or drop (0) duplicate frames."
    )
    peer_notif_delay: int | None = yfield(
        "peerNotifDelay", omitempty=True, doc="Delay between peer notifications (ms)."
    )
    missed_max: int | None = yfield("missedMax", omitempty=True, doc="ARP monitor misses before link down.")
    common: CommonLinkConfig = yfield("", inline=True)

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        warnings: list[str] = []
        if not self.links:
            errors.append(located("at least one link must be specified", "links"))
        if self.bond_mode is None:
            errors.append(located("bond mode must be specified", "bondMode"))
        elif str(self.bond_mode) == "802.3ad":
            for key in ("miimon", "updelay", "downdelay"):
                if getattr(self, key) is None:
                    warnings.append(located(f"{key} was not specified for 802.3ad bond", key))
        return link_validation(self.name, self.common, errors, warnings)

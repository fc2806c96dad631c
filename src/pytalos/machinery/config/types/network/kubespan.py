"""``KubeSpanConfig`` and ``KubeSpanEndpointsConfig``: the Wireguard mesh between cluster nodes.

KubeSpanConfig replaces ``machine.network.kubespan``; KubeSpanEndpointsConfig announces extra
endpoints (e.g. NAT mappings) to peers. Endpoint filters accept ``!``-negated CIDRs or addresses.
"""

from __future__ import annotations

import ipaddress
from typing import ClassVar

from ...document import Document, register
from ...schema import Struct, yfield
from ...validation.located import located
from ..common.netaddr import AddrPort, Prefix

KUBESPAN_LINK_MINIMUM_MTU = 1280
"""Smallest KubeSpan link MTU Talos accepts (the IPv6 minimum)."""

KUBESPAN_LINK_MTU = 1420
"""KubeSpan link MTU when none is configured."""


class KubeSpanFiltersConfig(Struct):
    endpoints: list[str] = yfield(
        "endpoints", omitempty=True, doc="CIDRs of node addresses advertised as endpoints ('!' excludes)."
    )
    exclude_advertised_networks: list[Prefix] = yfield(
        "excludeAdvertisedNetworks", omitempty=True, doc="Networks not to advertise over KubeSpan."
    )


@register
class KubeSpanConfigV1Alpha1(Document):
    """KubeSpan settings of this node."""

    KIND: ClassVar[str] = "KubeSpanConfig"

    enabled: bool | None = yfield("enabled", omitempty=True, doc="Enable KubeSpan.")
    advertise_kubernetes_networks: bool | None = yfield(
        "advertiseKubernetesNetworks", omitempty=True, doc="Route pod CIDRs over KubeSpan."
    )
    allow_down_peer_bypass: bool | None = yfield(
        "allowDownPeerBypass", omitempty=True, doc="Bypass KubeSpan for peers that are down."
    )
    harvest_extra_endpoints: bool | None = yfield(
        "harvestExtraEndpoints", omitempty=True, doc="Publish endpoints learned from peers."
    )
    mtu: int | None = yfield("mtu", omitempty=True, doc="KubeSpan link MTU (default 1420).")
    filters: KubeSpanFiltersConfig | None = yfield("filters", omitempty=True, doc="Endpoint/network filters.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        if self.mtu is not None and self.mtu < KUBESPAN_LINK_MINIMUM_MTU:
            errors.append(located(f"kubespan link MTU must be at least {KUBESPAN_LINK_MINIMUM_MTU}", "mtu"))
        if self.filters is not None:
            for idx, cidr in enumerate(self.filters.endpoints):
                cidr = cidr.removeprefix("!")
                if not _is_subnet_or_address(cidr):
                    errors.append(
                        located(
                            f'KubeSpan endpoint filter is not valid: "{cidr}"', f"filters.endpoints[{idx}]"
                        )
                    )
        return [], errors


def _is_subnet_or_address(text: str) -> bool:
    try:
        if "/" in text:
            ipaddress.ip_network(text, strict=False)
        else:
            ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@register
class KubespanEndpointsConfigV1Alpha1(Document):
    """Extra Wireguard endpoints this node announces to its KubeSpan peers."""

    KIND: ClassVar[str] = "KubeSpanEndpointsConfig"

    extra_announced_endpoints: list[AddrPort] = yfield(
        "extraAnnouncedEndpoints", doc="Extra ip:port endpoints to announce."
    )

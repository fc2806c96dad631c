"""``LinkConfig`` and the settings every link document shares (up, MTU, addresses, routes).

Physical links (LinkConfig) and the logical ones Talos creates (bonds, bridges, VLANs, dummies,
Wireguard, VRFs, veth pairs) all embed the same inline block, ``CommonLinkConfig``; it lives here
with its validation so every link kind reports bad addresses and routes the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from ...document import Document, register
from ...schema import Struct, yfield
from ...validation.located import at, located
from ..common.netaddr import Addr, Prefix
from .enums import RoutingTable


class AddressConfig(Struct):
    """Go ``AddressConfig``: one static address of a link."""

    address: Prefix = yfield(
        "address", default_factory=Prefix, doc="IP address with its prefix length (e.g. 10.0.0.2/24)."
    )
    route_priority: int | None = yfield(
        "routePriority", omitempty=True, doc="Metric of the routes created for this address."
    )


class RouteConfig(Struct):
    """Go ``RouteConfig``: one static route via a link."""

    destination: Prefix = yfield(
        "destination",
        omitempty=True,
        default_factory=Prefix,
        doc="Destination prefix; default route if empty.",
    )
    gateway: Addr = yfield("gateway", omitempty=True, default_factory=Addr, doc="Next hop address.")
    source: Addr = yfield("source", omitempty=True, default_factory=Addr, doc="Preferred source address.")
    metric: int = yfield("metric", omitempty=True, doc="Route metric.")
    mtu: int = yfield("mtu", omitempty=True, doc="Route MTU.")
    table: RoutingTable = yfield(
        "table", omitempty=True, default_factory=RoutingTable, doc="Routing table (default: main)."
    )


class CommonLinkConfig(Struct):
    """Go ``CommonLinkConfig``: inlined into every link document."""

    up: bool | None = yfield("up", omitempty=True, doc="Bring the link up (default) or down.")
    mtu: int = yfield("mtu", omitempty=True, doc="Link MTU (system default when unset).")
    addresses: list[AddressConfig] = yfield("addresses", omitempty=True, doc="Static addresses.")
    routes: list[RouteConfig] = yfield("routes", omitempty=True, doc="Static routes via this link.")
    multicast: bool | None = yfield("multicast", omitempty=True, doc="Multicast capability of the link.")

    def validate(self) -> tuple[list[str], list[str]]:
        """Talos ``CommonLinkConfig.Validate``: (warnings, errors) for addresses and routes."""
        errors: list[str] = []
        for i, addr in enumerate(self.addresses):
            if addr.address.addr is None:
                errors.append(located(f"address {i} must be specified", f"addresses[{i}].address"))
            elif addr.address.addr.is_unspecified:
                errors.append(located(f"address {i} must be a valid IP address", f"addresses[{i}].address"))
        for i, route in enumerate(self.routes):
            dest = route.destination.addr
            if dest is not None and dest.is_unspecified:
                errors.append(
                    located(f"route {i} destination must be a valid IP prefix", f"routes[{i}].destination")
                )
            if route.gateway.is_unspecified():
                errors.append(
                    located(f"route {i} gateway must be a valid IP address", f"routes[{i}].gateway")
                )
            if route.source.is_unspecified():
                errors.append(located(f"route {i} source must be a valid IP address", f"routes[{i}].source"))
        return [], errors


def name_required(name: str) -> list[str]:
    """The error most link kinds report for an empty ``name``."""
    return [] if name else ["name must be specified"]


# Link kinds that configure the same link name (Talos ``conflictingLinkKinds``).
LINK_KINDS = (
    "BondConfig",
    "BridgeConfig",
    "DummyLinkConfig",
    "LinkConfig",
    "MacVLANConfig",
    "VethConfig",
    "VLANConfig",
    "VRFConfig",
    "WireguardConfig",
)


def conflicting_link_kinds(self_kind: str) -> list[str]:
    """Kinds that must not share a name with a document of ``self_kind``."""
    return [kind for kind in LINK_KINDS if kind != self_kind]


class LinkDocument(Document):
    """Base of the documents that configure a link: any two of them conflict when they share a name."""

    def conflicts_with_kinds(self) -> list[str]:
        return conflicting_link_kinds(self.KIND)


def link_validation(
    name: str, common: CommonLinkConfig, errors: Iterable[str] = (), warnings: Iterable[str] = ()
) -> tuple[list[str], list[str]]:
    """(warnings, errors) of a link document: name check, the kind's own findings, then the common block's."""
    common_warnings, common_errors = common.validate()
    return [*warnings, *common_warnings], [*at("name", name_required(name)), *errors, *common_errors]


@register
class LinkConfigV1Alpha1(LinkDocument):
    """Configures a physical link (network interface) by name or alias."""

    KIND: ClassVar[str] = "LinkConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Name (or alias) of the link.")
    common: CommonLinkConfig = yfield("", inline=True)

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        return link_validation(self.name, self.common)

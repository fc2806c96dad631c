"""``BGPInstanceConfig``: a BGP routing instance run on the host.

An instance advertises link addresses to its neighbors and may import selected routes from other
instances. Patches replace the advertise, import and neighbor lists wholesale (``merge:"replace"``
in Talos) because appending neighbors from a patch would rarely be what the user meant.
"""

from __future__ import annotations

from typing import ClassVar

from ...codecs import Duration
from ...document import Document, register
from ...schema import Struct, yfield
from ..common.netaddr import Addr, Prefix


class BGPImportRoute(Struct):
    bgp_instance: str = yfield("bgpInstance", doc="Source BGP instance to import from.")
    prefixes: list[Prefix] = yfield("prefixes", doc="Prefixes selecting the routes to import.")


class BGPBFDConfig(Struct):
    transmit_interval: Duration = yfield(
        "transmitInterval", omitempty=True, default_factory=Duration, doc="Minimum transmit interval."
    )
    receive_interval: Duration = yfield(
        "receiveInterval", omitempty=True, default_factory=Duration, doc="Minimum receive interval."
    )
    detect_multiplier: int = yfield("detectMultiplier", omitempty=True, doc="Detection multiplier.")


class BGPNeighborConfig(Struct):
    address: Addr = yfield("address", omitempty=True, default_factory=Addr, doc="Neighbor IP (numbered).")
    link: str = yfield("link", omitempty=True, doc="Link for an unnumbered session.")
    peer_asn: int = yfield("peerASN", omitempty=True, doc="Expected peer ASN (0 accepts any).")
    local_asn: int = yfield("localASN", omitempty=True, doc="Local ASN override for this neighbor.")
    passive: bool = yfield("passive", omitempty=True, doc="Wait for the neighbor to connect.")
    hold_time: Duration = yfield("holdTime", omitempty=True, default_factory=Duration, doc="BGP hold time.")
    bfd: BGPBFDConfig | None = yfield("bfd", omitempty=True, doc="Enable BFD with these settings.")


def _neighbor_key(index: int, neighbor: BGPNeighborConfig) -> tuple[str | None, str | None]:
    has_address = neighbor.address.is_valid()
    has_link = bool(neighbor.link)
    if has_address == has_link:
        return None, f"neighbor[{index}]: exactly one of address or link must be set"
    return (str(neighbor.address) if has_address else neighbor.link), None


def _neighbor_errors(index: int, neighbor: BGPNeighborConfig, vrf: str) -> list[str]:
    errors = []
    if neighbor.hold_time.nanoseconds < 0:
        errors.append(f"neighbor[{index}]: holdTime must not be negative")
    if neighbor.bfd is None:
        return errors
    if vrf:
        errors.append(f"neighbor[{index}]: bfd is not supported for VRF-bound BGP instances")
    if neighbor.bfd.transmit_interval.nanoseconds < 0:
        errors.append(f"neighbor[{index}]: bfd.transmitInterval must not be negative")
    if neighbor.bfd.receive_interval.nanoseconds < 0:
        errors.append(f"neighbor[{index}]: bfd.receiveInterval must not be negative")
    return errors


def _import_prefix_errors(index: int, prefixes: list[Prefix]) -> list[str]:
    errors = []
    if not prefixes:
        errors.append(f"importRoutes[{index}]: at least one prefix must be specified")
    for i, prefix in enumerate(prefixes):
        if not prefix.is_valid():
            errors.append(f"importRoutes[{index}].prefixes[{i}]: invalid prefix")
            continue
        if prefix != prefix.masked():
            errors.append(f"importRoutes[{index}].prefixes[{i}]: prefix {prefix} must be masked")
        for j in range(i):
            other = prefixes[j]
            if other.is_valid() and other.overlaps(prefix):
                errors.append(
                    f"importRoutes[{index}].prefixes[{i}]: prefix {prefix} overlaps prefixes[{j}] {other}"
                )
    return errors


def _import_routes_errors(instance: str, routes: list[BGPImportRoute]) -> list[str]:
    errors: list[str] = []
    seen_sources: set[str] = set()
    selectors: list[tuple[Prefix, int]] = []
    for i, route in enumerate(routes):
        if not route.bgp_instance:
            errors.append(f"importRoutes[{i}]: bgpInstance must be specified")
        elif route.bgp_instance == instance:
            errors.append(f'importRoutes[{i}]: cannot import from the same BGP instance "{instance}"')
        errors.extend(_import_prefix_errors(i, route.prefixes))
        if route.bgp_instance:
            if route.bgp_instance in seen_sources:
                errors.append(f'importRoutes[{i}]: duplicate source BGP instance "{route.bgp_instance}"')
            seen_sources.add(route.bgp_instance)
        for prefix in route.prefixes:
            if not prefix.is_valid() or prefix != prefix.masked():
                continue
            for other, other_index in selectors:
                if other_index != i and other.overlaps(prefix):
                    errors.append(
                        f"importRoutes[{i}]: prefix {prefix} overlaps "
                        f"importRoutes[{other_index}] prefix {other}"
                    )
            selectors.append((prefix, i))
    return errors


@register
class BGPInstanceConfigV1Alpha1(Document):
    """A host BGP routing instance and its neighbors."""

    KIND: ClassVar[str] = "BGPInstanceConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Name of the BGP instance.")
    vrf: str = yfield("vrf", omitempty=True, doc="VRF link the instance runs in (default routing domain).")
    local_asn: int = yfield("localASN", doc="Local autonomous system number.")
    router_id: Addr = yfield("routerID", omitempty=True, default_factory=Addr, doc="BGP router ID (IPv4).")
    route_source: Addr = yfield(
        "routeSource", omitempty=True, default_factory=Addr, doc="Preferred source of installed routes."
    )
    advertise: list[str] = yfield(
        "advertise", omitempty=True, merge="replace", doc="Links whose addresses are advertised."
    )
    multipath: bool | None = yfield("multipath", omitempty=True, doc="Enable ECMP (default false).")
    max_paths: int = yfield("maxPaths", omitempty=True, doc="Maximum ECMP next hops.")
    install_routes: bool | None = yfield(
        "installRoutes", omitempty=True, doc="Install learned routes into the kernel (default true)."
    )
    import_routes: list[BGPImportRoute] = yfield(
        "importRoutes", omitempty=True, merge="replace", doc="Routes imported from other instances."
    )
    neighbors: list[BGPNeighborConfig] = yfield(
        "neighbors", omitempty=True, merge="replace", doc="BGP neighbors."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        warnings: list[str] = []
        errors = [] if self.name else ["name must be specified"]
        if self.local_asn == 0:
            errors.append("localASN must be specified")
        if self.router_id.addr is not None and self.router_id.addr.version != 4:
            errors.append("routerID must be an IPv4 address")
        if not self.neighbors:
            warnings.append("BGPInstanceConfig has no neighbors configured")
        seen: set[str] = set()
        for i, neighbor in enumerate(self.neighbors):
            key, key_error = _neighbor_key(i, neighbor)
            if key_error:
                errors.append(key_error)
            errors.extend(_neighbor_errors(i, neighbor, self.vrf))
            if key is None:
                continue
            if key in seen:
                errors.append(f'neighbor[{i}]: duplicate neighbor "{key}"')
            seen.add(key)
        errors.extend(_import_routes_errors(self.name, self.import_routes))
        return warnings, errors

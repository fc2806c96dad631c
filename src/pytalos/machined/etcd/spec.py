"""Which addresses etcd advertises and listens on: Talos's ``EtcdSpec`` (``controllers/etcd/spec.go``).

Inputs are the ``cluster.etcd`` section of the machine config (``advertisedSubnets`` /
legacy ``subnet``, ``listenSubnets``, ``extraArgs``), the node's hostname and its routed addresses.
Rules, as Talos:

* advertised: addresses matching ``advertisedSubnets`` (entries prefixed ``!`` exclude); without
  advertised subnets, only the *first* node address is advertised;
* listen: with listen subnets (``listenSubnets``, else the advertised ones), peers listen on the
  matching addresses and clients on loopback plus those; without any, both listen on the wildcard
  (``0.0.0.0``, or ``::`` once the node has an IPv6 address).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pytalos.machinery.config.types.v1alpha1.components import EtcdConfig

from .pki import IP


class EtcdSpecError(ValueError):
    """The inputs give etcd nothing to advertise or listen on, or a subnet does not parse."""


@dataclass(frozen=True)
class EtcdSpec:
    """``etcd.Spec``: member name, addresses and the user's extra arguments."""

    name: str
    advertised_addresses: tuple[IP, ...]
    listen_peer_addresses: tuple[IP, ...]
    listen_client_addresses: tuple[IP, ...]
    extra_args: dict[str, str] = field(default_factory=dict)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _parse_subnet(text: str, where: str) -> Network:
    """A CIDR or a bare address (``siderolabs/net.ParseSubnetOrAddress``)."""
    try:
        if "/" in text:
            return ipaddress.ip_network(text, strict=False)
        addr = ipaddress.ip_address(text)
        return ipaddress.ip_network(f"{addr}/{addr.max_prefixlen}")
    except ValueError as exc:
        raise EtcdSpecError(f"{where}: invalid subnet {text!r}: {exc}") from None


def filter_ips(addresses: Iterable[IP], subnets: Sequence[str], where: str = "subnets") -> list[IP]:
    """``net.FilterIPs``: keep addresses inside an included subnet and outside every ``!``-excluded one.

    With only exclusions, every address not excluded is kept.
    """
    include = [_parse_subnet(s, where) for s in subnets if not s.startswith("!")]
    exclude = [_parse_subnet(s[1:], where) for s in subnets if s.startswith("!")]
    kept = []
    for ip in addresses:
        if include and not any(ip.version == n.version and ip in n for n in include):
            continue
        if any(ip.version == n.version and ip in n for n in exclude):
            continue
        kept.append(ip)
    return kept


def advertised_subnets(etcd: EtcdConfig) -> list[str]:
    """``EtcdConfig.AdvertisedSubnets``: ``advertisedSubnets``, else the deprecated ``subnet``."""
    if etcd.etcd_advertised_subnets:
        return list(etcd.etcd_advertised_subnets)
    return [etcd.etcd_subnet] if etcd.etcd_subnet else []


def listen_subnets(etcd: EtcdConfig) -> list[str]:
    """``EtcdConfig.ListenSubnets``: ``listenSubnets``, else the advertised subnets."""
    return list(etcd.etcd_listen_subnets) or advertised_subnets(etcd)


def build_spec(etcd: EtcdConfig, hostname: str, addresses: Sequence[IP]) -> EtcdSpec:
    """The ``EtcdSpec`` for a node with ``hostname`` and routed ``addresses`` (in their order)."""
    if not hostname:
        raise EtcdSpecError("etcd spec: the node has no hostname yet")
    if not addresses:
        raise EtcdSpecError("etcd spec: the node has no routed address yet")
    has_v6 = any(ip.version == 6 for ip in addresses)
    wildcard: IP = ipaddress.IPv6Address("::") if has_v6 else ipaddress.IPv4Address("0.0.0.0")
    loopback: IP = ipaddress.IPv6Address("::1") if has_v6 else ipaddress.IPv4Address("127.0.0.1")

    configured = advertised_subnets(etcd)
    advertised = filter_ips(addresses, configured or ["0.0.0.0/0", "::/0"], "cluster.etcd.advertisedSubnets")
    if not configured:
        advertised = advertised[:1]
    listen = listen_subnets(etcd)
    if listen:
        peer = filter_ips(addresses, listen, "cluster.etcd.listenSubnets")
        client = list(dict.fromkeys([loopback, *peer]))
    else:
        peer = client = [wildcard]
    if not advertised:
        raise EtcdSpecError(
            f"etcd spec: no node address ({', '.join(map(str, addresses))}) matches "
            f"cluster.etcd.advertisedSubnets {configured}"
        )
    if not peer:
        raise EtcdSpecError(
            f"etcd spec: no node address ({', '.join(map(str, addresses))}) matches "
            f"cluster.etcd.listenSubnets {listen}"
        )
    return EtcdSpec(
        name=hostname,
        advertised_addresses=tuple(advertised),
        listen_peer_addresses=tuple(peer),
        listen_client_addresses=tuple(client),
        extra_args=dict(etcd.etcd_extra_args),
    )

"""``EtcdSpecs.etcd.talos.dev/etcd``: the member name and addresses etcd runs with (control planes).

The values come from :func:`pytalos.machined.etcd.spec.build_spec`; ``image`` is the configured
``cluster.etcd.image`` (pytalos runs Debian's etcd binary, so it is informational).
"""

from __future__ import annotations

import dataclasses
import ipaddress
from dataclasses import field

from pytalos.machined.runtime import define

from ._spec import Spec, yaml

NAMESPACE = "etcd"

ETCD_SPEC_TYPE = "EtcdSpecs.etcd.talos.dev"
ETCD_SPEC_ID = "etcd"

DEFINITIONS = (
    define(
        ETCD_SPEC_TYPE,
        NAMESPACE,
        print_columns=(
            ("Name", "{.name}"),
            ("AdvertisedAddresses", "{.advertisedAddresses}"),
            ("ListenPeerAddresses", "{.listenPeerAddresses}"),
            ("ListenClientAddresses", "{.listenClientAddresses}"),
        ),
    ),
)

IP = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclasses.dataclass(frozen=True)
class EtcdSpecSpec(Spec):
    """``etcd.SpecSpec``."""

    name: str = field(default="", metadata=yaml("name"))
    advertised_addresses: tuple[IP, ...] = field(default=(), metadata=yaml("advertisedAddresses"))
    listen_peer_addresses: tuple[IP, ...] = field(default=(), metadata=yaml("listenPeerAddresses"))
    listen_client_addresses: tuple[IP, ...] = field(default=(), metadata=yaml("listenClientAddresses"))
    image: str = field(default="", metadata=yaml("image"))
    extra_args: dict[str, str] = field(default_factory=dict, metadata=yaml("extraArgs"))

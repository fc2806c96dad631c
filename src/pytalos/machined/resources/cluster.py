"""Resources of the ``cluster`` namespace: who this node is and who else is in the cluster.

``Identities/local`` carries the node id (Talos: random, persisted on STATE; pytalos derives it
from the machine id, see the identity controller), ``Infos/current`` the cluster id and name,
``Affiliates/<nodeId>`` what each node publishes about itself (only the local one until discovery
between nodes exists) and ``Members/<nodename>`` the members derived from affiliates.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from dataclasses import field

from pytalos.machined.runtime import define

from ._spec import Spec, yaml

NAMESPACE = "cluster"

IDENTITY_TYPE = "Identities.cluster.talos.dev"
INFO_TYPE = "Infos.cluster.talos.dev"
AFFILIATE_TYPE = "Affiliates.cluster.talos.dev"
MEMBER_TYPE = "Members.cluster.talos.dev"

LOCAL_IDENTITY_ID = "local"
INFO_ID = "current"

DEFINITIONS = (
    define(IDENTITY_TYPE, NAMESPACE, print_columns=(("ID", "{.nodeId}"),)),
    define(
        INFO_TYPE,
        NAMESPACE,
        print_columns=(("Cluster ID", "{.clusterId}"), ("Cluster Name", "{.clusterName}")),
    ),
    define(
        AFFILIATE_TYPE,
        NAMESPACE,
        print_columns=(
            ("Hostname", "{.hostname}"),
            ("Machine Type", "{.machineType}"),
            ("Addresses", "{.addresses}"),
        ),
    ),
    define(
        MEMBER_TYPE,
        NAMESPACE,
        print_columns=(
            ("Hostname", "{.hostname}"),
            ("Machine Type", "{.machineType}"),
            ("OS", "{.operatingSystem}"),
            ("Addresses", "{.addresses}"),
        ),
    ),
)

IP = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclasses.dataclass(frozen=True)
class IdentitySpec(Spec):
    """``cluster.IdentitySpec``."""

    node_id: str = field(default="", metadata=yaml("nodeId"))


@dataclasses.dataclass(frozen=True)
class InfoSpec(Spec):
    """``cluster.InfoSpec``."""

    cluster_id: str = field(default="", metadata=yaml("clusterId"))
    cluster_name: str = field(default="", metadata=yaml("clusterName"))


@dataclasses.dataclass(frozen=True)
class AffiliateSpec(Spec):
    """``cluster.AffiliateSpec`` (without the KubeSpan part)."""

    node_id: str = field(default="", metadata=yaml("nodeId"))
    addresses: tuple[IP, ...] = field(default=(), metadata=yaml("addresses"))
    hostname: str = field(default="", metadata=yaml("hostname"))
    nodename: str = field(default="", metadata=yaml("nodename", omitempty=True))
    operating_system: str = field(default="", metadata=yaml("operatingSystem"))
    machine_type: str = field(default="unknown", metadata=yaml("machineType"))


@dataclasses.dataclass(frozen=True)
class MemberSpec(Spec):
    """``cluster.MemberSpec``."""

    node_id: str = field(default="", metadata=yaml("nodeId"))
    addresses: tuple[IP, ...] = field(default=(), metadata=yaml("addresses"))
    hostname: str = field(default="", metadata=yaml("hostname"))
    machine_type: str = field(default="unknown", metadata=yaml("machineType"))
    operating_system: str = field(default="", metadata=yaml("operatingSystem"))

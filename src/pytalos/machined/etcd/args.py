"""etcd's command line, as Talos's etcd service builds it (``system/services/etcd.go``).

Two groups of flags:

* **deny-listed**: identity, data directory, listen URLs, every TLS flag (client and peer
  certificate authentication are always on, auto-TLS always off) and the corruption checks. A
  ``cluster.etcd.extraArgs`` entry naming one of them is an error, as in Talos;
* **defaults**: ``initial-cluster``, ``initial-cluster-state``, ``initial-advertise-peer-urls`` and
  ``advertise-client-urls`` are set only when the user's extra arguments do not set them.

Everything else in ``extraArgs`` is passed through; the result is ``--key=value`` sorted by key
(``argsbuilder.Args.Args``). ``initial-cluster*`` and ``initial-advertise-peer-urls`` are only
given when the data directory is empty: a member with data ignores them.

Talos sets no ``--auto-compaction-*`` flag (kube-apiserver compacts every 5 minutes with
``--etcd-compaction-interval``); users who need etcd-side compaction set it in ``extraArgs``.

Flag names depend on the etcd release (:class:`EtcdDialect`): Talos's HEAD targets etcd 3.6
(``--feature-gates``), Debian ships 3.4, which knows neither ``--tls-min-version`` nor the compact
hash check; rendering a flag the binary rejects would stop etcd from starting.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .layout import CLIENT_PORT, PEER_PORT, EtcdLayout
from .pki import IP
from .spec import EtcdSpec


class EtcdArgsError(ValueError):
    """The extra arguments try to override a deny-listed flag (names ``cluster.etcd.extraArgs.<k>``)."""


class EtcdDialect(enum.Enum):
    """The etcd minor release whose flag names are rendered."""

    V3_4 = (3, 4)
    V3_5 = (3, 5)
    V3_6 = (3, 6)

    @classmethod
    def parse(cls, version: str) -> EtcdDialect:
        """From ``3.4.23``, ``v3.5.16`` or the first line of ``etcd --version`` output."""
        match = re.search(r"v?(\d+)\.(\d+)(?:\.\d+)?", version)
        if match is None:
            raise ValueError(f"cannot read an etcd version from {version!r}")
        major, minor = int(match[1]), int(match[2])
        if (major, minor) < (3, 4):
            raise ValueError(f"etcd {major}.{minor} is too old: pytalos needs etcd 3.4 or newer")
        for dialect in reversed(cls):
            if (major, minor) >= dialect.value:
                return dialect
        raise AssertionError("unreachable")  # pragma: no cover


class ClusterState(enum.Enum):
    """How this start relates to the data directory and the cluster."""

    #: ``talosctl bootstrap`` (or a recovered snapshot): a new single-member cluster.
    BOOTSTRAP = "bootstrap"
    #: empty data directory, joining an existing cluster as a learner added beforehand.
    JOIN = "join"
    #: the data directory holds a member already: etcd reads its membership from there.
    RESTART = "restart"


@dataclass(frozen=True)
class InitialMember:
    """One ``name=peerURL`` entry of ``--initial-cluster``."""

    name: str
    peer_url: str


def format_url(ip: IP, port: int) -> str:
    """``https://`` + ``net.JoinHostPort`` (IPv6 in brackets)."""
    host = f"[{ip}]" if isinstance(ip, ipaddress.IPv6Address) else str(ip)
    return f"https://{host}:{port}"


def format_urls(ips: Sequence[IP], port: int) -> str:
    return ",".join(format_url(ip, port) for ip in ips)


def initial_cluster_from_members(
    members: Sequence[tuple[str, Sequence[str], int]], new_member_id: int, name: str
) -> list[InitialMember]:
    """``buildInitialCluster``: every peer URL of every member, the just-added one under ``name``.

    ``members`` are ``(name, peer_urls, id)`` from the member list taken after ``MemberAddAsLearner``
    (the new member has no name yet).
    """
    return [
        InitialMember(name if member_id == new_member_id else member_name, url)
        for member_name, urls, member_id in members
        for url in urls
    ]


def _deny_listed(
    spec: EtcdSpec, layout: EtcdLayout, dialect: EtcdDialect, ports: tuple[int, int]
) -> dict[str, str]:
    client_port, peer_port = ports
    args = {
        "name": spec.name,
        "auto-tls": "false",
        "peer-auto-tls": "false",
        "data-dir": str(layout.data_dir),
        "listen-peer-urls": format_urls(spec.listen_peer_addresses, peer_port),
        "listen-client-urls": format_urls(spec.listen_client_addresses, client_port),
        "client-cert-auth": "true",
        "cert-file": str(layout.server_cert),
        "key-file": str(layout.server_key),
        "trusted-ca-file": str(layout.ca_cert),
        "peer-client-cert-auth": "true",
        "peer-cert-file": str(layout.peer_cert),
        "peer-key-file": str(layout.peer_key),
        "peer-trusted-ca-file": str(layout.ca_cert),
    }
    if dialect is EtcdDialect.V3_6:
        args["feature-gates"] = "CompactHashCheck=true,InitialCorruptCheck=true"
    else:
        args["experimental-initial-corrupt-check"] = "true"
    if dialect is EtcdDialect.V3_5:
        args["experimental-compact-hash-check-enabled"] = "true"
    if dialect is not EtcdDialect.V3_4:
        args["tls-min-version"] = "TLS1.3"
    return args


def render_args(
    spec: EtcdSpec,
    layout: EtcdLayout,
    state: ClusterState,
    *,
    initial_cluster: Sequence[InitialMember] = (),
    dialect: EtcdDialect = EtcdDialect.V3_6,
    client_port: int = CLIENT_PORT,
    peer_port: int = PEER_PORT,
) -> list[str]:
    """The etcd arguments (without the binary) for ``spec`` started in ``state``.

    ``initial_cluster`` is required for :attr:`ClusterState.JOIN` (see
    :func:`initial_cluster_from_members`); bootstrap uses the node's own advertised peer URLs.
    """
    args = _deny_listed(spec, layout, dialect, (client_port, peer_port))
    extra: Mapping[str, str] = spec.extra_args
    for key in extra:
        if key in args:
            raise EtcdArgsError(f"cluster.etcd.extraArgs.{key}: extra arg {key!r} is not allowed")
    peer_urls = format_urls(spec.advertised_addresses, peer_port)
    if state is not ClusterState.RESTART:
        if state is ClusterState.BOOTSTRAP:
            members = [
                InitialMember(spec.name, format_url(ip, peer_port)) for ip in spec.advertised_addresses
            ]
        else:
            if not initial_cluster and "initial-cluster" not in extra:
                raise EtcdArgsError("etcd join: the initial cluster (member list after MemberAdd) is empty")
            members = list(initial_cluster)
        args["initial-cluster"] = ",".join(f"{m.name}={m.peer_url}" for m in members)
        args["initial-cluster-state"] = "new" if state is ClusterState.BOOTSTRAP else "existing"
        args["initial-advertise-peer-urls"] = peer_urls
    args["advertise-client-urls"] = format_urls(spec.advertised_addresses, client_port)
    merged = {**args, **extra}
    return [f"--{key}={merged[key]}" for key in sorted(merged)]

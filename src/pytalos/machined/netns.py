"""Network namespaces for nodes: create one with ``lo`` up and a veth pair to the host (a point-to-point
link with a host address, or the host end enslaved to a bridge), find every process inside it, and
delete it again.

Commands go through ``ip`` (iproute2) behind the :class:`IpRunner` protocol, so the plan of commands
is unit-tested with a recording fake. Host-side interface names are derived from the namespace name
(at most 15 bytes, the kernel's limit).
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

NETNS_DIR = Path("/run/netns")


class NetnsError(RuntimeError):
    """An ``ip`` command failed; the message holds the command and its output."""


class IpRunner(Protocol):
    def __call__(self, *args: str, check: bool = True) -> None: ...


def run_ip(*args: str, check: bool = True) -> None:
    """Run ``ip ARGS``; :class:`NetnsError` with the command and stderr when it fails and ``check``."""
    result = subprocess.run(["ip", *args], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise NetnsError(f"ip {' '.join(args)}: {result.stderr.strip() or f'exit {result.returncode}'}")


@dataclass(frozen=True)
class NetnsSpec:
    """A namespace; with ``node_ip``/``host_ip`` (CIDR, e.g. ``10.213.4.2/30``) a veth pair joins it to
    the host: ``node_if`` inside, :attr:`host_if` outside, default route via the host address.

    Bridge variant (:meth:`on_bridge`): no host address; :attr:`host_if` joins ``bridge`` (which the
    caller created, with the gateway address on it) and the default route goes via ``gateway``."""

    name: str
    node_ip: str | None = None
    host_ip: str | None = None
    node_if: str = "eth0"
    bridge: str | None = None
    gateway: str | None = None

    @classmethod
    def on_bridge(cls, name: str, node_ip: str, bridge: str, gateway: str) -> NetnsSpec:
        """A namespace whose veth's host end is a port of ``bridge``; ``node_ip`` is a CIDR."""
        return cls(name, node_ip=node_ip, bridge=bridge, gateway=gateway)

    @property
    def path(self) -> Path:
        return NETNS_DIR / self.name

    @property
    def host_if(self) -> str:
        return "pt" + hashlib.sha256(self.name.encode()).hexdigest()[:10]

    @property
    def node_address(self) -> str | None:
        return str(ipaddress.ip_interface(self.node_ip).ip) if self.node_ip else None

    @property
    def default_gateway(self) -> str | None:
        """The namespace's default route: ``gateway``, else the host end's address."""
        if self.gateway is not None:
            return self.gateway
        return str(ipaddress.ip_interface(self.host_ip).ip) if self.host_ip else None


def _check(spec: NetnsSpec) -> None:
    if spec.bridge is not None:
        if spec.node_ip is None or spec.gateway is None or spec.host_ip is not None:
            raise ValueError(f"netns {spec.name}: a bridge port needs node_ip and gateway and no host_ip")
    elif (spec.node_ip is None) != (spec.host_ip is None):
        raise ValueError(f"netns {spec.name}: node_ip and host_ip go together")


def create(spec: NetnsSpec, ip: IpRunner = run_ip) -> None:
    """Create the namespace (and veth pair); on failure everything created so far is removed."""
    _check(spec)
    ip("netns", "add", spec.name)
    try:
        ip("-n", spec.name, "link", "set", "lo", "up")
        gateway = spec.default_gateway
        if spec.node_ip is not None and gateway is not None:
            ip("link", "add", spec.host_if, "type", "veth", "peer", "name", spec.node_if, "netns", spec.name)
            if spec.bridge is not None:
                ip("link", "set", spec.host_if, "master", spec.bridge)
            elif spec.host_ip is not None:
                ip("addr", "add", spec.host_ip, "dev", spec.host_if)
            ip("link", "set", spec.host_if, "up")
            ip("-n", spec.name, "addr", "add", spec.node_ip, "dev", spec.node_if)
            ip("-n", spec.name, "link", "set", spec.node_if, "up")
            ip("-n", spec.name, "route", "add", "default", "via", gateway)
    except Exception:
        delete(spec, ip)
        raise


def delete(spec: NetnsSpec, ip: IpRunner = run_ip) -> None:
    """Remove the veth pair (if any) and the namespace; missing pieces are not an error."""
    if spec.node_ip is not None:
        ip("link", "del", spec.host_if, check=False)
    ip("netns", "del", spec.name, check=False)


def exists(name: str) -> bool:
    return (NETNS_DIR / name).exists()


def link_exists(name: str) -> bool:
    """Whether the interface ``name`` (a bridge, a veth's host end) exists in this namespace."""
    return subprocess.run(["ip", "link", "show", "dev", name], capture_output=True).returncode == 0


def pids_in(name: str) -> list[int]:
    """PIDs of every process whose network namespace is ``name`` (read from ``/proc``)."""
    try:
        target = os.stat(NETNS_DIR / name).st_ino
    except FileNotFoundError:
        return []
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.stat(entry / "ns" / "net").st_ino == target:
                found.append(int(entry.name))
        except OSError:
            continue
    return found

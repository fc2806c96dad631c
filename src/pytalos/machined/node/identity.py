"""The node's name and addresses, as machined's services need them (etcd certificates and flags, the
API server certificate, reply metadata).

Addresses are the global-scope addresses of the node's network namespace, read with ``ip -j addr``
behind the small :class:`AddressSource` protocol (a fixed list in unit tests). The hostname is the
config's (``HostnameConfig.hostname``, then ``machine.network.hostname``); without one it is derived
from the first address like Talos's address-based default (``talos-10-5-0-2``). The resources issue
replaces this with the ``HostnameStatus``/``NodeAddress`` resources.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
from typing import Any, Protocol

from pytalos.machinery.config.container import Container

IP = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressSource(Protocol):
    async def addresses(self) -> list[IP]: ...


class StaticAddresses:
    """A fixed address list (tests, and nodes without network)."""

    def __init__(self, addresses: list[IP]) -> None:
        self._addresses = addresses

    async def addresses(self) -> list[IP]:
        return list(self._addresses)


class IpCommandAddresses:
    """Global addresses from ``ip -j addr show`` in machined's own network namespace."""

    def __init__(self, ip_binary: str = "ip") -> None:
        self.ip_binary = ip_binary

    async def addresses(self) -> list[IP]:
        proc = await asyncio.create_subprocess_exec(
            self.ip_binary,
            "-j",
            "addr",
            "show",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
        if proc.returncode != 0:
            raise OSError(
                f"ip -j addr show failed ({proc.returncode}): {err.decode(errors='replace').strip()}"
            )
        return parse_ip_json(json.loads(out or b"[]"))


def parse_ip_json(links: list[dict[str, Any]]) -> list[IP]:
    """Global-scope addresses of links that are up, IPv4 first (``ip -j addr`` output)."""
    found: list[IP] = []
    for link in links:
        if "UP" not in link.get("flags", []):
            continue
        for info in link.get("addr_info", []):
            if info.get("scope") != "global":
                continue
            try:
                found.append(ipaddress.ip_address(info["local"]))
            except (KeyError, ValueError):
                continue
    return sorted(found, key=lambda ip: ip.version)


def hostname_for(config: Container, addresses: list[IP]) -> str:
    """See the module docstring."""
    doc = config.get("HostnameConfig")
    explicit = getattr(doc, "hostname", "") if doc is not None else ""
    if not explicit:
        v1 = config.v1alpha1()
        network = getattr(getattr(v1, "machine_config", None), "machine_network", None)
        explicit = getattr(network, "network_hostname", "") or ""
    if explicit:
        return str(explicit)
    if not addresses:
        return "talos-localhost"
    return "talos-" + str(addresses[0]).replace(".", "-").replace(":", "-")

"""The real :class:`~.netlink.Netlink`: rtnetlink dumps and multicast notifications over pyroute2.

A node placed in a network namespace (tests, several nodes on one machine) passes the namespace
name; pyroute2 then opens its sockets inside that namespace. Each dump uses a fresh socket, so a
controller cancelled mid-dump never leaves a half-read reply behind for the next request.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from pyroute2 import AsyncIPRoute
from pyroute2.netlink.exceptions import NetlinkError as PyrouteNetlinkError
from pyroute2.netlink.rtnl import RTMGRP_IPV4_IFADDR, RTMGRP_IPV6_IFADDR, RTMGRP_LINK

from .netlink import AddressInfo, ChangeFeed, LinkInfo, NetlinkError

#: Where ``ip netns add`` puts named namespaces.
NETNS_DIR = Path("/run/netns")

_GROUPS = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR


def _attr(msg: Any, name: str, default: Any = None) -> Any:
    value = msg.get_attr(name)
    return default if value is None else value


def _link(msg: Any) -> LinkInfo:
    info = msg.get_attr("IFLA_LINKINFO")
    kind = slave_kind = ""
    if info is not None:
        kind = info.get_attr("IFLA_INFO_KIND") or ""
        slave_kind = info.get_attr("IFLA_INFO_SLAVE_KIND") or ""
    props = msg.get_attr("IFLA_PROP_LIST")
    alt_names: tuple[str, ...] = ()
    if props is not None:
        alt_names = tuple(v for k, v in props.get("attrs", []) if k == "IFLA_ALT_IFNAME")
    return LinkInfo(
        index=int(msg["index"]),
        name=str(_attr(msg, "IFLA_IFNAME", "")),
        type=int(msg["ifi_type"]),
        flags=int(msg["flags"]),
        mtu=int(_attr(msg, "IFLA_MTU", 0)),
        operstate=str(_attr(msg, "IFLA_OPERSTATE", "UNKNOWN")),
        hardware_addr=str(_attr(msg, "IFLA_ADDRESS", "")),
        broadcast_addr=str(_attr(msg, "IFLA_BROADCAST", "")),
        permanent_addr=str(_attr(msg, "IFLA_PERM_ADDRESS", "")),
        qdisc=str(_attr(msg, "IFLA_QDISC", "")),
        link_index=int(_attr(msg, "IFLA_LINK", 0)),
        master_index=int(_attr(msg, "IFLA_MASTER", 0)),
        kind=str(kind),
        slave_kind=str(slave_kind),
        alias=str(_attr(msg, "IFLA_IFALIAS", "")),
        alt_names=alt_names,
        carrier=bool(_attr(msg, "IFLA_CARRIER", 0)),
    )


def _address(msg: Any) -> AddressInfo:
    return AddressInfo(
        index=int(msg["index"]),
        family=int(msg["family"]),
        prefixlen=int(msg["prefixlen"]),
        address=str(_attr(msg, "IFA_ADDRESS", "")),
        local=str(_attr(msg, "IFA_LOCAL", "")),
        broadcast=str(_attr(msg, "IFA_BROADCAST", "")),
        anycast=str(_attr(msg, "IFA_ANYCAST", "")),
        multicast=str(_attr(msg, "IFA_MULTICAST", "")),
        scope=int(msg["scope"]),
        flags=int(_attr(msg, "IFA_FLAGS", msg["flags"])),
        label=str(_attr(msg, "IFA_LABEL", "")),
    )


class _Feed:
    def __init__(self, ipr: AsyncIPRoute) -> None:
        self._changed = asyncio.Event()
        self._task = asyncio.create_task(self._pump(ipr), name="netlink change feed")

    async def _pump(self, ipr: AsyncIPRoute) -> None:
        while True:
            async for _ in ipr.get():
                self._changed.set()

    async def wait(self) -> None:
        if self._task.done() and not self._task.cancelled() and self._task.exception() is not None:
            raise NetlinkError(f"netlink change feed failed: {self._task.exception()}")
        await self._changed.wait()
        self._changed.clear()

    async def close(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


class PyRoute2Netlink:
    """Links and addresses of network namespace ``netns`` (``None``: the caller's namespace)."""

    def __init__(self, netns: str | None = None) -> None:
        self.netns = netns

    @property
    def _where(self) -> str:
        return f"netns {self.netns}" if self.netns else "the current netns"

    def _open(self) -> AsyncIPRoute:
        if not self.netns:
            return AsyncIPRoute()
        # pyroute2 creates a missing named namespace; a node must never run in an empty new one
        path = Path(self.netns) if "/" in self.netns else NETNS_DIR / self.netns
        if not path.exists():
            raise NetlinkError(f"{self._where}: no such network namespace ({path} does not exist)")
        return AsyncIPRoute(netns=str(path) if "/" in self.netns else self.netns)

    async def links(self) -> Sequence[LinkInfo]:
        try:
            async with self._open() as ipr:
                return [_link(m) async for m in await ipr.get_links()]
        except NetlinkError:
            raise
        except (PyrouteNetlinkError, OSError) as exc:
            raise NetlinkError(f"netlink link dump in {self._where}: {exc}") from exc

    async def addresses(self) -> Sequence[AddressInfo]:
        try:
            async with self._open() as ipr:
                return [_address(m) async for m in await ipr.get_addr()]
        except NetlinkError:
            raise
        except (PyrouteNetlinkError, OSError) as exc:
            raise NetlinkError(f"netlink address dump in {self._where}: {exc}") from exc

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[ChangeFeed]:
        ipr = self._open()
        try:
            await ipr.bind(groups=_GROUPS)
        except (PyrouteNetlinkError, OSError) as exc:
            ipr.close()
            raise NetlinkError(f"netlink subscribe in {self._where}: {exc}") from exc
        feed = _Feed(ipr)
        try:
            yield feed
        finally:
            await feed.close()
            ipr.close()

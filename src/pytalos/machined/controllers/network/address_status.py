"""``network.AddressStatusController``: one ``AddressStatuses/<link>/<prefix>`` per address.

Like the link status controller it reads the netns through :class:`~.netlink.Netlink` and follows
its change feed; an address's link name comes from the link dump of the same pass.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Sequence

from pytalos.machined.resources import network
from pytalos.machined.runtime import Input, Output, Runtime

from .._common import put
from .netlink import AddressInfo, Netlink, address_flags_text, family_name, scope_name


def _ip(text: str) -> network.IP | None:
    return ipaddress.ip_address(text) if text else None


def address_spec(addr: AddressInfo, link_name: str) -> network.AddressStatusSpec:
    return network.AddressStatusSpec(
        address=ipaddress.ip_interface(f"{addr.address}/{addr.prefixlen}"),
        local=_ip(addr.local),
        broadcast=_ip(addr.broadcast),
        anycast=_ip(addr.anycast),
        multicast=_ip(addr.multicast),
        link_index=addr.index,
        link_name=link_name,
        family=family_name(addr.family),
        scope=scope_name(addr.scope),
        flags=address_flags_text(addr.flags),
    )


class AddressStatusController:
    name = "network.AddressStatusController"

    def __init__(self, netlink: Netlink) -> None:
        self.netlink = netlink

    def inputs(self) -> Sequence[Input]:
        return ()

    def outputs(self) -> Sequence[Output]:
        return [Output(network.ADDRESS_STATUS_TYPE)]

    async def run(self, rt: Runtime, log: logging.Logger) -> None:
        async with self.netlink.subscribe() as feed:
            while True:
                names = {link.index: link.name for link in await self.netlink.links()}
                addresses = await self.netlink.addresses()
                rt.start_tracking_outputs()
                for addr in addresses:
                    spec = address_spec(addr, names.get(addr.index, ""))
                    id = network.address_id(spec.link_name, spec.address)
                    await put(rt, network.NAMESPACE, network.ADDRESS_STATUS_TYPE, id, spec)
                await rt.cleanup_outputs(network.NAMESPACE, network.ADDRESS_STATUS_TYPE)
                rt.reset_restart_backoff()
                await feed.wait()

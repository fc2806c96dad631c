"""``network.LinkStatusController``: one ``LinkStatuses/<name>`` per link of the node's netns.

The controller has no resource inputs: it dumps the links through :class:`~.netlink.Netlink`,
writes them, and waits on the netlink change feed (subscribed before the first dump, so nothing
changes unseen). Links that disappeared are removed. A failed dump fails the run; the runtime
restarts it with back-off and the error names the namespace.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pytalos.machined.resources import network
from pytalos.machined.runtime import Input, Output, Runtime

from .._common import put
from .netlink import LinkInfo, Netlink, link_flags_text, link_type_name, oper_state_name


def link_spec(link: LinkInfo) -> network.LinkStatusSpec:
    return network.LinkStatusSpec(
        alias=link.alias,
        alt_names=link.alt_names,
        index=link.index,
        type=link_type_name(link.type),
        link_index=link.link_index,
        flags=link_flags_text(link.flags),
        hardware_addr=link.hardware_addr,
        permanent_addr=link.permanent_addr,
        broadcast_addr=link.broadcast_addr,
        mtu=link.mtu,
        queue_disc=link.qdisc,
        master_index=link.master_index,
        operational_state=oper_state_name(link.operstate),
        kind=link.kind,
        slave_kind=link.slave_kind,
        link_state=link.carrier,
    )


class LinkStatusController:
    name = "network.LinkStatusController"

    def __init__(self, netlink: Netlink) -> None:
        self.netlink = netlink

    def inputs(self) -> Sequence[Input]:
        return ()

    def outputs(self) -> Sequence[Output]:
        return [Output(network.LINK_STATUS_TYPE)]

    async def run(self, rt: Runtime, log: logging.Logger) -> None:
        async with self.netlink.subscribe() as feed:
            while True:
                links = await self.netlink.links()
                rt.start_tracking_outputs()
                for link in links:
                    await put(rt, network.NAMESPACE, network.LINK_STATUS_TYPE, link.name, link_spec(link))
                await rt.cleanup_outputs(network.NAMESPACE, network.LINK_STATUS_TYPE)
                rt.reset_restart_backoff()
                await feed.wait()

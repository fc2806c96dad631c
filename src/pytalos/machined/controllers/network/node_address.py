"""``network.NodeAddressController``: the node's own addresses, as other controllers pick them.

From ``AddressStatuses`` and ``LinkStatuses`` (Talos ``controllers/network/node_address.go``):

* ``current``: global-scope unicast addresses (no loopback, link-local or multicast) of links that
  are up (operational state ``up`` or ``unknown``), sorted IPv4 first then by address;
* ``routed``: ``current`` minus addresses of overlay links (KubeSpan, SideroLink) — the same set
  until pytalos has those;
* ``default``: the first ``current`` address (etcd's advertised address, the ``talos-a-b-c-d``
  hostname); absent while there is none;
* ``accumulative``: every address the node had since machined started, sorted.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pytalos.machined.resources import network
from pytalos.machined.runtime import Input, InputKind, Output, Reconciler, Runtime

from .._common import get_spec, put, remove

_UP_STATES = ("up", "unknown")


def _sort_key(prefix: network.Prefix) -> tuple[int, int, int]:
    return (prefix.version, int(prefix.ip), prefix.network.prefixlen)


def current_addresses(
    addresses: Sequence[network.AddressStatusSpec], links: Sequence[network.LinkStatusSpec]
) -> list[network.Prefix]:
    up = {link.index for link in links if link.operational_state in _UP_STATES}
    picked = []
    for addr in addresses:
        ip = addr.address.ip
        if addr.scope != "global" or addr.link_index not in up:
            continue
        if ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_unspecified:
            continue
        picked.append(addr.address)
    return sorted(dict.fromkeys(picked), key=_sort_key)


class NodeAddressController(Reconciler):
    name = "network.NodeAddressController"

    def inputs(self) -> Sequence[Input]:
        return [
            Input(network.NAMESPACE, network.ADDRESS_STATUS_TYPE, kind=InputKind.WEAK),
            Input(network.NAMESPACE, network.LINK_STATUS_TYPE, kind=InputKind.WEAK),
        ]

    def outputs(self) -> Sequence[Output]:
        return [Output(network.NODE_ADDRESS_TYPE)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        addresses = [r.spec for r in await rt.list(network.NAMESPACE, network.ADDRESS_STATUS_TYPE)]
        links = [r.spec for r in await rt.list(network.NAMESPACE, network.LINK_STATUS_TYPE)]
        current = current_addresses(addresses, links)

        async def write(id: str, prefixes: Sequence[network.Prefix]) -> None:
            await put(
                rt, network.NAMESPACE, network.NODE_ADDRESS_TYPE, id, network.NodeAddressSpec(tuple(prefixes))
            )

        await write(network.NODE_ADDRESS_CURRENT_ID, current)
        await write(network.NODE_ADDRESS_ROUTED_ID, current)
        if current:
            await write(network.NODE_ADDRESS_DEFAULT_ID, current[:1])
        else:
            await remove(rt, network.NAMESPACE, network.NODE_ADDRESS_TYPE, network.NODE_ADDRESS_DEFAULT_ID)
        before = await get_spec(
            rt, network.NAMESPACE, network.NODE_ADDRESS_TYPE, network.NODE_ADDRESS_ACCUMULATIVE_ID
        )
        seen = list(before.addresses) if before is not None else []
        await write(
            network.NODE_ADDRESS_ACCUMULATIVE_ID, sorted(dict.fromkeys([*seen, *current]), key=_sort_key)
        )

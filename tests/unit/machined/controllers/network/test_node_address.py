"""network.NodeAddressController: current/routed/default/accumulative from link and address status."""

from __future__ import annotations

import ipaddress

import pytest

from pytalos.machined.controllers.network.address_status import AddressStatusController
from pytalos.machined.controllers.network.link_status import LinkStatusController
from pytalos.machined.controllers.network.netlink_fake import FakeNetlink
from pytalos.machined.controllers.network.node_address import NodeAddressController
from pytalos.machined.resources import network
from pytalos.machined.runtime import Resource
from pytalos.machined.runtime.testing import run

from .._helpers import LOOPBACK, addr, eth, harness

pytestmark = pytest.mark.unit

NA = network.NODE_ADDRESS_TYPE


def _is(*prefixes: str):  # type: ignore[no-untyped-def]
    want = tuple(ipaddress.ip_interface(p) for p in prefixes)

    def check(r: Resource[network.NodeAddressSpec]) -> None:
        assert r.spec.addresses == want

    return check


def test_node_addresses_pick_global_addresses_of_up_links() -> None:
    async def body() -> None:
        nl = FakeNetlink(
            [LOOPBACK, eth(2, "eth0"), eth(3, "eth1", up=False)],
            [
                addr(1, "127.0.0.1/8", scope=254),
                addr(2, "fd00::5/64"),
                addr(2, "10.5.0.9/24"),
                addr(2, "10.5.0.2/24"),
                addr(2, "fe80::1/64", scope=253),
                addr(3, "192.168.1.1/24"),
            ],
        )
        controllers = (LinkStatusController(nl), AddressStatusController(nl), NodeAddressController())
        async with harness(*controllers) as h:
            await h.assert_resource(NA, "current", _is("10.5.0.2/24", "10.5.0.9/24", "fd00::5/64"))
            await h.assert_resource(NA, "routed", _is("10.5.0.2/24", "10.5.0.9/24", "fd00::5/64"))
            await h.assert_resource(NA, "default", _is("10.5.0.2/24"))
            res = await h.assert_resource(NA, "accumulative", _is("10.5.0.2/24", "10.5.0.9/24", "fd00::5/64"))
            assert res.spec.to_yaml() == {"addresses": ["10.5.0.2/24", "10.5.0.9/24", "fd00::5/64"]}
            assert res.spec.ips() == [ipaddress.ip_address(a) for a in ("10.5.0.2", "10.5.0.9", "fd00::5")]

            nl.set_addresses([addr(2, "10.5.0.7/24")])
            await h.assert_resource(NA, "current", _is("10.5.0.7/24"))
            await h.assert_resource(NA, "default", _is("10.5.0.7/24"))
            await h.assert_resource(
                NA, "accumulative", _is("10.5.0.2/24", "10.5.0.7/24", "10.5.0.9/24", "fd00::5/64")
            )

            nl.set_addresses([])
            await h.assert_resource(NA, "current", _is())
            await h.assert_no_resource(NA, "default")

    run(body())

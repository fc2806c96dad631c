"""network.LinkStatusController / AddressStatusController over the fake netlink."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

import pytest

from pytalos.machined.controllers.network.address_status import AddressStatusController
from pytalos.machined.controllers.network.link_status import LinkStatusController
from pytalos.machined.controllers.network.netlink_fake import FakeNetlink
from pytalos.machined.resources import network
from pytalos.machined.runtime.testing import run

from .._helpers import LOOPBACK, addr, eth, failure_of, harness

pytestmark = pytest.mark.unit

LINK = network.LINK_STATUS_TYPE
ADDR = network.ADDRESS_STATUS_TYPE


def test_links_are_mirrored_with_talos_names() -> None:
    async def body() -> None:
        nl = FakeNetlink([LOOPBACK, eth(2, "eth0")])
        async with harness(LinkStatusController(nl)) as h:
            res = await h.assert_resource(LINK, "eth0")
            assert res.spec.to_yaml() == {
                "index": 2,
                "type": "ether",
                "linkIndex": 0,
                "flags": "UP,BROADCAST,RUNNING,MULTICAST,LOWER_UP",
                "hardwareAddr": "52:54:00:00:00:01",
                "permanentAddr": "",
                "broadcastAddr": "ff:ff:ff:ff:ff:ff",
                "mtu": 1500,
                "queueDisc": "fq_codel",
                "operationalState": "up",
                "kind": "",
                "slaveKind": "",
                "linkState": True,
            }
            assert res.spec.physical
            lo = await h.assert_resource(LINK, "lo")
            assert (lo.spec.type, lo.spec.operational_state) == ("loopback", "unknown")
            assert lo.spec.flags == "UP,LOOPBACK,RUNNING,LOWER_UP"

            nl.set_links([LOOPBACK, eth(2, "eth0", up=False), replace(eth(3, "veth0"), kind="veth")])
            await h.assert_resource(LINK, "eth0", lambda r: r.spec.operational_state == "down")
            veth = await h.assert_resource(LINK, "veth0")
            assert veth.spec.kind == "veth" and not veth.spec.physical

            nl.set_links([LOOPBACK])
            await h.assert_no_resource(LINK, "eth0")
            await h.assert_no_resource(LINK, "veth0")

    run(body())


def test_failed_dump_is_reported_and_retried() -> None:
    async def body() -> None:
        nl = FakeNetlink([LOOPBACK])
        nl.fail_next = "permission denied"
        async with harness(LinkStatusController(nl)) as h:
            error = await failure_of(h, LinkStatusController.name)
            assert error == "NetlinkError: netlink link dump in fake netns: permission denied"
            await h.assert_resource(LINK, "lo")

    run(body())


def test_addresses_are_mirrored_with_link_names() -> None:
    async def body() -> None:
        nl = FakeNetlink(
            [LOOPBACK, eth(2, "eth0")],
            [
                addr(1, "127.0.0.1/8", scope=254),
                addr(2, "10.5.0.2/24"),
                addr(2, "fe80::1/64", scope=253, flags=0xC0),
            ],
        )
        async with harness(AddressStatusController(nl)) as h:
            res = await h.assert_resource(ADDR, "eth0/10.5.0.2/24")
            assert res.spec.to_yaml() == {
                "address": "10.5.0.2/24",
                "local": "10.5.0.2",
                "linkIndex": 2,
                "linkName": "eth0",
                "family": "inet4",
                "scope": "global",
                "flags": "permanent",
            }
            v6 = await h.assert_resource(ADDR, "eth0/fe80::1/64")
            assert (v6.spec.family, v6.spec.scope, v6.spec.flags) == ("inet6", "link", "tentative,permanent")
            lo = await h.assert_resource(ADDR, "lo/127.0.0.1/8")
            assert lo.spec.scope == "host"

            nl.set_addresses([addr(2, "10.5.0.3/24")])
            await h.assert_resource(
                ADDR, "eth0/10.5.0.3/24", lambda r: r.spec.address == ipaddress.ip_interface("10.5.0.3/24")
            )
            await h.assert_no_resource(ADDR, "eth0/10.5.0.2/24")
            await h.assert_no_resource(ADDR, "lo/127.0.0.1/8")

    run(body())

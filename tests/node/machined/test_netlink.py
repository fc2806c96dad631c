"""The pyroute2 Netlink and the network status controllers against a real, fresh network namespace.

Each test gets its own namespace holding a veth pair (``pt-a`` up with an IPv4 and an IPv6
address, ``pt-b`` its peer); the fixture deletes the namespace whatever happens and checks it is
gone. Nothing is sent over the links: only rtnetlink is exercised.
"""

from __future__ import annotations

import asyncio
import ipaddress
import subprocess
import uuid
from collections.abc import Iterator

import pytest

from pytalos.machined.controllers.network.address_status import AddressStatusController
from pytalos.machined.controllers.network.link_status import LinkStatusController
from pytalos.machined.controllers.network.netlink import NetlinkError
from pytalos.machined.controllers.network.netlink_pyroute2 import PyRoute2Netlink
from pytalos.machined.controllers.network.node_address import NodeAddressController
from pytalos.machined.resources import default_registry, network
from pytalos.machined.runtime.testing import ControllerHarness, run

from . import _daemons

pytestmark = pytest.mark.node


def _ip(netns: str, *args: str) -> None:
    subprocess.run(["ip", "-n", netns, *args], check=True, capture_output=True, timeout=10)


def _namespaces() -> str:
    return subprocess.run(["ip", "netns", "list"], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def netns() -> Iterator[str]:
    _daemons.require_root_and("ip")
    name = f"pt-nl-{uuid.uuid4().hex[:8]}"
    subprocess.run(["ip", "netns", "add", name], check=True, capture_output=True, timeout=10)
    try:
        _ip(name, "link", "add", "pt-a", "type", "veth", "peer", "name", "pt-b")
        _ip(name, "addr", "add", "10.203.0.1/24", "dev", "pt-a")
        _ip(name, "addr", "add", "fd00:203::1/64", "nodad", "dev", "pt-a")
        _ip(name, "link", "set", "pt-a", "up")
        _ip(name, "link", "set", "pt-b", "up")
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=10)
        assert name not in _namespaces(), f"network namespace {name} was not removed"


def test_dumps_read_the_namespace(netns: str) -> None:
    async def body() -> None:
        nl = PyRoute2Netlink(netns)
        links = {link.name: link for link in await nl.links()}
        assert set(links) == {"lo", "pt-a", "pt-b"}
        a, b = links["pt-a"], links["pt-b"]
        assert (a.kind, a.type, a.link_index, a.mtu) == ("veth", 1, b.index, 1500)
        assert a.flags & 0x1 and a.hardware_addr.count(":") == 5
        addrs = {(x.index, x.address, x.prefixlen) for x in await nl.addresses()}
        assert (a.index, "10.203.0.1", 24) in addrs
        assert (a.index, "fd00:203::1", 64) in addrs

    run(body())


def test_change_feed_wakes_on_address_change(netns: str) -> None:
    async def body() -> None:
        nl = PyRoute2Netlink(netns)
        async with nl.subscribe() as feed:
            await asyncio.to_thread(_ip, netns, "addr", "add", "10.203.0.2/24", "dev", "pt-b")
            async with asyncio.timeout(5):
                await feed.wait()
        assert any(x.address == "10.203.0.2" for x in await nl.addresses())

    run(body())


def test_missing_namespace_is_a_located_error() -> None:
    _daemons.require_root_and("ip")

    async def body() -> None:
        with pytest.raises(NetlinkError, match="netns pt-nl-does-not-exist"):
            await PyRoute2Netlink("pt-nl-does-not-exist").links()

    run(body())


def test_status_controllers_follow_the_namespace(netns: str) -> None:
    async def body() -> None:
        nl = PyRoute2Netlink(netns)
        controllers = (LinkStatusController(nl), AddressStatusController(nl), NodeAddressController())
        async with ControllerHarness(*controllers, registry=default_registry()) as h:
            link = await h.assert_resource(network.LINK_STATUS_TYPE, "pt-a", lambda r: r.spec.kind == "veth")
            assert link.spec.type == "ether" and "UP" in link.spec.flags.split(",")
            await h.assert_resource(
                network.ADDRESS_STATUS_TYPE, "pt-a/10.203.0.1/24", lambda r: r.spec.scope == "global"
            )
            want = (ipaddress.ip_interface("10.203.0.1/24"), ipaddress.ip_interface("fd00:203::1/64"))
            await h.assert_resource(network.NODE_ADDRESS_TYPE, "current", lambda r: r.spec.addresses == want)

            await asyncio.to_thread(_ip, netns, "link", "set", "pt-a", "down")
            await h.assert_resource(
                network.LINK_STATUS_TYPE, "pt-a", lambda r: r.spec.operational_state == "down"
            )
            await h.assert_resource(network.NODE_ADDRESS_TYPE, "current", lambda r: r.spec.addresses == ())
            await h.assert_no_resource(network.NODE_ADDRESS_TYPE, "default")

            await asyncio.to_thread(_ip, netns, "link", "del", "pt-b")  # removes the pair
            await h.assert_no_resource(network.LINK_STATUS_TYPE, "pt-a")
            await h.assert_no_resource(network.ADDRESS_STATUS_TYPE, "pt-a/10.203.0.1/24")

    run(body())

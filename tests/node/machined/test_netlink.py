"""The rtnetlink client and the network status controllers against a real, fresh network namespace.

Each test gets its own namespace holding a veth pair (``pt-a`` up with an IPv4 and an IPv6
address, ``pt-b`` its peer); the fixture deletes the namespace whatever happens and checks it is
gone. Nothing is sent over the links: only rtnetlink is exercised. iproute2's JSON output
(``ip -j -d link``, ``ip -j addr``) is the independent reference for what the dumps decode.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import subprocess
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from pytalos.machined.controllers.network.address_status import AddressStatusController
from pytalos.machined.controllers.network.link_status import LinkStatusController
from pytalos.machined.controllers.network.netlink import NetlinkError, link_flags_text, scope_name
from pytalos.machined.controllers.network.node_address import NodeAddressController
from pytalos.machined.controllers.network.rtnetlink import RtNetlink
from pytalos.machined.resources import default_registry, network
from pytalos.machined.runtime.testing import ControllerHarness, run

from . import _daemons

pytestmark = pytest.mark.node


def _ip(netns: str, *args: str) -> None:
    subprocess.run(["ip", "-n", netns, *args], check=True, capture_output=True, timeout=10)


def _ip_json(netns: str, *args: str) -> list[dict[str, Any]]:
    out = subprocess.run(["ip", "-n", netns, "-j", *args], check=True, capture_output=True, timeout=10)
    return list(json.loads(out.stdout))


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
        nl = RtNetlink(netns)
        links = {link.name: link for link in await nl.links()}
        assert set(links) == {"lo", "pt-a", "pt-b"}
        a, b = links["pt-a"], links["pt-b"]
        assert (a.kind, a.type, a.link_index, a.mtu) == ("veth", 1, b.index, 1500)
        assert a.flags & 0x1 and a.hardware_addr.count(":") == 5
        addrs = {(x.index, x.address, x.prefixlen) for x in await nl.addresses()}
        assert (a.index, "10.203.0.1", 24) in addrs
        assert (a.index, "fd00:203::1", 64) in addrs

    run(body())


def test_dumps_match_iproute2(netns: str) -> None:
    _ip(netns, "link", "set", "pt-a", "alias", "uplink")
    _ip(netns, "link", "property", "add", "dev", "pt-a", "altname", "pt-alt")
    _ip(netns, "addr", "add", "10.9.9.1", "peer", "10.9.9.2/32", "dev", "pt-b", "label", "pt-b:p")
    ip_links = {link["ifname"]: link for link in _ip_json(netns, "-d", "link", "show")}
    ip_addrs = [(link["ifindex"], a) for link in _ip_json(netns, "addr", "show") for a in link["addr_info"]]

    async def body() -> None:
        nl = RtNetlink(netns)
        links = {link.name: link for link in await nl.links()}
        assert set(links) == set(ip_links)
        for name, want in ip_links.items():
            got = links[name]
            assert got.index == want["ifindex"] and got.mtu == want["mtu"], name
            assert got.operstate == want["operstate"] and got.qdisc == want["qdisc"], name
            assert got.hardware_addr == want["address"] and got.broadcast_addr == want["broadcast"], name
            assert set(want["flags"]) <= set(link_flags_text(got.flags).split(",")), name
            assert got.kind == want.get("linkinfo", {}).get("info_kind", ""), name
            assert got.alias == want.get("ifalias", "") and list(got.alt_names) == want.get("altnames", [])
        assert (
            links["pt-a"].link_index == links["pt-b"].index
            and links["pt-b"].link_index == links["pt-a"].index
        )

        addrs = await nl.addresses()
        assert len(addrs) == len(ip_addrs)
        for index, want in ip_addrs:
            (got,) = [a for a in addrs if a.index == index and (a.local or a.address) == want["local"]]
            assert got.prefixlen == want["prefixlen"] and scope_name(got.scope) == want["scope"].replace(
                "universe", "global"
            )
            assert got.address == want.get("address", want["local"]) and got.label == want.get("label", "")
            assert ("nodad" in want) == bool(got.flags & 0x02)

    run(body())


def test_change_feed_wakes_on_link_change(netns: str) -> None:
    async def body() -> None:
        nl = RtNetlink(netns)
        async with nl.subscribe() as feed:
            await asyncio.to_thread(_ip, netns, "link", "set", "pt-b", "mtu", "1400")
            async with asyncio.timeout(5):
                await feed.wait()
        assert {link.name: link.mtu for link in await nl.links()}["pt-b"] == 1400

    run(body())


def test_event_loop_thread_never_changes_namespace(netns: str) -> None:
    async def body() -> None:
        own = _thread_netns()
        await RtNetlink(netns).links()
        assert _thread_netns() == own
        assert not [t for t in threading.enumerate() if t.name.startswith("netns socket")]

    run(body())


def _thread_netns() -> int:
    return os.stat("/proc/thread-self/ns/net").st_ino


def test_change_feed_wakes_on_address_change(netns: str) -> None:
    async def body() -> None:
        nl = RtNetlink(netns)
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
            await RtNetlink("pt-nl-does-not-exist").links()

    run(body())


def test_status_controllers_follow_the_namespace(netns: str) -> None:
    async def body() -> None:
        nl = RtNetlink(netns)
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

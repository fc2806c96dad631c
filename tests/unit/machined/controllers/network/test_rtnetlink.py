"""The rtnetlink wire format: crafted kernel messages decoded, dump replies collected, errors located.

The same decoding against a live kernel (compared with iproute2) is in
``tests/node/machined/test_netlink.py``.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import struct

import pytest

from pytalos.machined.controllers.network import rtnetlink as rt
from pytalos.machined.controllers.network.netlink import NetlinkError

pytestmark = pytest.mark.unit


def attr(atype: int, value: bytes) -> bytes:
    raw = struct.pack("=HH", 4 + len(value), atype) + value
    return raw + b"\0" * (-len(raw) % 4)


def nlmsg(mtype: int, payload: bytes, seq: int = 7, flags: int = rt.NLM_F_MULTI) -> bytes:
    raw = struct.pack("=IHHII", 16 + len(payload), mtype, flags, seq, 0) + payload
    return raw + b"\0" * (-len(raw) % 4)


def link_payload() -> bytes:
    head = struct.pack("=BxHiII", 0, 1, 3, 0x11043, 0)
    info = attr(rt.IFLA_INFO_KIND, b"veth\0") + attr(rt.IFLA_INFO_SLAVE_KIND, b"bridge\0")
    props = attr(rt.IFLA_ALT_IFNAME, b"alt-one\0") + attr(rt.IFLA_ALT_IFNAME, b"alt-two\0")
    return head + b"".join(
        [
            attr(rt.IFLA_IFNAME, b"pt-a\0"),
            attr(rt.IFLA_MTU, struct.pack("=I", 1450)),
            attr(rt.IFLA_OPERSTATE, bytes([6])),
            attr(rt.IFLA_ADDRESS, bytes.fromhex("f688d5737555")),
            attr(rt.IFLA_BROADCAST, b"\xff" * 6),
            attr(rt.IFLA_QDISC, b"noqueue\0"),
            attr(rt.IFLA_LINK, struct.pack("=I", 2)),
            attr(rt.IFLA_MASTER, struct.pack("=I", 4)),
            attr(rt.IFLA_LINKINFO | 0x8000, info),  # NLA_F_NESTED is ignored
            attr(rt.IFLA_PROP_LIST | 0x8000, props),
            attr(rt.IFLA_IFALIAS, b"uplink\0"),
            attr(rt.IFLA_CARRIER, b"\x01"),
            attr(99, b"unknown attributes are skipped"),
        ]
    )


def test_link_attributes_decode_like_iproute2_prints_them() -> None:
    link = rt.decode_link(link_payload())
    assert (link.index, link.name, link.type, link.flags, link.mtu) == (3, "pt-a", 1, 0x11043, 1450)
    assert (link.operstate, link.qdisc, link.alias) == ("UP", "noqueue", "uplink")
    assert (link.hardware_addr, link.broadcast_addr, link.permanent_addr) == (
        "f6:88:d5:73:75:55",
        "ff:ff:ff:ff:ff:ff",
        "",
    )
    assert (link.link_index, link.master_index, link.kind, link.slave_kind) == (2, 4, "veth", "bridge")
    assert link.alt_names == ("alt-one", "alt-two") and link.carrier


def test_missing_link_attributes_give_the_defaults() -> None:
    link = rt.decode_link(struct.pack("=BxHiII", 0, 772, 1, 0, 0))
    assert (link.name, link.mtu, link.operstate, link.kind, link.alt_names, link.carrier) == (
        "",
        0,
        "UNKNOWN",
        "",
        (),
        False,
    )


def test_address_attributes_and_extended_flags() -> None:
    head = struct.pack("=BBBBI", socket.AF_INET, 32, 0x80, 0, 6)
    payload = head + b"".join(
        [
            attr(rt.IFA_ADDRESS, socket.inet_aton("10.9.9.2")),
            attr(rt.IFA_LOCAL, socket.inet_aton("10.9.9.1")),
            attr(rt.IFA_LABEL, b"pt-a:p\0"),
            attr(rt.IFA_FLAGS, struct.pack("=I", 0x280)),
        ]
    )
    addr = rt.decode_address(payload)
    assert (addr.index, addr.family, addr.prefixlen, addr.scope) == (6, 2, 32, 0)
    assert (addr.address, addr.local, addr.label, addr.broadcast) == ("10.9.9.2", "10.9.9.1", "pt-a:p", "")
    assert addr.flags == 0x280  # IFA_FLAGS wins over the 8-bit ifa_flags

    v6 = struct.pack("=BBBBI", socket.AF_INET6, 64, 0x02, 253, 3)
    v6 += attr(rt.IFA_ADDRESS, socket.inet_pton(socket.AF_INET6, "fe80::1"))
    addr = rt.decode_address(v6)
    assert (addr.address, addr.flags, addr.scope, addr.local) == ("fe80::1", 0x02, 253, "")


def test_dump_replies_collect_only_the_answer_to_our_request() -> None:
    payloads: list[bytes] = []
    first = nlmsg(rt.RTM_NEWLINK, b"one") + nlmsg(rt.RTM_NEWLINK, b"other", seq=8)
    assert not rt.dump_replies(first, 7, rt.RTM_NEWLINK, payloads)
    done = nlmsg(rt.RTM_NEWLINK, b"two") + nlmsg(rt.NLMSG_DONE, struct.pack("=i", 0))
    assert rt.dump_replies(done, 7, rt.RTM_NEWLINK, payloads)
    assert payloads == [b"one", b"two"]


def test_dump_errors_and_interruptions() -> None:
    with pytest.raises(OSError) as err:
        rt.dump_replies(nlmsg(rt.NLMSG_ERROR, struct.pack("=i", -errno.EPERM) + b"\0" * 16), 7, 16, [])
    assert err.value.errno == errno.EPERM
    with pytest.raises(rt._DumpInterrupted):
        rt.dump_replies(nlmsg(rt.RTM_NEWLINK, b"x", flags=rt.NLM_F_MULTI | rt.NLM_F_DUMP_INTR), 7, 16, [])
    with pytest.raises(NetlinkError, match="malformed netlink message at byte 0"):
        list(rt.iter_messages(struct.pack("=IHHII", 400, 16, 0, 7, 0)))


def test_dump_request_wire_format() -> None:
    raw = rt.dump_request(rt.RTM_GETADDR, 42)
    assert struct.unpack_from("=IHHII", raw) == (24, rt.RTM_GETADDR, 0x301, 42, 0) and len(raw) == 24
    assert len(rt.dump_request(rt.RTM_GETLINK, 1)) == 32


def test_a_missing_namespace_is_refused_without_creating_it() -> None:
    async def body() -> None:
        with pytest.raises(NetlinkError, match=r"netns pt-none-\w+: no such network namespace"):
            await rt.RtNetlink("pt-none-x1").links()
        with pytest.raises(NetlinkError, match="netns pt-none-x2"):
            async with rt.RtNetlink("pt-none-x2").subscribe():
                pass

    asyncio.run(body())
    assert not (rt.NETNS_DIR / "pt-none-x1").exists()

"""The real :class:`~.netlink.Netlink`: a small rtnetlink client on the standard library alone.

machined needs two dumps (``RTM_GETLINK``, ``RTM_GETADDR``) and the link/address multicast groups;
that is a few structs, so this module speaks ``AF_NETLINK``/``NETLINK_ROUTE`` itself instead of
loading a general netlink library (pyroute2 cost machined about 10 MB of its 60 MB budget).

* **Sockets.** Each dump opens a fresh socket, so a controller cancelled mid-dump never leaves a
  half-read reply for the next request; a change feed is one socket bound to ``RTMGRP_LINK``,
  ``RTMGRP_IPV4_IFADDR`` and ``RTMGRP_IPV6_IFADDR``. Sockets are non-blocking and read through the
  event loop (``loop.sock_recv``). A dump marked ``NLM_F_DUMP_INTR`` (the tables changed while the
  kernel was walking them) is taken again; a feed whose receive queue overflowed (``ENOBUFS``) counts
  as a change, since the controllers dump everything again on every wake-up anyway.
* **Named network namespaces.** A socket belongs to the namespace its creator was in when it called
  ``socket()``, for good. To read ``/run/netns/NAME``, the socket is created by a *fresh, dedicated*
  thread that ``setns()``-es into the namespace, creates the socket, and ``setns()``-es back before
  ending. Only that short-lived thread ever changes namespace: the event loop thread (which owns the
  API servers and every other socket) never does, and a pooled executor thread is never used, since a
  failed switch back would leave a reused thread in the wrong namespace. If restoring fails the thread
  ends anyway, taking its namespace with it (the socket is refused all the same). A namespace that
  does not exist is refused with an error naming it; nothing is created (unlike pyroute2, which
  created a missing named namespace empty).
* **Records.** Attributes are decoded into :class:`~.netlink.LinkInfo`/:class:`~.netlink.AddressInfo`
  exactly as the previous pyroute2 implementation produced them: MAC-like addresses as lowercase
  ``aa:bb:…``, the operational state as iproute2's upper-case name, IPs as text, ``IFA_FLAGS`` over
  the 8-bit ``ifa_flags`` when present.
"""

from __future__ import annotations

import asyncio
import errno
import itertools
import os
import socket
import struct
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from .netlink import AF_INET, AF_INET6, AddressInfo, ChangeFeed, LinkInfo, NetlinkError

#: Where ``ip netns add`` puts named namespaces.
NETNS_DIR = Path("/run/netns")

NETLINK_ROUTE = 0
RTM_NEWLINK, RTM_GETLINK, RTM_NEWADDR, RTM_GETADDR = 16, 18, 20, 22
NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, NLMSG_OVERRUN = 1, 2, 3, 4
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_DUMP_INTR, NLM_F_DUMP = 0x1, 0x2, 0x10, 0x300
RTMGRP_LINK, RTMGRP_IPV4_IFADDR, RTMGRP_IPV6_IFADDR = 0x1, 0x10, 0x100
GROUPS = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR

IFLA_ADDRESS, IFLA_BROADCAST, IFLA_IFNAME, IFLA_MTU, IFLA_LINK, IFLA_QDISC = 1, 2, 3, 4, 5, 6
IFLA_MASTER, IFLA_OPERSTATE, IFLA_LINKINFO, IFLA_IFALIAS, IFLA_CARRIER = 10, 16, 18, 20, 33
IFLA_PROP_LIST, IFLA_ALT_IFNAME, IFLA_PERM_ADDRESS = 52, 53, 54
IFLA_INFO_KIND, IFLA_INFO_SLAVE_KIND = 1, 4
IFA_ADDRESS, IFA_LOCAL, IFA_LABEL, IFA_BROADCAST, IFA_ANYCAST, IFA_MULTICAST, IFA_FLAGS = 1, 2, 3, 4, 5, 7, 8

_NLMSGHDR = struct.Struct("=IHHII")  # len, type, flags, seq, pid
_IFINFOMSG = struct.Struct("=BxHiII")  # family, type, index, flags, change
_IFADDRMSG = struct.Struct("=BBBBI")  # family, prefixlen, flags, scope, index
_RTATTR = struct.Struct("=HH")  # len, type
_NLA_TYPE_MASK = 0x3FFF  # without NLA_F_NESTED / NLA_F_NET_BYTEORDER

#: ``IF_OPER_*`` as iproute2 (and pyroute2) name them.
OPER_STATES = ("UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP")

#: Large enough for any datagram the kernel sends on a route socket (dumps fill at most 32 KiB).
RECV_BUFFER = 1 << 18
DUMP_ATTEMPTS = 5
CLONE_NEWNET = 0x40000000

_seq = itertools.count(1)


# --- wire format -----------------------------------------------------------------------------------


def _align(n: int) -> int:
    return (n + 3) & ~3


def iter_messages(data: bytes) -> Iterator[tuple[int, int, int, bytes]]:
    """``(type, flags, seq, payload)`` of each ``nlmsghdr`` in one datagram."""
    offset = 0
    while offset + _NLMSGHDR.size <= len(data):
        length, mtype, flags, seq, _pid = _NLMSGHDR.unpack_from(data, offset)
        if length < _NLMSGHDR.size or offset + length > len(data):
            raise NetlinkError(f"malformed netlink message at byte {offset}: length {length}")
        yield mtype, flags, seq, data[offset + _NLMSGHDR.size : offset + length]
        offset += _align(length)


def parse_attrs(data: bytes) -> list[tuple[int, bytes]]:
    """``rtattr``s in order (types without the nested/byte-order bits); a truncated tail is ignored."""
    attrs = []
    offset = 0
    while offset + _RTATTR.size <= len(data):
        length, atype = _RTATTR.unpack_from(data, offset)
        if length < _RTATTR.size or offset + length > len(data):
            break
        attrs.append((atype & _NLA_TYPE_MASK, data[offset + _RTATTR.size : offset + length]))
        offset += _align(length)
    return attrs


def _text(value: bytes) -> str:
    return value.split(b"\0", 1)[0].decode(errors="replace")


def _u32(value: bytes) -> int:
    return int(struct.unpack_from("=I", value)[0]) if len(value) >= 4 else 0


def _hw(value: bytes) -> str:
    return ":".join(f"{b:02x}" for b in value)


def _ip(family: int, value: bytes) -> str:
    try:
        return socket.inet_ntop(family, value)
    except (ValueError, OSError):
        return ""


def decode_link(payload: bytes) -> LinkInfo:
    """One ``RTM_NEWLINK`` payload (``ifinfomsg`` + attributes)."""
    _family, arphrd, index, flags, _change = _IFINFOMSG.unpack_from(payload)
    attrs = parse_attrs(payload[_IFINFOMSG.size :])
    first: dict[int, bytes] = {}
    for atype, value in attrs:
        first.setdefault(atype, value)
    kind = slave_kind = ""
    if IFLA_LINKINFO in first:
        info = dict(parse_attrs(first[IFLA_LINKINFO]))
        kind = _text(info.get(IFLA_INFO_KIND, b""))
        slave_kind = _text(info.get(IFLA_INFO_SLAVE_KIND, b""))
    alt_names: tuple[str, ...] = ()
    if IFLA_PROP_LIST in first:
        alt_names = tuple(_text(v) for t, v in parse_attrs(first[IFLA_PROP_LIST]) if t == IFLA_ALT_IFNAME)
    operstate = first.get(IFLA_OPERSTATE, b"")
    return LinkInfo(
        index=index,
        name=_text(first.get(IFLA_IFNAME, b"")),
        type=arphrd,
        flags=flags,
        mtu=_u32(first.get(IFLA_MTU, b"")),
        operstate=OPER_STATES[operstate[0]] if operstate and operstate[0] < len(OPER_STATES) else "UNKNOWN",
        hardware_addr=_hw(first.get(IFLA_ADDRESS, b"")),
        broadcast_addr=_hw(first.get(IFLA_BROADCAST, b"")),
        permanent_addr=_hw(first.get(IFLA_PERM_ADDRESS, b"")),
        qdisc=_text(first.get(IFLA_QDISC, b"")),
        link_index=_u32(first.get(IFLA_LINK, b"")),
        master_index=_u32(first.get(IFLA_MASTER, b"")),
        kind=kind,
        slave_kind=slave_kind,
        alias=_text(first.get(IFLA_IFALIAS, b"")),
        alt_names=alt_names,
        carrier=bool(first.get(IFLA_CARRIER, b"\0")[:1] != b"\0"),
    )


def decode_address(payload: bytes) -> AddressInfo:
    """One ``RTM_NEWADDR`` payload (``ifaddrmsg`` + attributes)."""
    family, prefixlen, flags, scope, index = _IFADDRMSG.unpack_from(payload)
    first: dict[int, bytes] = {}
    for atype, value in parse_attrs(payload[_IFADDRMSG.size :]):
        first.setdefault(atype, value)

    def ip(atype: int) -> str:
        return _ip(family, first[atype]) if atype in first and family in (AF_INET, AF_INET6) else ""

    return AddressInfo(
        index=index,
        family=family,
        prefixlen=prefixlen,
        address=ip(IFA_ADDRESS),
        local=ip(IFA_LOCAL),
        broadcast=ip(IFA_BROADCAST),
        anycast=ip(IFA_ANYCAST),
        multicast=ip(IFA_MULTICAST),
        scope=scope,
        flags=_u32(first[IFA_FLAGS]) if IFA_FLAGS in first else flags,
        label=_text(first.get(IFA_LABEL, b"")),
    )


def dump_request(rtm_type: int, seq: int) -> bytes:
    """``RTM_GETLINK``/``RTM_GETADDR`` with ``NLM_F_DUMP`` for every family."""
    body = _IFINFOMSG.pack(0, 0, 0, 0, 0) if rtm_type == RTM_GETLINK else _IFADDRMSG.pack(0, 0, 0, 0, 0)
    return _NLMSGHDR.pack(_NLMSGHDR.size + len(body), rtm_type, NLM_F_REQUEST | NLM_F_DUMP, seq, 0) + body


class _DumpInterrupted(Exception):
    pass


def dump_replies(data: bytes, seq: int, reply_type: int, into: list[bytes]) -> bool:
    """Collect the payloads of ``reply_type`` answering ``seq`` from one datagram; ``True`` once done.

    Raises :class:`OSError` for an ``NLMSG_ERROR``/failed ``NLMSG_DONE``, ``_DumpInterrupted`` when the
    kernel flags the dump as inconsistent."""
    for mtype, flags, mseq, payload in iter_messages(data):
        if mseq != seq:
            continue
        if flags & NLM_F_DUMP_INTR:
            raise _DumpInterrupted
        if mtype in (NLMSG_DONE, NLMSG_ERROR):
            code = struct.unpack_from("=i", payload)[0] if len(payload) >= 4 else 0
            if code < 0:
                raise OSError(-code, os.strerror(-code))
            if mtype == NLMSG_DONE:
                return True
        elif mtype == reply_type:
            into.append(payload)
        elif mtype == NLMSG_OVERRUN:
            raise OSError(errno.ENOBUFS, "netlink overrun")
    return False


# --- sockets, optionally created inside a named netns ----------------------------------------------


def _new_socket(groups: int) -> socket.socket:
    sock = socket.socket(
        socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC, NETLINK_ROUTE
    )
    try:
        sock.bind((0, groups))
    except BaseException:
        sock.close()
        raise
    return sock


def _setns(fd: int, what: str) -> None:
    import ctypes  # only nodes read from outside their namespace (tests) pay for ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"setns into {what}: {os.strerror(code)}")


def socket_in_netns(path: Path, groups: int = 0) -> socket.socket:
    """A route socket created inside the namespace at ``path`` (see the module docstring)."""
    result: list[socket.socket | BaseException] = []

    def work() -> None:
        try:
            own = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
            try:
                target = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
                try:
                    _setns(target, str(path))
                    try:
                        result.append(_new_socket(groups))
                    finally:
                        _setns(own, "the thread's own network namespace")
                finally:
                    os.close(target)
            finally:
                os.close(own)
        except BaseException as exc:
            result.append(exc)

    helper = threading.Thread(target=work, name=f"netns socket {path.name}", daemon=True)
    helper.start()
    helper.join()
    errors = [r for r in result if isinstance(r, BaseException)]
    sockets = [r for r in result if isinstance(r, socket.socket)]
    if errors or len(sockets) != 1:
        for sock in sockets:  # created, but the thread failed to switch back: do not trust it
            sock.close()
        raise errors[0] if errors else RuntimeError(f"no socket created in {path}")
    return sockets[0]


# --- the Netlink implementation ---------------------------------------------------------------------


class _Feed:
    def __init__(self, sock: socket.socket, where: str) -> None:
        self._sock = sock
        self._where = where
        self._changed = asyncio.Event()
        self._task = asyncio.create_task(self._pump(), name=f"netlink change feed ({where})")

    async def _pump(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                data = await loop.sock_recv(self._sock, RECV_BUFFER)
            except OSError as exc:
                if exc.errno != errno.ENOBUFS:  # lost notifications: still a change
                    raise
                data = b"\0"
            if data:
                self._changed.set()

    async def wait(self) -> None:
        if self._task.done() and not self._task.cancelled() and self._task.exception() is not None:
            raise NetlinkError(f"netlink change feed in {self._where} failed: {self._task.exception()}")
        await self._changed.wait()
        self._changed.clear()

    async def close(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


class RtNetlink:
    """Links and addresses of network namespace ``netns`` (``None``: the caller's namespace).

    ``netns`` is a name under ``/run/netns`` or a path to a namespace file (``/proc/PID/ns/net``)."""

    def __init__(self, netns: str | None = None) -> None:
        self.netns = netns

    @property
    def _where(self) -> str:
        return f"netns {self.netns}" if self.netns else "the current netns"

    def _open(self, groups: int = 0) -> socket.socket:
        if not self.netns:
            return _new_socket(groups)
        path = Path(self.netns) if "/" in self.netns else NETNS_DIR / self.netns
        if not path.exists():
            raise NetlinkError(f"{self._where}: no such network namespace ({path} does not exist)")
        return socket_in_netns(path, groups)

    async def _dump(self, what: str, request: int, reply: int) -> list[bytes]:
        loop = asyncio.get_running_loop()
        try:
            for _ in range(DUMP_ATTEMPTS):
                payloads: list[bytes] = []
                seq = next(_seq)
                with self._open() as sock:
                    sock.send(dump_request(request, seq))
                    try:
                        while not dump_replies(await loop.sock_recv(sock, RECV_BUFFER), seq, reply, payloads):
                            pass
                    except _DumpInterrupted:
                        continue
                return payloads
        except NetlinkError:
            raise
        except OSError as exc:
            raise NetlinkError(f"netlink {what} dump in {self._where}: {exc}") from exc
        raise NetlinkError(
            f"netlink {what} dump in {self._where}: interrupted by concurrent changes {DUMP_ATTEMPTS} times"
        )

    async def links(self) -> Sequence[LinkInfo]:
        return [decode_link(p) for p in await self._dump("link", RTM_GETLINK, RTM_NEWLINK)]

    async def addresses(self) -> Sequence[AddressInfo]:
        return [decode_address(p) for p in await self._dump("address", RTM_GETADDR, RTM_NEWADDR)]

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[ChangeFeed]:
        try:
            sock = self._open(GROUPS)
        except NetlinkError:
            raise
        except OSError as exc:
            raise NetlinkError(f"netlink subscribe in {self._where}: {exc}") from exc
        feed = _Feed(sock, self._where)
        try:
            yield feed
        finally:
            await feed.close()
            sock.close()

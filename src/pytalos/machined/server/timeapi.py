"""``time.TimeService`` (``talosctl time [--check SERVER]``): the node's clock against an NTP server.

As Talos's ``TimeServer``: ``Time`` asks the first server of the config (``machine.time.servers``,
else Talos's default ``time.cloudflare.com``), ``TimeCheck`` the server in the request; the reply
carries the server, the node's local time and the server's time. The server is asked with one SNTP
(RFC 4330) request over UDP (:class:`SntpClient`, the edge; unit tests give another
:class:`NtpClient`); a server that does not answer is an error naming it and the cause. Both methods
need ``os:admin``, ``os:operator`` or ``os:reader``.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.time import time_grpc, time_pb2
from pytalos.api.server import partial_service

from .convert import metadata, timestamp

if TYPE_CHECKING:
    from grpclib._typing import IServable

_ROLES = frozenset({"os:admin", "os:operator", "os:reader"})
#: Talos's ``constants.DefaultNTPServer``.
DEFAULT_NTP_SERVER = "time.cloudflare.com"
NTP_PORT = 123
NTP_TIMEOUT = 5.0
_NTP_EPOCH_OFFSET = 2_208_988_800  # seconds from 1900-01-01 to 1970-01-01


class NtpClient(Protocol):
    async def query(self, server: str) -> float:
        """The server's time (Unix seconds)."""
        ...


def _split_server(server: str) -> tuple[str, int]:
    host, sep, port = server.rpartition(":")
    if sep and port.isdigit() and "]" not in port:
        return host.strip("[]"), int(port)
    return server.strip("[]"), NTP_PORT


class _Sntp(asyncio.DatagramProtocol):
    def __init__(self, answer: asyncio.Future[bytes]) -> None:
        self.answer = answer

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if not self.answer.done():
            self.answer.set_result(data)

    def error_received(self, exc: Exception) -> None:
        if not self.answer.done():
            self.answer.set_exception(exc)


class SntpClient:
    """One SNTP v4 client request; the reply's transmit timestamp corrected by half the round trip."""

    def __init__(self, timeout: float = NTP_TIMEOUT) -> None:
        self.timeout = timeout

    async def query(self, server: str) -> float:
        host, port = _split_server(server)
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[bytes] = loop.create_future()
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_DGRAM)
        address = infos[0][4]
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _Sntp(answer), remote_addr=(str(address[0]), int(address[1]))
        )
        try:
            sent = time.time()
            transport.sendto(b"\x23" + bytes(47))  # LI 0, version 4, mode 3 (client)
            try:
                data = await asyncio.wait_for(answer, self.timeout)
            except TimeoutError:
                raise TimeoutError(f"no answer within {self.timeout:g}s") from None
            received = time.time()
        finally:
            transport.close()
        if len(data) < 48:
            raise ValueError(f"short NTP reply ({len(data)} bytes)")
        seconds, fraction = struct.unpack("!II", data[40:48])
        server_time: float = seconds - _NTP_EPOCH_OFFSET + fraction / 2**32
        return server_time + (received - sent) / 2


class TimeApi:
    """The ``TimeService`` methods, over the node's configured servers (``servers()``)."""

    def __init__(
        self,
        hostname: Callable[[], str],
        servers: Callable[[], list[str]],
        ntp: NtpClient | None = None,
    ) -> None:
        self.hostname = hostname
        self.servers = servers
        self.ntp: NtpClient = ntp or SntpClient()

    async def Time(self, stream: Stream[Any, Any]) -> None:
        await self._answer(stream, use_request=False)

    async def TimeCheck(self, stream: Stream[Any, Any]) -> None:
        await self._answer(stream, use_request=True)

    async def _answer(self, stream: Stream[Any, Any], use_request: bool) -> None:
        from .machine import authorize

        authorize(stream, _ROLES)
        request = await stream.recv_message()
        server = request.server if use_request and request is not None else ""
        if not server:
            server = next(iter(self.servers()), DEFAULT_NTP_SERVER)
        local = time.time()
        try:
            remote = await self.ntp.query(server)
        except (OSError, TimeoutError, ValueError) as err:
            cause = str(err) or type(err).__name__
            raise GRPCError(Status.UNAVAILABLE, f'error querying NTP server "{server}": {cause}') from None
        reply = time_pb2.Time(
            metadata=metadata(self.hostname()),
            server=server,
            localtime=timestamp(local),
            remotetime=timestamp(remote),
        )
        await stream.send_message(time_pb2.TimeResponse(messages=[reply]))


def configured_servers(node: object) -> list[str]:
    """``machine.time.servers`` of machined's active config (empty when none is active)."""
    configs = getattr(node, "configs", None)
    active = getattr(configs, "active", None)
    if active is None:
        return []
    machine = active.container.v1alpha1().machine_config
    time_config = getattr(machine, "machine_time", None)
    return list(time_config.time_servers) if time_config is not None else []


def time_handler(api: Any) -> IServable:
    """``TimeService`` for the Machine API object ``api`` (its node's hostname and config)."""
    node = api.node
    return partial_service(
        time_grpc.TimeServiceBase, TimeApi(node.hostname, lambda: configured_servers(node))
    )

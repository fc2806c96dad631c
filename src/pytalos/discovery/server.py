"""The discovery service: ``sidero.discovery.server.Cluster`` over grpclib, backed by :mod:`.store`.

Plain HTTP/2 without TLS (what a Talos node uses for an ``http://`` endpoint): it is meant for a
local cluster's private network (``talosctl cluster create`` runs one on the bridge gateway); the
data it carries is encrypted by the nodes anyway. ``Hello`` answers the client's address as seen by
the server and never redirects. A background task expires affiliates every ``gc_interval`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
from typing import Any

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Server, Stream

from pytalos.api.gen.discovery.server import cluster_pb2 as pb
from pytalos.api.gen.discovery.server.cluster_grpc import ClusterBase
from pytalos.api.server import listen_socket

from .store import Affiliate, Store, StoreError

log = logging.getLogger("pytalos.discovery")

DEFAULT_PORT = 3000
GC_INTERVAL = 60.0


def _pb(affiliate: Affiliate) -> pb.Affiliate:
    return pb.Affiliate(id=affiliate.id, data=affiliate.data, endpoints=list(affiliate.endpoints))


def _grpc_error(exc: StoreError) -> GRPCError:
    return GRPCError(Status.RESOURCE_EXHAUSTED if exc.exhausted else Status.INVALID_ARGUMENT, str(exc))


def _peer_ip(stream: Stream[Any, Any]) -> bytes:
    addr = stream.peer.addr()
    if not addr:
        return b""
    try:
        return ipaddress.ip_address(str(addr[0]).split("%")[0]).packed
    except ValueError:
        return b""


class ClusterService(ClusterBase):
    """The gRPC methods; every request is checked by the store (InvalidArgument when refused)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def Hello(self, stream: Stream[pb.HelloRequest, pb.HelloResponse]) -> None:
        request = await stream.recv_message()
        assert request is not None
        if not request.cluster_id:
            raise GRPCError(Status.INVALID_ARGUMENT, "cluster id is required")
        await stream.send_message(pb.HelloResponse(client_ip=_peer_ip(stream)))

    async def AffiliateUpdate(
        self, stream: Stream[pb.AffiliateUpdateRequest, pb.AffiliateUpdateResponse]
    ) -> None:
        request = await stream.recv_message()
        assert request is not None
        data = request.affiliate_data if request.HasField("affiliate_data") else None
        ttl = request.ttl.ToTimedelta().total_seconds() if request.HasField("ttl") else 0.0
        try:
            self.store.update(
                request.cluster_id, request.affiliate_id, data, list(request.affiliate_endpoints), ttl
            )
        except StoreError as exc:
            raise _grpc_error(exc) from None
        await stream.send_message(pb.AffiliateUpdateResponse())

    async def AffiliateDelete(
        self, stream: Stream[pb.AffiliateDeleteRequest, pb.AffiliateDeleteResponse]
    ) -> None:
        request = await stream.recv_message()
        assert request is not None
        try:
            self.store.delete(request.cluster_id, request.affiliate_id)
        except StoreError as exc:
            raise _grpc_error(exc) from None
        await stream.send_message(pb.AffiliateDeleteResponse())

    async def List(self, stream: Stream[pb.ListRequest, pb.ListResponse]) -> None:
        request = await stream.recv_message()
        assert request is not None
        try:
            affiliates = self.store.list(request.cluster_id)
        except StoreError as exc:
            raise _grpc_error(exc) from None
        await stream.send_message(pb.ListResponse(affiliates=[_pb(a) for a in affiliates]))

    async def Watch(self, stream: Stream[pb.WatchRequest, pb.WatchResponse]) -> None:
        request = await stream.recv_message()
        assert request is not None
        try:
            subscription = self.store.watch(request.cluster_id)
        except StoreError as exc:
            raise _grpc_error(exc) from None
        with subscription as watch:
            await stream.send_message(pb.WatchResponse(affiliates=[_pb(a) for a in watch.snapshot]))
            while True:
                change = await watch.next()
                if change is None:
                    if watch.overflowed:
                        raise GRPCError(Status.RESOURCE_EXHAUSTED, "watch fell too far behind")
                    return
                await stream.send_message(
                    pb.WatchResponse(affiliates=[_pb(a) for a in change.affiliates], deleted=change.deleted)
                )


class DiscoveryServer:
    """The service on ``host:port`` (0 = a free port); ``async with`` or ``start()``/``close()``."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        store: Store | None = None,
        gc_interval: float = GC_INTERVAL,
    ) -> None:
        self.store = store or Store()
        self.host, self._port = host, port
        self.gc_interval = gc_interval
        self._server = Server([ClusterService(self.store)])
        self._sock: socket.socket | None = None
        self._gc: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        if self._sock is None:
            raise RuntimeError("DiscoveryServer.port: the server is not started")
        return int(self._sock.getsockname()[1])

    async def start(self) -> None:
        sock = listen_socket(self.host, self._port, "discovery service")
        try:
            await self._server.start(sock=sock)
        except OSError:
            sock.close()
            raise
        self._sock = sock
        self._gc = asyncio.create_task(self._collect())

    async def _collect(self) -> None:
        while True:
            await asyncio.sleep(self.gc_interval)
            removed = self.store.expire()
            if removed:
                clusters, affiliates = self.store.stats()
                log.info(
                    "expired %d affiliates (%d clusters, %d affiliates left)", removed, clusters, affiliates
                )

    async def close(self) -> None:
        if self._gc is not None:
            self._gc.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._gc
            self._gc = None
        if self._sock is None:
            return
        self.store.close_watches()
        self._server.close()
        await self._server.wait_closed()
        self._sock.close()
        self._sock = None

    async def __aenter__(self) -> DiscoveryServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

"""The node's side of the discovery service (``siderolabs/discovery-client``), over a small Protocol.

:class:`DiscoveryClient` keeps one cluster membership alive: it says ``Hello`` (learning its public
address, following a redirect), opens a ``Watch`` on the cluster, sends the local affiliate sealed
with the cluster secret (``AffiliateUpdate`` with a TTL, again every TTL/2 and whenever the data
changes; ``AffiliateDelete`` once :meth:`~DiscoveryClient.delete_local` was called) and keeps the
decrypted affiliates of the other nodes, calling ``notify`` after every change. Failures are
retried with exponential back-off and logged naming the endpoint; nothing is raised out of
:meth:`~DiscoveryClient.run` but cancellation.

Network access goes through :class:`Transport` (:class:`GrpcTransport` is the real one, grpclib;
tests use an in-memory fake). Endpoints are ``host:port`` as Talos's ``cluster.Config`` has them
(:func:`service_endpoint` turns the configured URL into that, ``http://`` meaning no TLS).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import ssl
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol
from urllib.parse import urlsplit

from google.protobuf.duration_pb2 import Duration
from grpclib.client import Channel

from pytalos.api.gen.discovery.server import cluster_pb2 as pb
from pytalos.api.gen.discovery.server.cluster_grpc import ClusterStub

from .crypto import DiscoveryCryptoError, open_sealed, seal
from .store import Affiliate, Change

log = logging.getLogger("pytalos.discovery.client")

#: Talos's ``defaultDiscoveryTTL``.
DEFAULT_TTL = 30 * 60.0
HELLO_TIMEOUT = 10.0
REFRESH_TIMEOUT = 30.0


@dataclass(frozen=True)
class HelloReply:
    client_ip: bytes = b""
    redirect: str = ""


class Transport(Protocol):
    """One connection to a discovery service endpoint."""

    async def hello(self, cluster_id: str, client_version: str) -> HelloReply: ...

    async def update(
        self, cluster_id: str, affiliate_id: str, data: bytes | None, endpoints: Sequence[bytes], ttl: float
    ) -> None: ...

    async def delete(self, cluster_id: str, affiliate_id: str) -> None: ...

    def watch(self, cluster_id: str) -> AsyncIterator[Change]:
        """The cluster's snapshot first, then every change; ends or raises when the stream breaks."""
        ...

    def close(self) -> None: ...


#: Opens a transport to ``host:port``; the flag says plain HTTP/2 (no TLS).
Dial = Callable[[str, bool], Transport]


def split_host_port(endpoint: str) -> tuple[str, int]:
    """``host:port`` / ``[v6]:port`` (a ``scheme://`` prefix is tolerated) → (host, port)."""
    text = endpoint.split("://", 1)[-1].rstrip("/")
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"discovery endpoint {endpoint!r}: expected host:port")
    return host.strip("[]"), int(port)


def service_endpoint(url: str) -> tuple[str, bool]:
    """Talos's ``cluster.ConfigController``: the configured URL → (``host:port``, insecure).

    The port defaults to 80 for ``http`` and 443 for anything else; ``http`` means no TLS."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.hostname:
        raise ValueError(
            f"discovery service endpoint {url!r}: expected an absolute URL (https://host[:port]/)"
        )
    port = parts.port or (80 if parts.scheme == "http" else 443)
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{host}:{port}", parts.scheme == "http"


class GrpcTransport:
    """:class:`Transport` over grpclib: TLS (system trust store) unless ``insecure``."""

    def __init__(self, endpoint: str, insecure: bool) -> None:
        host, port = split_host_port(endpoint)
        context: ssl.SSLContext | None = None
        if not insecure:
            context = ssl.create_default_context()
            context.set_alpn_protocols(["h2"])
        self._channel = Channel(host, port, ssl=context)
        self._stub = ClusterStub(self._channel)

    async def hello(self, cluster_id: str, client_version: str) -> HelloReply:
        reply = await self._stub.Hello(pb.HelloRequest(cluster_id=cluster_id, client_version=client_version))
        redirect = reply.redirect.endpoint if reply.HasField("redirect") else ""
        return HelloReply(client_ip=reply.client_ip, redirect=redirect)

    async def update(
        self, cluster_id: str, affiliate_id: str, data: bytes | None, endpoints: Sequence[bytes], ttl: float
    ) -> None:
        request = pb.AffiliateUpdateRequest(
            cluster_id=cluster_id, affiliate_id=affiliate_id, affiliate_endpoints=list(endpoints)
        )
        if data is not None:
            request.affiliate_data = data
        duration = Duration()
        duration.FromTimedelta(timedelta(seconds=ttl))
        request.ttl.CopyFrom(duration)
        await self._stub.AffiliateUpdate(request)

    async def delete(self, cluster_id: str, affiliate_id: str) -> None:
        await self._stub.AffiliateDelete(
            pb.AffiliateDeleteRequest(cluster_id=cluster_id, affiliate_id=affiliate_id)
        )

    async def watch(self, cluster_id: str) -> AsyncIterator[Change]:
        async with self._stub.Watch.open() as stream:
            await stream.send_message(pb.WatchRequest(cluster_id=cluster_id), end=True)
            async for reply in stream:
                affiliates = tuple(Affiliate(a.id, a.data, tuple(a.endpoints)) for a in reply.affiliates)
                yield Change(affiliates, reply.deleted)

    def close(self) -> None:
        self._channel.close()


def grpc_dial(endpoint: str, insecure: bool) -> Transport:
    return GrpcTransport(endpoint, insecure)


@dataclass(frozen=True)
class ClientOptions:
    endpoint: str  # host:port
    insecure: bool
    cluster_id: str
    affiliate_id: str
    key: bytes  # AES key: the decoded cluster secret
    client_version: str = ""
    ttl: float = DEFAULT_TTL
    backoff_initial: float = 0.5
    backoff_max: float = 30.0


class _Backoff:
    def __init__(self, initial: float, maximum: float) -> None:
        self.initial, self.maximum = initial, maximum
        self.current = 0.0

    def next(self) -> float:
        self.current = min(self.maximum, self.current * 2 if self.current else self.initial)
        return self.current * random.uniform(0.5, 1.0)

    def reset(self) -> None:
        self.current = 0.0


class DiscoveryClient:
    """See the module docstring; one instance per (endpoint, cluster, affiliate id, key)."""

    def __init__(self, options: ClientOptions, dial: Dial = grpc_dial) -> None:
        self.options = options
        self._dial = dial
        self.endpoint = options.endpoint
        self._local: bytes | None = None  # sealed
        self._delete = False
        self._local_changed = asyncio.Event()
        self._discovered: dict[str, bytes] = {}
        self.public_ip = b""
        self.last_error = ""

    # --- inputs and outputs ------------------------------------------------------------------

    def set_local(self, plaintext: bytes) -> None:
        """The local affiliate (a marshalled ``sidero.discovery.client.Affiliate``) to publish."""
        self._local = seal(self.options.key, plaintext)
        self._delete = False
        self._local_changed.set()

    def delete_local(self) -> None:
        """Remove the local affiliate from the service at the next refresh (a node being reset)."""
        self._local = None
        self._delete = True
        self._local_changed.set()

    def affiliates(self) -> dict[str, bytes]:
        """The other affiliates' decrypted data by affiliate id."""
        return dict(self._discovered)

    # --- the loop ----------------------------------------------------------------------------

    async def run(self, notify: Callable[[], None]) -> None:
        """Stay registered and watching until cancelled (see the module docstring)."""
        backoff = _Backoff(self.options.backoff_initial, self.options.backoff_max)
        transport: Transport | None = None
        watch: asyncio.Task[None] | None = None
        refresh_due = 0.0
        refresh = True
        try:
            while True:
                if transport is None:
                    transport = self._dial(self.endpoint, self.options.insecure)
                if watch is None:
                    await asyncio.sleep(backoff.next())
                    try:
                        reply = await asyncio.wait_for(
                            transport.hello(self.options.cluster_id, self.options.client_version),
                            HELLO_TIMEOUT,
                        )
                    except (Exception, TimeoutError) as exc:
                        self._failed(f"hello to {self.endpoint} failed", exc)
                        transport.close()
                        transport = None
                        continue
                    if reply.redirect:
                        log.info("discovery service %s redirects to %s", self.endpoint, reply.redirect)
                        self.endpoint = reply.redirect
                        transport.close()
                        transport = None
                        continue
                    self.public_ip = reply.client_ip
                    watch = asyncio.create_task(self._watch(transport, notify))
                    refresh = True
                if refresh:
                    try:
                        await asyncio.wait_for(self._refresh(transport), REFRESH_TIMEOUT)
                    except (Exception, TimeoutError) as exc:
                        self._failed(f"updating the local affiliate on {self.endpoint} failed", exc)
                        await _cancel(watch)
                        watch = None
                        continue
                    refresh = False
                    refresh_due = time.monotonic() + self.options.ttl / 2
                    self.last_error = ""
                    backoff.reset()
                changed = asyncio.create_task(self._local_changed.wait())
                try:
                    await asyncio.wait(
                        {changed, watch},
                        timeout=max(0.0, refresh_due - time.monotonic()),
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                finally:
                    await _cancel(changed)
                if self._local_changed.is_set() or time.monotonic() >= refresh_due:
                    refresh = True
                if watch.done():
                    error = watch.exception() if not watch.cancelled() else None
                    self._failed(f"watching cluster on {self.endpoint} ended", error)
                    watch = None
        finally:
            await _cancel(watch)
            if transport is not None:
                transport.close()

    def _failed(self, what: str, exc: BaseException | None) -> None:
        detail = f"{type(exc).__name__}: {exc}" if exc is not None else "stream closed"
        self.last_error = f"{what}: {detail}"
        log.warning("%s", self.last_error)

    async def _refresh(self, transport: Transport) -> None:
        self._local_changed.clear()
        opts = self.options
        if self._delete:
            await transport.delete(opts.cluster_id, opts.affiliate_id)
            return
        if self._local is not None:
            await transport.update(opts.cluster_id, opts.affiliate_id, self._local, (), opts.ttl)

    async def _watch(self, transport: Transport, notify: Callable[[], None]) -> None:
        snapshot = True
        async for change in transport.watch(self.options.cluster_id):
            self._apply(change, snapshot)
            snapshot = False
            notify()

    def _apply(self, change: Change, snapshot: bool) -> None:
        if snapshot:
            self._discovered = {}
        for affiliate in change.affiliates:
            if affiliate.id == self.options.affiliate_id:
                continue
            if change.deleted:
                self._discovered.pop(affiliate.id, None)
                continue
            if not affiliate.data:
                continue
            try:
                self._discovered[affiliate.id] = open_sealed(self.options.key, affiliate.data)
            except DiscoveryCryptoError as exc:
                log.warning("affiliate %s from %s: %s", affiliate.id, self.endpoint, exc)


async def _cancel(task: asyncio.Task[None] | asyncio.Task[bool] | None) -> None:
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task

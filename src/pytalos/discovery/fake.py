"""An in-memory :class:`~pytalos.discovery.client.Transport` over a :class:`~.store.Store`: the unit-test
double of a discovery service connection (no sockets), with switches to make calls fail.

``StoreDialer`` is a :data:`~pytalos.discovery.client.Dial`: every dial returns a transport on the same
store, and records the endpoints dialled.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from .client import HelloReply, Transport
from .store import Change, Store


@dataclass
class StoreDialer:
    store: Store = field(default_factory=Store)
    client_ip: bytes = b"\x0a\x05\x00\x02"
    fail_hello: int = 0  # how many hellos fail before one succeeds
    dialled: list[tuple[str, bool]] = field(default_factory=list)
    closed: int = 0

    def __call__(self, endpoint: str, insecure: bool) -> Transport:
        self.dialled.append((endpoint, insecure))
        return StoreTransport(self)


class StoreTransport:
    def __init__(self, dialer: StoreDialer) -> None:
        self.dialer = dialer

    async def hello(self, cluster_id: str, client_version: str) -> HelloReply:
        if self.dialer.fail_hello > 0:
            self.dialer.fail_hello -= 1
            raise ConnectionRefusedError("fake discovery service refuses the connection")
        return HelloReply(client_ip=self.dialer.client_ip)

    async def update(
        self, cluster_id: str, affiliate_id: str, data: bytes | None, endpoints: Sequence[bytes], ttl: float
    ) -> None:
        self.dialer.store.update(cluster_id, affiliate_id, data, endpoints, ttl)

    async def delete(self, cluster_id: str, affiliate_id: str) -> None:
        self.dialer.store.delete(cluster_id, affiliate_id)

    async def watch(self, cluster_id: str) -> AsyncIterator[Change]:
        with self.dialer.store.watch(cluster_id) as watch:
            yield Change(watch.snapshot)
            while (change := await watch.next()) is not None:
                yield change

    def close(self) -> None:
        self.dialer.closed += 1

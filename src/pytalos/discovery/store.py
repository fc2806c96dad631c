"""The discovery service's state: clusters of affiliates, each with a TTL, and the watches on them.

Like ``siderolabs/discovery-service``'s in-memory state: an affiliate lives until its TTL runs out
unless the node refreshes it; the endpoints sent with it are merged (deduplicated on their encrypted
bytes) and expire on their own TTL. A cluster exists while it has affiliates. Every change is fanned
out to the cluster's watches as one :class:`Change`: the updated affiliate, or its id with
``deleted``. The store never decrypts anything: ids, blobs and sizes are all it sees.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

#: Limits of siderolabs/discovery-service (``pkg/limits``).
MAX_CLUSTER_ID = 256
MAX_AFFILIATE_ID = 256
MAX_AFFILIATE_DATA = 2048
MAX_ENDPOINT_SIZE = 32
MAX_ENDPOINTS = 64
MAX_AFFILIATES = 1024
MAX_TTL = 30 * 60.0
#: A watch that falls this many changes behind is closed (the client re-watches and gets a snapshot).
MAX_PENDING_CHANGES = 4096


class StoreError(ValueError):
    """A request the store refuses (the gRPC layer answers InvalidArgument/ResourceExhausted)."""

    def __init__(self, message: str, exhausted: bool = False) -> None:
        super().__init__(message)
        self.exhausted = exhausted


@dataclass(frozen=True)
class Affiliate:
    """What watchers and ``List`` see: the id, the encrypted data and the encrypted endpoints."""

    id: str
    data: bytes = b""
    endpoints: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class Change:
    affiliates: tuple[Affiliate, ...]
    deleted: bool = False


@dataclass
class _Entry:
    data: bytes = b""
    expires: float = 0.0
    endpoints: dict[bytes, float] = field(default_factory=dict)  # encrypted endpoint -> expiry

    def view(self, affiliate_id: str) -> Affiliate:
        return Affiliate(affiliate_id, self.data, tuple(self.endpoints))


class Watch:
    """One subscriber: :attr:`snapshot` at subscription time, then :meth:`next` change by change."""

    def __init__(self, snapshot: Sequence[Affiliate]) -> None:
        self.snapshot = tuple(snapshot)
        self._queue: asyncio.Queue[Change | None] = asyncio.Queue()
        self.overflowed = False

    def push(self, change: Change | None) -> None:
        if self._queue.qsize() >= MAX_PENDING_CHANGES:
            self.overflowed = True
            change = None
        self._queue.put_nowait(change)

    async def next(self) -> Change | None:
        """The next change; ``None`` when the watch was closed (overflow or server shutdown)."""
        return await self._queue.get()


def _check(cluster_id: str, affiliate_id: str | None = None) -> None:
    if not cluster_id:
        raise StoreError("cluster id is required")
    if len(cluster_id) > MAX_CLUSTER_ID:
        raise StoreError(f"cluster id is {len(cluster_id)} bytes, at most {MAX_CLUSTER_ID} allowed")
    if affiliate_id is not None:
        if not affiliate_id:
            raise StoreError("affiliate id is required")
        if len(affiliate_id) > MAX_AFFILIATE_ID:
            raise StoreError(f"affiliate id is {len(affiliate_id)} bytes, at most {MAX_AFFILIATE_ID} allowed")


class Store:
    """Clusters → affiliates with TTLs; ``clock`` is monotonic seconds (a fake one in tests)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._clusters: dict[str, dict[str, _Entry]] = {}
        self._watches: dict[str, set[Watch]] = {}

    # --- requests ----------------------------------------------------------------------------

    def update(
        self,
        cluster_id: str,
        affiliate_id: str,
        data: bytes | None,
        endpoints: Sequence[bytes],
        ttl: float,
    ) -> None:
        """Create or refresh an affiliate (``data`` ``None`` keeps the stored data)."""
        _check(cluster_id, affiliate_id)
        if data is not None and len(data) > MAX_AFFILIATE_DATA:
            raise StoreError(f"affiliate data is {len(data)} bytes, at most {MAX_AFFILIATE_DATA} allowed")
        for endpoint in endpoints:
            if len(endpoint) > MAX_ENDPOINT_SIZE:
                raise StoreError(f"endpoint is {len(endpoint)} bytes, at most {MAX_ENDPOINT_SIZE} allowed")
        if ttl <= 0:
            raise StoreError(f"ttl must be positive, got {ttl}s")
        expires = self._clock() + min(ttl, MAX_TTL)
        cluster = self._clusters.setdefault(cluster_id, {})
        entry = cluster.get(affiliate_id)
        if entry is None:
            if len(cluster) >= MAX_AFFILIATES:
                raise StoreError(f"cluster has {len(cluster)} affiliates, the limit", exhausted=True)
            entry = cluster[affiliate_id] = _Entry()
        before = entry.view(affiliate_id)
        if data is not None:
            entry.data = data
        entry.expires = max(entry.expires, expires)
        for endpoint in endpoints:
            if endpoint not in entry.endpoints and len(entry.endpoints) >= MAX_ENDPOINTS:
                raise StoreError(f"affiliate has {MAX_ENDPOINTS} endpoints, the limit", exhausted=True)
            entry.endpoints[endpoint] = max(entry.endpoints.get(endpoint, 0.0), expires)
        after = entry.view(affiliate_id)
        if after != before:
            self._notify(cluster_id, Change((after,)))

    def delete(self, cluster_id: str, affiliate_id: str) -> None:
        _check(cluster_id, affiliate_id)
        cluster = self._clusters.get(cluster_id, {})
        if cluster.pop(affiliate_id, None) is not None:
            self._notify(cluster_id, Change((Affiliate(affiliate_id),), deleted=True))
        if not cluster:
            self._clusters.pop(cluster_id, None)

    def list(self, cluster_id: str) -> list[Affiliate]:
        _check(cluster_id)
        cluster = self._clusters.get(cluster_id, {})
        return [entry.view(aid) for aid, entry in sorted(cluster.items())]

    @contextmanager
    def watch(self, cluster_id: str) -> Iterator[Watch]:
        """Subscribe to ``cluster_id``: the snapshot now, every later change through the watch."""
        _check(cluster_id)
        watch = Watch(self.list(cluster_id))
        self._watches.setdefault(cluster_id, set()).add(watch)
        try:
            yield watch
        finally:
            watches = self._watches.get(cluster_id, set())
            watches.discard(watch)
            if not watches:
                self._watches.pop(cluster_id, None)

    # --- housekeeping ------------------------------------------------------------------------

    def expire(self) -> int:
        """Drop affiliates and endpoints whose TTL ran out; returns how many affiliates went."""
        now = self._clock()
        removed = 0
        for cluster_id in list(self._clusters):
            cluster = self._clusters[cluster_id]
            for affiliate_id in list(cluster):
                entry = cluster[affiliate_id]
                if entry.expires <= now:
                    del cluster[affiliate_id]
                    removed += 1
                    self._notify(cluster_id, Change((Affiliate(affiliate_id),), deleted=True))
                    continue
                stale = [e for e, exp in entry.endpoints.items() if exp <= now]
                for endpoint in stale:
                    del entry.endpoints[endpoint]
                if stale:
                    self._notify(cluster_id, Change((entry.view(affiliate_id),)))
            if not cluster:
                del self._clusters[cluster_id]
        return removed

    def close_watches(self) -> None:
        """End every watch (server shutdown)."""
        for watches in self._watches.values():
            for watch in watches:
                watch.push(None)

    def stats(self) -> tuple[int, int]:
        """(clusters, affiliates) currently stored."""
        return len(self._clusters), sum(len(c) for c in self._clusters.values())

    def _notify(self, cluster_id: str, change: Change) -> None:
        for watch in self._watches.get(cluster_id, ()):
            watch.push(change)

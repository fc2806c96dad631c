"""The discovery service's store: TTLs, endpoint merging, watches, limits."""

from __future__ import annotations

import asyncio

import pytest

from pytalos.discovery.store import MAX_TTL, Affiliate, Change, Store, StoreError

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_update_list_refresh_and_expiry() -> None:
    clock = Clock()
    store = Store(clock)
    store.update("c1", "a", b"data-a", [b"e1"], ttl=60)
    store.update("c1", "b", b"data-b", [], ttl=120)
    store.update("c2", "a", b"other", [], ttl=60)
    assert store.list("c1") == [Affiliate("a", b"data-a", (b"e1",)), Affiliate("b", b"data-b")]
    # no data: the stored data stays, endpoints merge (deduplicated)
    store.update("c1", "a", None, [b"e1", b"e2"], ttl=30)
    assert store.list("c1")[0] == Affiliate("a", b"data-a", (b"e1", b"e2"))
    clock.now += 45  # e2 (ttl 30) expired, a itself lives until +60
    assert store.expire() == 0
    assert store.list("c1")[0] == Affiliate("a", b"data-a", (b"e1",))
    clock.now += 20
    assert store.expire() == 2  # a of c1 and of c2
    assert store.list("c1") == [Affiliate("b", b"data-b")] and store.list("c2") == []
    assert store.stats() == (1, 1)
    store.update("c1", "b", b"data-b", [], ttl=10 * MAX_TTL)  # capped
    clock.now += MAX_TTL + 1
    store.expire()
    assert store.stats() == (0, 0)


def test_refused_requests_name_the_problem() -> None:
    store = Store()
    with pytest.raises(StoreError, match="cluster id is required"):
        store.update("", "a", b"", [], 1)
    with pytest.raises(StoreError, match="affiliate id is required"):
        store.update("c", "", b"", [], 1)
    with pytest.raises(StoreError, match="affiliate data is 4096 bytes"):
        store.update("c", "a", bytes(4096), [], 1)
    with pytest.raises(StoreError, match="ttl must be positive"):
        store.update("c", "a", b"", [], 0)


def test_watch_gets_snapshot_then_changes() -> None:
    async def body() -> None:
        clock = Clock()
        store = Store(clock)
        store.update("c", "a", b"1", [], 60)
        with store.watch("c") as watch:
            assert watch.snapshot == (Affiliate("a", b"1"),)
            store.update("c", "a", b"1", [], 60)  # no change: nothing sent
            store.update("c", "b", b"2", [], 10)
            store.update("other", "x", b"3", [], 10)  # another cluster: not seen
            store.delete("c", "a")
            clock.now += 11
            store.expire()
            got = [await asyncio.wait_for(watch.next(), 1) for _ in range(3)]
            assert got == [
                Change((Affiliate("b", b"2"),)),
                Change((Affiliate("a"),), deleted=True),
                Change((Affiliate("b"),), deleted=True),
            ]
            store.close_watches()
            assert await watch.next() is None

    asyncio.run(body())

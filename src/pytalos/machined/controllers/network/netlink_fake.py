"""In-memory :class:`~.netlink.Netlink` for unit tests: tests set links/addresses, feeds wake up.

A test double only (the product path uses :mod:`.rtnetlink`); ``fail_next`` makes the next
dump raise, to exercise the controllers' error paths.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager

from .netlink import AddressInfo, ChangeFeed, LinkInfo, NetlinkError


class _FakeFeed:
    def __init__(self) -> None:
        self.changed = asyncio.Event()

    async def wait(self) -> None:
        await self.changed.wait()
        self.changed.clear()


class FakeNetlink:
    """Links and addresses held in memory; every setter notifies open change feeds."""

    def __init__(self, links: Iterable[LinkInfo] = (), addresses: Iterable[AddressInfo] = ()) -> None:
        self._links = list(links)
        self._addresses = list(addresses)
        self._feeds: list[_FakeFeed] = []
        self.fail_next: str | None = None
        self.dumps = 0

    def set_links(self, links: Iterable[LinkInfo]) -> None:
        self._links = list(links)
        self._notify()

    def set_addresses(self, addresses: Iterable[AddressInfo]) -> None:
        self._addresses = list(addresses)
        self._notify()

    def _notify(self) -> None:
        for feed in self._feeds:
            feed.changed.set()

    def _maybe_fail(self, what: str) -> None:
        self.dumps += 1
        if self.fail_next is not None:
            reason, self.fail_next = self.fail_next, None
            raise NetlinkError(f"netlink {what} dump in fake netns: {reason}")

    async def links(self) -> Sequence[LinkInfo]:
        self._maybe_fail("link")
        return list(self._links)

    async def addresses(self) -> Sequence[AddressInfo]:
        self._maybe_fail("address")
        return list(self._addresses)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[ChangeFeed]:
        feed = _FakeFeed()
        self._feeds.append(feed)
        try:
            yield feed
        finally:
            self._feeds.remove(feed)

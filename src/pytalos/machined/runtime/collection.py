"""One namespace+type of the in-memory state: its resources, its event stream and its watches.

The stream is a ring buffer of the most recent events (it grows by doubling up to a maximum, as
COSI's in-memory collection does); every watch keeps its own read position in it, so publishing
an event costs the same whether one or a hundred watchers follow the collection. A watcher that
falls more than the ring's capacity behind receives an ``ERRORED`` event naming the positions
instead of silently missing changes.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from .events import Event, EventType
from .query import Query
from .resource import Resource


class Collection:
    """Resources of one (namespace, type) plus the ring of their latest events."""

    __slots__ = (
        "_max_capacity",
        "_waiters",
        "capacity",
        "namespace",
        "storage",
        "stream",
        "type",
        "write_pos",
    )

    def __init__(self, namespace: str, type: str, initial_capacity: int, max_capacity: int) -> None:
        self.namespace = namespace
        self.type = type
        self.storage: dict[str, Resource[Any]] = {}
        self.capacity = max(1, min(initial_capacity, max_capacity))
        self._max_capacity = max_capacity
        self.stream: list[Event | None] = [None] * self.capacity
        self.write_pos = 0
        self._waiters: list[asyncio.Future[None]] = []

    def publish(self, event: Event) -> None:
        pos = self.write_pos
        if pos == self.capacity and self.capacity < self._max_capacity:
            # still on the first lap: positions keep their index when the ring doubles
            grown = min(self.capacity * 2, self._max_capacity)
            self.stream.extend([None] * (grown - self.capacity))
            self.capacity = grown
        event.pos = pos
        self.stream[pos % self.capacity] = event
        self.write_pos = pos + 1
        if self._waiters:
            waiters, self._waiters = self._waiters, []
            for fut in waiters:
                if not fut.done():
                    fut.set_result(None)

    @property
    def oldest_pos(self) -> int:
        """The oldest position still held by the ring."""
        return max(0, self.write_pos - self.capacity)

    def event_at(self, pos: int) -> Event:
        event = self.stream[pos % self.capacity]
        assert event is not None and event.pos == pos, f"event {pos} of {self.namespace}/{self.type} is gone"
        return event

    async def wait(self, watch: Watch) -> None:
        """Return once an event past the watch's position is published or the watch is closed."""
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        watch._fut = fut
        try:
            await fut
        finally:
            watch._fut = None

    def __repr__(self) -> str:
        return (
            f"Collection({self.namespace}/{self.type}, {len(self.storage)} resources, pos {self.write_pos})"
        )


class Watch:
    """Async iterator of :class:`Event`; use ``async with`` or :meth:`close` to stop it."""

    def __init__(
        self,
        collection: Collection,
        pos: int,
        initial: Iterable[Event] = (),
        *,
        id: str | None = None,
        query: Query | None = None,
    ) -> None:
        self._c = collection
        self._pos = pos
        self._initial: deque[Event] = deque(initial)
        self._id = id
        self._query = None if query is None or query.empty else query
        self._closed = False
        self._done = False
        self._fut: asyncio.Future[None] | None = None

    def __aiter__(self) -> Watch:
        return self

    async def __anext__(self) -> Event:
        if self._initial:
            return self._initial.popleft()
        c = self._c
        while not self._done:
            pos = self._pos
            if pos < c.write_pos:
                if c.write_pos - pos > c.capacity:
                    self._done = True
                    return Event(
                        EventType.ERRORED,
                        None,
                        error=f"watch on {c.namespace}/{c.type} fell behind: it is at event {pos}, the state "
                        f"at {c.write_pos}, and only the last {c.capacity} events are kept (buffer overrun)",
                    )
                self._pos = pos + 1
                event = c.stream[pos % c.capacity]
                assert event is not None
                if self._id is None and self._query is None:
                    return event
                out = self._filter(event)
                if out is not None:
                    return out
                continue
            if self._closed:
                break
            await c.wait(self)
        raise StopAsyncIteration

    async def next_batch(self, limit: int = 1024) -> list[Event]:
        """Wait for at least one event, then return every event available now (up to ``limit``)."""
        batch = [await self.__anext__()]
        c = self._c
        while len(batch) < limit and (self._initial or (self._pos < c.write_pos and not self._done)):
            batch.append(await self.__anext__())
        return batch

    def _filter(self, event: Event) -> Event | None:
        res = event.resource
        assert res is not None
        if self._id is not None:
            return event if res.metadata.id == self._id else None
        query = self._query
        assert query is not None
        now = query.matches(res.metadata.id, res.metadata.labels)
        if event.type is not EventType.UPDATED:
            return event if now else None
        old = event.old
        before = old is not None and query.matches(old.metadata.id, old.metadata.labels)
        if now and before:
            return event
        if now:  # started to match: for this watcher it appears
            return Event(EventType.CREATED, res, pos=event.pos)
        if before:  # stopped matching: for this watcher it goes away
            return Event(EventType.DESTROYED, res, old, pos=event.pos)
        return None

    @property
    def position(self) -> int:
        return self._pos

    def close(self) -> None:
        self._closed = True
        self._done = True
        if self._fut is not None and not self._fut.done():
            self._fut.set_result(None)

    async def __aenter__(self) -> Watch:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

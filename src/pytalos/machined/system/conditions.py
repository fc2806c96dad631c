"""Conditions a service waits for before it starts (Talos ``pkg/conditions``).

A condition is something awaitable that also describes what it waits for; the description is what a
service in state Waiting shows (``Waiting for etcd spec``, ``Waiting for service "cri" to be "up"``).
Composite conditions describe only what is still missing, so the message shrinks as things get ready.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Protocol, runtime_checkable


@runtime_checkable
class Condition(Protocol):
    """Awaitable predicate with a human description (``str(condition)``)."""

    async def wait(self) -> None:
        """Return once the condition holds; raise if it can never hold."""
        ...

    def __str__(self) -> str: ...


Predicate = Callable[[], bool | Awaitable[bool]]


class PollCondition:
    """Holds once ``predicate()`` returns true; polled every ``interval`` seconds."""

    def __init__(self, description: str, predicate: Predicate, interval: float = 0.1) -> None:
        self._description = description
        self._predicate = predicate
        self._interval = interval
        self.done = False

    async def wait(self) -> None:
        while True:
            result = self._predicate()
            if inspect.isawaitable(result):
                result = await result
            if result:
                self.done = True
                return
            await asyncio.sleep(self._interval)

    def __str__(self) -> str:
        return self._description


class EventCondition:
    """Holds once :meth:`set` was called (a condition driven from outside, e.g. by a controller)."""

    def __init__(self, description: str) -> None:
        self._description = description
        self._event = asyncio.Event()

    def set(self) -> None:
        self._event.set()

    @property
    def done(self) -> bool:
        return self._event.is_set()

    async def wait(self) -> None:
        await self._event.wait()

    def __str__(self) -> str:
        return self._description


class WaitForAll:
    """Holds when every inner condition holds; describes the ones still pending."""

    def __init__(self, *conditions: Condition) -> None:
        self._conditions = list(conditions)
        self._pending = list(conditions)

    async def wait(self) -> None:
        async def one(condition: Condition) -> None:
            await condition.wait()
            self._pending.remove(condition)

        tasks = [asyncio.ensure_future(one(condition)) for condition in self._conditions]
        try:
            for finished in asyncio.as_completed(tasks):
                await finished  # the first failure propagates as itself, not wrapped in a group
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def __str__(self) -> str:
        return ", ".join(str(c) for c in self._pending if str(c))

"""An in-memory event stream with history, for machined's ``Events`` API (``talosctl events``).

Publishers append; each subscriber reads the stream from its own position, starting ``tail`` events
back in the history (like ``talosctl events --tail N``) and then follows new events as they come.
A subscriber that falls further behind than the history holds gets :class:`EventStreamOverflow`
instead of silently missing events.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

DEFAULT_HISTORY = 1000


class EventStreamOverflow(Exception):
    """A subscriber was too slow: events it had not read yet were dropped from the history."""


@dataclass(frozen=True)
class Envelope(Generic[T]):
    """A published event with its stream-wide sequence number and publication time."""

    seq: int
    timestamp: float
    payload: T


class EventStream(Generic[T]):
    """Multi-subscriber stream with a bounded history (oldest events dropped first)."""

    def __init__(self, history: int = DEFAULT_HISTORY) -> None:
        if history < 1:
            raise ValueError(f"event stream history must be at least 1, got {history}")
        self._history: deque[Envelope[T]] = deque(maxlen=history)
        self._next_seq = 0
        self._changed = asyncio.Event()
        self._closed = False

    def publish(self, payload: T) -> Envelope[T]:
        if self._closed:
            raise RuntimeError("publish on a closed event stream")
        envelope = Envelope(self._next_seq, time.time(), payload)
        self._next_seq += 1
        self._history.append(envelope)
        self._wake()
        return envelope

    def close(self) -> None:
        """End every subscription once it has read what was published."""
        self._closed = True
        self._wake()

    def _wake(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def snapshot(self) -> list[Envelope[T]]:
        return list(self._history)

    async def subscribe(self, tail: int = 0, follow: bool = True) -> AsyncIterator[Envelope[T]]:
        """Yield the last ``tail`` events (``-1``: the whole history), then new ones if ``follow``."""
        first_kept = self._next_seq - len(self._history)
        if tail < 0:
            position = first_kept
        else:
            position = max(first_kept, self._next_seq - tail)
        while True:
            first_kept = self._next_seq - len(self._history)
            if position < first_kept:
                raise EventStreamOverflow(
                    f"event subscriber fell behind: events {position}..{first_kept - 1} were dropped "
                    f"(history holds {self._history.maxlen})"
                )
            while position < self._next_seq:
                envelope = self._history[position - first_kept]
                position += 1
                yield envelope
                first_kept = self._next_seq - len(self._history)
                if position < first_kept:
                    break
            else:
                if not follow or self._closed:
                    return
                await self._changed.wait()

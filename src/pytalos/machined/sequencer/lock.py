"""The sequencer's priority lock (Talos ``v1alpha1_priority_lock.go``).

One sequence runs at a time. A request for the lock while a sequence runs is refused
(:class:`SequenceLockedError`) unless the new sequence may take over the running one
(:meth:`~.sequence.SequenceName.can_take_over`); then the running sequence's task is cancelled and the
lock passes on once it has unwound, within ``takeover_timeout``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from .sequence import SequenceName

DEFAULT_TAKEOVER_TIMEOUT = 60.0


class SequenceLockedError(RuntimeError):
    """Another sequence holds the lock and may not be taken over."""


@dataclass
class Holder:
    name: SequenceName
    task: asyncio.Task[None]
    released: asyncio.Event
    taken_over_by: SequenceName | None = None


class PriorityLock:
    def __init__(self, takeover_timeout: float = DEFAULT_TAKEOVER_TIMEOUT) -> None:
        self.takeover_timeout = takeover_timeout
        self._holder: Holder | None = None
        self._mutex = asyncio.Lock()

    @property
    def running(self) -> SequenceName | None:
        return self._holder.name if self._holder is not None else None

    async def acquire(self, name: SequenceName, task: asyncio.Task[None], takeover: bool) -> Holder:
        async with self._mutex:  # two take-overs at once: the second waits for the first to settle
            current = self._holder
            if current is not None:
                if not name.can_take_over(current.name, takeover):
                    raise SequenceLockedError(
                        f"sequence {name} is locked: sequence {current.name} is running"
                    )
                current.taken_over_by = name
                current.task.cancel()
                try:
                    await asyncio.wait_for(current.released.wait(), self.takeover_timeout)
                except TimeoutError:
                    raise SequenceLockedError(
                        f"sequence {name}: sequence {current.name} did not stop within "
                        f"{self.takeover_timeout:g}s after being taken over"
                    ) from None
            holder = Holder(name, task, asyncio.Event())
            self._holder = holder
            return holder

    def release(self, holder: Holder) -> None:
        if self._holder is holder:
            self._holder = None
        holder.released.set()

"""Run a sequence: take the priority lock, run phases in order and each phase's tasks in parallel.

Events, as Talos: ``SequenceEvent START``, then per phase ``PhaseEvent START``, per task ``TaskEvent
START``/``STOP``, ``PhaseEvent STOP``, and finally ``SequenceEvent STOP`` carrying the error if any. A
phase waits for all its tasks; if some failed, the sequence stops there with every failure in the
message (``sequence boot: phase startEverything: task startAllServices: ...``). A sequence taken over
by another ends with a CANCELED error; one refused by the lock publishes ``NOOP`` with LOCKED.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from .events import (
    ErrorCode,
    PhaseAction,
    PhaseEvent,
    SequenceAction,
    SequenceError,
    SequenceEvent,
    TaskEvent,
)
from .lock import PriorityLock, SequenceLockedError
from .sequence import Phase, Sequence, SequenceName, TaskFunc

log = logging.getLogger("pytalos.machined.sequencer")


class Publisher(Protocol):
    def publish(self, payload: object, actor_id: str = "") -> object: ...


class SequenceFailedError(RuntimeError):
    """A task of the sequence failed; the message names sequence, phase, task(s) and causes."""

    def __init__(self, sequence: SequenceName, phase: str, failures: list[tuple[str, BaseException]]) -> None:
        causes = "; ".join(f"task {task}: {_describe(err)}" for task, err in failures)
        super().__init__(f"sequence {sequence}: phase {phase}: {causes}")
        self.sequence = sequence
        self.phase = phase
        self.failures = failures


class SequenceCanceledError(RuntimeError):
    """The sequence was taken over by another one (or its caller went away)."""


def _describe(err: BaseException) -> str:
    return str(err) or type(err).__name__


class Sequencer:
    """Runs sequences one at a time; see the module docstring."""

    def __init__(self, events: Publisher, lock: PriorityLock | None = None) -> None:
        self._events = events
        self.lock = lock or PriorityLock()

    @property
    def running(self) -> SequenceName | None:
        return self.lock.running

    async def run(self, sequence: Sequence, actor_id: str = "", takeover: bool = False) -> None:
        """Run ``sequence`` to its end; raises :class:`SequenceFailedError`, :class:`SequenceLockedError`
        or :class:`SequenceCanceledError`."""
        gate = asyncio.Event()
        body = asyncio.create_task(self._body(sequence, actor_id, gate), name=f"sequence-{sequence.name}")
        try:
            holder = await self.lock.acquire(sequence.name, body, takeover)
        except BaseException as err:
            body.cancel()
            with contextlib.suppress(BaseException):
                await body
            if isinstance(err, SequenceLockedError):
                log.warning("%s", err)
                self._events.publish(
                    SequenceEvent(
                        str(sequence.name), SequenceAction.NOOP, SequenceError(ErrorCode.LOCKED, str(err))
                    ),
                    actor_id,
                )
            raise
        try:
            gate.set()
            try:
                await asyncio.shield(body)
            except asyncio.CancelledError:
                if body.cancelled() or (body.done() and isinstance(body.exception(), asyncio.CancelledError)):
                    by = holder.taken_over_by
                    reason = f"taken over by sequence {by}" if by is not None else "canceled"
                    raise SequenceCanceledError(f"sequence {sequence.name} {reason}") from None
                body.cancel()  # our caller was cancelled: take the sequence down with us
                with contextlib.suppress(BaseException):
                    await body
                raise
        finally:
            self.lock.release(holder)

    async def _body(self, sequence: Sequence, actor_id: str, gate: asyncio.Event) -> None:
        await gate.wait()
        name = str(sequence.name)
        log.info("sequence %s: starting", name)
        self._events.publish(SequenceEvent(name, SequenceAction.START), actor_id)
        error: SequenceError | None = None
        try:
            for index, phase in enumerate(sequence.phases, 1):
                log.info(
                    "phase %s (%d/%d): %d tasks(s)", phase.name, index, len(sequence.phases), len(phase.tasks)
                )
                await self._phase(sequence.name, phase, actor_id)
        except asyncio.CancelledError:
            error = SequenceError(ErrorCode.CANCELED, f"sequence {name} canceled")
            raise
        except SequenceFailedError as err:
            error = SequenceError(ErrorCode.FATAL, str(err))
            log.error("%s", err)
            raise
        finally:
            self._events.publish(SequenceEvent(name, SequenceAction.STOP, error), actor_id)
            log.info("sequence %s: done%s", name, f" ({error.message})" if error else "")

    async def _phase(self, sequence: SequenceName, phase: Phase, actor_id: str) -> None:
        self._events.publish(PhaseEvent(phase.name, PhaseAction.START), actor_id)

        async def one(task_name: str, run: TaskFunc) -> None:
            self._events.publish(TaskEvent(task_name, PhaseAction.START), actor_id)
            try:
                await run()
            finally:
                self._events.publish(TaskEvent(task_name, PhaseAction.STOP), actor_id)

        tasks = [asyncio.create_task(one(t.name, t.run), name=f"task-{t.name}") for t in phase.tasks]
        try:
            results = await asyncio.gather(*tasks, return_exceptions=True)
        except asyncio.CancelledError:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        failures = [
            (t.name, r)
            for t, r in zip(phase.tasks, results, strict=True)
            if isinstance(r, BaseException) and not isinstance(r, asyncio.CancelledError)
        ]
        cancelled = [r for r in results if isinstance(r, asyncio.CancelledError)]
        if failures:
            raise SequenceFailedError(sequence, phase.name, failures)
        if cancelled:
            raise asyncio.CancelledError()
        self._events.publish(PhaseEvent(phase.name, PhaseAction.STOP), actor_id)

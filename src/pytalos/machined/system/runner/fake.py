"""A scriptable runner for unit tests of the supervisor and of services (never on the product path).

A test decides when the "workload" ends and how (:meth:`FakeRunner.exit`, :meth:`FakeRunner.fail`),
whether it ignores stop requests for a while, and reads back what the supervisor did to it (open,
run, stop, close counts).
"""

from __future__ import annotations

import asyncio
import contextlib

from pytalos.machined.system.events import Recorder, ServiceState, null_recorder
from pytalos.machined.system.runner import RunnerError


class FakeRunner:
    """Reports Running, then waits for the test to end the run or for a stop."""

    def __init__(self, name: str = "fake", stop_delay: float = 0.0, exit_on_stop_error: str | None = None):
        self.name = name
        self.stop_delay = stop_delay
        self.exit_on_stop_error = exit_on_stop_error
        self.opened = 0
        self.closed = 0
        self.runs = 0
        self.stops = 0
        self.started = asyncio.Event()
        self._outcome: asyncio.Future[str | None] | None = None
        self._pending: list[str | None] = []
        self._stopped = False
        self._recorder: Recorder = null_recorder
        self._idle = asyncio.Event()
        self._idle.set()

    def __str__(self) -> str:
        return f"Fake({self.name!r})"

    @property
    def running(self) -> bool:
        return not self._idle.is_set()

    async def open(self) -> None:
        self.opened += 1

    async def close(self) -> None:
        self.closed += 1

    def exit(self) -> None:
        """End the current (or next) run successfully."""
        self._finish(None)

    def fail(self, message: str) -> None:
        """End the current (or next) run with an error."""
        self._finish(message)

    def _finish(self, error: str | None) -> None:
        if self._outcome is not None and not self._outcome.done():
            self._outcome.set_result(error)
        else:
            self._pending.append(error)

    async def stop(self) -> None:
        self.stops += 1
        self._stopped = True
        if self._outcome is not None and not self._outcome.done():
            self._recorder(ServiceState.STOPPING, f"Stopping {self}")
            if self.stop_delay:  # a workload slow to stop (or one the test ends meanwhile)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(self._outcome), self.stop_delay)
            if not self._outcome.done():
                self._outcome.set_result(self.exit_on_stop_error)
        await self._idle.wait()

    async def run(self, recorder: Recorder) -> None:
        if self._stopped:
            return
        self.runs += 1
        self._idle.clear()
        try:
            self._recorder = recorder
            self._outcome = asyncio.get_running_loop().create_future()
            if self._pending:
                self._outcome.set_result(self._pending.pop(0))
            recorder(ServiceState.RUNNING, f"{self} started")
            self.started.set()
            error = await self._outcome
        finally:
            self._idle.set()
            self.started.clear()
        if error is not None:
            raise RunnerError(error)

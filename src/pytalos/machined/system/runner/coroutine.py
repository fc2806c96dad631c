"""Run a service as an async function inside machined (Talos's ``runner/goroutine``).

machined's own API server, auditd and syslogd are not processes but tasks of machined itself. The
function receives the service's log writer; stopping the service cancels its task (Go's context
cancellation), which counts as a clean stop. Any other exception is the service failing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from pytalos.machined.system.events import Recorder, ServiceState
from pytalos.machined.system.logs import LogWriter
from pytalos.machined.system.runner import RunnerError

Main = Callable[[LogWriter], Awaitable[None]]


class _NullLog:
    def write(self, data: bytes) -> None:
        pass


class CoroutineRunner:
    """Runs ``main(log)`` as a task; see the module docstring."""

    def __init__(self, service_id: str, main: Main, log: LogWriter | None = None) -> None:
        self.service_id = service_id
        self.main = main
        self.log: LogWriter = log or _NullLog()
        self._stopped = False
        self._task: asyncio.Task[None] | None = None

    def __str__(self) -> str:
        return f"Goroutine({self.service_id!r})"

    async def open(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def stop(self) -> None:
        self._stopped = True
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task

    async def run(self, recorder: Recorder) -> None:
        if self._stopped:
            return
        self._task = asyncio.ensure_future(self.main(self.log))
        recorder(ServiceState.RUNNING, "Service started as goroutine")
        try:
            await asyncio.shield(self._task)
        except asyncio.CancelledError:
            if self._stopped and self._task.cancelled():
                return
            if not self._task.done():  # we were cancelled from outside: take the task down with us
                self._task.cancel()
                with contextlib.suppress(BaseException):
                    await self._task
            raise
        except Exception as err:
            raise RunnerError(f"{self} failed: {type(err).__name__}: {err}") from err

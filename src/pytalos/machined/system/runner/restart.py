"""Restart policy around another runner (Talos ``runner/restart``), with exponential backoff.

``FOREVER`` (containerd, apid, etcd, kubelet) restarts whatever happens, ``UNTIL_SUCCESS`` restarts
only failed runs, ``ONCE`` does not restart. Between runs the service is Waiting with the reason in
the message (Talos's texts); the delay starts at ``interval``, doubles up to ``max_interval``, and
goes back to ``interval`` after a run that lasted ``reset_after`` seconds (a stable service that
crashes once a day is not punished for yesterday's crash loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
from dataclasses import dataclass

from pytalos.machined.system.events import Recorder, ServiceState
from pytalos.machined.system.runner import Runner


class RestartType(enum.Enum):
    FOREVER = "Forever"
    ONCE = "Once"
    UNTIL_SUCCESS = "UntilSuccess"


@dataclass(frozen=True)
class RestartOptions:
    type: RestartType = RestartType.FOREVER
    interval: float = 5.0
    max_interval: float = 60.0
    multiplier: float = 2.0
    reset_after: float = 60.0


class RestartRunner:
    """Runs ``inner`` again and again according to ``options``; see the module docstring."""

    def __init__(self, inner: Runner, options: RestartOptions | None = None) -> None:
        self.inner = inner
        self.options = options or RestartOptions()
        self._stop = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self.runs = 0
        self.delays: list[float] = []  # every backoff delay waited, for observers and tests

    def __str__(self) -> str:
        return f"Restart({self.options.type.value}, {self.inner})"

    async def open(self) -> None:
        await self.inner.open()

    async def close(self) -> None:
        await self.inner.close()

    async def stop(self) -> None:
        self._stop.set()
        await self.inner.stop()
        await self._idle.wait()

    async def run(self, recorder: Recorder) -> None:
        if self._stop.is_set():
            return
        self._idle.clear()
        try:
            await self._loop(recorder)
        finally:
            self._idle.set()

    async def _loop(self, recorder: Recorder) -> None:
        loop = asyncio.get_running_loop()
        opts = self.options
        delay = opts.interval
        while True:
            started = loop.time()
            self.runs += 1
            error: Exception | None = None
            try:
                await self.inner.run(recorder)
            except Exception as err:  # the policy decides what a failed run means
                error = err
            if self._stop.is_set():
                return
            if opts.type is RestartType.ONCE:
                if error is not None:
                    raise error
                return
            if opts.type is RestartType.UNTIL_SUCCESS:
                if error is None:
                    return
                recorder(
                    ServiceState.WAITING,
                    f"Error running {self.inner}, going to restart until it succeeds: {error}",
                )
            elif error is None:
                recorder(
                    ServiceState.WAITING, f"Runner {self.inner} exited without error, going to restart it"
                )
            else:
                recorder(
                    ServiceState.WAITING, f"Error running {self.inner}, going to restart forever: {error}"
                )
            if loop.time() - started >= opts.reset_after:
                delay = opts.interval
            self.delays.append(delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), delay)
            if self._stop.is_set():
                recorder(ServiceState.STOPPING, "Aborting restart sequence")
                return
            delay = min(delay * opts.multiplier, opts.max_interval)

"""How a service's workload runs (Talos ``pkg/system/runner``).

The supervisor drives every workload through the same small protocol, whatever it is: a host
process (:mod:`.process`), an async function inside machined (:mod:`.coroutine`), a restart policy
around another runner (:mod:`.restart`), or a test double (:mod:`.fake`). Container runners come
later with containerd. Runners report state changes (Running, Stopping, Waiting between restarts)
through the :data:`~pytalos.machined.system.events.Recorder` given to :meth:`Runner.run`.

Contract: :meth:`Runner.run` returns when the workload ended successfully or was stopped, and raises
when it failed. :meth:`Runner.stop` is sticky: it ends the current run (or makes the next ``run``
return at once) and returns once ``run`` has returned. A runner object serves one start of a service
(the service's ``runner()`` factory builds a new one for each start).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pytalos.machined.system.events import Recorder


@runtime_checkable
class Runner(Protocol):
    """A workload the supervisor can open, run, stop and close."""

    async def open(self) -> None: ...

    async def run(self, recorder: Recorder) -> None: ...

    async def stop(self) -> None: ...

    async def close(self) -> None: ...

    def __str__(self) -> str: ...


class RunnerError(Exception):
    """A workload failed; the message says which runner and why."""


__all__ = ["Recorder", "Runner", "RunnerError"]

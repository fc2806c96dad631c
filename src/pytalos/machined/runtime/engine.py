"""The controller runtime: runs every registered controller and wakes it when its inputs change.

One kind watch per watched (namespace, type) fans changes out to the controllers declaring that
input; wake-ups coalesce, so a controller that is busy while ten changes land runs once more, not
ten times. A controller that raises is logged with its traceback, counted in its
:class:`ControllerStatus` and restarted after an exponential back-off, while every other
controller keeps running. :meth:`ControllerRuntime.stop` cancels the controllers and waits for
them to finish their cleanup.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from dataclasses import dataclass
from types import TracebackType

from .adapter import Runtime
from .controller import Controller, InputKind, OutputKind
from .errors import ControllerConfigError, StateError
from .events import Event, EventType
from .graph import DependencyEdge, dependency_edges
from .resource import Phase
from .state import State

_LOG = logging.getLogger("pytalos.machined.runtime")


@dataclass(frozen=True)
class Backoff:
    """Restart delay after the n-th consecutive failure: ``initial * factor**(n-1)``, capped."""

    initial: float = 0.5
    maximum: float = 30.0
    factor: float = 2.0

    def delay(self, failures: int) -> float:
        return float(min(self.maximum, self.initial * self.factor ** max(0, failures - 1)))


class ControllerState(enum.Enum):
    PENDING = "pending"
    RUNNING = "running"
    BACKOFF = "backoff"  # failed, waiting to be restarted
    FINISHED = "finished"  # run() returned
    STOPPED = "stopped"  # cancelled by ControllerRuntime.stop()


@dataclass
class ControllerStatus:
    name: str
    state: ControllerState = ControllerState.PENDING
    failures: int = 0
    consecutive_failures: int = 0
    restarts: int = 0
    last_error: str = ""
    last_failure: float = 0.0
    next_restart_in: float = 0.0


class ControllerRuntime:
    """Runs controllers against a :class:`State`."""

    def __init__(self, state: State, *, backoff: Backoff | None = None, logger: logging.Logger | None = None):
        self.state = state
        self.backoff = backoff or Backoff()
        self._log = logger or _LOG
        self._controllers: dict[str, tuple[Controller, Runtime]] = {}
        self._status: dict[str, ControllerStatus] = {}
        self._subs: dict[tuple[str, str], list[Runtime]] = {}
        self._watch_tasks: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._running = False

    # registration ----------------------------------------------------------------------------

    def register(self, controller: Controller) -> Runtime:
        name = controller.name
        if not name:
            raise ControllerConfigError(f"controller {controller!r} has an empty name")
        if name in self._controllers:
            raise ControllerConfigError(f"controller {name} is already registered")
        outputs = list(controller.outputs())
        try:
            for out in outputs:
                self.state.claim_output(out.type, name, exclusive=out.kind is OutputKind.EXCLUSIVE)
        except ControllerConfigError as err:
            self.state.release_outputs(name)
            raise ControllerConfigError(f"controller {name}: {err}") from None
        rt = Runtime(self.state, name, controller.inputs(), outputs)
        rt.inputs_changed = self._resubscribe
        self._controllers[name] = (controller, rt)
        self._status[name] = ControllerStatus(name)
        self._resubscribe(rt)
        if self._running:
            self._tasks[name] = asyncio.create_task(
                self._supervise(controller, rt), name=f"controller {name}"
            )
        return rt

    def _resubscribe(self, rt: Runtime) -> None:
        for subs in self._subs.values():
            if rt in subs:
                subs.remove(rt)
        for i in rt.inputs:
            subs = self._subs.setdefault((i.namespace, i.type), [])
            if rt not in subs:
                subs.append(rt)
        if self._running:
            self._start_watches()

    # lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        if self._running:
            return
        self._running = True
        self._start_watches()
        for name, (controller, rt) in self._controllers.items():
            self._tasks[name] = asyncio.create_task(
                self._supervise(controller, rt), name=f"controller {name}"
            )

    def _start_watches(self) -> None:
        for key in self._subs:
            if key not in self._watch_tasks:
                self._watch_tasks[key] = asyncio.create_task(
                    self._fan_out(*key), name=f"watch {key[0]}/{key[1]}"
                )

    async def stop(self, timeout: float = 10.0) -> None:
        """Cancel every controller and wait for them (and the watches) to finish."""
        self._running = False
        tasks = list(self._tasks.values())
        for t in tasks:
            t.cancel()
        stuck: list[str] = []
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=timeout)
            stuck = sorted(t.get_name() for t in pending)
        watches = list(self._watch_tasks.values())
        for t in watches:
            t.cancel()
        await asyncio.gather(*watches, return_exceptions=True)
        self._tasks.clear()
        self._watch_tasks.clear()
        if stuck:
            raise StateError(f"controller runtime stop: {', '.join(stuck)} did not finish within {timeout}s")

    async def __aenter__(self) -> ControllerRuntime:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # introspection ---------------------------------------------------------------------------

    def status(self, name: str) -> ControllerStatus:
        return self._status[name]

    def statuses(self) -> list[ControllerStatus]:
        return [self._status[n] for n in sorted(self._status)]

    def dependencies(self) -> list[DependencyEdge]:
        return dependency_edges((rt.name, rt.inputs, rt.outputs) for _, rt in self._controllers.values())

    # internals -------------------------------------------------------------------------------

    async def _fan_out(self, namespace: str, type: str) -> None:
        key = (namespace, type)
        while True:
            async with self.state.watch_kind(namespace, type) as watch:
                while True:
                    batch = await watch.next_batch()
                    if any(ev.type is EventType.ERRORED for ev in batch):
                        self._log.warning("watch %s/%s restarted: %s", namespace, type, batch[-1].error)
                        for rt in self._subs.get(key, ()):
                            rt.notify()
                        break
                    for rt in self._subs.get(key, ()):
                        if any(_wants(rt, ev) for ev in batch):
                            rt.notify()

    async def _supervise(self, controller: Controller, rt: Runtime) -> None:
        status = self._status[rt.name]
        log = self._log.getChild(rt.name)
        while True:
            status.state = ControllerState.RUNNING
            rt.backoff_reset = False
            try:
                await controller.run(rt, log)
            except asyncio.CancelledError:
                status.state = ControllerState.STOPPED
                raise
            except Exception as exc:
                if rt.backoff_reset:
                    status.consecutive_failures = 0
                status.failures += 1
                status.consecutive_failures += 1
                status.last_error = f"{type(exc).__name__}: {exc}"
                status.last_failure = time.time()
                delay = self.backoff.delay(status.consecutive_failures)
                status.next_restart_in = delay
                status.state = ControllerState.BACKOFF
                log.error(
                    "controller %s failed (%d in a row), restarting in %.2fs: %s",
                    rt.name,
                    status.consecutive_failures,
                    delay,
                    status.last_error,
                    exc_info=exc,
                )
                try:
                    await asyncio.sleep(delay)
                except asyncio.CancelledError:
                    status.state = ControllerState.STOPPED
                    raise
                status.restarts += 1
                rt.notify()  # a restarted controller reconciles once, as at start
                continue
            status.state = ControllerState.FINISHED
            log.info("controller %s finished", rt.name)
            return


def _wants(rt: Runtime, ev: Event) -> bool:
    res = ev.resource
    if res is None:
        return True
    meta = res.metadata
    for i in rt.inputs:
        if i.type != meta.type or i.namespace != meta.namespace or (i.id is not None and i.id != meta.id):
            continue
        if i.kind is not InputKind.DESTROY_READY:
            return True
        if ev.type is EventType.UPDATED and meta.phase is Phase.TEARING_DOWN and not meta.finalizers:
            return True
    return False

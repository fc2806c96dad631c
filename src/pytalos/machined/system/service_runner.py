"""One service's life from Starting to a terminal state (Talos ``pkg/system/service_runner.go``).

A :class:`ServiceRunner` owns a service's state, event history and health. One start goes:
Starting → Waiting (dependencies up and the service's condition) → Preparing (``pre``, building the
runner) → whatever the runner reports (Running, Stopping, Waiting between restarts) → ``post`` →
Finished, Failed or Skipped (recorded by the caller, :mod:`.system`). Every transition and every
health flip while Running is an event, kept in the history and published as a ``ServiceStateEvent``.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from pytalos.machined.system.conditions import Condition, WaitForAll
from pytalos.machined.system.events import (
    MAX_EVENTS_TO_KEEP,
    ServiceEvent,
    ServiceEvents,
    ServiceState,
    ServiceStateEvent,
)
from pytalos.machined.system.health import HealthState, HealthStatus, ServiceHealth, run_health_check
from pytalos.machined.system.runner import Runner
from pytalos.machined.system.service import Service, SkipService

log = logging.getLogger("pytalos.machined.system")

T = TypeVar("T")

#: How often a Waiting service re-reads its condition's description (Talos: 1 s).
WAIT_CONDITION_CHECK_INTERVAL = 1.0


class StateEvent(enum.Enum):
    """What others wait for: ``up`` (running and healthy, finished or skipped), ``down``, ``finished``."""

    UP = "up"
    DOWN = "down"
    FINISHED = "finished"


class ServiceError(Exception):
    """A start of a service failed; the message says at which step and why."""


class ServiceStopped(Exception):
    """The service was asked to stop while it was still waiting or preparing."""


class Notifier:
    """Wakes everybody waiting for "some service changed" (one asyncio.Event per generation)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    @property
    def current(self) -> asyncio.Event:
        return self._event

    def wake(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()


class Registry(Protocol):
    """What a service runner needs of the system: other runners, and change notifications."""

    notifier: Notifier

    def runner_for(self, service_id: str) -> ServiceRunner | None: ...


class ServiceStateCondition:
    """Holds once service ``service_id`` is in ``event`` (Talos ``WaitForService``)."""

    def __init__(self, registry: Registry, service_id: str, event: StateEvent) -> None:
        self._registry = registry
        self.service_id = service_id
        self.event = event

    async def wait(self) -> None:
        while True:
            changed = self._registry.notifier.current
            runner = self._registry.runner_for(self.service_id)
            if runner is not None and runner.in_state(self.event):
                return
            await changed.wait()

    def __str__(self) -> str:
        return f'service "{self.service_id}" to be "{self.event.value}"'


@dataclass(frozen=True)
class ServiceInfo:
    """A snapshot for ``ServiceList``: id, state name, recent events, health."""

    id: str
    state: str
    events: list[ServiceEvent]
    health: ServiceHealth


class ServiceRunner:
    """State, history and health of one service, and the steps of one start (:meth:`run`)."""

    def __init__(
        self,
        service: Service,
        registry: Registry,
        publish: Callable[[ServiceStateEvent], object] | None = None,
        wait_check_interval: float = WAIT_CONDITION_CHECK_INTERVAL,
    ) -> None:
        self.service = service
        self.id = service.id
        self._registry = registry
        self._publish = publish
        self._wait_check_interval = wait_check_interval
        self.state = ServiceState.INITIALIZED
        self.events = ServiceEvents()
        self.health = HealthState()
        self._stop_requested = asyncio.Event()
        self.runner: Runner | None = None

    # -- state -----------------------------------------------------------------------------------

    def update_state(self, state: ServiceState, message: str) -> None:
        self.state = state
        self._record(ServiceEvent(message, state, self.health.get()))

    def _record(self, event: ServiceEvent) -> None:
        self.events.push(event)
        log.info("service[%s](%s): %s", self.id, event.state, event.message)
        if self._publish is not None:
            self._publish(event.as_api(self.id))
        self._registry.notifier.wake()

    def _health_changed(self, old: HealthStatus, new: HealthStatus) -> None:
        if self.state is not ServiceState.RUNNING:
            return  # health of a service that is not running is no news
        message = "Health check successful" if new.healthy else f"Health check failed: {new.last_message}"
        self._record(ServiceEvent(message, self.state, new))

    def in_state(self, event: StateEvent) -> bool:
        state = self.state
        if event is StateEvent.UP:
            if state in (ServiceState.SKIPPED, ServiceState.FINISHED):
                return True
            if state is ServiceState.RUNNING:
                return self.service.health_check() is None or self.health.get().healthy is True
            return False
        if event is StateEvent.DOWN:
            return state.terminal
        return state is ServiceState.FINISHED

    async def wait_for_state(self, event: StateEvent) -> None:
        await ServiceStateCondition(self._registry, self.id, event).wait()

    def info(self, count: int = MAX_EVENTS_TO_KEEP) -> ServiceInfo:
        return ServiceInfo(self.id, str(self.state), self.events.get(count), self.health.get().as_api())

    # -- one start -------------------------------------------------------------------------------

    def prepare_start(self) -> None:
        """Called before :meth:`run` is scheduled, so a stop that comes first is not lost."""
        self._stop_requested = asyncio.Event()

    def request_stop(self) -> None:
        self._stop_requested.set()

    async def run(self) -> None:
        """One start; returns when the runner ended well, raises otherwise (see module docstring)."""
        self.update_state(ServiceState.STARTING, "Starting service")
        condition = self._condition()
        if condition is not None:
            await self._until_stopped(self._wait_for(condition))
        self.update_state(ServiceState.PREPARING, "Running pre state")
        try:
            await self._until_stopped(self.service.pre())
        except (ServiceStopped, SkipService):
            raise
        except Exception as err:
            raise ServiceError(f"failed to run pre stage: {err}") from err
        self.update_state(ServiceState.PREPARING, "Creating service runner")
        try:
            runner = self.service.runner()
        except SkipService:
            raise
        except Exception as err:
            raise ServiceError(f"failed to create runner: {err}") from err
        try:
            if runner is None:
                raise SkipService("")
            self.runner = runner
            await self._run(runner)
        finally:
            self.runner = None
            try:
                await self.service.post(self.state)
            except Exception as err:  # reported, the run's own outcome still decides the end state
                self.update_state(ServiceState.FAILED, f"Failed to run post stage: {err}")

    def _condition(self) -> Condition | None:
        condition = self.service.condition()
        deps: list[Condition] = [
            ServiceStateCondition(self._registry, dep, StateEvent.UP) for dep in self.service.depends_on()
        ]
        if not deps:
            return condition
        if condition is not None:
            return WaitForAll(WaitForAll(*deps), condition)
        return WaitForAll(*deps)

    async def _wait_for(self, condition: Condition) -> None:
        description = str(condition)
        self.update_state(ServiceState.WAITING, f"Waiting for {description}")
        task = asyncio.ensure_future(condition.wait())
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=self._wait_check_interval)
                if done:
                    break
                new = str(condition)
                if new and new != description:
                    description = new
                    self.update_state(ServiceState.WAITING, f"Waiting for {description}")
        finally:
            await _cancel(task)
        try:
            task.result()
        except Exception as err:
            raise ServiceError(f"condition failed: {err}") from err

    async def _until_stopped(self, awaitable: Awaitable[T]) -> T:
        task = asyncio.ensure_future(awaitable)
        stop = asyncio.ensure_future(self._stop_requested.wait())
        try:
            await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
            if task.done():
                return task.result()
            raise ServiceStopped(f"service {self.id} stopped before it started")
        finally:
            await _cancel(stop)
            await _cancel(task)

    async def _run(self, runner: Runner) -> None:
        try:
            await runner.open()
        except Exception as err:
            raise ServiceError(f"error opening runner {runner}: {err}") from err
        helpers: list[asyncio.Task[None]] = []
        check = self.service.health_check()
        if check is not None:
            self.health.subscribe(self._health_changed)
            helpers.append(
                asyncio.create_task(run_health_check(self.service.health_settings(), self.health, check))
            )
        run_task = asyncio.create_task(runner.run(self._runner_event))
        stop_task = asyncio.create_task(self._stop_requested.wait())
        try:
            await asyncio.wait({run_task, stop_task}, return_when=asyncio.FIRST_COMPLETED)
            if not run_task.done():
                try:
                    await runner.stop()
                except Exception as err:
                    raise ServiceError(f"error stopping {runner}: {err}") from err
                finally:
                    await asyncio.gather(run_task, return_exceptions=True)
                return
            try:
                run_task.result()
            except Exception as err:
                raise ServiceError(f"error running {runner}: {err}") from err
        finally:
            await _cancel(stop_task)
            await _cancel(run_task)
            for helper in helpers:
                await _cancel(helper)
            self.health.unsubscribe(self._health_changed)
            with contextlib.suppress(Exception):
                await runner.close()

    def _runner_event(self, state: ServiceState, message: str) -> None:
        self.update_state(state, message)
        if state is not ServiceState.RUNNING and self.service.health_check() is not None:
            self.health.update(False, "service not running")


async def _cancel(task: asyncio.Future[T]) -> None:
    """Cancel ``task`` and wait for it; its own outcome stays on the task (read it if you need it)."""
    if not task.done():
        task.cancel()
        await asyncio.wait({task})
    if not task.cancelled():
        task.exception()  # mark as retrieved: callers that care call task.result() themselves

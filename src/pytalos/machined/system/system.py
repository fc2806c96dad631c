"""The service supervisor of machined (Talos ``pkg/system/system.go``, the "system services" singleton).

machined creates one :class:`System`; boot tasks and controllers load services into it and start
them, the Machine API lists and (re)starts/stops them, and shutdown stops everything in reverse
dependency order. Ordering on start needs no plan: every service waits (state Waiting) until the
services it depends on are up and its own condition holds. Stopping a service first waits for the
services depending on it to stop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import Protocol

from pytalos.machined.system.events import ServiceState, ServiceStateEvent
from pytalos.machined.system.logs import ServiceLogs
from pytalos.machined.system.service import Service, SkipService
from pytalos.machined.system.service_runner import (
    WAIT_CONDITION_CHECK_INTERVAL,
    Notifier,
    ServiceError,
    ServiceInfo,
    ServiceRunner,
    ServiceStopped,
    StateEvent,
)

log = logging.getLogger("pytalos.machined.system")

#: How long a stop waits for reverse dependencies, and then for the services themselves (Talos: 30 s).
DEFAULT_STOP_TIMEOUT = 30.0


class EventPublisher(Protocol):
    """Where service events go (machined's event stream)."""

    def publish(self, payload: ServiceStateEvent) -> object: ...


class ServiceNotDefinedError(LookupError):
    def __init__(self, service_id: str) -> None:
        super().__init__(f"service {service_id!r} not defined")
        self.service_id = service_id


class ServiceOperationError(Exception):
    """An API start/stop/restart the service does not allow."""


class ServiceWaitError(TimeoutError):
    """Services did not reach the awaited state in time; the message says which and where they are."""


class System:
    """Loads, starts, stops and lists machined's services; see the module docstring."""

    def __init__(
        self,
        events: EventPublisher | None = None,
        logs: ServiceLogs | None = None,
        wait_check_interval: float = WAIT_CONDITION_CHECK_INTERVAL,
        stop_timeout: float = DEFAULT_STOP_TIMEOUT,
    ) -> None:
        self.notifier = Notifier()
        self.logs = logs if logs is not None else ServiceLogs()
        self._events = events
        self._wait_check_interval = wait_check_interval
        self.stop_timeout = stop_timeout
        self._runners: dict[str, ServiceRunner] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self.terminating = False

    # -- registry --------------------------------------------------------------------------------

    def runner_for(self, service_id: str) -> ServiceRunner | None:
        return self._runners.get(service_id)

    def _runner(self, service_id: str) -> ServiceRunner:
        runner = self._runners.get(service_id)
        if runner is None:
            raise ServiceNotDefinedError(service_id)
        return runner

    def load(self, *services: Service) -> list[str]:
        """Add services (a service already loaded under the same id is kept); returns their ids."""
        if self.terminating:
            return []
        ids = []
        for service in services:
            ids.append(service.id)
            if service.id not in self._runners:
                publish = self._events.publish if self._events is not None else None
                self._runners[service.id] = ServiceRunner(service, self, publish, self._wait_check_interval)
        return ids

    async def unload(self, *service_ids: str) -> None:
        """Stop and forget services (unknown ids are ignored)."""
        known = [i for i in service_ids if i in self._runners]
        await self.stop(*known)
        for service_id in known:
            del self._runners[service_id]
        self.notifier.wake()

    def is_running(self, service_id: str) -> bool:
        """Whether a start of the service is in progress (any state before a terminal one)."""
        self._runner(service_id)
        return service_id in self._tasks

    def service_list(self) -> list[ServiceInfo]:
        """Snapshot of every loaded service, sorted by id (``ServiceList``)."""
        return [self._runners[i].info() for i in sorted(self._runners)]

    def get(self, service_id: str) -> ServiceInfo:
        return self._runner(service_id).info()

    # -- start -----------------------------------------------------------------------------------

    def start(self, *service_ids: str) -> None:
        """Start services not already started; they wait for their dependencies themselves."""
        if self.terminating:
            return
        runners = [self._runner(i) for i in service_ids]  # all known, or start none
        for runner in runners:
            if runner.id in self._tasks:
                continue
            runner.prepare_start()
            self._tasks[runner.id] = asyncio.create_task(self._supervise(runner), name=f"service-{runner.id}")

    def start_all(self) -> None:
        self.start(*self._runners)

    def load_and_start(self, *services: Service) -> list[str]:
        ids = self.load(*services)
        self.start(*ids)
        return ids

    async def _supervise(self, runner: ServiceRunner) -> None:
        try:
            await runner.run()
        except ServiceStopped:
            runner.update_state(ServiceState.FINISHED, "Service stopped before it started")
        except SkipService as skip:
            runner.update_state(ServiceState.SKIPPED, str(skip) or "Service skipped")
        except ServiceError as err:
            runner.update_state(ServiceState.FAILED, f"Service failed: {err}")
        except asyncio.CancelledError:
            runner.update_state(ServiceState.FAILED, "Service failed: supervisor cancelled")
            raise
        except Exception as err:  # a bug in a service definition must not take machined down
            log.exception("service[%s]: unexpected error", runner.id)
            runner.update_state(ServiceState.FAILED, f"Service failed: {type(err).__name__}: {err}")
        else:
            runner.update_state(ServiceState.FINISHED, "Service finished successfully")
        finally:
            self._tasks.pop(runner.id, None)
            self.notifier.wake()

    async def wait(self, *service_ids: str, event: StateEvent = StateEvent.UP, timeout: float) -> None:
        """Wait until every service is in ``event``; on timeout say which are not and what they do."""
        runners = [self._runner(i) for i in service_ids]
        if not await self._wait_until(lambda: all(r.in_state(event) for r in runners), timeout):
            pending = [r for r in runners if not r.in_state(event)]
            raise ServiceWaitError(
                f"services not {event.value} after {timeout:g}s: " + "; ".join(_describe(r) for r in pending)
            )

    async def _wait_until(self, predicate: Callable[[], bool], timeout: float | None) -> bool:
        async def loop() -> None:
            while not predicate():
                await self.notifier.current.wait()

        try:
            await asyncio.wait_for(loop(), timeout)
        except TimeoutError:
            return predicate()
        return True

    # -- stop ------------------------------------------------------------------------------------

    async def stop(self, *service_ids: str, timeout: float | None = None) -> None:
        """Stop the given services (not waiting for their dependents)."""
        if self.terminating or not service_ids:
            return
        for service_id in service_ids:
            self._runner(service_id)
        await self._stop_services(service_ids, False, timeout)

    async def stop_with_rev_deps(self, *service_ids: str, timeout: float | None = None) -> list[str]:
        """Stop the services and everything depending on them, dependents first; returns what stopped."""
        if self.terminating or not service_ids:
            return []
        for service_id in service_ids:
            self._runner(service_id)
        targets = self._with_reverse_dependencies(service_ids)
        await self._stop_services(targets, True, timeout)
        return targets

    async def shutdown(self, timeout: float | None = None) -> None:
        """Stop every service in reverse dependency order; no new start is accepted afterwards."""
        if self.terminating:
            return
        self.terminating = True
        await self._stop_services(list(self._runners), True, timeout)

    def _with_reverse_dependencies(self, service_ids: Iterable[str]) -> list[str]:
        result = list(dict.fromkeys(service_ids))
        seen = set(result)
        queue = list(result)
        while queue:
            current = queue.pop()
            for runner in self._runners.values():
                if runner.id not in seen and current in runner.service.depends_on():
                    seen.add(runner.id)
                    result.append(runner.id)
                    queue.append(runner.id)
        return result

    async def _stop_services(
        self, service_ids: Iterable[str], wait_rev_deps: bool, timeout: float | None
    ) -> None:
        timeout = self.stop_timeout if timeout is None else timeout
        targets = [self._runners[i] for i in dict.fromkeys(service_ids) if i in self._runners]
        names = {r.id for r in targets}
        reverse: dict[str, list[str]] = {r.id: [] for r in targets}
        if wait_rev_deps:
            for runner in targets:
                for dep in runner.service.depends_on():
                    if dep in names:
                        reverse[dep].append(runner.id)

        async def stop_one(runner: ServiceRunner) -> None:
            dependents = reverse[runner.id]
            if dependents and not await self._wait_until(
                lambda: all(d not in self._tasks for d in dependents), timeout
            ):
                log.warning("gave up waiting for %s to stop before stopping %s", dependents, runner.id)
            runner.request_stop()

        await asyncio.gather(*(stop_one(r) for r in targets))
        if not await self._wait_until(lambda: all(r.id not in self._tasks for r in targets), timeout):
            pending = [r for r in targets if r.id in self._tasks]
            raise ServiceWaitError(
                f"services still running {timeout:g}s after stop: " + "; ".join(_describe(r) for r in pending)
            )

    async def restart(self, service_id: str, timeout: float | None = None) -> None:
        await self.stop(service_id, timeout=timeout)
        self.start(service_id)

    # -- Machine API (ServiceStart / ServiceStop / ServiceRestart) ------------------------------------

    async def api_start(self, service_id: str) -> None:
        runner = self._runner(service_id)
        if service_id in self._tasks:
            return
        if not runner.service.user_startable:
            raise ServiceOperationError(f"service {service_id!r} doesn't support start operation via API")
        self.start(service_id)

    async def api_stop(self, service_id: str) -> None:
        runner = self._runner(service_id)
        if service_id not in self._tasks:
            return
        if not runner.service.user_stoppable:
            raise ServiceOperationError(f"service {service_id!r} doesn't support stop operation via API")
        await self.stop(service_id)

    async def api_restart(self, service_id: str) -> None:
        runner = self._runner(service_id)
        if service_id not in self._tasks:
            await self.api_start(service_id)
            return
        if not runner.service.user_restartable:
            raise ServiceOperationError(f"service {service_id!r} doesn't support restart operation via API")
        await self.restart(service_id)


def _describe(runner: ServiceRunner) -> str:
    events = runner.events.get(1)
    last = events[-1].message if events else "no events"
    return f"{runner.id} is {runner.state} ({last})"

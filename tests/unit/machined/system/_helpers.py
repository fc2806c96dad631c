"""Shared test helpers: a configurable service definition and an event-loop runner with a deadline."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, TypeVar

from pytalos.machined.system import (
    Condition,
    EventStream,
    HealthCheck,
    HealthSettings,
    Runner,
    Service,
    ServiceState,
    ServiceStateEvent,
    System,
)
from pytalos.machined.system.runner.fake import FakeRunner

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T], timeout: float = 10.0) -> T:
    """Run a test coroutine; a hang fails the test instead of blocking the suite."""

    async def bounded() -> T:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())


class FakeService(Service):
    """A service definition whose every part a test can set; its runners are FakeRunners by default."""

    def __init__(
        self,
        service_id: str,
        depends_on: Sequence[str] = (),
        condition: Condition | None = None,
        runner_factory: Callable[[], Runner | None] | None = None,
        health: HealthCheck | None = None,
        health_settings: HealthSettings | None = None,
        pre: Callable[[], Awaitable[None]] | None = None,
        user_restartable: bool = False,
    ) -> None:
        self.id = service_id
        self._depends_on = list(depends_on)
        self._condition = condition
        self._runner_factory = runner_factory
        self._health = health
        self._health_settings = health_settings or HealthSettings(0.0, 0.02, 0.5)
        self._pre = pre
        self.user_restartable = user_restartable
        self.user_startable = user_restartable
        self.user_stoppable = user_restartable
        self.runners: list[FakeRunner] = []
        self.post_states: list[ServiceState] = []

    @property
    def last(self) -> FakeRunner:
        return self.runners[-1]

    async def pre(self) -> None:
        if self._pre is not None:
            await self._pre()

    async def post(self, state: ServiceState) -> None:
        self.post_states.append(state)

    def condition(self) -> Condition | None:
        return self._condition

    def depends_on(self) -> Sequence[str]:
        return self._depends_on

    def runner(self) -> Runner | None:
        if self._runner_factory is not None:
            return self._runner_factory()
        runner = FakeRunner(self.id)
        self.runners.append(runner)
        return runner

    def health_check(self) -> HealthCheck | None:
        return self._health

    def health_settings(self) -> HealthSettings:
        return self._health_settings


def new_system(**kwargs: Any) -> tuple[System, EventStream[ServiceStateEvent]]:
    stream: EventStream[ServiceStateEvent] = EventStream()
    kwargs.setdefault("wait_check_interval", 0.02)
    kwargs.setdefault("stop_timeout", 5.0)
    return System(events=stream, **kwargs), stream


def transitions(stream: EventStream[ServiceStateEvent], service: str) -> list[tuple[str, str]]:
    """(state, message) of every event published for ``service``."""
    return [
        (str(e.payload.action), e.payload.message) for e in stream.snapshot() if e.payload.service == service
    ]


def states(stream: EventStream[ServiceStateEvent], service: str) -> list[str]:
    """The service's state names in order, consecutive repeats collapsed."""
    result: list[str] = []
    for state, _ in transitions(stream, service):
        if not result or result[-1] != state:
            result.append(state)
    return result


async def wait_state(system: System, service_id: str, state: ServiceState, timeout: float = 5.0) -> None:
    async def loop() -> None:
        while True:
            changed = system.notifier.current
            runner = system.runner_for(service_id)
            if runner is not None and runner.state is state:
                return
            await changed.wait()

    try:
        await asyncio.wait_for(loop(), timeout)
    except TimeoutError:
        runner = system.runner_for(service_id)
        current = runner.state if runner else "not loaded"
        raise AssertionError(f"{service_id} never reached {state} (now {current})") from None

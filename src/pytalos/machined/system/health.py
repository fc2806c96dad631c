"""Health checks of supervised services (Talos ``pkg/system/health``).

A service may declare a health function; the supervisor calls it periodically while the service runs
and keeps the last outcome in a :class:`HealthState`. A service that has a health check only counts as
"up" for its dependents once the check has passed, which is how ``etcd`` waits for ``cri`` to answer.
The outcome is exposed in every service event (``ServiceStateEvent.health``) and in ``ServiceList``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

#: A health check: returns when healthy, raises (any exception, its text is the message) when not.
HealthCheck = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class HealthSettings:
    """When and how long to check: Talos defaults are 1 s initial delay, 5 s period, 500 ms timeout."""

    initial_delay: float = 1.0
    period: float = 5.0
    timeout: float = 0.5


DEFAULT_HEALTH_SETTINGS = HealthSettings()


@dataclass(frozen=True)
class HealthStatus:
    """One health snapshot; ``healthy is None`` means unknown (not checked yet)."""

    healthy: bool | None = None
    last_message: str = ""
    last_change: float = 0.0  # wall-clock seconds (time.time())

    @property
    def unknown(self) -> bool:
        return self.healthy is None

    def as_api(self) -> ServiceHealth:
        """The API shape (``machine.ServiceHealth``)."""
        return ServiceHealth(
            unknown=self.healthy is None,
            healthy=bool(self.healthy),
            last_message=self.last_message,
            last_change=self.last_change,
        )


@dataclass(frozen=True)
class ServiceHealth:
    """Health as the Machine API reports it: ``unknown``, ``healthy``, ``last_message``, ``last_change``."""

    unknown: bool
    healthy: bool
    last_message: str
    last_change: float


HealthListener = Callable[[HealthStatus, HealthStatus], None]


class HealthState:
    """The current health status of one service plus listeners notified on healthy/unhealthy flips."""

    def __init__(self) -> None:
        self._status = HealthStatus()
        self._listeners: list[HealthListener] = []

    def get(self) -> HealthStatus:
        return self._status

    def init(self) -> None:
        """Back to unknown (a new run starts)."""
        self._status = HealthStatus(None, "Unknown", time.time())

    def update(self, healthy: bool, message: str) -> None:
        """Record a check outcome; listeners hear only about changes of ``healthy``."""
        old = self._status
        if old.healthy is None or old.healthy != healthy:
            self._status = HealthStatus(healthy, message, time.time())
            for listener in list(self._listeners):
                listener(old, self._status)
        else:
            self._status = HealthStatus(healthy, message, old.last_change)

    def subscribe(self, listener: HealthListener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: HealthListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)


def _describe(err: BaseException) -> str:
    return str(err) or type(err).__name__


async def run_health_check(settings: HealthSettings, state: HealthState, check: HealthCheck) -> None:
    """Check forever (until cancelled): wait ``initial_delay``, then every ``period`` with ``timeout``."""
    state.init()
    await asyncio.sleep(settings.initial_delay)
    loop = asyncio.get_running_loop()
    while True:
        started = loop.time()
        try:
            await asyncio.wait_for(check(), settings.timeout)
        except asyncio.CancelledError:
            raise
        except Exception as err:  # the check's failure is data: it becomes the health message
            if isinstance(err, TimeoutError):
                message = f"health check timed out after {settings.timeout:g}s"
            else:
                message = _describe(err)
            state.update(False, message)
        else:
            state.update(True, "")
        await asyncio.sleep(max(0.0, settings.period - (loop.time() - started)))

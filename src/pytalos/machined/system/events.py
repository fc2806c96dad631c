"""Service states and the events recorded on every transition (Talos ``pkg/system/events``).

The state names and numbers are the Machine API's ``ServiceStateEvent.Action`` enum, so the
``talosctl service`` and ``talosctl events`` output of pytalos reads exactly like Talos's. Each service
keeps the last :data:`MAX_EVENTS_TO_KEEP` events for ``ServiceList``; every event is also published
as a :class:`ServiceStateEvent` on machined's event stream.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum

from pytalos.machined.system.health import HealthStatus, ServiceHealth

#: Events kept per service (Talos ``MaxEventsToKeep``).
MAX_EVENTS_TO_KEEP = 64


class ServiceState(IntEnum):
    """A service's run state; values are ``machine.ServiceStateEvent.Action``."""

    INITIALIZED = 0
    PREPARING = 1
    WAITING = 2
    RUNNING = 3
    STOPPING = 4
    FINISHED = 5
    FAILED = 6
    SKIPPED = 7
    STARTING = 8

    def __str__(self) -> str:
        return self.name.capitalize()

    @property
    def terminal(self) -> bool:
        """Finished, Failed or Skipped: the service's runner has returned."""
        return self in (ServiceState.FINISHED, ServiceState.FAILED, ServiceState.SKIPPED)


@dataclass(frozen=True)
class ServiceEvent:
    """One entry of a service's history: what happened, in which state, with which health."""

    message: str
    state: ServiceState
    health: HealthStatus = field(default_factory=HealthStatus)
    timestamp: float = field(default_factory=time.time)

    def as_api(self, service: str) -> ServiceStateEvent:
        return ServiceStateEvent(
            service=service, action=self.state, message=self.message, health=self.health.as_api()
        )


@dataclass(frozen=True)
class ServiceStateEvent:
    """The Machine API event (``machine.ServiceStateEvent``) published for every service event."""

    service: str
    action: ServiceState
    message: str
    health: ServiceHealth


class ServiceEvents:
    """Fixed-length history of a service's events, oldest dropped first."""

    def __init__(self, capacity: int = MAX_EVENTS_TO_KEEP) -> None:
        self._events: deque[ServiceEvent] = deque(maxlen=capacity)
        self.discarded = 0

    def push(self, event: ServiceEvent) -> None:
        if len(self._events) == self._events.maxlen:
            self.discarded += 1
        self._events.append(event)

    def get(self, count: int = MAX_EVENTS_TO_KEEP) -> list[ServiceEvent]:
        """The last ``count`` events, most recent last."""
        if count <= 0:
            return []
        return list(self._events)[-count:]


#: What runners call to report a transition: ``recorder(state, message)``.
Recorder = Callable[[ServiceState, str], None]


def null_recorder(state: ServiceState, message: str) -> None:
    """A recorder that drops everything (runners used outside the supervisor)."""

"""machined's service supervisor (Talos ``internal/app/machined/pkg/system``).

Public surface: service definitions (:class:`Service`, :class:`SkipService`), the supervisor
(:class:`System`), runners (process, restart, coroutine; a fake for tests), conditions, health,
per-service logs and the event stream that machined's Events API exposes.
"""

from __future__ import annotations

from pytalos.machined.system.conditions import Condition, EventCondition, PollCondition, WaitForAll
from pytalos.machined.system.events import (
    MAX_EVENTS_TO_KEEP,
    Recorder,
    ServiceEvent,
    ServiceState,
    ServiceStateEvent,
)
from pytalos.machined.system.health import (
    DEFAULT_HEALTH_SETTINGS,
    HealthCheck,
    HealthSettings,
    HealthStatus,
    ServiceHealth,
)
from pytalos.machined.system.logs import LogWriter, ServiceLog, ServiceLogs
from pytalos.machined.system.runner import Runner, RunnerError
from pytalos.machined.system.service import Service, SkipService
from pytalos.machined.system.service_runner import ServiceError, ServiceInfo, ServiceRunner, StateEvent
from pytalos.machined.system.stream import Envelope, EventStream, EventStreamOverflow
from pytalos.machined.system.system import (
    EventPublisher,
    ServiceNotDefinedError,
    ServiceOperationError,
    ServiceWaitError,
    System,
)

__all__ = [
    "DEFAULT_HEALTH_SETTINGS",
    "MAX_EVENTS_TO_KEEP",
    "Condition",
    "Envelope",
    "EventCondition",
    "EventPublisher",
    "EventStream",
    "EventStreamOverflow",
    "HealthCheck",
    "HealthSettings",
    "HealthStatus",
    "LogWriter",
    "PollCondition",
    "Recorder",
    "Runner",
    "RunnerError",
    "Service",
    "ServiceError",
    "ServiceEvent",
    "ServiceHealth",
    "ServiceInfo",
    "ServiceLog",
    "ServiceLogs",
    "ServiceNotDefinedError",
    "ServiceOperationError",
    "ServiceRunner",
    "ServiceState",
    "ServiceStateEvent",
    "ServiceWaitError",
    "SkipService",
    "StateEvent",
    "System",
    "WaitForAll",
]

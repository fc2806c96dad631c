"""What a machined service is (Talos ``pkg/system/service.go``).

A service definition says how to run one long-lived thing on the node (apid, containerd, etcd,
kubelet, ...): what it waits for, which services it needs, the hooks around a run, how to build its
runner, and optionally how to check its health. The supervisor (:mod:`.service_runner`, :mod:`.system`)
does the rest. Definitions are plain objects: whatever they need (config, resource state, paths) is
given to their constructor.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from pytalos.machined.system.conditions import Condition
from pytalos.machined.system.events import ServiceState
from pytalos.machined.system.health import DEFAULT_HEALTH_SETTINGS, HealthCheck, HealthSettings
from pytalos.machined.system.runner import Runner


class SkipService(Exception):
    """Raised by ``pre`` or ``runner`` to end in state Skipped with this reason as the message.

    Example: ``raise SkipService("kubelet image not present locally")``.
    """


class Service(ABC):
    """A service definition. Subclasses set :attr:`id` and implement :meth:`runner`."""

    #: The service id (``apid``, ``etcd``, ``ext-foo``); unique among loaded services.
    id: str
    #: ``talosctl service <id> start|stop|restart`` allowed (Talos's APIStartable/Stoppable/Restartable).
    user_startable: bool = False
    user_stoppable: bool = False
    user_restartable: bool = False

    async def pre(self) -> None:  # noqa: B027 - optional hook
        """Runs before the runner is created (prepare directories, files, images)."""

    async def post(self, state: ServiceState) -> None:  # noqa: B027 - optional hook
        """Runs after the runner has returned, with the state it left the service in."""

    def condition(self) -> Condition | None:
        """What must hold before the service starts (besides its dependencies)."""
        return None

    def depends_on(self) -> Sequence[str]:
        """Ids of services that must be up (running and healthy, finished or skipped) first."""
        return ()

    @abstractmethod
    def runner(self) -> Runner | None:
        """A new runner for one start of the service; ``None`` (or :class:`SkipService`) skips it."""

    def health_check(self) -> HealthCheck | None:
        """The health function, or ``None`` when the service has no health check."""
        return None

    def health_settings(self) -> HealthSettings:
        return DEFAULT_HEALTH_SETTINGS

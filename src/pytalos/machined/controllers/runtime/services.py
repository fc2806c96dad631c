"""``v1alpha1.ServiceController``: ``Services/<id>`` mirrors machined's running system services.

The adapter between the service supervisor (:class:`~pytalos.machined.system.System`) and the
resource state is machined's event stream: ``System`` publishes a ``ServiceStateEvent`` on every
transition and health change, and this controller follows the stream from the start of its
history. As in Talos, a service in state Running has a resource (``running: true`` with its
``healthy``/``unknown`` health); any other state removes it. Events of other kinds on the stream
are ignored. A subscriber that falls behind the stream's history fails the run and is restarted,
replaying the history it still holds.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pytalos.machined.platform import EventSource
from pytalos.machined.resources import runtime
from pytalos.machined.runtime import Input, Output, Runtime
from pytalos.machined.system.events import ServiceState, ServiceStateEvent

from .._common import put, remove


def service_spec(event: ServiceStateEvent) -> runtime.ServiceSpec | None:
    """The resource a service event leads to; ``None`` for a service that is not running."""
    if event.action is not ServiceState.RUNNING:
        return None
    return runtime.ServiceSpec(running=True, healthy=event.health.healthy, unknown=event.health.unknown)


class ServiceController:
    name = "v1alpha1.ServiceController"

    def __init__(self, events: EventSource) -> None:
        self.events = events

    def inputs(self) -> Sequence[Input]:
        return ()

    def outputs(self) -> Sequence[Output]:
        return [Output(runtime.SERVICE_TYPE)]

    async def run(self, rt: Runtime, log: logging.Logger) -> None:
        async for envelope in self.events.subscribe(tail=-1, follow=True):
            event = envelope.payload
            if not isinstance(event, ServiceStateEvent):
                continue
            spec = service_spec(event)
            if spec is None:
                await remove(rt, runtime.NAMESPACE, runtime.SERVICE_TYPE, event.service)
            else:
                await put(rt, runtime.NAMESPACE, runtime.SERVICE_TYPE, event.service, spec)
            rt.reset_restart_backoff()

"""v1alpha1.ServiceController: Services resources mirror the supervisor's event stream."""

from __future__ import annotations

from typing import Any

import pytest

from pytalos.machined.controllers.runtime.services import ServiceController
from pytalos.machined.controllers.runtime.version import VersionController
from pytalos.machined.resources import runtime
from pytalos.machined.runtime.testing import run
from pytalos.machined.system import EventStream, Service, ServiceState, System
from pytalos.machined.system.events import ServiceStateEvent
from pytalos.machined.system.health import ServiceHealth
from pytalos.machined.system.runner.fake import FakeRunner

from .._helpers import failure_of, harness

pytestmark = pytest.mark.unit

SVC = runtime.SERVICE_TYPE


def _event(
    service: str, state: ServiceState, healthy: bool = False, unknown: bool = True
) -> ServiceStateEvent:
    return ServiceStateEvent(service, state, "msg", ServiceHealth(unknown, healthy, "", 0.0))


def test_events_become_service_resources() -> None:
    async def body() -> None:
        stream: EventStream[Any] = EventStream()
        stream.publish(_event("apid", ServiceState.RUNNING))  # history before the controller starts
        stream.publish("a sequence event of another kind")
        async with harness(ServiceController(stream)) as h:
            res = await h.assert_resource(SVC, "apid")
            assert res.spec.to_yaml() == {"running": True, "healthy": False, "unknown": True}
            stream.publish(_event("apid", ServiceState.RUNNING, healthy=True, unknown=False))
            await h.assert_resource(SVC, "apid", lambda r: r.spec.healthy and not r.spec.unknown)
            stream.publish(_event("apid", ServiceState.STOPPING))
            await h.assert_no_resource(SVC, "apid")

    run(body())


class _Svc(Service):
    id = "demo"

    def runner(self) -> Any:
        return FakeRunner()


def test_system_supervisor_feeds_the_controller() -> None:
    async def body() -> None:
        stream: EventStream[Any] = EventStream()
        system = System(events=stream)
        async with harness(ServiceController(stream)) as h:
            system.load_and_start(_Svc())
            await h.assert_resource(SVC, "demo", lambda r: r.spec.running)
            await system.shutdown(timeout=5)
            await h.assert_no_resource(SVC, "demo")

    run(body())


def test_falling_behind_the_stream_fails_and_restarts() -> None:
    async def body() -> None:
        stream: EventStream[Any] = EventStream(history=1)
        async with harness(ServiceController(stream)) as h:
            stream.publish(_event("s0", ServiceState.RUNNING))
            await h.assert_resource(SVC, "s0")
            for i in range(1, 5):  # published before the controller gets to read any of them
                stream.publish(_event(f"s{i}", ServiceState.RUNNING))
            error = await failure_of(h, ServiceController.name)
            assert "EventStreamOverflow" in error
            await h.assert_resource(SVC, "s4")  # restarted: replays what the history still holds

    run(body())


def test_version() -> None:
    async def body() -> None:
        async with harness(VersionController()) as h:
            res = await h.assert_resource(runtime.VERSION_TYPE, runtime.VERSION_ID)
            assert res.spec.to_yaml() == {"version": "v0.1.0"}

    run(body())

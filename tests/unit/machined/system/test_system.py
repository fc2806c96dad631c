"""The supervisor: dependency ordering, reverse-order stops, restart, API operations, listing."""

from __future__ import annotations

import asyncio

import pytest

from pytalos.machined.system import (
    ServiceNotDefinedError,
    ServiceOperationError,
    ServiceState,
    ServiceWaitError,
    StateEvent,
)
from pytalos.machined.system.runner.fake import FakeRunner
from tests.unit.machined.system._helpers import FakeService, new_system, run, transitions, wait_state

pytestmark = pytest.mark.unit


def _order(stream_events: list[tuple[str, str, str]], state: str) -> list[str]:
    return [svc for svc, s, _ in stream_events if s == state]


def _all(stream) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(e.payload.service, str(e.payload.action), e.payload.message) for e in stream.snapshot()]


def test_dependencies_start_in_order() -> None:
    async def scenario() -> None:
        system, stream = new_system()
        # loaded in reverse order on purpose: kubelet -> cri -> containerd
        system.load_and_start(
            FakeService("kubelet", depends_on=["cri"]),
            FakeService("cri", depends_on=["containerd"]),
            FakeService("containerd"),
        )
        await system.wait("kubelet", "cri", "containerd", timeout=3)
        assert _order(_all(stream), "Running") == ["containerd", "cri", "kubelet"]
        assert ("kubelet", "Waiting", 'Waiting for service "cri" to be "up"') in _all(stream)
        await system.shutdown()

    run(scenario())


def test_dependency_on_service_loaded_later() -> None:
    async def scenario() -> None:
        system, _ = new_system()
        system.load_and_start(FakeService("apid", depends_on=["containerd"]))
        await wait_state(system, "apid", ServiceState.WAITING)
        system.load_and_start(FakeService("containerd"))
        await system.wait("apid", timeout=3)
        await system.shutdown()

    run(scenario())


def test_shutdown_stops_in_reverse_dependency_order() -> None:
    async def scenario() -> None:
        system, stream = new_system()
        services = [
            FakeService("containerd"),
            FakeService("cri", depends_on=["containerd"]),
            FakeService("etcd", depends_on=["cri"]),
            FakeService("kubelet", depends_on=["cri"]),
            FakeService("apid", depends_on=["containerd"]),
        ]
        for service in services:
            service._runner_factory = _slow_stop_factory(service)
        system.load_and_start(*services)
        await system.wait(*[s.id for s in services], timeout=3)
        await system.shutdown()
        finished = _order(_all(stream), "Finished")
        assert sorted(finished) == sorted(s.id for s in services)
        assert finished.index("containerd") > max(finished.index(x) for x in ("cri", "apid"))
        assert finished.index("cri") > max(finished.index(x) for x in ("etcd", "kubelet"))
        # no new start once terminating
        system.start("containerd")
        assert not system.is_running("containerd")

    run(scenario())


def _slow_stop_factory(service: FakeService):  # type: ignore[no-untyped-def]
    def factory() -> FakeRunner:
        runner = FakeRunner(service.id, stop_delay=0.02)
        service.runners.append(runner)
        return runner

    return factory


def test_stop_with_reverse_dependencies() -> None:
    async def scenario() -> None:
        system, stream = new_system()
        system.load_and_start(
            FakeService("containerd"),
            FakeService("cri", depends_on=["containerd"]),
            FakeService("etcd", depends_on=["cri"]),
            FakeService("kubelet", depends_on=["cri"]),
            FakeService("apid", depends_on=["containerd"]),
        )
        await system.wait("containerd", "cri", "etcd", "kubelet", "apid", timeout=3)
        stopped = await system.stop_with_rev_deps("cri")
        assert sorted(stopped) == ["cri", "etcd", "kubelet"]
        finished = _order(_all(stream), "Finished")
        assert finished[-1] == "cri" and sorted(finished) == ["cri", "etcd", "kubelet"]
        assert system.is_running("containerd") and system.is_running("apid")
        await system.shutdown()

    run(scenario())


def test_plain_stop_does_not_touch_dependents() -> None:
    async def scenario() -> None:
        system, _ = new_system()
        system.load_and_start(FakeService("cri"), FakeService("kubelet", depends_on=["cri"]))
        await system.wait("cri", "kubelet", timeout=3)
        await system.stop("cri")
        assert system.is_running("kubelet") and not system.is_running("cri")
        await system.shutdown()

    run(scenario())


def test_stop_timeout_names_the_stuck_service() -> None:
    async def scenario() -> None:
        system, _ = new_system()
        service = FakeService("stuck")
        service._runner_factory = lambda: _never_stops(service)
        system.load_and_start(service)
        await wait_state(system, "stuck", ServiceState.RUNNING)
        with pytest.raises(
            ServiceWaitError,
            match=r"still running 0.1s after stop: stuck is Stopping \(Stopping Fake\('stuck'\)\)",
        ):
            await system.stop("stuck", timeout=0.1)
        service.last.exit()
        await wait_state(system, "stuck", ServiceState.FINISHED)

    run(scenario())


def _never_stops(service: FakeService) -> FakeRunner:
    runner = FakeRunner(service.id, stop_delay=3600)
    service.runners.append(runner)
    return runner


def test_wait_timeout_says_what_is_missing() -> None:
    async def scenario() -> None:
        system, _ = new_system()
        system.load_and_start(FakeService("etcd", depends_on=["cri"]))
        with pytest.raises(ServiceWaitError) as raised:
            await system.wait("etcd", timeout=0.1)
        assert 'etcd is Waiting (Waiting for service "cri" to be "up")' in str(raised.value)
        await system.shutdown()

    run(scenario())


def test_restart_runs_a_new_runner() -> None:
    async def scenario() -> None:
        system, stream = new_system()
        service = FakeService("kubelet", user_restartable=True)
        system.load_and_start(service)
        await wait_state(system, "kubelet", ServiceState.RUNNING)
        first = service.last
        await system.api_restart("kubelet")
        await wait_state(system, "kubelet", ServiceState.RUNNING)
        assert len(service.runners) == 2 and first.stops == 1 and service.last is not first
        messages = [m for _, m in transitions(stream, "kubelet")]
        assert messages.count("Starting service") == 2
        await system.shutdown()

    run(scenario())


def test_api_operations_respect_the_service() -> None:
    async def scenario() -> None:
        system, _ = new_system()
        system.load_and_start(FakeService("apid"), FakeService("kubelet", user_restartable=True))
        await system.wait("apid", "kubelet", timeout=3)
        with pytest.raises(ServiceOperationError, match="'apid' doesn't support restart"):
            await system.api_restart("apid")
        with pytest.raises(ServiceOperationError, match="'apid' doesn't support stop"):
            await system.api_stop("apid")
        with pytest.raises(ServiceNotDefinedError, match="'nope' not defined"):
            await system.api_start("nope")
        await system.api_stop("kubelet")
        assert not system.is_running("kubelet")
        await system.api_start("kubelet")
        await system.wait("kubelet", timeout=3)
        await system.shutdown()

    run(scenario())


def test_start_unknown_service_starts_nothing() -> None:
    async def scenario() -> None:
        system, _ = new_system()
        system.load(FakeService("a"))
        with pytest.raises(ServiceNotDefinedError):
            system.start("a", "b")
        assert not system.is_running("a")

    run(scenario())


def test_list_load_and_unload() -> None:
    async def scenario() -> None:
        system, _ = new_system()
        ids = system.load(FakeService("trustd"), FakeService("apid"), FakeService("apid"))
        assert ids == ["trustd", "apid", "apid"]
        assert [(i.id, i.state) for i in system.service_list()] == [
            ("apid", "Initialized"),
            ("trustd", "Initialized"),
        ]
        system.start_all()
        await system.wait("apid", "trustd", timeout=3)
        assert {i.state for i in system.service_list()} == {"Running"}
        await system.unload("apid")
        assert [i.id for i in system.service_list()] == ["trustd"]
        await system.shutdown()
        await system.wait("trustd", event=StateEvent.DOWN, timeout=1)

    run(scenario())


def test_second_start_of_running_service_is_ignored() -> None:
    async def scenario() -> None:
        system, _ = new_system()
        service = FakeService("svc")
        system.load_and_start(service)
        await wait_state(system, "svc", ServiceState.RUNNING)
        system.start("svc")
        await asyncio.sleep(0.05)
        assert len(service.runners) == 1
        await system.shutdown()

    run(scenario())

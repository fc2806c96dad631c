"""One service's state machine, driven with the fake runner."""

from __future__ import annotations

import asyncio

import pytest

from pytalos.machined.system import (
    EventCondition,
    PollCondition,
    ServiceState,
    SkipService,
)
from pytalos.machined.system.runner.fake import FakeRunner
from tests.unit.machined.system._helpers import FakeService, new_system, run, states, transitions, wait_state

pytestmark = pytest.mark.unit


def test_run_to_finished_records_every_transition() -> None:
    async def scenario() -> None:
        system, stream = new_system()
        service = FakeService("svc")
        system.load_and_start(service)
        await wait_state(system, "svc", ServiceState.RUNNING)
        assert system.is_running("svc")
        service.last.exit()
        await wait_state(system, "svc", ServiceState.FINISHED)
        assert not system.is_running("svc")
        assert transitions(stream, "svc") == [
            ("Starting", "Starting service"),
            ("Preparing", "Running pre state"),
            ("Preparing", "Creating service runner"),
            ("Running", "Fake('svc') started"),
            ("Finished", "Service finished successfully"),
        ]
        assert service.post_states == [ServiceState.RUNNING]
        assert service.last.opened == service.last.closed == 1
        info = system.get("svc")
        assert info.state == "Finished"
        assert [e.message for e in info.events][-1] == "Service finished successfully"
        assert info.health.unknown and not info.health.healthy

    run(scenario())


def test_runner_failure_is_failed_with_the_cause() -> None:
    async def scenario() -> None:
        system, stream = new_system()
        service = FakeService("svc")
        system.load_and_start(service)
        await wait_state(system, "svc", ServiceState.RUNNING)
        service.last.fail("boom")
        await wait_state(system, "svc", ServiceState.FAILED)
        assert transitions(stream, "svc")[-1] == ("Failed", "Service failed: error running Fake('svc'): boom")

    run(scenario())


def test_condition_waiting_message_follows_the_description() -> None:
    async def scenario() -> None:
        system, stream = new_system()
        first = EventCondition("etcd spec")
        second = EventCondition("time sync")
        from pytalos.machined.system import WaitForAll

        system.load_and_start(FakeService("svc", condition=WaitForAll(first, second)))
        await wait_state(system, "svc", ServiceState.WAITING)
        first.set()
        await asyncio.sleep(0.1)
        assert system.runner_for("svc").state is ServiceState.WAITING  # type: ignore[union-attr]
        second.set()
        await wait_state(system, "svc", ServiceState.RUNNING)
        waiting = [m for s, m in transitions(stream, "svc") if s == "Waiting"]
        assert waiting == ["Waiting for etcd spec, time sync", "Waiting for time sync"]
        await system.shutdown()

    run(scenario())


def test_skipped_when_runner_is_none_or_skip_raised() -> None:
    async def scenario() -> None:
        system, stream = new_system()

        async def no_image() -> None:
            raise SkipService("kubelet image not present locally")

        system.load_and_start(
            FakeService("none", runner_factory=lambda: None),
            FakeService("kubelet", pre=no_image),
            FakeService("after", depends_on=["kubelet"]),
        )
        await wait_state(system, "none", ServiceState.SKIPPED)
        await wait_state(system, "kubelet", ServiceState.SKIPPED)
        assert transitions(stream, "none")[-1] == ("Skipped", "Service skipped")
        assert transitions(stream, "kubelet")[-1] == ("Skipped", "kubelet image not present locally")
        # a skipped dependency counts as up
        await wait_state(system, "after", ServiceState.RUNNING)
        await system.shutdown()

    run(scenario())


def test_pre_failure_is_failed_and_post_not_run() -> None:
    async def scenario() -> None:
        system, stream = new_system()

        async def broken() -> None:
            raise OSError("no space left on device")

        service = FakeService("svc", pre=broken)
        system.load_and_start(service)
        await wait_state(system, "svc", ServiceState.FAILED)
        assert transitions(stream, "svc")[-1] == (
            "Failed",
            "Service failed: failed to run pre stage: no space left on device",
        )
        assert service.post_states == []

    run(scenario())


def test_condition_error_fails_the_service() -> None:
    async def scenario() -> None:
        system, stream = new_system()

        def explode() -> bool:
            raise RuntimeError("spec unreadable")

        system.load_and_start(FakeService("svc", condition=PollCondition("etcd spec", explode)))
        await wait_state(system, "svc", ServiceState.FAILED)
        assert transitions(stream, "svc")[-1] == (
            "Failed",
            "Service failed: condition failed: spec unreadable",
        )

    run(scenario())


def test_stop_while_waiting_ends_finished_without_running() -> None:
    async def scenario() -> None:
        system, stream = new_system()
        service = FakeService("svc", condition=EventCondition("never"))
        system.load_and_start(service)
        await wait_state(system, "svc", ServiceState.WAITING)
        await system.stop("svc")
        assert states(stream, "svc") == ["Starting", "Waiting", "Finished"]
        assert transitions(stream, "svc")[-1][1] == "Service stopped before it started"
        assert service.runners == []

    run(scenario())


def test_stop_running_service_stops_its_runner() -> None:
    async def scenario() -> None:
        system, stream = new_system()
        service = FakeService("svc")
        system.load_and_start(service)
        await wait_state(system, "svc", ServiceState.RUNNING)
        await system.stop("svc")
        assert service.last.stops == 1 and not service.last.running
        assert system.runner_for("svc").state is ServiceState.FINISHED  # type: ignore[union-attr]
        assert states(stream, "svc")[-3:] == ["Running", "Stopping", "Finished"]
        assert service.post_states == [ServiceState.STOPPING]  # post sees the state the runner left

    run(scenario())


def test_health_transitions_with_last_error() -> None:
    async def scenario() -> None:
        system, stream = new_system()
        healthy = True

        async def check() -> None:
            if not healthy:
                raise ConnectionRefusedError("dial tcp 127.0.0.1:2379: connection refused")

        system.load_and_start(FakeService("etcd", health=check))
        await wait_state(system, "etcd", ServiceState.RUNNING)
        await system.wait("etcd", timeout=2)
        assert system.get("etcd").health.healthy
        healthy = False
        for _ in range(100):
            if system.get("etcd").health.healthy is False and not system.get("etcd").health.unknown:
                break
            await asyncio.sleep(0.01)
        info = system.get("etcd")
        assert not info.health.healthy and not info.health.unknown
        assert info.health.last_message == "dial tcp 127.0.0.1:2379: connection refused"
        healthy = True
        await system.wait("etcd", timeout=2)
        running = [m for s, m in transitions(stream, "etcd") if s == "Running"]
        assert running[1:] == [
            "Health check successful",
            "Health check failed: dial tcp 127.0.0.1:2379: connection refused",
            "Health check successful",
        ]
        # the event carries the health snapshot
        failed = [e.payload for e in stream.snapshot() if e.payload.message.startswith("Health check failed")]
        assert failed[0].health.last_message.endswith("connection refused") and not failed[0].health.healthy
        await system.shutdown()

    run(scenario())


def test_health_check_timeout_is_reported() -> None:
    async def scenario() -> None:
        system, _ = new_system()
        from pytalos.machined.system import HealthSettings

        async def hang() -> None:
            await asyncio.sleep(10)

        system.load_and_start(FakeService("svc", health=hang, health_settings=HealthSettings(0, 0.05, 0.05)))
        for _ in range(100):
            if system.get("svc").health.last_message not in ("", "Unknown"):
                break
            await asyncio.sleep(0.01)
        assert system.get("svc").health.last_message == "health check timed out after 0.05s"
        await system.shutdown()

    run(scenario())


def test_unhealthy_service_is_not_up() -> None:
    async def scenario() -> None:
        system, stream = new_system()

        async def never() -> None:
            raise RuntimeError("not ready")

        system.load_and_start(FakeService("cri", health=never), FakeService("etcd", depends_on=["cri"]))
        await wait_state(system, "cri", ServiceState.RUNNING)
        await asyncio.sleep(0.2)
        assert system.runner_for("etcd").state is ServiceState.WAITING  # type: ignore[union-attr]
        assert transitions(stream, "etcd")[-1][1] == 'Waiting for service "cri" to be "up"'
        await system.shutdown()

    run(scenario())


def test_fake_runner_stop_before_run_is_sticky() -> None:
    async def scenario() -> None:
        runner = FakeRunner()
        await runner.stop()
        await runner.run(lambda state, message: None)  # returns at once
        assert runner.runs == 0

    run(scenario())

"""Restart policies and backoff, with the fake runner and short delays."""

from __future__ import annotations

import asyncio

import pytest

from pytalos.machined.system import RunnerError, ServiceState
from pytalos.machined.system.runner.fake import FakeRunner
from pytalos.machined.system.runner.restart import RestartOptions, RestartRunner, RestartType
from tests.unit.machined.system._helpers import FakeService, new_system, run, transitions, wait_state

pytestmark = pytest.mark.unit

FAST = RestartOptions(interval=0.01, max_interval=0.04, multiplier=2.0, reset_after=60.0)


class Recorded:
    def __init__(self) -> None:
        self.events: list[tuple[ServiceState, str]] = []

    def __call__(self, state: ServiceState, message: str) -> None:
        self.events.append((state, message))


async def _fail_times(inner: FakeRunner, count: int) -> None:
    for i in range(count):
        await inner.started.wait()
        inner.fail(f"crash {i}")
        await asyncio.sleep(0)


def test_forever_backs_off_exponentially_up_to_the_cap() -> None:
    async def scenario() -> None:
        inner = FakeRunner("p")
        restart = RestartRunner(inner, FAST)
        recorder = Recorded()
        task = asyncio.create_task(restart.run(recorder))
        await _fail_times(inner, 5)
        await inner.started.wait()
        assert inner.runs == 6
        assert restart.delays == [0.01, 0.02, 0.04, 0.04, 0.04]
        waiting = [m for s, m in recorder.events if s is ServiceState.WAITING]
        assert waiting[0] == "Error running Fake('p'), going to restart forever: crash 0"
        await restart.stop()
        assert task.done() and task.exception() is None
        assert str(restart) == "Restart(Forever, Fake('p'))"

    run(scenario())


def test_forever_restarts_after_clean_exit_too() -> None:
    async def scenario() -> None:
        inner = FakeRunner("p")
        restart = RestartRunner(inner, FAST)
        recorder = Recorded()
        task = asyncio.create_task(restart.run(recorder))
        await inner.started.wait()
        inner.exit()
        await asyncio.sleep(0)
        await inner.started.wait()
        assert (ServiceState.WAITING, "Runner Fake('p') exited without error, going to restart it") in (
            recorder.events
        )
        await restart.stop()
        await task

    run(scenario())


def test_backoff_resets_after_a_stable_run() -> None:
    async def scenario() -> None:
        inner = FakeRunner("p")
        options = RestartOptions(interval=0.01, max_interval=1.0, reset_after=0.15)
        restart = RestartRunner(inner, options)
        task = asyncio.create_task(restart.run(Recorded()))
        await _fail_times(inner, 3)
        await inner.started.wait()
        await asyncio.sleep(0.2)  # stable for longer than reset_after
        inner.fail("late crash")
        await asyncio.sleep(0)
        await inner.started.wait()
        assert restart.delays == [0.01, 0.02, 0.04, 0.01]
        await restart.stop()
        await task

    run(scenario())


def test_until_success_stops_restarting_after_success() -> None:
    async def scenario() -> None:
        inner = FakeRunner("p")
        restart = RestartRunner(inner, RestartOptions(RestartType.UNTIL_SUCCESS, 0.01))
        recorder = Recorded()
        task = asyncio.create_task(restart.run(recorder))
        await _fail_times(inner, 2)
        await inner.started.wait()
        inner.exit()
        await asyncio.wait_for(task, 2)
        assert inner.runs == 3
        assert recorder.events[1] == (
            ServiceState.WAITING,
            "Error running Fake('p'), going to restart until it succeeds: crash 0",
        )

    run(scenario())


def test_once_returns_the_error() -> None:
    async def scenario() -> None:
        inner = FakeRunner("p")
        restart = RestartRunner(inner, RestartOptions(RestartType.ONCE))
        task = asyncio.create_task(restart.run(Recorded()))
        await inner.started.wait()
        inner.fail("exit status 3")
        with pytest.raises(RunnerError, match="exit status 3"):
            await task
        assert inner.runs == 1

    run(scenario())


def test_stop_during_backoff_aborts_the_restart_sequence() -> None:
    async def scenario() -> None:
        inner = FakeRunner("p")
        restart = RestartRunner(inner, RestartOptions(interval=30))
        recorder = Recorded()
        task = asyncio.create_task(restart.run(recorder))
        await inner.started.wait()
        inner.fail("crash")
        await asyncio.sleep(0.05)
        await asyncio.wait_for(restart.stop(), 1)
        await task
        assert recorder.events[-1] == (ServiceState.STOPPING, "Aborting restart sequence")
        assert inner.runs == 1

    run(scenario())


def test_restarting_service_goes_back_to_running() -> None:
    async def scenario() -> None:
        system, stream = new_system()
        service = FakeService("svc")
        inner = FakeRunner("svc")
        service._runner_factory = lambda: RestartRunner(inner, FAST)
        system.load_and_start(service)
        await wait_state(system, "svc", ServiceState.RUNNING)
        inner.fail("exit status 1")
        await wait_state(system, "svc", ServiceState.WAITING)
        await wait_state(system, "svc", ServiceState.RUNNING)
        await system.shutdown()
        states = [s for s, _ in transitions(stream, "svc")]
        assert states[-4:] == ["Waiting", "Running", "Stopping", "Finished"]
        assert inner.runs == 2

    run(scenario())

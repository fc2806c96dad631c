"""Services that are async functions of machined itself (Talos's goroutine runner)."""

from __future__ import annotations

import asyncio

import pytest

from pytalos.machined.system import LogWriter, RunnerError, ServiceState
from pytalos.machined.system.runner.coroutine import CoroutineRunner
from tests.unit.machined.system._helpers import FakeService, new_system, run, transitions, wait_state

pytestmark = pytest.mark.unit


def test_coroutine_service_runs_logs_and_stops_cleanly() -> None:
    async def scenario() -> None:
        system, stream = new_system()
        cancelled = asyncio.Event()

        async def main(log: LogWriter) -> None:
            log.write(b"listening on machine.sock\n")
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                cancelled.set()
                raise

        service = FakeService(
            "machined", runner_factory=lambda: CoroutineRunner("machined", main, system.logs.get("machined"))
        )
        system.load_and_start(service)
        await wait_state(system, "machined", ServiceState.RUNNING)
        assert transitions(stream, "machined")[-1] == ("Running", "Service started as goroutine")
        await asyncio.sleep(0)
        assert system.logs.get("machined").contents() == b"listening on machine.sock\n"
        await system.stop("machined")
        assert cancelled.is_set()
        assert transitions(stream, "machined")[-1] == ("Finished", "Service finished successfully")

    run(scenario())


def test_coroutine_exception_fails_the_service() -> None:
    async def scenario() -> None:
        system, stream = new_system()

        async def main(log: LogWriter) -> None:
            raise ValueError("bad socket path")

        system.load_and_start(FakeService("syslogd", runner_factory=lambda: CoroutineRunner("syslogd", main)))
        await wait_state(system, "syslogd", ServiceState.FAILED)
        assert transitions(stream, "syslogd")[-1] == (
            "Failed",
            "Service failed: error running Goroutine('syslogd'): "
            "Goroutine('syslogd') failed: ValueError: bad socket path",
        )

    run(scenario())


def test_coroutine_returning_is_finished_and_stop_before_run_is_sticky() -> None:
    async def scenario() -> None:
        calls = 0

        async def main(log: LogWriter) -> None:
            nonlocal calls
            calls += 1

        runner = CoroutineRunner("x", main)
        await runner.run(lambda state, message: None)
        assert calls == 1
        await runner.stop()
        await runner.run(lambda state, message: None)
        assert calls == 1
        with pytest.raises(RunnerError):

            async def broken(log: LogWriter) -> None:
                raise OSError("x")

            await CoroutineRunner("y", broken).run(lambda state, message: None)

    run(scenario())

"""Benchmarks of machined's service supervisor (issue: services).

What the supervisor adds on top of what it drives: a process service's start→Running→stop against a
bare asyncio spawn/terminate/wait of the same process, and a 50-service dependency chain brought up
and shut down against the same number of plain asyncio hand-offs.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence

from pytalos.machined.system import Runner, Service, ServiceState, System
from pytalos.machined.system.runner.fake import FakeRunner
from pytalos.machined.system.runner.process import ProcessOptions, ProcessRunner

from .harness import Row, median_time

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
CHAIN = 50


class _Process(Service):
    def __init__(self) -> None:
        self.id = "sleeper"

    def runner(self) -> Runner:
        return ProcessRunner(self.id, SLEEPER, ProcessOptions(graceful_shutdown_timeout=5))


class _Link(Service):
    def __init__(self, index: int) -> None:
        self.id = f"svc{index}"
        self._deps = [f"svc{index - 1}"] if index else []

    def depends_on(self) -> Sequence[str]:
        return self._deps

    def runner(self) -> Runner:
        return FakeRunner(self.id)


async def _supervised_process() -> None:
    system = System()
    system.load_and_start(_Process())
    runner = system.runner_for("sleeper")
    assert runner is not None
    while runner.state is not ServiceState.RUNNING:
        await system.notifier.current.wait()
    await system.shutdown()


async def _bare_process() -> None:
    process = await asyncio.create_subprocess_exec(
        *SLEEPER, stdout=asyncio.subprocess.PIPE, start_new_session=True
    )
    process.terminate()
    await process.wait()


async def _chain() -> None:
    system = System()
    ids = system.load_and_start(*(_Link(i) for i in range(CHAIN)))
    await system.wait(*ids, timeout=30)
    await system.shutdown()


async def _bare_chain() -> None:
    events = [asyncio.Event() for _ in range(CHAIN)]

    async def link(i: int) -> None:
        if i:
            await events[i - 1].wait()
        events[i].set()

    await asyncio.gather(*(link(i) for i in range(CHAIN)))


def bench_supervisor(runs: int) -> list[Row]:
    return [
        Row(
            "process service start→Running→stop",
            median_time(lambda: asyncio.run(_supervised_process()), runs),
            "bare asyncio spawn+terminate",
            median_time(lambda: asyncio.run(_bare_process()), runs),
        ),
        Row(
            f"{CHAIN}-service dependency chain up+shutdown",
            median_time(lambda: asyncio.run(_chain()), runs),
            f"{CHAIN} asyncio event hand-offs",
            median_time(lambda: asyncio.run(_bare_chain()), runs),
        ),
    ]


ALL = [bench_supervisor]

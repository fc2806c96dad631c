"""Benchmark of the resource runtime: updates per second with one watcher (issue 3 target ≥ 50k/s).

One resource with a small dataclass spec (the shape of a typical status resource) is updated N
times while one watcher task consumes every event; the writer yields to the loop every 100
updates, as any real producer awaiting I/O would. The baseline moves the same number of items
through a bare ``asyncio.Queue`` with the same yield pattern: the floor of any asyncio hand-off.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from .harness import PER_SECOND, Row, median_time

N = 20_000
YIELD_EVERY = 100
TARGET_PER_S = 50_000


@dataclass
class AddressSpec:
    address: str = "10.5.0.2/24"
    link: str = "eth0"
    family: str = "inet4"
    scope: str = "global"
    flags: int = 0


async def _runtime_updates() -> None:
    from pytalos.machined.runtime import Resource, State

    state = State()
    res = Resource.new("network", "AddressStatuses.net.talos.dev", "eth0/10.5.0.2/24", AddressSpec())
    await state.create(res, owner="network.AddressStatusController")
    seen = 0

    async def watcher() -> None:
        nonlocal seen
        async with state.watch(res.pointer) as w:
            async for _ in w:
                seen += 1
                if seen == N + 1:  # initial state + N updates
                    return

    task = asyncio.create_task(watcher())
    await asyncio.sleep(0)
    for i in range(N):
        res.spec.flags = i
        await state.update(res, owner="network.AddressStatusController")
        if i % YIELD_EVERY == 0:
            await asyncio.sleep(0)
    await task
    assert seen == N + 1


async def _queue_baseline() -> None:
    queue: asyncio.Queue[int] = asyncio.Queue()
    spec = AddressSpec()

    async def consumer() -> None:
        for _ in range(N):
            await queue.get()

    task = asyncio.create_task(consumer())
    await asyncio.sleep(0)
    for i in range(N):
        spec.flags = i
        queue.put_nowait(i)
        if i % YIELD_EVERY == 0:
            await asyncio.sleep(0)
    await task


def bench_runtime_updates(runs: int) -> list[Row]:
    ours = median_time(lambda: asyncio.run(_runtime_updates()), runs)
    base = median_time(lambda: asyncio.run(_queue_baseline()), runs)
    return [
        Row(
            f"resource runtime updates with one watcher ({N} updates)",
            N / ours,
            "asyncio.Queue put/get",
            N / base,
            f"≥ {TARGET_PER_S // 1000}k/s",
            PER_SECOND,
        )
    ]


ALL = (bench_runtime_updates,)

"""poll: the first attempt at once, then short pauses growing up to the check's interval, so a
condition that becomes true right after the start is seen within a fraction of a second."""

from __future__ import annotations

import asyncio

import pytest

from pytalos.cluster.check.access import NodeAccess
from pytalos.cluster.check.conditions import FIRST_RETRY, RETRY_BACKOFF, Check, CheckError, poll
from pytalos.cluster.check.info import ClusterInfo

from ._cluster import INFO, healthy

pytestmark = pytest.mark.unit


def test_attempts_start_at_once_and_pauses_grow_up_to_the_interval() -> None:
    times: list[float] = []

    async def never(access: NodeAccess, info: ClusterInfo) -> None:
        times.append(asyncio.get_running_loop().time())
        raise CheckError("not yet")

    async def scenario() -> tuple[float, str, int]:
        loop = asyncio.get_running_loop()
        start = loop.time()
        outcome = await poll(
            Check("never", never, interval=0.5), healthy(), INFO, start + 2.3, lambda e: None
        )
        return start, outcome.reason, outcome.attempts

    start, reason, attempts = asyncio.run(scenario())
    assert reason == "not yet" and attempts == len(times)
    pauses = [b - a for a, b in zip([start, *times], times, strict=False)]
    assert pauses[0] < 0.05  # the first attempt is made at once
    expected = [min(FIRST_RETRY * RETRY_BACKOFF**i, 0.5) for i in range(5)]
    for got, want in zip(pauses[1:], expected, strict=False):
        assert want - 0.01 <= got < want + 0.1, (pauses, expected)
    assert len(pauses) >= 5


def test_a_condition_becoming_true_soon_is_seen_within_the_first_retry() -> None:
    calls = 0

    async def second_time(access: NodeAccess, info: ClusterInfo) -> None:
        nonlocal calls
        calls += 1
        if calls < 2:
            raise CheckError("not yet")

    async def scenario() -> tuple[float, str]:
        loop = asyncio.get_running_loop()
        start = loop.time()
        outcome = await poll(Check("soon", second_time), healthy(), INFO, start + 5, lambda e: None)
        return loop.time() - start, outcome.result

    took, result = asyncio.run(scenario())
    assert result == "ok" and calls == 2
    assert took < FIRST_RETRY + 0.1  # not the full 1 s interval

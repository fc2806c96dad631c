"""Service states, per-service history and the event stream (tail, follow, overflow)."""

from __future__ import annotations

import asyncio

import pytest

from pytalos.machined.system import (
    MAX_EVENTS_TO_KEEP,
    EventStream,
    EventStreamOverflow,
    ServiceEvent,
    ServiceState,
)
from pytalos.machined.system.events import ServiceEvents
from pytalos.machined.system.health import HealthStatus
from tests.unit.machined.system._helpers import run

pytestmark = pytest.mark.unit


def test_states_match_the_machine_api_enum() -> None:
    assert [(s.name, int(s), str(s)) for s in ServiceState] == [
        ("INITIALIZED", 0, "Initialized"),
        ("PREPARING", 1, "Preparing"),
        ("WAITING", 2, "Waiting"),
        ("RUNNING", 3, "Running"),
        ("STOPPING", 4, "Stopping"),
        ("FINISHED", 5, "Finished"),
        ("FAILED", 6, "Failed"),
        ("SKIPPED", 7, "Skipped"),
        ("STARTING", 8, "Starting"),
    ]
    assert {s for s in ServiceState if s.terminal} == {
        ServiceState.FINISHED,
        ServiceState.FAILED,
        ServiceState.SKIPPED,
    }


def test_history_keeps_the_last_events() -> None:
    history = ServiceEvents()
    for i in range(MAX_EVENTS_TO_KEEP + 6):
        history.push(ServiceEvent(f"event {i}", ServiceState.RUNNING))
    events = history.get()
    assert len(events) == MAX_EVENTS_TO_KEEP and history.discarded == 6
    assert events[0].message == "event 6" and events[-1].message == f"event {MAX_EVENTS_TO_KEEP + 5}"
    assert [e.message for e in history.get(2)] == [
        f"event {MAX_EVENTS_TO_KEEP + 4}",
        f"event {MAX_EVENTS_TO_KEEP + 5}",
    ]
    assert history.get(0) == []


def test_event_api_shape() -> None:
    event = ServiceEvent("Health check failed: x", ServiceState.RUNNING, HealthStatus(False, "x", 12.5))
    api = event.as_api("etcd")
    assert (api.service, api.action, api.message) == ("etcd", ServiceState.RUNNING, "Health check failed: x")
    assert (api.health.unknown, api.health.healthy, api.health.last_message, api.health.last_change) == (
        False,
        False,
        "x",
        12.5,
    )
    assert ServiceEvent("m", ServiceState.STARTING).as_api("a").health.unknown


def test_stream_tail_then_follow() -> None:
    async def scenario() -> None:
        stream: EventStream[str] = EventStream(history=10)
        for i in range(5):
            stream.publish(f"e{i}")
        received: list[str] = []

        async def reader() -> None:
            async for envelope in stream.subscribe(tail=2):
                received.append(envelope.payload)

        task = asyncio.create_task(reader())
        await asyncio.sleep(0.01)
        assert received == ["e3", "e4"]
        stream.publish("e5")
        await asyncio.sleep(0.01)
        assert received == ["e3", "e4", "e5"]
        stream.close()
        await asyncio.wait_for(task, 1)

    run(scenario())


def test_stream_whole_history_and_no_follow() -> None:
    async def scenario() -> None:
        stream: EventStream[int] = EventStream(history=3)
        for i in range(5):
            stream.publish(i)
        everything = [e.payload async for e in stream.subscribe(tail=-1, follow=False)]
        assert everything == [2, 3, 4]
        assert [e.seq for e in stream.snapshot()] == [2, 3, 4]
        assert [e async for e in stream.subscribe(tail=0, follow=False)] == []

    run(scenario())


def test_slow_subscriber_gets_an_overflow_error() -> None:
    async def scenario() -> None:
        stream: EventStream[int] = EventStream(history=3)
        stream.publish(0)
        subscription = stream.subscribe(tail=1)
        assert (await anext(subscription)).payload == 0
        for i in range(1, 6):
            stream.publish(i)
        with pytest.raises(EventStreamOverflow, match=r"events 1\.\.2 were dropped"):
            await anext(subscription)

    run(scenario())

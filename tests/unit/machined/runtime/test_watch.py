"""Watches: initial state then ordered changes, bookmarks, bootstrap contents, label transitions, overrun."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pytalos.machined.runtime import (
    Event,
    EventType,
    InvalidBookmarkError,
    LabelQuery,
    Pointer,
    Query,
    Resource,
    State,
    Watch,
)
from pytalos.machined.runtime.testing import run

pytestmark = pytest.mark.unit

NS, T = "runtime", "Things.test.talos.dev"


def thing(id: str, value: int = 0, **meta: Any) -> Resource[dict[str, int]]:
    return Resource.new(NS, T, id, {"value": value}, **meta)


async def take(watch: Watch, n: int) -> list[Event]:
    async with asyncio.timeout(2):
        return [await anext(watch) for _ in range(n)]


def summary(events: list[Event]) -> list[tuple[str, str, int]]:
    out = []
    for e in events:
        assert e.resource is not None
        out.append((e.type.value, e.resource.metadata.id, e.resource.metadata.version))
    return out


async def set_value(st: State, id: str, value: int) -> None:
    def change(r: Resource[Any]) -> None:
        r.spec["value"] = value

    await st.update_with_conflicts(Pointer(NS, T, id), change, owner="")


def test_watch_sends_initial_state_then_changes_in_order() -> None:
    async def body() -> None:
        st = State()
        await st.create(thing("a"))
        async with st.watch(Pointer(NS, T, "a")) as w:
            await set_value(st, "a", 1)
            await st.create(thing("other"))  # not this resource: filtered out
            await set_value(st, "a", 2)
            await st.destroy(Pointer(NS, T, "a"))
            events = await take(w, 4)
        assert summary(events) == [
            ("created", "a", 1),
            ("updated", "a", 2),
            ("updated", "a", 3),
            ("destroyed", "a", 3),
        ]
        assert events[1].old is not None and events[1].old.spec == {"value": 0}
        assert events[0].bookmark == b"" and events[1].bookmark

    run(body())


def test_watch_of_missing_resource_starts_with_destroyed() -> None:
    async def body() -> None:
        st = State()
        async with st.watch(Pointer(NS, T, "x")) as w:
            await st.create(thing("x"))
            events = await take(w, 2)
        assert [e.type for e in events] == [EventType.DESTROYED, EventType.CREATED]
        assert events[0].resource is not None and events[0].resource.metadata.version == 0

    run(body())


def test_resume_from_bookmark_replays_what_came_after() -> None:
    async def body() -> None:
        st = State()
        async with st.watch_kind(NS, T) as w:
            await st.create(thing("a"))
            await set_value(st, "a", 1)
            await set_value(st, "a", 2)
            events = await take(w, 3)
        async with st.watch_kind(NS, T, bookmark=events[0].bookmark) as resumed:
            again = await take(resumed, 2)
        assert summary(again) == summary(events[1:])
        async with st.watch(Pointer(NS, T, "a"), bookmark=events[1].bookmark) as one:
            assert summary(await take(one, 1)) == summary(events[2:])
        with pytest.raises(InvalidBookmarkError, match="not issued by this state"):
            st.watch_kind(NS, T, bookmark=b"garbage")

    run(body())


def test_bookmark_outside_history_is_rejected() -> None:
    async def body() -> None:
        st = State(initial_capacity=4, max_capacity=4)
        async with st.watch_kind(NS, T) as w:
            await st.create(thing("a"))
            first = (await take(w, 1))[0]
            for v in range(1, 10):
                await set_value(st, "a", v)
        with pytest.raises(InvalidBookmarkError, match=r"outside the kept history \(events 6\.\.9\)"):
            st.watch_kind(NS, T, bookmark=first.bookmark)

    run(body())


def test_watch_kind_bootstrap_contents_then_bootstrapped_then_changes() -> None:
    async def body() -> None:
        st = State()
        await st.create(thing("b"))
        await st.create(thing("a"))
        async with st.watch_kind(NS, T, bootstrap_contents=True) as w:
            await st.create(thing("c"))
            events = await take(w, 4)
        assert [(e.type.value, e.resource.metadata.id if e.resource else "") for e in events] == [
            ("created", "a"),
            ("created", "b"),
            ("bootstrapped", ""),
            ("created", "c"),
        ]
        # resuming from the bootstrapped bookmark gives exactly the changes after the snapshot
        async with st.watch_kind(NS, T, bookmark=events[2].bookmark) as resumed:
            assert summary(await take(resumed, 1)) == [("created", "c", 1)]

    run(body())


def test_bootstrap_bookmark_is_a_noop_event() -> None:
    async def body() -> None:
        st = State()
        await st.create(thing("a"))
        async with st.watch_kind(NS, T, bootstrap_bookmark=True) as w:
            noop = (await take(w, 1))[0]
        assert noop.type is EventType.NOOP and noop.bookmark
        await st.create(thing("b"))
        async with st.watch_kind(NS, T, bookmark=noop.bookmark) as resumed:
            assert summary(await take(resumed, 1)) == [("created", "b", 1)]

    run(body())


def test_label_query_turns_transitions_into_created_and_destroyed() -> None:
    async def body() -> None:
        st = State()
        query = Query(LabelQuery.equal(role="cp"))
        async with st.watch_kind(NS, T, query=query, bootstrap_contents=True) as w:
            await st.create(thing("a", labels={"role": "worker"}))

            def relabel(role: str) -> Any:
                def f(r: Resource[Any]) -> None:
                    r.metadata.labels["role"] = role

                return f

            await st.update_with_conflicts(Pointer(NS, T, "a"), relabel("cp"))
            await set_value(st, "a", 5)
            await st.update_with_conflicts(Pointer(NS, T, "a"), relabel("worker"))
            events = await take(w, 4)
        assert summary(events)[1:] == [("created", "a", 2), ("updated", "a", 3), ("destroyed", "a", 4)]

    run(body())


def test_tail_events() -> None:
    async def body() -> None:
        st = State()
        await st.create(thing("a"))
        await st.create(thing("b"))
        for v in (1, 2):
            await set_value(st, "a", v)
        async with st.watch_kind(NS, T, tail_events=2) as w:
            assert summary(await take(w, 2)) == [("updated", "a", 2), ("updated", "a", 3)]
        async with st.watch(Pointer(NS, T, "b"), tail_events=5) as one:
            assert summary(await take(one, 1)) == [("created", "b", 1)]

    run(body())


def test_slow_watcher_gets_an_errored_event_not_silent_loss() -> None:
    async def body() -> None:
        st = State(initial_capacity=2, max_capacity=8)
        w = st.watch_kind(NS, T)
        await st.create(thing("a"))
        for v in range(1, 20):
            await set_value(st, "a", v)
        ev = await anext(w)
        assert ev.type is EventType.ERRORED
        assert f"watch on {NS}/{T} fell behind: it is at event 0" in ev.error and "buffer overrun" in ev.error
        with pytest.raises(StopAsyncIteration):
            await anext(w)

    run(body())


def test_close_wakes_a_waiting_watcher() -> None:
    async def body() -> None:
        st = State()
        w = st.watch_kind(NS, T)
        reader = asyncio.create_task(anext(w))
        await asyncio.sleep(0)
        w.close()
        with pytest.raises(StopAsyncIteration):
            await reader

    run(body())


def test_many_watchers_see_the_same_stream() -> None:
    async def body() -> None:
        st = State()
        watches = [st.watch_kind(NS, T) for _ in range(5)]
        await st.create(thing("a"))
        await set_value(st, "a", 1)
        results = [summary(await take(w, 2)) for w in watches]
        assert all(r == [("created", "a", 1), ("updated", "a", 2)] for r in results)
        for id in "bcd":
            await st.create(thing(id))
        batch = await watches[0].next_batch()
        assert [e.resource.metadata.id for e in batch if e.resource] == ["b", "c", "d"]
        for w in watches:
            w.close()

    run(body())

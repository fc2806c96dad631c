"""Property: whatever the interleaving of writes and new watchers, every watcher sees every change
after its start, in order, with none lost or duplicated (and kind watchers see the snapshot first)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from pytalos.machined.runtime import Event, EventType, Pointer, Resource, State

pytestmark = pytest.mark.unit

NS, T = "runtime", "Things.test.talos.dev"
IDS = st.sampled_from(["a", "b", "c"])

Record = tuple[str, str, int]  # (event type, id, version)


class WatchOrdering(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.state = State(initial_capacity=4, max_capacity=4096)
        self.model: dict[str, int] = {}  # id -> version
        self.log: list[Record] = []  # every change, in commit order
        # (expected prefix, start index in log, id filter or None, received, watch task)
        self.watchers: list[tuple[list[Record], int, str | None, list[Record], asyncio.Task[None]]] = []

    def _run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    async def _consume(self, watch: Any, received: list[Record]) -> None:
        async for ev in watch:
            received.append(_record(ev))

    @rule(id=IDS, value=st.integers(0, 3))
    def write(self, id: str, value: int) -> None:
        ptr = Pointer(NS, T, id)
        if id not in self.model:
            self._run(self.state.create(Resource.new(NS, T, id, {"v": value})))
            self.model[id] = 1
            self.log.append(("created", id, 1))
            return

        def change(r: Resource[Any]) -> None:
            r.spec["v"] = value
            r.metadata.annotations["n"] = str(len(self.log))  # always a real change

        self._run(self.state.update_with_conflicts(ptr, change))
        self.model[id] += 1
        self.log.append(("updated", id, self.model[id]))

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data())
    def destroy(self, data: st.DataObject) -> None:
        id = data.draw(st.sampled_from(sorted(self.model)))
        self._run(self.state.destroy(Pointer(NS, T, id)))
        self.log.append(("destroyed", id, self.model.pop(id)))

    @rule()
    def watch_kind(self) -> None:
        watch = self.state.watch_kind(NS, T, bootstrap_contents=True)
        expected = [("created", id, v) for id, v in sorted(self.model.items())] + [("bootstrapped", "", 0)]
        received: list[Record] = []
        task = self.loop.create_task(self._consume(watch, received))
        self.watchers.append((expected, len(self.log), None, received, task))

    @rule(id=IDS)
    def watch_one(self, id: str) -> None:
        watch = self.state.watch(Pointer(NS, T, id))
        first = ("created", id, self.model[id]) if id in self.model else ("destroyed", id, 0)
        received: list[Record] = []
        task = self.loop.create_task(self._consume(watch, received))
        self.watchers.append(([first], len(self.log), id, received, task))

    @rule(rounds=st.integers(1, 3))
    def let_watchers_run(self, rounds: int) -> None:
        for _ in range(rounds):
            self._run(asyncio.sleep(0))

    @invariant()
    def watchers_see_every_change_in_order(self) -> None:
        self._run(asyncio.sleep(0))  # one round: each watcher drains everything available
        for expected, start, id, received, _ in self.watchers:
            changes = [r for r in self.log[start:] if id is None or r[1] == id]
            assert received == expected + changes

    def teardown(self) -> None:
        for *_, task in self.watchers:
            task.cancel()
        self.loop.run_until_complete(asyncio.sleep(0))
        self.loop.close()


def _record(ev: Event) -> Record:
    assert ev.type is not EventType.ERRORED, ev.error
    assert ev.resource is not None
    if ev.type is EventType.BOOTSTRAPPED:
        return ("bootstrapped", "", 0)
    return (ev.type.value, ev.resource.metadata.id, ev.resource.metadata.version)


WatchOrdering.TestCase.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)
test_watch_ordering = WatchOrdering.TestCase

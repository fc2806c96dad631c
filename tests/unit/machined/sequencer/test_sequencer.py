"""Sequencer: phase order and parallel tasks, Talos-shaped events, failures, priority lock take-over."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pytalos.machined.node.events import EventBus
from pytalos.machined.sequencer import sequences
from pytalos.machined.sequencer.events import (
    ErrorCode,
    PhaseAction,
    PhaseEvent,
    SequenceAction,
    SequenceEvent,
    TaskEvent,
)
from pytalos.machined.sequencer.lock import SequenceLockedError
from pytalos.machined.sequencer.runner import SequenceCanceledError, SequenceFailedError, Sequencer
from pytalos.machined.sequencer.sequence import Sequence, SequenceBuilder, SequenceName, Task


def run(coro: Any, timeout: float = 5.0) -> Any:
    return asyncio.run(asyncio.wait_for(coro, timeout))


def trace(events: EventBus) -> list[str]:
    out = []
    for p in events.payloads():
        if isinstance(p, SequenceEvent):
            out.append(f"seq {p.sequence} {p.action.name}" + (f" {p.error.code.name}" if p.error else ""))
        elif isinstance(p, PhaseEvent):
            out.append(f"phase {p.phase} {p.action.name}")
        elif isinstance(p, TaskEvent):
            out.append(f"task {p.task} {p.action.name}")
    return out


def test_phases_in_order_tasks_in_parallel_with_events() -> None:
    log: list[str] = []
    both_started = asyncio.Event

    async def scenario() -> list[str]:
        started: set[str] = set()
        ready = both_started()

        def task(name: str) -> Task:
            async def body() -> None:
                log.append(f"start {name}")
                started.add(name)
                if {"a", "b"} <= started:
                    ready.set()
                if name in ("a", "b"):
                    await ready.wait()  # deadlocks unless a and b run at the same time
                log.append(f"end {name}")

            return Task(name, body)

        seq = (
            SequenceBuilder(SequenceName.BOOT)
            .append("one", task("a"), task("b"))
            .append("two", task("c"))
            .build()
        )
        events = EventBus()
        await Sequencer(events).run(seq, actor_id="actor-1")
        assert all(events.actor_of(e) == "actor-1" for e in events.stream.snapshot())
        return trace(events)

    events = run(scenario())
    assert log.index("end c") > max(log.index("end a"), log.index("end b"))
    assert events[0] == "seq boot START" and events[-1] == "seq boot STOP"
    assert events[1] == "phase one START" and "phase one STOP" in events
    assert events.index("phase two START") > events.index("phase one STOP")
    assert {"task a START", "task a STOP", "task b START", "task c STOP"} <= set(events)


def test_failed_task_stops_the_sequence_with_every_failure_named() -> None:
    ran: list[str] = []

    async def fail_a() -> None:
        raise RuntimeError("disk on fire")

    async def fail_b() -> None:
        raise ValueError("no network")

    async def later() -> None:
        ran.append("later")

    seq = (
        SequenceBuilder(SequenceName.BOOT)
        .append("broken", Task("taskA", fail_a), Task("taskB", fail_b))
        .append("next", Task("later", later))
        .build()
    )
    events = EventBus()
    with pytest.raises(SequenceFailedError) as err:
        run(Sequencer(events).run(seq))
    assert str(err.value) == "sequence boot: phase broken: task taskA: disk on fire; task taskB: no network"
    assert ran == []
    stop = events.payloads(SequenceEvent)[-1]
    assert isinstance(stop, SequenceEvent) and stop.error is not None and stop.error.code is ErrorCode.FATAL


def _blocking(name: SequenceName, started: asyncio.Event, cancelled: list[str]) -> Sequence:
    async def block() -> None:
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.append(str(name))
            raise

    return SequenceBuilder(name).append("wait", Task("block", block)).build()


def test_reboot_takes_over_a_running_boot() -> None:
    async def scenario() -> tuple[list[str], list[str], BaseException | None]:
        events = EventBus()
        sequencer = Sequencer(events)
        started, cancelled = asyncio.Event(), []
        boot = asyncio.create_task(sequencer.run(_blocking(SequenceName.BOOT, started, cancelled)))
        await started.wait()
        done: list[str] = []

        async def finish() -> None:
            done.append("reboot")

        reboot = SequenceBuilder(SequenceName.REBOOT).append("reboot", Task("reboot", finish)).build()
        await sequencer.run(reboot)
        result = await asyncio.gather(boot, return_exceptions=True)
        assert sequencer.running is None
        return done + cancelled, trace(events), result[0] if isinstance(result[0], BaseException) else None

    done, events, boot_error = run(scenario())
    assert done == ["reboot", "boot"]
    assert isinstance(boot_error, SequenceCanceledError) and "taken over by sequence reboot" in str(
        boot_error
    )
    assert "seq boot STOP CANCELED" in events
    assert events.index("seq boot STOP CANCELED") < events.index("seq reboot START")


def test_boot_cannot_take_over_and_a_locked_sequence_says_so() -> None:
    async def scenario() -> list[str]:
        events = EventBus()
        sequencer = Sequencer(events)
        started, cancelled = asyncio.Event(), []
        running = asyncio.create_task(sequencer.run(_blocking(SequenceName.REBOOT, started, cancelled)))
        await started.wait()
        empty = SequenceBuilder(SequenceName.BOOT).build()
        with pytest.raises(SequenceLockedError, match="sequence boot is locked: sequence reboot is running"):
            await sequencer.run(empty, takeover=True)
        # same priority: only with an explicit take-over
        with pytest.raises(SequenceLockedError):
            await sequencer.run(SequenceBuilder(SequenceName.SHUTDOWN).build())
        await sequencer.run(SequenceBuilder(SequenceName.SHUTDOWN).build(), takeover=True)
        await asyncio.gather(running, return_exceptions=True)
        return trace(events)

    events = run(scenario())
    assert "seq boot NOOP LOCKED" in events
    assert "seq reboot STOP CANCELED" in events and "seq shutdown STOP" in events


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        async def call() -> None:
            self.calls.append(name)

        return call


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (sequences.initialize, ["prepare_layout", "start_containerd", "load_config"]),
        (sequences.boot, ["start_all_services"]),
        (sequences.reboot, ["stop_all_services", "reboot"]),
        (sequences.shutdown, ["stop_all_services", "shutdown"]),
        (
            lambda n: sequences.reset(n, reboot_after=True),
            ["stop_all_services", "reset_system_disk", "reboot"],
        ),
        (
            lambda n: sequences.reset(n, reboot_after=False),
            ["stop_all_services", "reset_system_disk", "shutdown"],
        ),
    ],
)
def test_node_sequences_call_their_tasks_in_order(build: Any, expected: list[str]) -> None:
    node = _Recorder()
    run(Sequencer(EventBus()).run(build(node)))
    assert node.calls == expected


def test_phase_events_use_talos_action_numbers() -> None:
    assert (PhaseAction.START, PhaseAction.STOP) == (0, 1)
    assert (SequenceAction.NOOP, SequenceAction.START, SequenceAction.STOP) == (0, 1, 2)
    assert (ErrorCode.FATAL, ErrorCode.LOCKED, ErrorCode.CANCELED) == (0, 1, 2)

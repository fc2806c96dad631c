"""Controller runtime: re-runs on input change (coalesced), back-off while others keep running,
declared-access enforcement, destroy-ready inputs, output cleanup and graceful shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import pytest

from pytalos.machined.runtime import (
    AccessError,
    ControllerConfigError,
    ControllerRuntime,
    ControllerState,
    Input,
    InputKind,
    Output,
    OutputKind,
    Pointer,
    Reconciler,
    Resource,
    Runtime,
    State,
)
from pytalos.machined.runtime.testing import ControllerHarness, run

pytestmark = pytest.mark.unit

NS = "test"
IN, OUT = "Inputs.test.talos.dev", "Outputs.test.talos.dev"


def inp(id: str, value: int) -> Resource[dict[str, int]]:
    return Resource.new(NS, IN, id, {"value": value})


def set_value(value: int) -> Any:
    def f(r: Resource[Any]) -> None:
        r.spec["value"] = value

    return f


class Doubler(Reconciler):
    """Outputs.<id>.value = 2 * Inputs.<id>.value; outputs of vanished inputs are removed."""

    def __init__(self, name: str = "test.DoublerController", out: str = OUT) -> None:
        self.name = name
        self.out = out
        self.runs = 0

    def inputs(self) -> Sequence[Input]:
        return [Input(NS, IN)]

    def outputs(self) -> Sequence[Output]:
        return [Output(self.out)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        self.runs += 1
        rt.start_tracking_outputs()
        for res in await rt.list(NS, IN):
            value = res.spec["value"]
            await rt.modify(Resource.new(NS, self.out, res.metadata.id, {}), set_value(2 * value))
        await rt.cleanup_outputs(NS, self.out)


def test_controller_reruns_on_input_change_and_cleans_up() -> None:
    async def body() -> None:
        ctrl = Doubler()
        async with ControllerHarness(ctrl, namespace=NS) as h:
            await h.create(inp("a", 1))
            out = await h.assert_resource(OUT, "a", lambda r: r.spec["value"] == 2)
            assert out.metadata.owner == "test.DoublerController"
            await h.modify(Pointer(NS, IN, "a"), set_value(21))
            await h.assert_resource(OUT, "a", lambda r: r.spec["value"] == 42)
            await h.destroy(Pointer(NS, IN, "a"))
            await h.assert_no_resource(OUT, "a")
            assert h.runtime.status(ctrl.name).failures == 0

    run(body())


def test_changes_during_a_run_are_coalesced() -> None:
    class Slow(Doubler):
        async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
            await asyncio.sleep(0.05)
            await super().reconcile(rt, log)

    async def body() -> None:
        ctrl = Slow()
        async with ControllerHarness(ctrl, namespace=NS) as h:
            await asyncio.sleep(0.01)  # initial run in progress
            for i in range(20):
                await h.create(inp(f"i{i}", i))
            await h.assert_resource(OUT, "i19", lambda r: r.spec["value"] == 38)
            await asyncio.sleep(0.12)
        assert 2 <= ctrl.runs <= 3  # initial run + one coalesced re-run (+ at most one straggler)

    run(body())


class Flaky(Reconciler):
    name = "test.FlakyController"

    def __init__(self, fail_times: int) -> None:
        self.fail_times = fail_times
        self.attempts: list[float] = []

    def inputs(self) -> Sequence[Input]:
        return [Input(NS, IN)]

    def outputs(self) -> Sequence[Output]:
        return [Output("Flaky.test.talos.dev")]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        self.attempts.append(asyncio.get_running_loop().time())
        if len(self.attempts) <= self.fail_times:
            raise RuntimeError(f"boom {len(self.attempts)}")
        await rt.modify(Resource.new(NS, "Flaky.test.talos.dev", "ok", {}), lambda r: None)


def test_failing_controller_backs_off_while_others_keep_running(caplog: pytest.LogCaptureFixture) -> None:
    async def body() -> None:
        flaky, healthy = Flaky(fail_times=3), Doubler()
        async with ControllerHarness(flaky, healthy, namespace=NS) as h:
            await h.create(inp("a", 1))
            await h.assert_resource(OUT, "a", lambda r: r.spec["value"] == 2)  # unaffected by the failures
            await h.assert_resource("Flaky.test.talos.dev", "ok", timeout=5)
            status = h.runtime.status(flaky.name)
            assert (
                status.failures == 3 and status.restarts == 3 and status.last_error == "RuntimeError: boom 3"
            )
            assert status.state is ControllerState.RUNNING
        gaps = [b - a for a, b in zip(flaky.attempts, flaky.attempts[1:], strict=False)]
        # fast test back-off: 0.01, 0.02, 0.04 s — each wait at least as long, and growing
        assert gaps[0] >= 0.009 and gaps[1] >= 0.019 and gaps[2] >= 0.039
        assert h.runtime.status(flaky.name).state is ControllerState.STOPPED

    with caplog.at_level(logging.ERROR, logger="pytalos.machined.runtime"):
        run(body())
    failures = [r for r in caplog.records if "test.FlakyController failed" in r.getMessage()]
    assert len(failures) == 3 and failures[0].exc_info is not None
    assert "restarting in 0.01s: RuntimeError: boom 1" in failures[0].getMessage()


def test_backoff_grows_and_caps() -> None:
    from pytalos.machined.runtime import Backoff

    b = Backoff(initial=0.5, maximum=4, factor=2)
    assert [b.delay(n) for n in range(1, 7)] == [0.5, 1, 2, 4, 4, 4]


class Sneaky(Reconciler):
    name = "test.SneakyController"

    def __init__(self, action: str) -> None:
        self.action = action
        self.error: Exception | None = None

    def inputs(self) -> Sequence[Input]:
        return [Input(NS, IN, id="only", kind=InputKind.WEAK)]

    def outputs(self) -> Sequence[Output]:
        return [Output(OUT, OutputKind.SHARED)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        try:
            match self.action:
                case "read-other-id":
                    await rt.get(Pointer(NS, IN, "other"))
                case "list-all":
                    await rt.list(NS, IN)
                case "write-input":
                    await rt.create(inp("x", 1))
                case "finalizer-on-weak":
                    await rt.add_finalizer(Pointer(NS, IN, "only"), self.name)
        except AccessError as err:
            self.error = err
        await asyncio.Event().wait()


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("read-other-id", f"read of {NS}/{IN}/other, which is not declared as an input"),
        ("list-all", f"read of {NS}/{IN}, which is not declared as an input"),
        ("write-input", f"write of {NS}/{IN}/x, whose type is not declared as an output"),
        ("finalizer-on-weak", f"finalizer on {NS}/{IN}/only, which is not a strong input"),
    ],
)
def test_access_is_limited_to_declarations(action: str, message: str) -> None:
    async def body() -> None:
        ctrl = Sneaky(action)
        async with ControllerHarness(ctrl, namespace=NS) as h:
            await h.create(inp("only", 1))
            for _ in range(100):
                if ctrl.error is not None:
                    break
                await asyncio.sleep(0.01)
        assert ctrl.error is not None
        assert str(ctrl.error) == f"controller test.SneakyController: {message}"

    run(body())


def test_exclusive_output_conflicts_are_refused_at_registration() -> None:
    rt = ControllerRuntime(State())
    rt.register(Doubler("a.Controller"))
    with pytest.raises(
        ControllerConfigError, match=r"controller b\.Controller: output .* already an exclusive output"
    ):
        rt.register(Doubler("b.Controller"))
    with pytest.raises(ControllerConfigError, match="already registered"):
        rt.register(Doubler("a.Controller"))
    shared = ControllerRuntime(State())
    shared.register(Sneaky("none"))
    with pytest.raises(ControllerConfigError):
        shared.register(Doubler())  # wants exclusive what is shared


class Finalizing(Reconciler):
    """Holds a finalizer on each input while running; releases it once the input tears down."""

    name = "test.FinalizingController"

    def inputs(self) -> Sequence[Input]:
        return [Input(NS, IN)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        for res in await rt.list(NS, IN):
            if res.metadata.phase.value == "running":
                await rt.add_finalizer(res.pointer, self.name)
            else:
                await rt.remove_finalizer(res.pointer, self.name)


class DestroyWatcher(Reconciler):
    name = "test.DestroyReadyController"

    def __init__(self) -> None:
        self.wakeups = 0

    def inputs(self) -> Sequence[Input]:
        return [Input(NS, IN, kind=InputKind.DESTROY_READY)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        self.wakeups += 1


def test_finalizers_hold_destruction_and_destroy_ready_wakes_once_free() -> None:
    async def body() -> None:
        watcher = DestroyWatcher()
        async with ControllerHarness(Finalizing(), watcher, namespace=NS) as h:
            await h.create(inp("a", 1))
            await h.assert_resource(IN, "a", lambda r: r.metadata.finalizers == ["test.FinalizingController"])
            await h.modify(Pointer(NS, IN, "a"), set_value(2))
            await asyncio.sleep(0.05)
            assert watcher.wakeups == 1  # only the initial run: plain updates don't wake destroy-ready
            await h.destroy(Pointer(NS, IN, "a"))  # waits for the finalizer to go
            await h.assert_no_resource(IN, "a")
            await asyncio.sleep(0.05)
            assert watcher.wakeups == 2

    run(body())


def test_update_inputs_changes_what_wakes_the_controller() -> None:
    class Switcher(Reconciler):
        name = "test.SwitcherController"
        seen: list[str] = []

        def inputs(self) -> Sequence[Input]:
            return [Input(NS, IN)]

        async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
            self.seen.append(",".join(sorted(r.metadata.id for r in await rt.list(NS, rt.inputs[0].type))))
            if rt.inputs[0].type == IN:
                rt.update_inputs([Input(NS, "Others.test.talos.dev")])

    async def body() -> None:
        ctrl = Switcher()
        async with ControllerHarness(ctrl, namespace=NS) as h:
            await asyncio.sleep(0.02)
            await h.create(Resource.new(NS, "Others.test.talos.dev", "o", {}))
            await asyncio.sleep(0.05)
        assert ctrl.seen[-1] == "o"

    run(body())


def test_stop_cancels_controllers_and_lets_them_clean_up() -> None:
    cleaned: list[str] = []

    class LongRunning:
        name = "test.LongRunningController"

        def inputs(self) -> Sequence[Input]:
            return []

        def outputs(self) -> Sequence[Output]:
            return []

        async def run(self, rt: Runtime, log: logging.Logger) -> None:
            try:
                await asyncio.Event().wait()
            finally:
                cleaned.append(self.name)

    async def body() -> None:
        state = State()
        runtime = ControllerRuntime(state)
        runtime.register(LongRunning())
        runtime.register(Doubler())
        await runtime.start()
        await asyncio.sleep(0.01)
        await runtime.stop()
        assert {s.state for s in runtime.statuses()} == {ControllerState.STOPPED}
        assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []

    run(body())
    assert cleaned == ["test.LongRunningController"]

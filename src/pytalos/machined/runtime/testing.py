"""ctest-like harness: run controllers under test against a fresh state and assert convergence.

Like Talos's ``ctest`` suites, a test feeds input resources, then waits until the outputs reach the
expected shape. The waits are event-driven (a watch on the resource, no polling) and a timeout
fails with a message naming the resource, why the predicate did not hold, its last state, and any
controller failures, so a red test says what went wrong without a debugger::

    async with ControllerHarness(MyController()) as h:
        await h.create(Resource.new("config", "Inputs.test.dev", "a", {"x": 1}))
        await h.assert_resource("Outputs.test.dev", "a", lambda r: r.spec["x"] == 1)
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from types import TracebackType
from typing import Any, TypeVar

from .adapter import Modifier
from .controller import Controller
from .engine import Backoff, ControllerRuntime
from .events import EventType
from .registry import ResourceRegistry
from .resource import Pointer, Resource
from .state import State

T = TypeVar("T")
Predicate = Callable[[Resource[Any]], bool | None]

FAST_BACKOFF = Backoff(initial=0.01, maximum=0.2, factor=2.0)


class ControllerHarness:
    """Runs ``controllers`` on a private :class:`State`; use as ``async with``."""

    def __init__(
        self,
        *controllers: Controller,
        registry: ResourceRegistry | None = None,
        namespace: str = "default",
        backoff: Backoff = FAST_BACKOFF,
        state: State | None = None,
    ) -> None:
        self.state = state or State()
        self.runtime = ControllerRuntime(self.state, backoff=backoff)
        self.registry = registry
        self.namespace = namespace
        for c in controllers:
            self.runtime.register(c)

    async def __aenter__(self) -> ControllerHarness:
        await self.runtime.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.runtime.stop()

    def pointer(self, type: str, id: str, namespace: str | None = None) -> Pointer:
        """Pointer to ``type``/``id``; the namespace defaults to the type's definition, else the harness's."""
        if namespace is None:
            definition = self.registry.find(type) if self.registry is not None else None
            namespace = definition.default_namespace if definition is not None else self.namespace
        return Pointer(namespace, type, id)

    # feeding inputs (as an external writer, owner "") ----------------------------------------

    async def create(self, res: Resource[Any]) -> None:
        await self.state.create(res)

    async def modify(self, ptr: Pointer, fn: Modifier) -> Resource[Any]:
        return await self.state.update_with_conflicts(ptr, fn, owner="")

    async def destroy(self, ptr: Pointer) -> None:
        """Tear down, wait for the finalizers (controllers' cleanup) to go, then destroy."""
        await self.state.teardown(ptr)
        await self.state.watch_for(ptr, lambda r: r is None or not r.metadata.finalizers, timeout=5.0)
        await self.state.destroy(ptr)

    # assertions ------------------------------------------------------------------------------

    async def assert_resource(
        self,
        type: str,
        id: str,
        predicate: Predicate | None = None,
        *,
        namespace: str | None = None,
        timeout: float = 5.0,
    ) -> Resource[Any]:
        """Wait until ``type``/``id`` exists and ``predicate`` holds (truthy or None, no failed assert)."""
        ptr = self.pointer(type, id, namespace)
        last: Resource[Any] | None = None
        reason = "it does not exist"
        try:
            async with asyncio.timeout(timeout), self.state.watch(ptr) as watch:
                async for ev in watch:
                    if ev.type is EventType.DESTROYED:
                        last, reason = None, "it does not exist"
                        continue
                    last = ev.resource
                    assert last is not None
                    ok, reason = _check(predicate, last)
                    if ok:
                        return last.deep_copy()
        except TimeoutError:
            pass
        raise AssertionError(
            f"resource {ptr} did not converge within {timeout}s: {reason}\n"
            f"last state: {_describe(last)}{self._failures()}"
        )

    async def assert_no_resource(
        self, type: str, id: str, *, namespace: str | None = None, timeout: float = 5.0
    ) -> None:
        """Wait until ``type``/``id`` does not exist."""
        ptr = self.pointer(type, id, namespace)
        last: Resource[Any] | None = None
        try:
            async with asyncio.timeout(timeout), self.state.watch(ptr) as watch:
                async for ev in watch:
                    if ev.type is EventType.DESTROYED:
                        return
                    last = ev.resource
        except TimeoutError:
            pass
        raise AssertionError(
            f"resource {ptr} still exists after {timeout}s\nlast state: {_describe(last)}{self._failures()}"
        )

    def _failures(self) -> str:
        failed = [s for s in self.runtime.statuses() if s.failures]
        if not failed:
            return ""
        lines = [f"  {s.name}: {s.failures} failure(s), last: {s.last_error}" for s in failed]
        return "\ncontroller failures:\n" + "\n".join(lines)


def _check(predicate: Predicate | None, res: Resource[Any]) -> tuple[bool, str]:
    if predicate is None:
        return True, ""
    try:
        result = predicate(res)
    except AssertionError as err:
        return False, f"predicate failed: {err or 'assertion failed'}"
    if result is None or result:
        return True, ""
    return False, "predicate returned False"


def _describe(res: Resource[Any] | None) -> str:
    if res is None:
        return "absent"
    meta = res.metadata
    return (
        f"version {meta.version}, owner {meta.owner!r}, phase {meta.phase.value}, "
        f"labels {meta.labels}, finalizers {meta.finalizers}, spec {res.spec!r}"
    )


def run(coro: Coroutine[Any, Any, T] | Awaitable[T], timeout: float = 30.0) -> T:
    """Run an async test body from a plain pytest test, bounded by ``timeout``."""

    async def bounded() -> T:
        async with asyncio.timeout(timeout):
            return await coro

    return asyncio.run(bounded())

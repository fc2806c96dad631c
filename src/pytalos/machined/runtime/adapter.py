"""The handle a controller gets: its wake-ups plus state access limited to what it declared.

Reads are allowed on declared inputs and outputs; writes only on declared outputs, always as the
controller (its name is the owner); finalizers only on ``strong`` inputs. Anything else raises
:class:`AccessError` naming the controller and the resource, so a missing declaration shows up
the first time the code path runs rather than as a silent missed wake-up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from .controller import Input, InputKind, Output
from .errors import AccessError, NotFoundError
from .query import Query
from .resource import Phase, Pointer, Resource
from .state import State

Modifier = Callable[[Resource[Any]], Awaitable[None] | None]


class Runtime:
    """Per-controller view of the state (COSI ``controller.Runtime``)."""

    def __init__(self, state: State, name: str, inputs: Iterable[Input], outputs: Iterable[Output]) -> None:
        self._state = state
        self.name = name
        self._inputs = tuple(inputs)
        self._outputs = {o.type: o for o in outputs}
        self._pending = True  # the first next_event() returns at once: controllers start with a run
        self._wake: asyncio.Future[None] | None = None
        self._touched: set[Pointer] | None = None
        self.backoff_reset = False
        self.inputs_changed: Callable[[Runtime], None] | None = None

    # wake-ups --------------------------------------------------------------------------------

    @property
    def inputs(self) -> tuple[Input, ...]:
        return self._inputs

    @property
    def outputs(self) -> tuple[Output, ...]:
        return tuple(self._outputs.values())

    def notify(self) -> None:
        """Mark an input change; several before the next :meth:`next_event` count as one."""
        self._pending = True
        wake = self._wake
        if wake is not None and not wake.done():
            wake.set_result(None)

    queue_reconcile = notify

    async def next_event(self) -> None:
        """Wait until something the controller depends on changed (or a reconcile was queued)."""
        while not self._pending:
            self._wake = asyncio.get_running_loop().create_future()
            try:
                await self._wake
            finally:
                self._wake = None
        self._pending = False

    def reset_restart_backoff(self) -> None:
        """Tell the runtime the controller made progress: its next failure restarts without delay."""
        self.backoff_reset = True

    def update_inputs(self, inputs: Iterable[Input]) -> None:
        """Replace the declared inputs (COSI ``UpdateInputs``); takes effect for the next changes."""
        self._inputs = tuple(inputs)
        if self.inputs_changed is not None:
            self.inputs_changed(self)
        self.notify()

    # access checks ---------------------------------------------------------------------------

    def _check_read(self, namespace: str, type: str, id: str | None) -> None:
        if type in self._outputs:
            return
        for i in self._inputs:
            if i.namespace == namespace and i.type == type and (i.id is None or i.id == id):
                return
        what = f"{namespace}/{type}" + (f"/{id}" if id is not None else "")
        raise AccessError(f"controller {self.name}: read of {what}, which is not declared as an input")

    def _check_write(self, ptr: Pointer) -> None:
        if ptr.type not in self._outputs:
            raise AccessError(
                f"controller {self.name}: write of {ptr}, whose type is not declared as an output"
            )

    def _check_finalizer(self, ptr: Pointer) -> None:
        for i in self._inputs:
            if i.kind is InputKind.STRONG and i.covers(*ptr):
                return
        raise AccessError(f"controller {self.name}: finalizer on {ptr}, which is not a strong input")

    # reader ----------------------------------------------------------------------------------

    async def get(self, ptr: Pointer) -> Resource[Any]:
        self._check_read(*ptr)
        return await self._state.get(ptr)

    async def get_or_none(self, ptr: Pointer) -> Resource[Any] | None:
        try:
            return await self.get(ptr)
        except NotFoundError:
            return None

    async def list(self, namespace: str, type: str, query: Query | None = None) -> list[Resource[Any]]:
        self._check_read(namespace, type, None)
        return await self._state.list(namespace, type, query)

    async def watch_for(
        self, ptr: Pointer, condition: Callable[[Resource[Any] | None], bool], *, timeout: float | None = None
    ) -> Resource[Any] | None:
        self._check_read(*ptr)
        return await self._state.watch_for(ptr, condition, timeout=timeout)

    # writer ----------------------------------------------------------------------------------

    def _track(self, ptr: Pointer) -> None:
        if self._touched is not None:
            self._touched.add(ptr)

    async def create(self, res: Resource[Any]) -> None:
        self._check_write(res.pointer)
        await self._state.create(res, owner=self.name)
        self._track(res.pointer)

    async def update(self, res: Resource[Any]) -> None:
        self._check_write(res.pointer)
        await self._state.update(res, owner=self.name)
        self._track(res.pointer)

    async def modify(self, template: Resource[Any], fn: Modifier) -> Resource[Any]:
        """Create-or-update: ``fn`` edits a copy of the stored resource (or of ``template``).

        Nothing is written when ``fn`` changes nothing; a resource tearing down is not modified
        (:class:`PhaseConflictError`).
        """
        ptr = template.pointer
        self._check_write(ptr)
        self._track(ptr)
        try:
            return await self._state.update_with_conflicts(
                ptr, fn, owner=self.name, expected_phase=Phase.RUNNING
            )
        except NotFoundError:
            new = template.deep_copy()
            result = fn(new)
            if result is not None:
                await result
            await self._state.create(new, owner=self.name)
            return new

    async def teardown(self, ptr: Pointer) -> bool:
        self._check_write(ptr)
        return await self._state.teardown(ptr, owner=self.name)

    async def destroy(self, ptr: Pointer) -> None:
        self._check_write(ptr)
        await self._state.destroy(ptr, owner=self.name)

    async def teardown_and_destroy(self, ptr: Pointer) -> bool:
        """Tear down, and destroy if no finalizer holds it; True once the resource is gone."""
        if await self.teardown(ptr):
            await self.destroy(ptr)
            return True
        return False

    async def add_finalizer(self, ptr: Pointer, *names: str) -> None:
        self._check_finalizer(ptr)
        await self._state.add_finalizer(ptr, *names)

    async def remove_finalizer(self, ptr: Pointer, *names: str) -> None:
        self._check_finalizer(ptr)
        await self._state.remove_finalizer(ptr, *names)

    # output tracking -------------------------------------------------------------------------

    def start_tracking_outputs(self) -> None:
        """Begin a reconcile pass: :meth:`cleanup_outputs` destroys what the pass did not write."""
        self._touched = set()

    async def cleanup_outputs(self, namespace: str, type: str) -> None:
        """Tear down/destroy this controller's outputs of a kind not written since tracking began."""
        if self._touched is None:
            raise RuntimeError(f"controller {self.name}: cleanup_outputs without start_tracking_outputs")
        self._check_write(Pointer(namespace, type, ""))
        for res in await self._state.list(namespace, type):
            ptr = res.pointer
            if res.metadata.owner == self.name and ptr not in self._touched:
                await self.teardown_and_destroy(ptr)

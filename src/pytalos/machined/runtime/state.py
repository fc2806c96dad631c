"""In-memory resource state (COSI ``state.State`` on the ``inmem`` backend), for one asyncio loop.

Semantics follow COSI so that controllers ported from Talos behave the same:

* ``create`` stores version 1; ``update`` must be based on the stored version (else
  :class:`VersionConflictError`) and bumps it; only the owner given at creation may update,
  tear down or destroy (:class:`OwnerConflictError`); updates expect the ``running`` phase.
* ``teardown`` moves a resource to ``tearing-down`` and says whether it may be destroyed now;
  ``destroy`` refuses while finalizers remain; anyone may add/remove finalizers.
* Ownership guard: once a type is claimed as a controller output (exclusive or shared), only the
  claiming controllers may write resources of that type.
* Watches deliver the initial state first, then every change in order, with bookmarks.

Every value handed in or out is a private deep copy except watch events, which share a read-only
snapshot with every watcher.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from .collection import Collection, Watch
from .errors import (
    AlreadyExistsError,
    ControllerConfigError,
    InvalidBookmarkError,
    NotFoundError,
    OwnerConflictError,
    OwnershipGuardError,
    PendingFinalizersError,
    PhaseConflictError,
    VersionConflictError,
    WatchTimeoutError,
)
from .events import Event, EventType, decode_bookmark
from .query import Query
from .resource import Metadata, Phase, Pointer, Resource

Updater = Callable[[Resource[Any]], Awaitable[None] | None]


@dataclass
class OutputClaim:
    """Who may write a resource type: one exclusive owner or several shared ones."""

    exclusive: bool
    owners: set[str] = field(default_factory=set)


class State:
    """The node's resource store. ``max_capacity`` bounds each collection's event history."""

    def __init__(
        self,
        *,
        initial_capacity: int = 64,
        max_capacity: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._collections: dict[tuple[str, str], Collection] = {}
        self._claims: dict[str, OutputClaim] = {}
        self._initial_capacity = initial_capacity
        self._max_capacity = max_capacity
        self._clock = clock

    def _col(self, namespace: str, type: str) -> Collection:
        key = (namespace, type)
        col = self._collections.get(key)
        if col is None:
            col = Collection(namespace, type, self._initial_capacity, self._max_capacity)
            self._collections[key] = col
        return col

    def _current(self, ptr: Pointer) -> tuple[Collection, Resource[Any]]:
        col = self._col(ptr.namespace, ptr.type)
        cur = col.storage.get(ptr.id)
        if cur is None:
            raise NotFoundError(f"resource {ptr} doesn't exist")
        return col, cur

    # ownership guard -------------------------------------------------------------------------

    def claim_output(self, type: str, owner: str, *, exclusive: bool) -> None:
        """Declare ``owner`` a writer of ``type``; exclusive claims admit no other writer."""
        claim = self._claims.get(type)
        if claim is None:
            self._claims[type] = OutputClaim(exclusive, {owner})
            return
        if owner in claim.owners and claim.exclusive == exclusive:
            return
        if claim.exclusive or exclusive:
            kind = "an exclusive" if claim.exclusive else "a shared"
            raise ControllerConfigError(
                f"output {type}: {owner!r} wants it {'exclusive' if exclusive else 'shared'}, "
                f"but it is already {kind} output of {', '.join(sorted(claim.owners))}"
            )
        claim.owners.add(owner)

    def release_outputs(self, owner: str) -> None:
        for type in list(self._claims):
            claim = self._claims[type]
            claim.owners.discard(owner)
            if not claim.owners:
                del self._claims[type]

    def output_claims(self) -> dict[str, OutputClaim]:
        return {t: OutputClaim(c.exclusive, set(c.owners)) for t, c in self._claims.items()}

    def _guard(self, ptr: Pointer, owner: str) -> None:
        claim = self._claims.get(ptr.type)
        if claim is not None and owner not in claim.owners:
            who = f"controller {owner!r}" if owner else "an external writer"
            raise OwnershipGuardError(
                f"resource {ptr}: type {ptr.type} is an output of {', '.join(sorted(claim.owners))}; "
                f"{who} may not write it"
            )

    # reads -----------------------------------------------------------------------------------

    async def get(self, ptr: Pointer) -> Resource[Any]:
        return self._current(ptr)[1].deep_copy()

    async def list(self, namespace: str, type: str, query: Query | None = None) -> list[Resource[Any]]:
        """Resources of one kind sorted by ID, optionally filtered by labels/ID."""
        col = self._col(namespace, type)
        items = sorted(col.storage.items())
        if query is not None and not query.empty:
            return [r.deep_copy() for i, r in items if query.matches(i, r.metadata.labels)]
        return [r.deep_copy() for _, r in items]

    # writes ----------------------------------------------------------------------------------

    async def create(self, res: Resource[Any], *, owner: str = "") -> None:
        ptr = res.metadata.pointer
        self._guard(ptr, owner)
        col = self._col(ptr.namespace, ptr.type)
        if ptr.id in col.storage:
            raise AlreadyExistsError(f"resource {ptr} already exists")
        stored = res.deep_copy()
        meta = stored.metadata
        meta.owner = owner
        meta.version = 1
        meta.created = meta.updated = self._clock()
        col.storage[ptr.id] = stored
        col.publish(Event(EventType.CREATED, stored))
        _sync_back(res.metadata, meta)

    async def update(
        self, res: Resource[Any], *, owner: str = "", expected_phase: Phase | None = Phase.RUNNING
    ) -> None:
        """Store ``res`` whose ``metadata.version`` must be the stored version; bumps it."""
        self._update(res, owner, expected_phase, guard=True)

    def _update(self, res: Resource[Any], owner: str, expected_phase: Phase | None, *, guard: bool) -> None:
        meta = res.metadata
        ptr = Pointer(meta.namespace, meta.type, meta.id)
        col, cur = self._current(ptr)
        if guard:
            self._guard(ptr, owner)
        cmeta = cur.metadata
        if cmeta.owner != owner:
            raise OwnerConflictError(
                f"resource {ptr} is owned by {cmeta.owner or 'no controller'!r}, update attempted by "
                f"{owner or 'an external writer'!r}"
            )
        if meta.version != cmeta.version:
            raise VersionConflictError(
                f"resource {ptr}: update based on version {meta.version}, "
                f"but version {cmeta.version} is stored"
            )
        if expected_phase is not None and cmeta.phase is not expected_phase:
            raise PhaseConflictError(
                f"resource {ptr} is {cmeta.phase.value}, update expects {expected_phase.value}"
            )
        if cmeta.phase is Phase.TEARING_DOWN and meta.phase is Phase.RUNNING:
            raise PhaseConflictError(f"resource {ptr} is tearing down and cannot go back to running")
        stored = res.deep_copy()
        smeta = stored.metadata
        smeta.owner = owner
        smeta.version = cmeta.version + 1
        smeta.created = cmeta.created
        smeta.updated = self._clock()
        col.storage[ptr.id] = stored
        col.publish(Event(EventType.UPDATED, stored, cur))
        _sync_back(meta, smeta)

    async def update_with_conflicts(
        self,
        ptr: Pointer,
        updater: Updater,
        *,
        owner: str | None = None,
        expected_phase: Phase | None = Phase.RUNNING,
    ) -> Resource[Any]:
        """Apply ``updater`` to the current version, retrying on version conflicts.

        ``owner=None`` writes as the current owner (used for finalizers, which anyone may change).
        Returns the stored result; an update that changes nothing is not written.
        """
        while True:
            _, cur = self._current(ptr)
            new = cur.deep_copy()
            result = updater(new)
            if result is not None:
                await result
            if new.same_content(cur):
                return new
            try:
                if owner is None:  # finalizer changes: written as the owner, not subject to the guard
                    self._update(new, cur.metadata.owner, expected_phase, guard=False)
                else:
                    self._update(new, owner, expected_phase, guard=True)
            except VersionConflictError:
                continue
            return new

    async def teardown(self, ptr: Pointer, *, owner: str = "") -> bool:
        """Mark for destruction; True when no finalizers remain (destroy may proceed)."""
        _, cur = self._current(ptr)
        if cur.metadata.phase is not Phase.TEARING_DOWN:

            def to_teardown(r: Resource[Any]) -> None:
                r.metadata.phase = Phase.TEARING_DOWN

            cur = await self.update_with_conflicts(ptr, to_teardown, owner=owner, expected_phase=None)
        return not cur.metadata.finalizers

    async def destroy(self, ptr: Pointer, *, owner: str = "") -> None:
        col, cur = self._current(ptr)
        self._guard(ptr, owner)
        if cur.metadata.owner != owner:
            raise OwnerConflictError(
                f"resource {ptr} is owned by {cur.metadata.owner or 'no controller'!r}, destroy attempted by "
                f"{owner or 'an external writer'!r}"
            )
        if cur.metadata.finalizers:
            raise PendingFinalizersError(
                f"resource {ptr} has pending finalizers: {', '.join(cur.metadata.finalizers)}"
            )
        del col.storage[ptr.id]
        col.publish(Event(EventType.DESTROYED, cur))

    async def add_finalizer(self, ptr: Pointer, *names: str) -> None:
        """Add finalizers; refused on a resource already tearing down (it is going away)."""

        def add(r: Resource[Any]) -> None:
            for n in names:
                r.metadata.add_finalizer(n)

        await self.update_with_conflicts(ptr, add, expected_phase=Phase.RUNNING)

    async def remove_finalizer(self, ptr: Pointer, *names: str) -> None:
        def remove(r: Resource[Any]) -> None:
            for n in names:
                r.metadata.remove_finalizer(n)

        await self.update_with_conflicts(ptr, remove, expected_phase=None)

    # watches ---------------------------------------------------------------------------------

    def watch(self, ptr: Pointer, *, bookmark: bytes | None = None, tail_events: int = 0) -> Watch:
        """Watch one resource: its current state first (``destroyed`` if absent), then changes.

        With ``bookmark`` or ``tail_events`` the watch replays history instead of the initial state.
        """
        col = self._col(ptr.namespace, ptr.type)
        if bookmark is not None:
            return Watch(col, self._resume_pos(col, bookmark), id=ptr.id)
        if tail_events > 0:
            pos, found = col.write_pos, 0
            while pos > col.oldest_pos and found < tail_events:
                pos -= 1
                res = col.event_at(pos).resource
                found += res is not None and res.metadata.id == ptr.id
            return Watch(col, pos, id=ptr.id)
        cur = col.storage.get(ptr.id)
        if cur is not None:
            initial = Event(EventType.CREATED, cur.deep_copy())
        else:
            initial = Event(EventType.DESTROYED, Resource(Metadata(*ptr), None))
        return Watch(col, col.write_pos, [initial], id=ptr.id)

    def watch_kind(
        self,
        namespace: str,
        type: str,
        *,
        query: Query | None = None,
        bootstrap_contents: bool = False,
        bootstrap_bookmark: bool = False,
        bookmark: bytes | None = None,
        tail_events: int = 0,
    ) -> Watch:
        """Watch every resource of a kind (optionally filtered by ``query``).

        ``bootstrap_contents`` first sends a ``created`` event per existing resource, then one
        ``bootstrapped`` event; ``bootstrap_bookmark`` sends a ``noop`` event carrying the bookmark
        of the current position. Resources that start/stop matching ``query`` appear as
        created/destroyed.
        """
        col = self._col(namespace, type)
        if bootstrap_contents and (bookmark is not None or tail_events > 0):
            raise ValueError("bootstrap_contents cannot be combined with bookmark or tail_events")
        pos = col.write_pos
        if bookmark is not None:
            pos = self._resume_pos(col, bookmark)
        elif tail_events > 0:
            pos = max(col.oldest_pos, pos - tail_events)
        marker = Resource(Metadata(namespace, type, ""), None)
        initial: list[Event] = []
        if bootstrap_contents:
            for id, res in sorted(col.storage.items()):
                if query is None or query.matches(id, res.metadata.labels):
                    initial.append(Event(EventType.CREATED, res.deep_copy()))
            initial.append(Event(EventType.BOOTSTRAPPED, marker, pos=pos - 1))
        if bootstrap_bookmark:
            initial.append(Event(EventType.NOOP, marker, pos=pos - 1))
        return Watch(col, pos, initial, query=query)

    @staticmethod
    def _resume_pos(col: Collection, bookmark: bytes) -> int:
        pos = decode_bookmark(bookmark)
        if pos < -1 or pos >= col.write_pos or pos + 1 < col.oldest_pos:
            raise InvalidBookmarkError(
                f"watch {col.namespace}/{col.type}: bookmark at event {pos} is outside the kept history "
                f"(events {col.oldest_pos}..{col.write_pos - 1})"
            )
        return pos + 1

    async def watch_for(
        self, ptr: Pointer, condition: Callable[[Resource[Any] | None], bool], *, timeout: float | None = None
    ) -> Resource[Any] | None:
        """Wait until ``condition`` holds for the resource (``None`` while it doesn't exist)."""
        last: Resource[Any] | None = None
        try:
            async with asyncio.timeout(timeout), self.watch(ptr) as w:
                async for ev in w:
                    last = None if ev.type is EventType.DESTROYED else ev.resource
                    if condition(last):
                        return None if last is None else last.deep_copy()
        except TimeoutError:
            raise WatchTimeoutError(
                f"resource {ptr}: condition not reached within {timeout}s; last state: {last!r}"
            ) from None
        raise AssertionError("watch ended unexpectedly")  # pragma: no cover


def _sync_back(meta: Metadata, stored: Metadata) -> None:
    """Give the caller's copy the stored version/owner/timestamps (as COSI does)."""
    meta.version = stored.version
    meta.owner = stored.owner
    meta.created = stored.created
    meta.updated = stored.updated

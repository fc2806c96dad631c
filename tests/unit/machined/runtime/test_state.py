"""State semantics: versions, conflicts, ownership, the output guard, teardown/finalizers, queries."""

from __future__ import annotations

from typing import Any

import pytest

from pytalos.machined.runtime import (
    AlreadyExistsError,
    ControllerConfigError,
    LabelQuery,
    NotFoundError,
    OwnerConflictError,
    OwnershipGuardError,
    PendingFinalizersError,
    Phase,
    PhaseConflictError,
    Pointer,
    Query,
    Resource,
    State,
    VersionConflictError,
    WatchTimeoutError,
)
from pytalos.machined.runtime.testing import run

pytestmark = pytest.mark.unit

NS, T = "runtime", "Things.test.talos.dev"


def thing(id: str, value: int = 0, **meta: Any) -> Resource[dict[str, int]]:
    return Resource.new(NS, T, id, {"value": value}, **meta)


def test_create_sets_version_owner_and_timestamps() -> None:
    async def body() -> None:
        st = State(clock=lambda: 1000.0)
        res = thing("a", 1)
        await st.create(res, owner="ctrl")
        assert (res.metadata.version, res.metadata.owner, res.metadata.created) == (1, "ctrl", 1000.0)
        got = await st.get(Pointer(NS, T, "a"))
        assert got.spec == {"value": 1} and got.metadata.version == 1 and got.metadata.phase is Phase.RUNNING
        with pytest.raises(AlreadyExistsError, match=f"{NS}/{T}/a already exists"):
            await st.create(thing("a"), owner="ctrl")
        with pytest.raises(NotFoundError, match=f"{NS}/{T}/b doesn't exist"):
            await st.get(Pointer(NS, T, "b"))

    run(body())


def test_reads_return_private_copies() -> None:
    async def body() -> None:
        st = State()
        res = thing("a", 1)
        await st.create(res)
        res.spec["value"] = 99  # the caller's object is not the stored one
        got = await st.get(res.pointer)
        got.spec["value"] = 42
        assert (await st.get(res.pointer)).spec == {"value": 1}

    run(body())


def test_update_bumps_version_and_detects_stale_writes() -> None:
    async def body() -> None:
        st = State()
        await st.create(thing("a"))
        first = await st.get(Pointer(NS, T, "a"))
        second = await st.get(Pointer(NS, T, "a"))
        first.spec["value"] = 1
        await st.update(first)
        assert first.metadata.version == 2
        second.spec["value"] = 2
        with pytest.raises(VersionConflictError, match="based on version 1, but version 2 is stored"):
            await st.update(second)
        with pytest.raises(NotFoundError):
            await st.update(thing("nope"))
        stored = await st.get(first.pointer)
        assert stored.spec == {"value": 1} and stored.metadata.created <= stored.metadata.updated

    run(body())


def test_only_the_owner_writes() -> None:
    async def body() -> None:
        st = State()
        await st.create(thing("a"), owner="alpha")
        res = await st.get(Pointer(NS, T, "a"))
        with pytest.raises(OwnerConflictError, match="owned by 'alpha', update attempted by 'beta'"):
            await st.update(res, owner="beta")
        with pytest.raises(OwnerConflictError, match="an external writer"):
            await st.update(res)
        with pytest.raises(OwnerConflictError):
            await st.destroy(res.pointer, owner="beta")
        with pytest.raises(OwnerConflictError):
            await st.teardown(res.pointer, owner="beta")
        await st.update(res, owner="alpha")

    run(body())


def test_update_with_conflicts_retries_and_skips_noops() -> None:
    async def body() -> None:
        st = State()
        await st.create(thing("a"), owner="o")
        ptr = Pointer(NS, T, "a")
        interfering = True

        async def bump(r: Resource[Any]) -> None:
            nonlocal interfering
            if interfering:  # another writer sneaks in while we compute: first attempt conflicts
                interfering = False
                other = await st.get(ptr)
                other.spec["value"] += 10
                await st.update(other, owner="o")
            r.spec["value"] += 1

        out = await st.update_with_conflicts(ptr, bump, owner="o")
        assert out.spec == {"value": 11} and out.metadata.version == 3
        same = await st.update_with_conflicts(ptr, lambda r: None, owner="o")
        assert same.metadata.version == 3  # no change, nothing written

    run(body())


def test_output_guard() -> None:
    async def body() -> None:
        st = State()
        st.claim_output(T, "ctrl", exclusive=True)
        with pytest.raises(
            OwnershipGuardError, match=f"type {T} is an output of ctrl; an external writer may not"
        ):
            await st.create(thing("a"))
        with pytest.raises(OwnershipGuardError, match="controller 'other' may not write it"):
            await st.create(thing("a"), owner="other")
        await st.create(thing("a"), owner="ctrl")
        with pytest.raises(ControllerConfigError, match="already an exclusive output of ctrl"):
            st.claim_output(T, "other", exclusive=False)
        st.claim_output("Shared.test.talos.dev", "x", exclusive=False)
        st.claim_output("Shared.test.talos.dev", "y", exclusive=False)
        with pytest.raises(ControllerConfigError, match="shared output of x, y"):
            st.claim_output("Shared.test.talos.dev", "z", exclusive=True)
        # finalizers are not writes of the output: consumers may add them
        await st.add_finalizer(Pointer(NS, T, "a"), "consumer")
        assert (await st.get(Pointer(NS, T, "a"))).metadata.finalizers == ["consumer"]
        st.release_outputs("ctrl")
        await st.create(thing("b"))

    run(body())


def test_teardown_finalizers_destroy() -> None:
    async def body() -> None:
        st = State()
        ptr = Pointer(NS, T, "a")
        await st.create(thing("a"), owner="o")
        await st.add_finalizer(ptr, "f1", "f2")
        await st.add_finalizer(ptr, "f1")  # idempotent
        assert await st.teardown(ptr, owner="o") is False
        cur = await st.get(ptr)
        assert cur.metadata.phase is Phase.TEARING_DOWN and cur.metadata.finalizers == ["f1", "f2"]
        with pytest.raises(PendingFinalizersError, match="pending finalizers: f1, f2"):
            await st.destroy(ptr, owner="o")
        with pytest.raises(PhaseConflictError, match="tearing-down, update expects running"):
            await st.update(cur, owner="o")
        with pytest.raises(PhaseConflictError):
            await st.add_finalizer(ptr, "late")
        await st.remove_finalizer(ptr, "f1", "f2")
        assert await st.teardown(ptr, owner="o") is True
        await st.destroy(ptr, owner="o")
        with pytest.raises(NotFoundError):
            await st.get(ptr)

    run(body())


def test_list_sorted_with_label_and_id_queries() -> None:
    async def body() -> None:
        st = State()
        for id, labels in (("c", {"role": "cp"}), ("a", {"role": "worker"}), ("b", {"role": "cp", "x": "1"})):
            await st.create(thing(id, labels=labels))
        assert [r.metadata.id for r in await st.list(NS, T)] == ["a", "b", "c"]
        cps = await st.list(NS, T, Query(LabelQuery.equal(role="cp")))
        assert [r.metadata.id for r in cps] == ["b", "c"]
        assert [r.metadata.id for r in await st.list(NS, T, Query(id_regexp="[ab]"))] == ["a", "b"]
        assert await st.list("other", T) == []

    run(body())


def test_watch_for_and_its_timeout_message() -> None:
    async def body() -> None:
        st = State()
        ptr = Pointer(NS, T, "a")
        assert await st.watch_for(ptr, lambda r: r is None) is None
        await st.create(thing("a", 5))
        got = await st.watch_for(ptr, lambda r: r is not None and r.spec["value"] == 5, timeout=1)
        assert got is not None and got.spec == {"value": 5}
        with pytest.raises(
            WatchTimeoutError, match=f"{NS}/{T}/a: condition not reached within 0.05s; last state: Res"
        ):
            await st.watch_for(ptr, lambda r: r is None, timeout=0.05)

    run(body())

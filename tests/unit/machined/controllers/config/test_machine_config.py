"""config.MachineConfigController and config.MachineTypeController with the ctest harness."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pytalos.machined.controllers.config.machine_config import MachineConfigController
from pytalos.machined.controllers.config.machine_type import MachineTypeController
from pytalos.machined.resources import config
from pytalos.machined.runtime import Resource
from pytalos.machined.runtime.testing import run

from .._helpers import failure_of, generated, harness

pytestmark = pytest.mark.unit

MC = config.MACHINE_CONFIG_TYPE


def _type_is(kind: str) -> Any:
    def check(r: Resource[Any]) -> None:
        assert r.spec.container.v1alpha1().machine_config.machine_type == kind

    return check


def test_sources_become_machine_configs_and_go_away() -> None:
    async def body() -> None:
        async with harness(MachineConfigController()) as h:
            await h.create(config.config_source(generated("controlplane"), "/system/state/config.yaml"))
            await h.create(config.config_source(generated("worker"), "disk", config.PERSISTENT_ID))
            active = await h.assert_resource(MC, config.V1ALPHA1_ID, _type_is("controlplane"))
            assert active.spec.to_yaml() == generated("controlplane").decode()
            await h.assert_resource(MC, config.PERSISTENT_ID, _type_is("worker"))
            await h.destroy(h.pointer(config.CONFIG_SOURCE_TYPE, config.PERSISTENT_ID))
            await h.assert_no_resource(MC, config.PERSISTENT_ID)
            await h.assert_resource(MC, config.V1ALPHA1_ID)

    run(body())


def test_unchanged_source_is_not_rewritten() -> None:
    async def body() -> None:
        async with harness(MachineConfigController()) as h:
            src = config.config_source(generated("worker"), "a")
            await h.create(src)
            first = await h.assert_resource(MC, config.V1ALPHA1_ID)

            def touch(r: Resource[Any]) -> None:
                r.spec = config.ConfigSourceSpec(r.spec.data, "b")

            await h.modify(src.pointer, touch)
            await h.assert_resource(
                config.CONFIG_SOURCE_TYPE, config.V1ALPHA1_ID, lambda r: r.spec.source == "b"
            )
            again = await h.state.get(first.pointer)
            assert again.metadata.version == first.metadata.version

    run(body())


def test_invalid_source_keeps_previous_config_and_says_where() -> None:
    async def body() -> None:
        async with harness(MachineConfigController()) as h:
            src = config.config_source(generated("controlplane"), "good.yaml")
            await h.create(src)
            await h.assert_resource(MC, config.V1ALPHA1_ID, _type_is("controlplane"))

            def break_it(r: Resource[Any]) -> None:
                r.spec = config.ConfigSourceSpec(b"version: v1alpha1\nmachine:\n  type: [oops\n", "bad.yaml")

            await h.modify(src.pointer, break_it)
            error = await failure_of(h, MachineConfigController.name)
            assert re.search(r"config source v1alpha1 \(bad.yaml\): bad.yaml:\d+: decode error", error), error
            await h.assert_resource(MC, config.V1ALPHA1_ID, _type_is("controlplane"))

    run(body())


def test_validation_errors_fail_the_reconcile() -> None:
    async def body() -> None:
        invalid = generated("worker").replace(b"type: worker", b"type: bogus")
        async with harness(MachineConfigController(mode="metal")) as h:
            await h.create(config.config_source(invalid, "invalid.yaml"))
            error = await failure_of(h, MachineConfigController.name)
            assert "config source v1alpha1 (invalid.yaml)" in error
            assert "bogus" in error
            await h.assert_no_resource(MC, config.V1ALPHA1_ID)

    run(body())


def test_machine_type_follows_config() -> None:
    async def body() -> None:
        mt = config.MACHINE_TYPE_TYPE
        async with harness(MachineConfigController(), MachineTypeController()) as h:
            await h.assert_resource(mt, config.MACHINE_TYPE_ID, lambda r: r.spec.machine_type == "unknown")
            src = config.config_source(generated("controlplane"), "a")
            await h.create(src)
            res = await h.assert_resource(mt, config.MACHINE_TYPE_ID, lambda r: r.spec.control_plane)
            assert res.spec.to_yaml() == "controlplane"

            def to_worker(r: Resource[Any]) -> None:
                r.spec = config.ConfigSourceSpec(generated("worker"), "b")

            await h.modify(src.pointer, to_worker)
            await h.assert_resource(mt, config.MACHINE_TYPE_ID, lambda r: r.spec.machine_type == "worker")

    run(body())

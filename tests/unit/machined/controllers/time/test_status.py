"""time.StatusController: synced only when sync is disabled or the platform clock is trusted."""

from __future__ import annotations

import pytest

from pytalos.machined.controllers.time.status import TimeStatusController
from pytalos.machined.resources import time
from pytalos.machined.runtime.testing import run

from .._helpers import harness, legacy, machine_config

pytestmark = pytest.mark.unit

TS, ID = time.TIME_STATUS_TYPE, time.TIME_STATUS_ID


def _status(controller: TimeStatusController, config: str | None) -> time.TimeStatusSpec:
    async def body() -> time.TimeStatusSpec:
        async with harness(controller) as h:
            if config is not None:
                await h.create(machine_config(config))
                await h.assert_resource(
                    TS, ID, lambda r: r.spec.sync_disabled == ("disabled: true" in config)
                )
            res = await h.assert_resource(TS, ID)
            return res.spec  # type: ignore[no-any-return]

    return run(body())


def test_untrusted_clock_is_not_synced() -> None:
    spec = _status(TimeStatusController(mode="metal", clock_trusted=False), legacy())
    assert spec == time.TimeStatusSpec(synced=False, epoch=0, sync_disabled=False)
    assert spec.to_yaml() == {"synced": False, "epoch": 0, "syncDisabled": False}


def test_trusted_clock_is_synced_even_without_config() -> None:
    assert _status(TimeStatusController(clock_trusted=True), None).synced


def test_config_disables_time_sync() -> None:
    spec = _status(TimeStatusController(clock_trusted=False), legacy("time:\n    disabled: true"))
    assert spec == time.TimeStatusSpec(synced=True, sync_disabled=True)


def test_time_sync_document_disables_time_sync() -> None:
    text = legacy() + "---\napiVersion: v1alpha1\nkind: TimeSyncConfig\nenabled: false\n"

    async def body() -> None:
        async with harness(TimeStatusController(clock_trusted=False)) as h:
            await h.create(machine_config(text))
            await h.assert_resource(TS, ID, lambda r: r.spec.synced and r.spec.sync_disabled)

    run(body())


def test_container_mode_disables_time_sync() -> None:
    spec = _status(TimeStatusController(mode="container", clock_trusted=False), None)
    assert spec == time.TimeStatusSpec(synced=True, sync_disabled=True)

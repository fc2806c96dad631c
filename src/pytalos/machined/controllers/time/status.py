"""``time.StatusController``: ``TimeStatuses/node``, whether the clock can be trusted.

pytalos has no NTP client yet, so time is reported ``synced`` only when that is true without one:

* time sync is disabled — by the config (``machine.time.disabled``, ``TimeSyncConfig.enabled:
  false``) or by the platform, as Talos does in ``container`` mode — (``syncDisabled: true``); or
* the platform says the kernel clock is already kept in sync by the host (``clock_trusted``: a node
  placed in a network namespace shares the host's clock).

Otherwise ``synced`` stays false and services that wait for time sync keep waiting.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pytalos.machined.resources import time
from pytalos.machined.runtime import Input, Output, Reconciler, Runtime

from .._common import MACHINE_CONFIG_INPUT, config_view, put


class TimeStatusController(Reconciler):
    name = "time.StatusController"

    def __init__(self, *, mode: str = "metal", clock_trusted: bool = False) -> None:
        self.mode = mode
        self.clock_trusted = clock_trusted

    def inputs(self) -> Sequence[Input]:
        return [MACHINE_CONFIG_INPUT]

    def outputs(self) -> Sequence[Output]:
        return [Output(time.TIME_STATUS_TYPE)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        view = await config_view(rt)
        disabled = self.mode == "container" or (view is not None and view.time_sync_disabled)
        synced = disabled or self.clock_trusted
        if not synced:
            log.info("time is not synced: no NTP client yet and the platform clock is not trusted")
        spec = time.TimeStatusSpec(synced=synced, epoch=0, sync_disabled=disabled)
        await put(rt, time.NAMESPACE, time.TIME_STATUS_TYPE, time.TIME_STATUS_ID, spec)

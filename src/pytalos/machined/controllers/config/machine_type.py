"""``config.MachineTypeController``: ``MachineTypes/machine-type`` from the active config.

The type is ``unknown`` until a config is loaded (Talos writes the resource either way, so
controllers waiting for a control-plane or worker type can watch one resource).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pytalos.machined.resources import config
from pytalos.machined.runtime import Input, Output, Reconciler, Runtime

from .._common import MACHINE_CONFIG_INPUT, config_view, put


class MachineTypeController(Reconciler):
    name = "config.MachineTypeController"

    def inputs(self) -> Sequence[Input]:
        return [MACHINE_CONFIG_INPUT]

    def outputs(self) -> Sequence[Output]:
        return [Output(config.MACHINE_TYPE_TYPE)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        view = await config_view(rt)
        machine_type = view.machine_type if view is not None else "unknown"
        await put(
            rt,
            config.NAMESPACE,
            config.MACHINE_TYPE_TYPE,
            config.MACHINE_TYPE_ID,
            config.MachineTypeSpec(machine_type),
        )

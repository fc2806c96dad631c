"""``config.MachineConfigController``: decode and validate the config the node acquired.

Input: ``ConfigSources.config.pytalos.dev`` (raw bytes written by the node for the ids
``v1alpha1`` — the config to run with — and ``persistent`` — the one saved on disk). Output:
``MachineConfigs.config.talos.dev`` with the same ids. A source that does not decode or fails
validation for the platform's mode leaves the previous ``MachineConfig`` in place and fails the
reconcile with an error naming the source, the file line and the rule; a removed source removes
its ``MachineConfig``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pytalos.machined.resources import config
from pytalos.machined.runtime import Input, InputKind, Output, Pointer, Reconciler, Runtime
from pytalos.machinery.config.errors import ConfigError
from pytalos.machinery.config.loader import load

from .._common import put, remove

IDS = (config.V1ALPHA1_ID, config.PERSISTENT_ID)


class ConfigSourceError(ValueError):
    """A config source does not decode or validate; the message says which source and why."""


class MachineConfigController(Reconciler):
    name = "config.MachineConfigController"

    def __init__(self, mode: str = "metal") -> None:
        self.mode = mode

    def inputs(self) -> Sequence[Input]:
        return [Input(config.NAMESPACE, config.CONFIG_SOURCE_TYPE, kind=InputKind.WEAK)]

    def outputs(self) -> Sequence[Output]:
        return [Output(config.MACHINE_CONFIG_TYPE)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        errors: list[str] = []
        for id in IDS:
            source = await rt.get_or_none(Pointer(config.NAMESPACE, config.CONFIG_SOURCE_TYPE, id))
            if source is None:
                await remove(rt, config.NAMESPACE, config.MACHINE_CONFIG_TYPE, id)
                continue
            spec: config.ConfigSourceSpec = source.spec
            where = f"config source {id} ({spec.source or 'unnamed'})"
            try:
                container = load(spec.data, spec.source)
                warnings = container.validate(self.mode)
            except ConfigError as exc:
                errors.append(f"{where}: {exc}")
                continue
            for warning in warnings:
                log.warning("%s: %s", where, warning)
            await put(
                rt, config.NAMESPACE, config.MACHINE_CONFIG_TYPE, id, config.MachineConfigSpec.of(container)
            )
        if errors:
            raise ConfigSourceError("; ".join(errors))

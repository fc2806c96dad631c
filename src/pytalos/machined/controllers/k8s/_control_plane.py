"""What Talos's ``controlplaneMapFunc`` transform controllers share: one resource per control plane.

Each ``ControlPlane*Controller`` turns the active machine config into one resource of the
``controlplane`` namespace on control plane machines (``controlplane``/``init``) and removes it
anywhere else; a config the settings cannot be read from fails the reconcile with the reason.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Sequence
from typing import Any

from pytalos.machined.resources import k8s_controlplane as cpres
from pytalos.machined.runtime import Input, Output, OutputKind, Reconciler, Runtime
from pytalos.machinery.config.container import Container
from pytalos.machinery.kubernetes.settings import SettingsError

from .._common import MACHINE_CONFIG_INPUT, config_view, put, remove

CONTROL_PLANE_TYPES = ("controlplane", "init")


class ControlPlaneTransform(Reconciler):
    """Base: subclasses name the output type/id and build the spec from the config container."""

    output_type: str = ""
    output_id: str = ""

    def inputs(self) -> Sequence[Input]:
        return [MACHINE_CONFIG_INPUT]

    def outputs(self) -> Sequence[Output]:
        return [Output(self.output_type, OutputKind.SHARED)]

    @abstractmethod
    def build(self, container: Container) -> Any: ...

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        view = await config_view(rt)
        ns = cpres.NAMESPACE
        if view is None or view.container.v1alpha1() is None or view.machine_type not in CONTROL_PLANE_TYPES:
            await remove(rt, ns, self.output_type, self.output_id)
            return
        try:
            spec = self.build(view.container)
        except (SettingsError, ValueError) as err:
            raise ValueError(f"{self.output_type}/{self.output_id} from the machine config: {err}") from None
        await put(rt, ns, self.output_type, self.output_id, spec)

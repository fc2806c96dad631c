"""``runtime.VersionController``: ``Versions/version`` names the running OS version."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pytalos
from pytalos.machined.resources import runtime
from pytalos.machined.runtime import Input, Output, Reconciler, Runtime

from .._common import put

#: ``version.Name`` of Talos, for ``operatingSystem`` strings (``pytalos (v0.1.0)``).
OS_NAME = "pytalos"
VERSION_TAG = f"v{pytalos.__version__}"


def operating_system() -> str:
    """What affiliates and members report as their OS (Talos: ``Talos (v1.x.y)``)."""
    return f"{OS_NAME} ({VERSION_TAG})"


class VersionController(Reconciler):
    name = "runtime.VersionController"

    def inputs(self) -> Sequence[Input]:
        return ()

    def outputs(self) -> Sequence[Output]:
        return [Output(runtime.VERSION_TYPE)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        await put(
            rt, runtime.NAMESPACE, runtime.VERSION_TYPE, runtime.VERSION_ID, runtime.VersionSpec(VERSION_TAG)
        )

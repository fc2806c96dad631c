"""Small helpers every controller uses: read a spec, write one (create-or-update), remove one.

They keep the controllers about their rules: ``put`` writes only when the spec differs from the
stored one (the runtime's ``modify`` skips no-op updates), ``remove`` tolerates a resource that is
already gone, ``config_view`` gives the active machine config or ``None`` before one is loaded.
"""

from __future__ import annotations

import contextlib
from typing import Any

from pytalos.machined.resources import config, k8s_secrets, time
from pytalos.machined.resources.config_view import ConfigView
from pytalos.machined.runtime import Input, InputKind, NotFoundError, Pointer, Resource, Runtime


async def get_spec(rt: Runtime, namespace: str, type: str, id: str) -> Any | None:
    res = await rt.get_or_none(Pointer(namespace, type, id))
    return res.spec if res is not None else None


async def put(rt: Runtime, namespace: str, type: str, id: str, spec: Any) -> None:
    """Create or update ``namespace/type/id`` with ``spec`` (nothing is written when unchanged)."""

    def set_spec(res: Resource[Any]) -> None:
        res.spec = spec

    await rt.modify(Resource.new(namespace, type, id, spec), set_spec)


async def remove(rt: Runtime, namespace: str, type: str, id: str) -> None:
    """Tear down and destroy the resource if it exists (and no finalizer holds it)."""
    with contextlib.suppress(NotFoundError):
        await rt.teardown_and_destroy(Pointer(namespace, type, id))


MACHINE_CONFIG_INPUT = Input(config.NAMESPACE, config.MACHINE_CONFIG_TYPE, config.V1ALPHA1_ID, InputKind.WEAK)


async def config_view(rt: Runtime) -> ConfigView | None:
    """The active machine config (``MachineConfigs/v1alpha1``), ``None`` while there is none."""
    spec = await get_spec(rt, config.NAMESPACE, config.MACHINE_CONFIG_TYPE, config.V1ALPHA1_ID)
    return ConfigView(spec.container) if spec is not None else None


async def machine_type(rt: Runtime) -> str:
    """``controlplane``/``worker``/``init``, or ``unknown`` before the config is loaded."""
    spec = await get_spec(rt, config.NAMESPACE, config.MACHINE_TYPE_TYPE, config.MACHINE_TYPE_ID)
    return str(spec.machine_type) if spec is not None else "unknown"


MACHINE_TYPE_INPUT = Input(config.NAMESPACE, config.MACHINE_TYPE_TYPE, config.MACHINE_TYPE_ID, InputKind.WEAK)
#: certificates are issued against a synced clock, and again after a sync or clock jump
TIME_STATUS_INPUT = Input(time.NAMESPACE, time.TIME_STATUS_TYPE, time.TIME_STATUS_ID, InputKind.WEAK)
KUBERNETES_ROOT_INPUT = Input(
    k8s_secrets.NAMESPACE, k8s_secrets.KUBERNETES_ROOT_TYPE, k8s_secrets.KUBERNETES_ROOT_ID, InputKind.WEAK
)

"""``runtime.MachineStatusController``: ``MachineStatuses/machine``, the stage and what is not ready.

The stage comes from ``MachineStages/machine``, written by the sequencer (``unknown`` before it
writes one). In the ``booting`` and ``running`` stages the node is ready when every check passes;
each failing check is an unmet condition with Talos's name and reason:

* ``time``: ``TimeStatuses/node`` is synced (``time is not synced``);
* ``network``: the node has an address and a hostname (``waiting on: address, hostname``);
* ``services``: every running service is healthy (or its health unknown) and the required ones
  run: ``apid``, ``machined``, plus ``etcd`` and ``trustd`` on control planes. Talos also requires
  ``kubelet``; pytalos has no kubelet service yet, so it is not required until it exists.

Talos's ``staticPods`` and ``nodeReady`` checks need Kubernetes and are not evaluated yet. Other
stages have no checks and are never "ready".
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from pytalos.machined.resources import network, runtime, time
from pytalos.machined.runtime import Input, InputKind, Output, Reconciler, Runtime

from .._common import MACHINE_TYPE_INPUT, TIME_STATUS_INPUT, get_spec, machine_type, put

REQUIRED_SERVICES = ("apid", "machined")
REQUIRED_CONTROL_PLANE_SERVICES = ("etcd", "trustd")
_CHECKED_STAGES = (runtime.MachineStage.BOOTING, runtime.MachineStage.RUNNING)

Check = Callable[[Runtime], Awaitable[str | None]]


async def time_check(rt: Runtime) -> str | None:
    status = await get_spec(rt, time.NAMESPACE, time.TIME_STATUS_TYPE, time.TIME_STATUS_ID)
    return None if status is not None and status.synced else "time is not synced"


async def network_check(rt: Runtime) -> str | None:
    waiting = []
    current = await get_spec(
        rt, network.NAMESPACE, network.NODE_ADDRESS_TYPE, network.NODE_ADDRESS_CURRENT_ID
    )
    if current is None or not current.addresses:
        waiting.append("address")
    if await get_spec(rt, network.NAMESPACE, network.HOSTNAME_STATUS_TYPE, network.HOSTNAME_ID) is None:
        waiting.append("hostname")
    return f"waiting on: {', '.join(waiting)}" if waiting else None


def services_check(required: Sequence[str]) -> Check:
    async def check(rt: Runtime) -> str | None:
        problems = []
        running = set()
        for res in await rt.list(runtime.NAMESPACE, runtime.SERVICE_TYPE):
            spec: runtime.ServiceSpec = res.spec
            if not spec.running:
                problems.append(f"{res.metadata.id} not running")
                continue
            running.add(res.metadata.id)
            if not spec.unknown and not spec.healthy:
                problems.append(f"{res.metadata.id} not healthy")
        problems += [f"{svc} not running" for svc in required if svc not in running]
        return ", ".join(problems) or None

    return check


class MachineStatusController(Reconciler):
    name = "runtime.MachineStatusController"

    def inputs(self) -> Sequence[Input]:
        return [
            Input(runtime.NAMESPACE, runtime.MACHINE_STAGE_TYPE, runtime.MACHINE_STAGE_ID, InputKind.WEAK),
            TIME_STATUS_INPUT,
            Input(runtime.NAMESPACE, runtime.SERVICE_TYPE, kind=InputKind.WEAK),
            MACHINE_TYPE_INPUT,
            Input(
                network.NAMESPACE, network.NODE_ADDRESS_TYPE, network.NODE_ADDRESS_CURRENT_ID, InputKind.WEAK
            ),
            Input(network.NAMESPACE, network.HOSTNAME_STATUS_TYPE, network.HOSTNAME_ID, InputKind.WEAK),
        ]

    def outputs(self) -> Sequence[Output]:
        return [Output(runtime.MACHINE_STATUS_TYPE)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        stage_spec = await get_spec(
            rt, runtime.NAMESPACE, runtime.MACHINE_STAGE_TYPE, runtime.MACHINE_STAGE_ID
        )
        stage = stage_spec.stage if stage_spec is not None else runtime.MachineStage.UNKNOWN
        required = list(REQUIRED_SERVICES)
        if await machine_type(rt) in ("controlplane", "init"):
            required += REQUIRED_CONTROL_PLANE_SERVICES
        checks: list[tuple[str, Check]] = []
        if stage in _CHECKED_STAGES:
            checks = [
                ("time", time_check),
                ("network", network_check),
                ("services", services_check(required)),
            ]
        unmet = []
        for name, check in checks:
            reason = await check(rt)
            if reason is not None:
                unmet.append(runtime.UnmetCondition(name, reason))
        ready = stage in _CHECKED_STAGES and not unmet
        spec = runtime.MachineStatusSpec(stage, runtime.MachineStatusStatus(ready, tuple(unmet)))
        await put(rt, runtime.NAMESPACE, runtime.MACHINE_STATUS_TYPE, runtime.MACHINE_STATUS_ID, spec)

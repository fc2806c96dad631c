"""runtime.MachineStatusController: stage from the sequencer, readiness from time/network/services."""

from __future__ import annotations

from typing import Any

import pytest

from pytalos.machined.controllers.runtime.machine_status import MachineStatusController
from pytalos.machined.resources import runtime, time
from pytalos.machined.runtime import Resource
from pytalos.machined.runtime.testing import run

from .._helpers import harness, hostname, machine_type, node_addresses

pytestmark = pytest.mark.unit

MS, ID = runtime.MACHINE_STATUS_TYPE, runtime.MACHINE_STATUS_ID


def _stage(stage: runtime.MachineStage) -> Resource[Any]:
    return Resource.new(
        runtime.NAMESPACE, runtime.MACHINE_STAGE_TYPE, "machine", runtime.MachineStageSpec(stage)
    )


def _service(id: str, healthy: bool = True, unknown: bool = False) -> Resource[Any]:
    return Resource.new(
        runtime.NAMESPACE, runtime.SERVICE_TYPE, id, runtime.ServiceSpec(True, healthy, unknown)
    )


def _unmet(r: Resource[Any]) -> dict[str, str]:
    return {c.name: c.reason for c in r.spec.status.unmet_conditions}


def test_stage_and_unmet_conditions_until_ready() -> None:
    async def body() -> None:
        async with harness(MachineStatusController()) as h:
            res = await h.assert_resource(MS, ID)
            assert res.spec.to_yaml() == {
                "stage": "unknown",
                "status": {"ready": False, "unmetConditions": []},
            }

            await h.create(_stage(runtime.MachineStage.BOOTING))
            await h.create(machine_type("controlplane"))
            res = await h.assert_resource(MS, ID, lambda r: r.spec.stage is runtime.MachineStage.BOOTING)
            assert _unmet(res) == {
                "time": "time is not synced",
                "network": "waiting on: address, hostname",
                "services": "apid not running, machined not running, etcd not running, trustd not running",
            }

            ts = time.TimeStatusSpec(synced=True)
            await h.create(Resource.new(time.NAMESPACE, time.TIME_STATUS_TYPE, time.TIME_STATUS_ID, ts))
            await h.create(node_addresses("current", "10.5.0.2/24"))
            await h.create(hostname("cp-1"))
            for svc in ("apid", "machined", "trustd"):
                await h.create(_service(svc))
            await h.create(_service("etcd", healthy=False))
            res = await h.assert_resource(MS, ID, lambda r: set(_unmet(r)) == {"services"})
            assert _unmet(res) == {"services": "etcd not healthy"}

            def healthy(r: Resource[Any]) -> None:
                r.spec = runtime.ServiceSpec(True, True, False)

            await h.modify(h.pointer(runtime.SERVICE_TYPE, "etcd"), healthy)
            res = await h.assert_resource(MS, ID, lambda r: r.spec.status.ready)
            assert res.spec.to_yaml() == {
                "stage": "booting",
                "status": {"ready": True, "unmetConditions": []},
            }

            def running(r: Resource[Any]) -> None:
                r.spec = runtime.MachineStageSpec(runtime.MachineStage.RUNNING)

            await h.modify(h.pointer(runtime.MACHINE_STAGE_TYPE, "machine"), running)
            await h.assert_resource(MS, ID, lambda r: r.spec.stage.value == "running" and r.spec.status.ready)

            def rebooting(r: Resource[Any]) -> None:
                r.spec = runtime.MachineStageSpec(runtime.MachineStage.REBOOTING)

            await h.modify(h.pointer(runtime.MACHINE_STAGE_TYPE, "machine"), rebooting)
            res = await h.assert_resource(MS, ID, lambda r: r.spec.stage.value == "rebooting")
            assert not res.spec.status.ready and not res.spec.status.unmet_conditions

    run(body())


def test_worker_requires_no_control_plane_services_and_unknown_health_is_fine() -> None:
    async def body() -> None:
        async with harness(MachineStatusController()) as h:
            await h.create(_stage(runtime.MachineStage.RUNNING))
            await h.create(machine_type("worker"))
            await h.create(_service("apid", healthy=False, unknown=True))
            res = await h.assert_resource(MS, ID, lambda r: "services" in _unmet(r))
            assert _unmet(res)["services"] == "machined not running"

    run(body())

"""all_controllers(platform): every controller registers together and a node converges end to end."""

from __future__ import annotations

import ipaddress

import pytest

from pytalos.machined.controllers import all_controllers
from pytalos.machined.controllers.cluster.identity import node_id
from pytalos.machined.resources import cluster, config, etcd, k8s, network, runtime, secrets, time
from pytalos.machined.runtime import Resource
from pytalos.machined.runtime.testing import run
from pytalos.machined.system import ServiceState
from pytalos.machined.system.events import ServiceStateEvent
from pytalos.machined.system.health import ServiceHealth

from ._helpers import LOOPBACK, MACHINE_ID, FakePlatform, addr, eth, generated, harness

pytestmark = pytest.mark.unit


def test_names_are_unique_and_outputs_do_not_conflict() -> None:
    controllers = all_controllers(FakePlatform())
    names = [c.name for c in controllers]
    assert len(names) == len(set(names))
    assert all(
        n.split(".")[0]
        in {"config", "network", "k8s", "time", "secrets", "etcd", "runtime", "v1alpha1", "cluster"}
        for n in names
    )
    harness(*controllers)  # registration claims every output: a conflict would raise here


def test_control_plane_node_converges() -> None:
    async def body() -> None:
        platform = FakePlatform()
        platform.netlink.set_links([LOOPBACK, eth(2, "eth0")])
        platform.netlink.set_addresses([addr(1, "127.0.0.1/8", scope=254), addr(2, "10.5.0.2/24")])
        async with harness(*all_controllers(platform)) as h:
            await h.create(config.config_source(generated("controlplane"), "/system/state/config.yaml"))
            stage = runtime.MachineStageSpec(runtime.MachineStage.BOOTING)
            await h.create(Resource.new(runtime.NAMESPACE, runtime.MACHINE_STAGE_TYPE, "machine", stage))

            stable = await h.assert_resource(network.HOSTNAME_STATUS_TYPE, network.HOSTNAME_ID)
            assert stable.spec.hostname.startswith("talos-") and stable.spec.hostname.count("-") == 2
            await h.assert_resource(
                k8s.NODENAME_TYPE, k8s.NODENAME_ID, lambda r: r.spec.nodename == stable.spec.hostname
            )
            await h.assert_resource(time.TIME_STATUS_TYPE, time.TIME_STATUS_ID, lambda r: r.spec.synced)
            spec = await h.assert_resource(etcd.ETCD_SPEC_TYPE, etcd.ETCD_SPEC_ID)
            assert spec.spec.advertised_addresses == (ipaddress.ip_address("10.5.0.2"),)
            await h.assert_resource(
                secrets.API_CERTIFICATES_TYPE, secrets.API_ID, lambda r: r.spec.client is not None
            )
            await h.assert_resource(cluster.MEMBER_TYPE, stable.spec.hostname)
            await h.assert_resource(cluster.AFFILIATE_TYPE, node_id(MACHINE_ID))

            res = await h.assert_resource(
                runtime.MACHINE_STATUS_TYPE, "machine", lambda r: len(r.spec.status.unmet_conditions) == 1
            )
            assert res.spec.status.unmet_conditions[0].name == "services"
            for svc in ("apid", "machined", "etcd", "trustd"):
                platform.events.publish(
                    ServiceStateEvent(svc, ServiceState.RUNNING, "", ServiceHealth(False, True, "", 0))
                )
            await h.assert_resource(runtime.MACHINE_STATUS_TYPE, "machine", lambda r: r.spec.status.ready)

            # the node loses its address: readiness and the default address follow
            platform.netlink.set_addresses([])
            res = await h.assert_resource(
                runtime.MACHINE_STATUS_TYPE, "machine", lambda r: not r.spec.status.ready
            )
            assert res.spec.status.unmet_conditions[0].reason == "waiting on: address"
            await h.assert_no_resource(network.NODE_ADDRESS_TYPE, "default")

    run(body())

"""cluster controllers: node identity, cluster info, local affiliate and members."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from pytalos.machined.controllers.cluster.identity import NodeIdentityController, base62, node_id
from pytalos.machined.controllers.cluster.info import InfoController
from pytalos.machined.controllers.cluster.local_affiliate import LocalAffiliateController
from pytalos.machined.controllers.cluster.member import MemberController
from pytalos.machined.resources import cluster, k8s
from pytalos.machined.runtime import Resource
from pytalos.machined.runtime.testing import run
from pytalos.machinery.config.loader import load

from .._helpers import (
    MACHINE_ID,
    failure_of,
    generated,
    harness,
    hostname,
    legacy,
    machine_config,
    machine_type,
    node_addresses,
)

pytestmark = pytest.mark.unit


def test_node_id_is_stable_and_talos_shaped() -> None:
    assert node_id(MACHINE_ID) == node_id(MACHINE_ID + "\n")
    assert node_id(MACHINE_ID) != node_id("f" * 32)
    assert len(node_id(MACHINE_ID)) in (42, 43)
    assert base62(b"\x00") == "0" and base62(b"\x3d") == "z"


def test_identity_from_machine_id_and_empty_id_error() -> None:
    async def body() -> None:
        async with harness(NodeIdentityController(MACHINE_ID)) as h:
            res = await h.assert_resource(cluster.IDENTITY_TYPE, "local")
            assert res.spec.to_yaml() == {"nodeId": node_id(MACHINE_ID)}
        async with harness(NodeIdentityController(" ")) as h:
            assert "empty machine id" in await failure_of(h, NodeIdentityController.name)

    run(body())


def test_info_from_generated_and_legacy_configs() -> None:
    async def body() -> None:
        async with harness(InfoController()) as h:
            cfg = machine_config(generated("controlplane"))
            await h.create(cfg)
            res = await h.assert_resource(cluster.INFO_TYPE, "current")
            ident = load(generated("controlplane")).get("DiscoveryIdentityConfig")
            assert res.spec == cluster.InfoSpec(cluster_id=ident.cluster_id, cluster_name="demo")  # type: ignore[union-attr]

            def old(r: Resource[Any]) -> None:
                r.spec = machine_config(legacy(extra="    id: abc=\n")).spec

            await h.modify(cfg.pointer, old)
            await h.assert_resource(
                cluster.INFO_TYPE, "current", lambda r: r.spec == cluster.InfoSpec("abc=", "demo")
            )
            await h.destroy(cfg.pointer)
            await h.assert_no_resource(cluster.INFO_TYPE, "current")

    run(body())


def test_local_affiliate_and_member() -> None:
    async def body() -> None:
        nid = node_id(MACHINE_ID)
        async with harness(
            NodeIdentityController(MACHINE_ID), LocalAffiliateController(), MemberController()
        ) as h:
            await h.create(machine_config(generated("controlplane")))  # discovery enabled
            await h.create(machine_type("controlplane"))
            await h.create(hostname("cp-1", "example.org"))
            await h.create(node_addresses("routed", "10.5.0.2/24"))
            res = await h.assert_resource(cluster.AFFILIATE_TYPE, nid)
            assert res.spec.to_yaml() == {
                "nodeId": nid,
                "addresses": ["10.5.0.2"],
                "hostname": "cp-1.example.org",
                "operatingSystem": "pytalos (v0.1.0)",
                "machineType": "controlplane",
            }
            await h.assert_no_resource(cluster.MEMBER_TYPE, "cp-1")  # no nodename yet
            nodename = k8s.NodenameSpec(nodename="cp-1")
            await h.create(Resource.new(k8s.NAMESPACE, k8s.NODENAME_TYPE, k8s.NODENAME_ID, nodename))
            member = await h.assert_resource(cluster.MEMBER_TYPE, "cp-1")
            assert member.spec == cluster.MemberSpec(
                nid,
                (ipaddress.ip_address("10.5.0.2"),),
                "cp-1.example.org",
                "controlplane",
                "pytalos (v0.1.0)",
            )

    run(body())


def test_no_affiliate_without_discovery() -> None:
    async def body() -> None:
        async with harness(NodeIdentityController(MACHINE_ID), LocalAffiliateController()) as h:
            await h.create(machine_config(legacy()))
            await h.create(hostname("cp-1"))
            await h.assert_resource(cluster.IDENTITY_TYPE, "local")
            await h.assert_no_resource(cluster.AFFILIATE_TYPE, node_id(MACHINE_ID))

    run(body())

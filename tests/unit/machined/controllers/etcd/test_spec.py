"""etcd.SpecController: EtcdSpec on control planes from hostname and routed addresses."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from pytalos.machined.controllers.etcd.spec import EtcdSpecController
from pytalos.machined.resources import etcd
from pytalos.machined.runtime import Resource
from pytalos.machined.runtime.testing import run

from .._helpers import failure_of, harness, hostname, legacy, machine_config, node_addresses

pytestmark = pytest.mark.unit

ES, ID = etcd.ETCD_SPEC_TYPE, etcd.ETCD_SPEC_ID
IP = ipaddress.ip_address


def test_control_plane_spec_and_worker_none() -> None:
    async def body() -> None:
        async with harness(EtcdSpecController()) as h:
            cfg = machine_config(
                legacy(
                    extra="    etcd:\n        image: gcr.io/etcd:v3.4\n"
                    "        extraArgs:\n            foo: bar\n"
                )
            )
            await h.create(cfg)
            await h.assert_no_resource(ES, ID)  # waits for hostname and addresses
            await h.create(hostname("cp-1", "example.org"))
            await h.create(node_addresses("routed", "10.5.0.2/24", "10.5.0.3/24"))
            res = await h.assert_resource(ES, ID)
            assert res.spec.to_yaml() == {
                "name": "cp-1",
                "advertisedAddresses": ["10.5.0.2"],
                "listenPeerAddresses": ["0.0.0.0"],
                "listenClientAddresses": ["0.0.0.0"],
                "image": "gcr.io/etcd:v3.4",
                "extraArgs": {"foo": "bar"},
            }

            def worker(r: Resource[Any]) -> None:
                r.spec = machine_config(legacy(machine_type="worker")).spec

            await h.modify(cfg.pointer, worker)
            await h.assert_no_resource(ES, ID)

    run(body())


def test_advertised_subnets_are_applied() -> None:
    async def body() -> None:
        extra = "    etcd:\n        advertisedSubnets:\n            - 10.5.0.0/24\n"
        async with harness(EtcdSpecController()) as h:
            await h.create(machine_config(legacy(extra=extra)))
            await h.create(hostname("cp-1"))
            await h.create(node_addresses("routed", "192.168.0.2/24", "10.5.0.3/24"))
            res = await h.assert_resource(ES, ID)
            assert res.spec.advertised_addresses == (IP("10.5.0.3"),)
            assert res.spec.listen_client_addresses == (IP("127.0.0.1"), IP("10.5.0.3"))

    run(body())


def test_no_matching_address_fails_with_reason() -> None:
    async def body() -> None:
        extra = "    etcd:\n        advertisedSubnets:\n            - 172.16.0.0/12\n"
        async with harness(EtcdSpecController()) as h:
            await h.create(machine_config(legacy(extra=extra)))
            await h.create(hostname("cp-1"))
            await h.create(node_addresses("routed", "10.5.0.3/24"))
            error = await failure_of(h, EtcdSpecController.name)
            assert "no node address (10.5.0.3) matches cluster.etcd.advertisedSubnets" in error
            await h.assert_no_resource(ES, ID)

    run(body())

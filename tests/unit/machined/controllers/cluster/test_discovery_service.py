"""``cluster.DiscoveryServiceController`` against the in-memory discovery service double: the local
affiliate goes out sealed with the cluster secret, other nodes come back as Affiliates and Members."""

from __future__ import annotations

import asyncio
import base64
import ipaddress
from collections.abc import Callable
from typing import Any

import pytest

from pytalos.api.gen.discovery.client import affiliate_pb2
from pytalos.discovery.crypto import decode_cluster_secret, open_sealed, seal
from pytalos.discovery.fake import StoreDialer
from pytalos.machined.controllers.cluster.discovery_service import (
    DiscoveryServiceController,
    affiliate_message,
    affiliate_spec,
    service_settings,
)
from pytalos.machined.controllers.cluster.identity import NodeIdentityController, node_id
from pytalos.machined.controllers.cluster.local_affiliate import LocalAffiliateController
from pytalos.machined.controllers.cluster.member import MemberController
from pytalos.machined.resources import cluster, k8s, runtime
from pytalos.machined.resources.config_view import ConfigView
from pytalos.machined.runtime import Resource
from pytalos.machined.runtime.testing import run
from pytalos.machinery.config.loader import load

from .._helpers import (
    MACHINE_ID,
    generated,
    harness,
    hostname,
    legacy,
    machine_config,
    machine_type,
    node_addresses,
)

pytestmark = pytest.mark.unit

SECRET = base64.b64encode(bytes(range(32))).decode()


def local_config() -> bytes:
    """The generated control plane config registering with a plain-HTTP service on the gateway."""
    return generated("controlplane").replace(b"https://discovery.talos.dev/", b"http://10.5.0.1:3000")


def identity_of(text: bytes) -> tuple[str, bytes]:
    doc: Any = load(text).get("DiscoveryIdentityConfig")
    return str(doc.cluster_id), decode_cluster_secret(doc.cluster_secret)


def worker_affiliate(key: bytes) -> bytes:
    message = affiliate_pb2.Affiliate(
        node_id="worker-node-id",
        addresses=[ipaddress.ip_address("10.5.0.3").packed, ipaddress.ip_address("fd00::3").packed],
        hostname="worker-1",
        nodename="worker-1",
        machine_type="worker",
        operating_system="Talos (v1.9.0)",
    )
    return seal(key, message.SerializeToString())


async def until(predicate: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)
    assert predicate(), what


def view(text: str | bytes) -> ConfigView:
    return ConfigView(load(text))


def test_settings_follow_talos_config_rules() -> None:
    settings = service_settings(view(local_config()))
    cluster_id, key = identity_of(local_config())
    assert settings is not None
    assert (settings.endpoint, settings.insecure, settings.cluster_id, settings.key) == (
        "10.5.0.1:3000",
        True,
        cluster_id,
        key,
    )
    default = service_settings(view(generated("worker")))
    assert default is not None and (default.endpoint, default.insecure) == ("discovery.talos.dev:443", False)
    base = f"    id: abc=\n    secret: {SECRET}\n    discovery:\n        enabled: true\n"
    legacy_default = service_settings(view(legacy(extra=base)))
    assert legacy_default is not None and legacy_default.endpoint == "discovery.talos.dev:443"
    assert legacy_default.cluster_id == "abc=" and legacy_default.key == bytes(range(32))
    registries = "        registries:\n            service:\n"
    assert (
        service_settings(view(legacy(extra=base + registries + "                disabled: true\n"))) is None
    )
    assert service_settings(view(legacy(extra=base.replace("true", "false")))) is None
    endpoint = registries + "                endpoint: http://10.5.0.1:3000\n"
    explicit = service_settings(view(legacy(extra=base + endpoint)))
    assert explicit is not None and (explicit.endpoint, explicit.insecure) == ("10.5.0.1:3000", True)
    with pytest.raises(ValueError, match="no cluster secret"):
        service_settings(view(legacy(extra=base.replace(f"    secret: {SECRET}\n", ""))))


def test_affiliate_message_round_trip() -> None:
    spec = cluster.AffiliateSpec(
        node_id="n",
        addresses=(ipaddress.ip_address("10.5.0.2"), ipaddress.ip_address("fd00::2")),
        hostname="cp-1",
        nodename="cp-1",
        operating_system="pytalos (v0.1.0)",
        machine_type="controlplane",
    )
    message = affiliate_message(spec)
    assert message.addresses == [bytes([10, 5, 0, 2]), ipaddress.ip_address("fd00::2").packed]
    assert affiliate_spec(message) == spec
    message.addresses.append(b"\x01\x02")  # not an address: skipped, as Talos does
    message.addresses.append(ipaddress.ip_address("fe80::1").packed + b"eth0")  # with a zone
    assert affiliate_spec(message).addresses == (*spec.addresses, ipaddress.ip_address("fe80::1"))


def test_publishes_local_and_discovers_the_others() -> None:
    async def body() -> None:
        dialer = StoreDialer()
        store = dialer.store
        cluster_id, key = identity_of(local_config())
        store.update(cluster_id, "worker-node-id", worker_affiliate(key), [], 600)
        store.update(cluster_id, "stranger", worker_affiliate(bytes(32)), [], 600)  # another secret: ignored
        nid = node_id(MACHINE_ID)
        async with harness(
            NodeIdentityController(MACHINE_ID),
            LocalAffiliateController(),
            DiscoveryServiceController(dialer),
            MemberController(),
        ) as h:
            cfg = machine_config(local_config())
            await h.create(cfg)
            await h.create(machine_type("controlplane"))
            await h.create(hostname("cp-1"))
            await h.create(node_addresses("routed", "10.5.0.2/24"))
            nodename = k8s.NodenameSpec(nodename="cp-1")
            await h.create(Resource.new(k8s.NAMESPACE, k8s.NODENAME_TYPE, k8s.NODENAME_ID, nodename))

            member = await h.assert_resource(cluster.MEMBER_TYPE, "worker-1")
            assert member.spec == cluster.MemberSpec(
                "worker-node-id",
                (ipaddress.ip_address("10.5.0.3"), ipaddress.ip_address("fd00::3")),
                "worker-1",
                "worker",
                "Talos (v1.9.0)",
            )
            await h.assert_resource(cluster.MEMBER_TYPE, "cp-1")
            await h.assert_no_resource(cluster.AFFILIATE_TYPE, "stranger")
            assert dialer.dialled[0] == ("10.5.0.1:3000", True)

            # the local affiliate reached the service, readable only with the cluster secret
            def local_sent() -> affiliate_pb2.Affiliate | None:
                entries = {a.id: a for a in store.list(cluster_id)}
                if nid not in entries:
                    return None
                sent: affiliate_pb2.Affiliate = affiliate_pb2.Affiliate.FromString(
                    open_sealed(key, entries[nid].data)
                )
                return sent

            await until(lambda: local_sent() is not None, "the local affiliate in the store")
            sent = local_sent()
            assert sent is not None and (sent.nodename, sent.machine_type) == ("cp-1", "controlplane")
            assert sent.addresses == [bytes([10, 5, 0, 2])]

            store.delete(cluster_id, "worker-node-id")
            await h.assert_no_resource(cluster.MEMBER_TYPE, "worker-1")
            await h.assert_no_resource(cluster.AFFILIATE_TYPE, "worker-node-id")

            store.update(cluster_id, "worker-node-id", worker_affiliate(key), [], 600)
            await h.assert_resource(cluster.MEMBER_TYPE, "worker-1")
            status = runtime.MachineStatusSpec(stage=runtime.MachineStage.RESETTING)
            await h.create(
                Resource.new(
                    runtime.NAMESPACE, runtime.MACHINE_STATUS_TYPE, runtime.MACHINE_STATUS_ID, status
                )
            )
            await until(lambda: local_sent() is None, "the local affiliate deleted while resetting")

            def no_discovery(r: Resource[Any]) -> None:
                r.spec = machine_config(legacy()).spec

            await h.modify(cfg.pointer, no_discovery)
            await h.assert_no_resource(cluster.AFFILIATE_TYPE, "worker-node-id")
            await h.assert_no_resource(cluster.MEMBER_TYPE, "worker-1")

    run(body())

"""``MachineService.GenerateConfiguration``: configs for new nodes carrying this cluster's secrets.

Served over real mTLS (``machine_server`` with the OS CA) for the roles and the happy path; the request
checks call :func:`generate_configuration` directly.
"""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime
from typing import Any

import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from pytalos.api.client import mtls_channel
from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.machined.server.apply import Applier
from pytalos.machined.server.certs import node_server_cert
from pytalos.machined.server.genconfig import INVALID_REQUEST, WORKER_ERROR, generate_configuration
from pytalos.machined.server.listener import machine_server
from pytalos.machined.server.machine import MachineApi
from pytalos.machinery.client.config import Config as TalosConfig
from pytalos.machinery.config.container import Container
from pytalos.machinery.config.loader import load
from pytalos.machinery.crypto.x509 import parse_certificate
from pytalos.machinery.secrets.bundle import SecretsBundle
from pytalos.machinery.secrets.ca import new_admin_certificate
from tests.unit.machined.node import _configs
from tests.unit.machined.server.test_apply import FakeRuntime
from tests.unit.machined.server.test_servers import FakeNode

pytestmark = pytest.mark.unit

TIMEOUT = 20.0
OVERRIDE = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
MC = machine_pb2.MachineConfig


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 60))


def request(machine_type: Any = MC.TYPE_WORKER, **machine: Any) -> Any:
    when = Timestamp()
    when.FromDatetime(OVERRIDE)
    return machine_pb2.GenerateConfigurationRequest(
        config_version="v1alpha1",
        cluster_config=machine_pb2.ClusterConfig(
            name="unit",
            control_plane=machine_pb2.ControlPlaneConfig(endpoint="https://10.5.0.9:6443"),
            cluster_network=machine_pb2.ClusterNetworkConfig(dns_domain="corp.local"),
        ),
        machine_config=MC(type=machine_type, kubernetes_version="1.33.1", **machine),
        override_time=when,
    )


def node_bundle() -> SecretsBundle:
    return _configs._bundle()


def serve(active: Container, calls: list[tuple[str, Any]]) -> dict[str, Any]:
    """Call GenerateConfiguration as each (who, request) over mTLS; results or (status, message)."""
    bundle = node_bundle()
    assert bundle.certs is not None and bundle.certs.os is not None
    ca = bundle.certs.os
    certs = {"admin": new_admin_certificate(ca), "reader": new_admin_certificate(ca, roles=["os:reader"])}

    async def scenario() -> dict[str, Any]:
        api = MachineApi(FakeNode(), Applier(FakeRuntime(active)))
        server = machine_server(api, node_server_cert(ca, "cp-1", ["127.0.0.1"]), ca.crt, "127.0.0.1", 0)
        out: dict[str, Any] = {}
        async with server:
            for i, (who, req) in enumerate(calls):
                async with mtls_channel("127.0.0.1", ca.crt, certs[who], server.port) as channel:
                    stub = machine_grpc.MachineServiceStub(channel)
                    try:
                        out[f"{i}-{who}"] = await stub.GenerateConfiguration(req, timeout=TIMEOUT)
                    except GRPCError as err:
                        out[f"{i}-{who}"] = (err.status, err.message)
        return out

    result: dict[str, Any] = run(scenario())
    return result


def test_generated_configs_carry_the_nodes_secrets_over_mtls() -> None:
    network = machine_pb2.NetworkConfig(
        hostname="w-1",
        interfaces=[
            machine_pb2.NetworkDeviceConfig(
                interface="eth0",
                cidr="10.5.0.21/24",
                mtu=1450,
                routes=[machine_pb2.RouteConfig(network="0.0.0.0/0", gateway="10.5.0.1", metric=1024)],
            ),
            machine_pb2.NetworkDeviceConfig(
                interface="eth1", dhcp=True, dhcp_options=machine_pb2.DHCPOptionsConfig(route_metric=7)
            ),
        ],
    )
    install = machine_pb2.InstallConfig(install_disk="/dev/vda", install_image="ghcr.io/x/installer:v1")
    worker_req = request(MC.TYPE_WORKER, network_config=network, install_config=install)
    out = serve(
        _configs.config("controlplane"),
        [("admin", worker_req), ("admin", request(MC.TYPE_CONTROL_PLANE)), ("reader", worker_req)],
    )
    assert out["2-reader"] == (Status.PERMISSION_DENIED, "not authorized")
    bundle = node_bundle()
    assert bundle.certs and bundle.certs.os and bundle.certs.k8s and bundle.cluster and bundle.secrets

    # the worker config loads and validates, and carries the node's cluster secrets
    reply = out["0-admin"].messages[0]
    assert reply.metadata.hostname == "cp-1" and len(reply.data) == 1
    assert reply.data[0].startswith(b"version: v1alpha1 # Schema version of this document (v1alpha1).\n")
    worker = load(reply.data[0], "worker.yaml")
    worker.validate("metal")
    v1 = worker.v1alpha1()
    assert v1.machine_config.machine_type == "worker"
    assert (
        v1.machine_config.machine_ca.crt.data == bundle.certs.os.crt
        and not v1.machine_config.machine_ca.key.data
    )
    assert v1.machine_config.machine_token == bundle.trustd_info.token  # type: ignore[union-attr]
    assert v1.cluster_config.bootstrap_token == bundle.secrets.bootstrap_token
    assert worker.get("KubeAPIServerCAConfig").accepted_cas == [bundle.certs.k8s.crt.decode()]  # type: ignore[union-attr]
    identity = worker.get("DiscoveryIdentityConfig")
    assert (identity.cluster_id, identity.cluster_secret) == (bundle.cluster.id, bundle.cluster.secret)  # type: ignore[union-attr]
    # request options: cluster, Kubernetes version, install, network (hostname into HostnameConfig)
    assert worker.get("KubeClusterConfig").endpoint.text == "https://10.5.0.9:6443"  # type: ignore[union-attr]
    assert worker.get("KubeNetworkConfig").dns_domain == "corp.local"  # type: ignore[union-attr]
    assert worker.get("KubeletConfig").image.endswith(":v1.33.1")  # type: ignore[union-attr]
    assert b'disk.dev_path == "/dev/vda"' in reply.data[0] and b"ghcr.io/x/installer:v1" in reply.data[0]
    hostname = worker.get("HostnameConfig")
    assert (hostname.hostname, hostname.auto) == ("w-1", None)  # type: ignore[union-attr]
    eth0, eth1 = v1.machine_config.machine_network.network_interfaces
    assert (eth0.device_cidr, eth0.device_mtu, eth0.device_dhcp, eth0.device_ignore) == (
        "10.5.0.21/24",
        1450,
        False,
        False,
    )
    assert [(r.route_network, r.route_gateway, r.route_metric) for r in eth0.device_routes] == [
        ("0.0.0.0/0", "10.5.0.1", 1024)
    ]
    assert eth1.device_dhcp is True and eth1.device_dhcp_options.dhcp_route_metric == 7

    # a control-plane config holds every secret: the bundle read back is the node's, field for field
    cp = out["1-admin"].messages[0]
    _assert_same_bundle(SecretsBundle.from_controlplane_config(cp.data[0], "controlplane.yaml"), bundle)

    # talosconfig: the cluster's context, the endpoint's host, a client cert from the node's OS CA
    # dated by override_time
    tc = TalosConfig.from_yaml(reply.talosconfig)
    ctx = tc.contexts[tc.context]
    assert tc.context == "unit" and ctx.endpoints == ["10.5.0.9"]
    assert base64.b64decode(ctx.ca) == bundle.certs.os.crt
    client = parse_certificate(base64.b64decode(ctx.crt))
    assert client.not_valid_before_utc == OVERRIDE
    assert client.issuer == bundle.certs.os.certificate().subject


def _assert_same_bundle(got: SecretsBundle, want: SecretsBundle) -> None:
    assert (got.cluster, got.secrets, got.trustd_info, got.certs) == (
        want.cluster,
        want.secrets,
        want.trustd_info,
        want.certs,
    )


def test_a_worker_node_refuses() -> None:
    out = serve(_configs.config("worker"), [("admin", request())])
    assert out["0-admin"] == (Status.FAILED_PRECONDITION, WORKER_ERROR)


def _refusal(active: Container | None, req: Any) -> tuple[Status, str]:
    with pytest.raises(GRPCError) as err:
        generate_configuration(active, req, OVERRIDE)
    return err.value.status, str(err.value.message)


def test_request_checks() -> None:
    active = _configs.config("controlplane")
    no_cp = request()
    no_cp.cluster_config.ClearField("control_plane")
    assert _refusal(active, no_cp) == (Status.INVALID_ARGUMENT, INVALID_REQUEST)
    no_machine = request()
    no_machine.ClearField("machine_config")
    assert _refusal(active, no_machine) == (Status.INVALID_ARGUMENT, INVALID_REQUEST)
    other = request()
    other.config_version = "v1alpha2"
    assert _refusal(active, other) == (Status.INVALID_ARGUMENT, "unsupported config version v1alpha2")
    unknown = request(MC.TYPE_UNKNOWN)
    assert _refusal(active, unknown) == (
        Status.INVALID_ARGUMENT,
        "failed to determine config type to generate",
    )
    cni = request()
    cni.cluster_config.cluster_network.cni_config.name = "none"
    status, message = _refusal(active, cni)
    assert status is Status.INVALID_ARGUMENT and message.startswith("cluster_network.cni_config: CNI 'none'")


def test_custom_cni_and_a_node_without_config() -> None:
    req = request(MC.TYPE_CONTROL_PLANE)
    req.cluster_config.cluster_network.cni_config.name = "custom"
    req.cluster_config.cluster_network.cni_config.urls.append("https://example.org/cni.yaml")
    data, _ = generate_configuration(_configs.config("controlplane"), req, OVERRIDE)
    cp = load(data)
    assert cp.get("KubeExternalManifestConfig").url.text == "https://example.org/cni.yaml"  # type: ignore[union-attr]
    assert cp.get("KubeFlannelCNIConfig") is None
    # no active config (maintenance-like): fresh secrets, still a valid control-plane config
    fresh, _ = generate_configuration(None, req, OVERRIDE)
    generated = SecretsBundle.from_controlplane_config(fresh)
    assert generated.certs and generated.certs.os and generated.certs.os != node_bundle().certs.os  # type: ignore[union-attr]
    assert generated.certs.os.certificate().not_valid_before_utc == OVERRIDE


def test_missing_secrets_in_the_active_config_are_named() -> None:
    active = _configs.config("controlplane")
    aggregator = active.get("KubeAggregatorCAConfig")
    assert aggregator is not None
    active.remove(aggregator)
    status, message = _refusal(active, request())
    assert status is Status.FAILED_PRECONDITION
    assert message == "reading the cluster secrets: active machine config: cluster.aggregatorCA: missing"

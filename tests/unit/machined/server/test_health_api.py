"""``ClusterService.HealthCheck`` over machined's real mTLS server, the checks against a fake access:
progress lines streamed, the caller's roles handed to the access, a failing check ending the call with
``DeadlineExceeded`` naming it, discovery when no node is given."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from pytalos.api import authz
from pytalos.api.client import mtls_channel
from pytalos.api.gen.cluster import cluster_grpc, cluster_pb2
from pytalos.api.server import ApiServer, partial_service
from pytalos.api.tls import server_context
from pytalos.cluster.check import NodeAccess
from pytalos.cluster.check.access import ServiceStatus
from pytalos.cluster.check.fake import FakeNodeAccess
from pytalos.machined.server.certs import node_server_cert
from pytalos.machined.server.health import ClusterApi
from pytalos.machinery.secrets.ca import new_admin_certificate, new_talos_ca
from tests.unit.cluster.check._cluster import CP1, CP2, W1, healthy

pytestmark = pytest.mark.unit
TIMEOUT = 20.0


def _call(fake: FakeNodeAccess, request: cluster_pb2.HealthCheckRequest) -> dict[str, Any]:
    ca = new_talos_ca()
    reader = new_admin_certificate(ca, roles=["os:reader"])
    seen: dict[str, Any] = {"messages": []}

    async def make_access(roles: Sequence[str]) -> NodeAccess:
        seen["roles"] = list(roles)
        return fake

    async def scenario() -> None:
        handler = partial_service(cluster_grpc.ClusterServiceBase, ClusterApi(make_access))
        identity = node_server_cert(ca, "cp-1", ["127.0.0.1"])
        server = ApiServer([handler], server_context(identity, ca.crt), "127.0.0.1", 0)
        authz.install(server._server, authz.Mode.ENABLED, client_cas=[ca.crt])
        async with server, mtls_channel("127.0.0.1", ca.crt, reader, server.port) as channel:
            stub = cluster_grpc.ClusterServiceStub(channel)
            try:
                async with stub.HealthCheck.open(timeout=TIMEOUT) as stream:
                    await stream.send_message(request, end=True)
                    async for message in stream:
                        seen["messages"].append(message.message)
            except GRPCError as err:
                seen["error"] = (err.status, err.message)

    asyncio.run(asyncio.wait_for(scenario(), 30))
    return seen


def _request(cps: list[str], workers: list[str], timeout_s: float) -> cluster_pb2.HealthCheckRequest:
    request = cluster_pb2.HealthCheckRequest(
        cluster_info=cluster_pb2.ClusterInfo(control_plane_nodes=cps, worker_nodes=workers)
    )
    request.wait_timeout.FromNanoseconds(int(timeout_s * 1e9))
    return request


def test_streams_progress_with_the_callers_roles() -> None:
    fake = healthy()
    seen = _call(fake, _request([CP1, CP2], [W1], 10))
    assert "error" not in seen and seen["roles"] == ["os:reader"] and fake.closed
    messages = seen["messages"]
    assert messages[0] == f'discovered nodes: ["{CP1}" "{CP2}" "{W1}"]'
    assert messages[1:3] == ["waiting for etcd to be healthy: ...", "waiting for etcd to be healthy: OK"]
    assert messages[-1].startswith("waiting for all k8s nodes to report schedulable: SKIP (")


def test_failing_check_ends_with_deadline_exceeded_naming_it() -> None:
    fake = healthy()
    fake.services_by_node[CP1] = [ServiceStatus("etcd", "Failed", last_event="exit status 1")]
    seen = _call(fake, _request([CP1, CP2], [], 0.4))
    reason = f'{CP1}: service "etcd" not in expected state "Running": current state [Failed] exit status 1'
    assert seen["error"] == (Status.DEADLINE_EXCEEDED, f'check "etcd to be healthy" failed: {reason}')
    assert seen["messages"][-1] == f"waiting for etcd to be healthy: {reason}"


def test_discovers_nodes_when_none_given() -> None:
    fake = healthy()
    fake.etcd[""] = fake.etcd[CP1]
    seen = _call(fake, _request([], [], 10))
    assert "error" not in seen and seen["messages"][0] == f'discovered nodes: ["{CP1}" "{CP2}"]'
    fake = FakeNodeAccess()
    seen = _call(fake, _request([], [], 10))
    assert seen["error"][0] is Status.UNKNOWN
    assert seen["error"][1].startswith("error discovering nodes: discovering nodes found none")

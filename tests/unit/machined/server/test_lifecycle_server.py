# ruff: noqa: E501 -- the fake ctr script prints ctr's tables verbatim
"""The lifecycle/admin Machine API methods on their own: roles, Talos's refusals, the pieces they use.

Served over real mTLS (``machine_server``) where the wire matters -- Rollback/Upgrade, a worker's
GenerateClientConfiguration, COSI Watch access rules -- and called directly for the parsers and the
``ctr`` runner (a real subprocess: a fake ``ctr`` script standing in for containerd's CLI).
"""

from __future__ import annotations

import asyncio
import os
import stat
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.duration_pb2 import Duration
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from pytalos.api.client import mtls_channel
from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.api.gen.v1alpha1 import state_grpc, state_pb2
from pytalos.machined.runtime import Metadata, Resource, State
from pytalos.machined.runtime.events import EventType
from pytalos.machined.server.apply import Applier
from pytalos.machined.server.certs import node_server_cert
from pytalos.machined.server.clientconfig import TTL_ERROR, WORKER_ERROR, context_name, generate
from pytalos.machined.server.containers import ContainerRuntimeError, CtrCli, TaskInfo, parse_metrics
from pytalos.machined.server.cosi_watch import event_message
from pytalos.machined.server.lifecycle import labels_to_wipe
from pytalos.machined.server.listener import machine_server
from pytalos.machined.server.machine import MachineApi
from pytalos.machined.server.servicectl import control
from pytalos.machined.system.system import ServiceWaitError
from pytalos.machinery import role
from pytalos.machinery.secrets.ca import new_admin_certificate
from tests.unit.machined.node import _configs
from tests.unit.machined.server.test_apply import FakeRuntime
from tests.unit.machined.server.test_servers import FakeNode

pytestmark = pytest.mark.unit

TIMEOUT = 10.0


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 30))


def _ca() -> Any:
    bundle = _configs._bundle()
    assert bundle.certs is not None and bundle.certs.os is not None
    return bundle.certs.os


@pytest.mark.parametrize("kind", ["worker", "controlplane"])
def test_rollback_upgrade_and_worker_client_config_over_mtls(kind: str) -> None:
    ca = _ca()
    admin, reader = new_admin_certificate(ca), new_admin_certificate(ca, roles=["os:reader"])

    async def scenario() -> dict[str, Any]:
        api = MachineApi(FakeNode(), Applier(FakeRuntime(_configs.config(kind))))  # type: ignore[arg-type]
        server = machine_server(api, node_server_cert(ca, "cp-1", ["127.0.0.1"]), ca.crt, "127.0.0.1", 0)
        out: dict[str, Any] = {}
        ttl = Duration()
        ttl.FromTimedelta(timedelta(hours=1))
        async with server:
            for who, cert in (("admin", admin), ("reader", reader)):
                async with mtls_channel("127.0.0.1", ca.crt, cert, server.port) as channel:
                    stub = machine_grpc.MachineServiceStub(channel)
                    calls: list[tuple[str, Any, Any]] = [
                        ("rollback", stub.Rollback, machine_pb2.RollbackRequest()),
                        ("upgrade", stub.Upgrade, machine_pb2.UpgradeRequest()),
                        (
                            "config",
                            stub.GenerateClientConfiguration,
                            machine_pb2.GenerateClientConfigurationRequest(roles=["os:admin"], crt_ttl=ttl),
                        ),
                        ("shutdown", stub.Shutdown, machine_pb2.ShutdownRequest()),
                    ]
                    for name, method, request in calls:
                        try:
                            out[f"{who}-{name}"] = await method(request, timeout=TIMEOUT)
                        except GRPCError as err:
                            out[f"{who}-{name}"] = (err.status, err.message)
        return out

    out = run(scenario())
    assert (
        out["admin-rollback"][0] is Status.UNIMPLEMENTED and "disk/upgrade issue" in out["admin-rollback"][1]
    )
    assert out["admin-upgrade"][0] is Status.UNIMPLEMENTED and out["admin-upgrade"][1].startswith("upgrade ")
    for name in ("rollback", "upgrade", "config", "shutdown"):
        assert out[f"reader-{name}"] == (Status.PERMISSION_DENIED, "not authorized")
    # FakeNode has no shutdown hook: the method says what the node lacks
    assert out["admin-shutdown"] == (Status.UNIMPLEMENTED, "this node does not expose shutdown")
    if kind == "worker":
        assert out["admin-config"] == (Status.FAILED_PRECONDITION, WORKER_ERROR)
    else:
        reply = out["admin-config"].messages[0]
        assert reply.ca == ca.crt and reply.metadata.hostname == "cp-1" and b"admin@unit" in reply.talosconfig


def test_generate_refuses_a_non_positive_ttl_and_names_contexts() -> None:
    with pytest.raises(GRPCError) as err:
        generate(_configs.config(), ["os:reader"], timedelta(0))
    assert (err.value.status, err.value.message) == (Status.INVALID_ARGUMENT, TTL_ERROR)
    assert context_name("c", role.RoleSet(["os:operator"])) == "operator@c"
    assert context_name("c", role.RoleSet(["os:operator", "os:reader"])) == "c"
    _, client, talosconfig = generate(_configs.config(), ["os:reader", "os:custom"], timedelta(hours=2))
    assert talosconfig.startswith(b"context: unit\n")  # two roles: the cluster name alone
    assert client.crt and client.key


def test_labels_to_wipe_follows_the_request() -> None:
    spec = machine_pb2.ResetPartitionSpec
    req = machine_pb2.ResetRequest
    assert labels_to_wipe(req()) == {"STATE", "EPHEMERAL"}
    assert labels_to_wipe(req(mode=req.USER_DISKS)) == set()
    assert labels_to_wipe(req(system_partitions_to_wipe=[spec(label="META", wipe=True)])) == {"META"}
    assert labels_to_wipe(req(system_partitions_to_wipe=[spec(label="STATE", wipe=False)])) == set()
    with pytest.raises(GRPCError, match='label "EFI"'):
        labels_to_wipe(req(system_partitions_to_wipe=[spec(label="EFI", wipe=True)]))
    with pytest.raises(GRPCError, match="block devices"):
        labels_to_wipe(req(user_disks_to_wipe=["/dev/vdb"]))


def test_service_control_maps_a_stuck_stop_to_deadline_exceeded() -> None:
    async def stuck(service_id: str) -> None:
        raise ServiceWaitError("services still running 30s after stop: etcd is Stopping")

    with pytest.raises(GRPCError) as err:
        run(control(stuck, "etcd", "stop", "stopped"))
    assert err.value.status is Status.DEADLINE_EXCEEDED and err.value.message.startswith('service "etcd": ')


def test_parse_metrics_cgroup_v1_and_v2() -> None:
    v2 = parse_metrics('{"pids":{"current":3},"cpu":{"usage_usec":1500},"memory":{"usage":4096}}')
    assert (v2.memory_usage, v2.cpu_usage) == (4096, 1_500_000)
    v1 = parse_metrics('{"memory":{"usage":{"usage":2048}},"cpu":{"usage":{"total":77}}}')
    assert (v1.memory_usage, v1.cpu_usage) == (2048, 77)


FAKE_CTR = """#!/bin/sh
# a stand-in for containerd's ctr: records its arguments, answers like ctr 1.6 does
echo "$@" >> "$(dirname "$0")/calls"
case "$*" in
  *"containers ls"*) printf 'CONTAINER    IMAGE                 RUNTIME\\napid         ghcr.io/x/apid:v1     io.containerd.runc.v2\\norphan       -                     io.containerd.runc.v2\\n' ;;
  *"tasks ls"*) printf 'TASK    PID     STATUS\\napid    4242    RUNNING\\n' ;;
  *"tasks metrics"*) printf '{"cpu":{"usage_usec":10},"memory":{"usage":20}}' ;;
  *) echo "ctr: unknown command" >&2; exit 1 ;;
esac
"""


def test_ctr_cli_lists_tasks_and_metrics(tmp_path: Path) -> None:
    ctr = tmp_path / "ctr"
    ctr.write_text(FAKE_CTR)
    ctr.chmod(ctr.stat().st_mode | stat.S_IXUSR)
    socket = tmp_path / "containerd.sock"
    socket.touch()
    cli = CtrCli(str(ctr))
    assert run(cli.tasks(socket, "system")) == [TaskInfo("apid", "ghcr.io/x/apid:v1", 4242, "RUNNING")]
    metrics = run(cli.metrics(socket, "system", "apid"))
    assert (metrics.memory_usage, metrics.cpu_usage) == (20, 10_000)
    calls = (tmp_path / "calls").read_text().splitlines()
    assert calls[0] == f"--address {socket} --namespace system containers ls"
    with pytest.raises(ContainerRuntimeError, match="socket does not exist"):
        run(cli.tasks(tmp_path / "missing.sock", "system"))
    ctr.write_text("#!/bin/sh\necho 'ctr: connection refused' >&2\nexit 1\n")
    with pytest.raises(
        ContainerRuntimeError, match=f"containerd at {socket}: ctr containers ls: ctr: connection refused"
    ):
        run(cli.tasks(socket, "system"))
    with pytest.raises(ContainerRuntimeError, match="running /nonexistent/ctr"):
        run(CtrCli("/nonexistent/ctr").tasks(socket, "system"))
    assert os.path.exists(ctr)


def test_watch_event_of_a_missing_resource_has_only_metadata() -> None:
    tombstone = Resource(Metadata("cluster", "Members.cluster.talos.dev", "ghost"), None)
    reply = event_message(EventType.DESTROYED, tombstone)
    assert reply.event.event_type == state_pb2.DESTROYED
    assert reply.event.resource.metadata.id == "ghost" and reply.event.resource.spec.yaml_spec == ""


def test_cosi_watch_access_rules_and_meta_namespace() -> None:
    ca = _ca()
    reader = new_admin_certificate(ca, roles=["os:reader"])

    async def scenario() -> dict[str, Any]:
        from pytalos.machined.runtime import ControllerRuntime
        from tests.unit.cli._served import NodeResources, _populate

        state = State()
        await _populate(state, "cp-1")
        api = MachineApi(FakeNode(), Applier(FakeRuntime(_configs.config())))  # type: ignore[arg-type]
        resources = NodeResources(state, ControllerRuntime(state))
        server = machine_server(
            api, node_server_cert(ca, "cp-1", ["127.0.0.1"]), ca.crt, "127.0.0.1", 0, resources=resources
        )
        out: dict[str, Any] = {}
        async with server, mtls_channel("127.0.0.1", ca.crt, reader, server.port) as channel:
            stub = state_grpc.StateStub(channel)
            for name, request in (
                ("mc", state_pb2.WatchRequest(namespace="config", type="MachineConfigs.config.talos.dev")),
                ("ns", state_pb2.WatchRequest(namespace="nope", type="Members.cluster.talos.dev")),
            ):
                try:
                    async with stub.Watch.open(timeout=TIMEOUT) as stream:
                        await stream.send_message(request, end=True)
                        out[name] = [m async for m in stream]
                except GRPCError as err:
                    out[name] = (err.status, err.message)
            request = state_pb2.WatchRequest(
                namespace="meta",
                type="Namespaces.meta.cosi.dev",
                options=state_pb2.WatchOptions(bootstrap_contents=True),
            )
            async with stub.Watch.open(timeout=TIMEOUT) as stream:
                await stream.send_message(request, end=True)
                events = []
                async for reply in stream:
                    events.append(reply.event)
                    if reply.event.event_type == state_pb2.BOOTSTRAPPED:
                        break
                await stream.cancel()
            out["meta"] = events
        return out

    out = run(scenario())
    assert out["mc"] == (Status.PERMISSION_DENIED, "not authorized")
    assert out["ns"] == (Status.PERMISSION_DENIED, 'namespace "nope" is not supported')
    ids = [e.resource.metadata.id for e in out["meta"][:-1]]
    assert "cluster" in ids and "config" in ids and out["meta"][-1].event_type == state_pb2.BOOTSTRAPPED

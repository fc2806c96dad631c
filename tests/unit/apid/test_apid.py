"""apid end to end in one process: real TLS listeners, real forwarding between "nodes" on 127.0.0.1,
machined's Machine API behind each on its unix socket (authz ``METADATA_ONLY``)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from google.protobuf import empty_pb2
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.api.gen.v1alpha1 import state_grpc, state_pb2
from pytalos.machinery.secrets.ca import new_talos_ca

from ._cluster import Cluster

pytestmark = pytest.mark.unit
T = TypeVar("T")


def run(scenario: Callable[[Cluster], Awaitable[T]]) -> T:
    async def main() -> T:
        cluster = Cluster(new_talos_ca())
        try:
            return await asyncio.wait_for(scenario(cluster), 30)
        finally:
            await cluster.close()

    return asyncio.run(main())


async def _error(call: Awaitable[Any]) -> tuple[Status, str]:
    try:
        await call
    except GRPCError as err:
        return err.status, err.message or ""
    raise AssertionError("the call succeeded")


def test_local_one_to_one_and_fan_out_with_hostnames() -> None:
    async def scenario(cluster: Cluster) -> dict[str, Any]:
        a, b, c = [await cluster.add(n) for n in ("a", "b", "c")]
        stub = machine_grpc.MachineServiceStub(cluster.channel(a))
        out: dict[str, Any] = {}
        out["local"] = await stub.Version(empty_pb2.Empty())
        out["one"] = await stub.Version(empty_pb2.Empty(), metadata={"node": b.target})
        nodes = [("nodes", m.target) for m in (a, b, c)]
        out["many"] = await stub.Version(empty_pb2.Empty(), metadata=nodes)
        await cluster.stop(c)
        out["down"] = await stub.Version(empty_pb2.Empty(), metadata=nodes)
        out["targets"] = [m.target for m in (a, b, c)]
        return out

    out = run(scenario)
    assert [m.metadata.hostname for m in out["local"].messages] == ["a"]
    assert [m.metadata.hostname for m in out["one"].messages] == ["b"]  # one-to-one is transparent
    a, b, c = out["targets"]
    assert [m.metadata.hostname for m in out["many"].messages] == [a, b, c]
    assert all(m.version.tag.startswith("v") and not m.metadata.error for m in out["many"].messages)
    ok_a, ok_b, failed = out["down"].messages
    assert [ok_a.metadata.hostname, ok_b.metadata.hostname, failed.metadata.hostname] == [a, b, c]
    assert not ok_a.metadata.error and ok_a.version.tag
    assert failed.metadata.status.code == Status.UNAVAILABLE.value and "connection" in failed.metadata.error
    assert not failed.version.tag


def test_routing_errors_workers_and_roles() -> None:
    async def scenario(cluster: Cluster) -> dict[str, Any]:
        a, b = await cluster.add("a"), await cluster.add("b")
        worker = await cluster.add("w", forwarding=False)
        stub = machine_grpc.MachineServiceStub(cluster.channel(a))
        cosi = state_grpc.StateStub(cluster.channel(a))
        reader = machine_grpc.MachineServiceStub(cluster.channel(a, ["os:reader"]))
        on_worker = machine_grpc.MachineServiceStub(cluster.channel(worker))
        return {
            "cosi-many": await _error(
                cosi.Get(state_pb2.GetRequest(), metadata=[("nodes", a.target), ("nodes", b.target)])
            ),
            "two-node": await _error(
                stub.Version(empty_pb2.Empty(), metadata=[("node", "x"), ("node", "y")])
            ),
            "worker-forward": await _error(on_worker.Version(empty_pb2.Empty(), metadata={"node": b.target})),
            "worker-many": await _error(
                on_worker.Version(empty_pb2.Empty(), metadata=[("nodes", a.target), ("nodes", b.target)])
            ),
            "worker-self": await on_worker.Version(
                empty_pb2.Empty(), metadata={"node": f"w:{worker.target.split(':')[1]}"}
            ),
            "reader-reboot-remote": await _error(
                reader.Reboot(machine_pb2.RebootRequest(), metadata={"node": b.target})
            ),
            "spoofed-proxyfrom": await _error(
                reader.Reboot(
                    machine_pb2.RebootRequest(), metadata={"proxyfrom": "x", "talos-role": "os:admin"}
                )
            ),
            "reboots": (a.node.reboots, b.node.reboots),
        }

    out = run(scenario)
    assert out["cosi-many"] == (
        Status.INVALID_ARGUMENT,
        "one-2-many proxying is not supported for method /cosi.resource.State/Get",
    )
    assert out["two-node"] == (Status.INVALID_ARGUMENT, "node metadata must be single-valued")
    assert out["worker-forward"] == (Status.PERMISSION_DENIED, "no request forwarding")
    assert out["worker-many"] == (Status.PERMISSION_DENIED, "no request forwarding")
    assert out["worker-self"].messages[0].metadata.hostname == "w"
    assert out["reader-reboot-remote"] == (Status.PERMISSION_DENIED, "not authorized")
    assert out["spoofed-proxyfrom"] == (Status.PERMISSION_DENIED, "not authorized")
    assert out["reboots"] == ([], [])


def test_mutating_calls_are_audited_on_every_node_they_pass() -> None:
    async def scenario(cluster: Cluster) -> Any:
        a, b = await cluster.add("a"), await cluster.add("b")
        stub = machine_grpc.MachineServiceStub(cluster.channel(a))
        await stub.Version(empty_pb2.Empty(), metadata={"node": b.target})  # read-only: not logged
        reply = await stub.Reboot(machine_pb2.RebootRequest(), metadata=[("nodes", b.target)])
        reader = machine_grpc.MachineServiceStub(cluster.channel(a, ["os:reader"]))
        await _error(reader.Reboot(machine_pb2.RebootRequest()))
        await asyncio.sleep(0)
        logs = [[json.loads(line) for line in m.audit.read_text().splitlines()] for m in (a, b)]
        return a, b, reply, logs

    _, b, reply, (on_a, on_b) = run(scenario)
    assert [(r["method"], r["route"], r["targets"], r["code"], r["roles"]) for r in on_a] == [
        ("/machine.MachineService/Reboot", "many", [b.target], "OK", ["os:admin"]),
        ("/machine.MachineService/Reboot", "local", [], "PERMISSION_DENIED", ["os:reader"]),
    ]
    assert on_a[0]["results"] == {b.target: "OK"} and on_a[0]["caller"] == ""
    ((record,),) = [on_b]
    assert (record["caller"], record["proxyfrom"], record["roles"], record["code"]) == (
        "a",
        "a",
        ["os:admin"],
        "OK",
    )
    assert list(record)[:3] == ["time", "caller", "roles"] and record["time"].endswith("Z")
    assert b.node.reboots == [reply.messages[0].actor_id]

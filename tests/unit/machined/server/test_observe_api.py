# ruff: noqa: E501 -- /proc lines are kept verbatim
"""The read methods without a talosctl verb (Hostname, LoadAvg, SystemStat, CPUInfo, NetworkDeviceStats,
DiskStats), a node without logs/events, and roles, over machined's real mTLS server."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from google.protobuf import empty_pb2
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from pytalos.api.client import mtls_channel
from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.api.gen.time import time_grpc, time_pb2
from pytalos.api.server import ApiServer, partial_service
from pytalos.api.tls import server_context
from pytalos.machined.server.apply import Applier
from pytalos.machined.server.certs import node_server_cert
from pytalos.machined.server.listener import machine_server
from pytalos.machined.server.machine import MachineApi
from pytalos.machined.server.procfs import FakeProcFS
from pytalos.machined.server.timeapi import TimeApi, configured_servers
from pytalos.machinery.secrets.ca import new_admin_certificate, new_talos_ca
from tests.unit.machined.node import _configs
from tests.unit.machined.server.test_apply import FakeRuntime
from tests.unit.machined.server.test_servers import FakeNode

pytestmark = pytest.mark.unit
TIMEOUT = 10.0

CPUINFO = """processor	: 0
vendor_id	: GenuineIntel
cpu family	: 6
model		: 85
model name	: Intel(R) Xeon(R)
cpu MHz		: 2000.000
cache size	: 39424 KB
siblings	: 2
cpu cores	: 1
flags		: fpu vme sse
bogomips	: 4000.00

processor	: 1
vendor_id	: GenuineIntel
flags		: fpu
"""
NETDEV = """Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 100 2 0 0 0 0 0 0 100 2 0 0 0 0 0 0
  eth0: 5000 40 1 0 0 0 0 3 7000 50 0 2 0 0 0 0
"""
DISKSTATS = """   7       0 loop0 1 0 8 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   8       0 sda 10 2 80 5 20 4 160 9 0 12 14 0 0 0 0 0 0
"""


def _fs() -> FakeProcFS:
    return FakeProcFS(
        files={
            "loadavg": "0.21 0.60 0.64 1/81 12432\n",
            "stat": "cpu  100 0 50 1000 0 0 0 0 0 0\ncpu0 100 0 50 1000 0 0 0 0 0 0\nbtime 1700000000\n",
            "cpuinfo": CPUINFO,
            "net/dev": NETDEV,
            "diskstats": DISKSTATS,
        }
    )


class _Ntp:
    async def query(self, server: str) -> float:
        return 1_700_000_000.5


def test_read_methods_roles_and_missing_node_parts() -> None:
    ca = new_talos_ca()
    admin, reader = new_admin_certificate(ca), new_admin_certificate(ca, roles=["os:reader"])

    async def scenario() -> dict[str, Any]:
        api = MachineApi(FakeNode(), Applier(FakeRuntime(_configs.config())))
        api.procfs = _fs()
        identity = node_server_cert(ca, "cp-1", ["127.0.0.1"])
        out: dict[str, Any] = {}
        async with machine_server(api, identity, ca.crt, "127.0.0.1", 0) as server:
            async with mtls_channel("127.0.0.1", ca.crt, reader, server.port) as channel:
                stub = machine_grpc.MachineServiceStub(channel)
                empty = empty_pb2.Empty()
                out["hostname"] = await stub.Hostname(empty, timeout=TIMEOUT)
                out["load"] = await stub.LoadAvg(empty, timeout=TIMEOUT)
                out["stat"] = await stub.SystemStat(empty, timeout=TIMEOUT)
                out["cpu"] = await stub.CPUInfo(empty, timeout=TIMEOUT)
                out["net"] = await stub.NetworkDeviceStats(empty, timeout=TIMEOUT)
                out["disk"] = await stub.DiskStats(empty, timeout=TIMEOUT)
                for name, call in (
                    ("memory", lambda: stub.Memory(empty, timeout=TIMEOUT)),
                    ("read", lambda: stub.Read(machine_pb2.ReadRequest(path="/etc"), timeout=TIMEOUT)),
                ):
                    try:
                        await call()
                    except GRPCError as err:
                        out[name] = (err.status, err.message)
            async with mtls_channel("127.0.0.1", ca.crt, admin, server.port) as channel:
                stub = machine_grpc.MachineServiceStub(channel)
                for name, call in (
                    ("logs", lambda: stub.Logs(machine_pb2.LogsRequest(id="etcd"), timeout=TIMEOUT)),
                    ("events", lambda: stub.Events(machine_pb2.EventsRequest(), timeout=TIMEOUT)),
                    ("list", lambda: stub.List(machine_pb2.ListRequest(root="/"), timeout=TIMEOUT)),
                ):
                    try:
                        await call()
                    except GRPCError as err:
                        out[name] = (err.status, err.message)
        return out

    out = asyncio.run(asyncio.wait_for(scenario(), 30))
    assert out["hostname"].messages[0].hostname == "cp-1"
    load = out["load"].messages[0]
    assert (load.load1, load.load5, load.load15, load.metadata.hostname) == (0.21, 0.60, 0.64, "cp-1")
    stat = out["stat"].messages[0]
    assert stat.boot_time == 1700000000 and stat.cpu_total.user == 1.0 and stat.cpu[0].idle == 10.0
    cpus = out["cpu"].messages[0].cpu_info
    assert [c.processor for c in cpus] == [0, 1] and cpus[0].cpu_mhz == 2000.0 and cpus[0].model == "85"
    assert (
        list(cpus[0].flags) == ["fpu", "vme", "sse"]
        and cpus[0].bogo_mips == 4000.0
        and cpus[0].cpu_cores == 1
    )
    net = out["net"].messages[0]
    assert [d.name for d in net.devices] == ["lo", "eth0"] and net.devices[1].rx_errors == 1
    assert (net.total.rx_bytes, net.total.tx_dropped, net.devices[1].rx_multicast) == (5100, 2, 3)
    disk = out["disk"].messages[0]
    assert (
        disk.devices[1].name == "sda"
        and disk.devices[1].write_sectors == 160
        and disk.total.read_completed == 11
    )
    assert out["memory"][0] is Status.INTERNAL and "/proc/meminfo" in out["memory"][1]
    assert out["read"] == (Status.PERMISSION_DENIED, "not authorized")
    for name, what in (("logs", "service logs"), ("events", "its event bus"), ("list", "its files")):
        assert out[name] == (Status.UNIMPLEMENTED, f"this node does not expose {what}")


def test_time_uses_the_configured_server_and_the_node_clock() -> None:
    ca = new_talos_ca()
    admin = new_admin_certificate(ca)
    assert configured_servers(object()) == []

    async def scenario() -> time_pb2.TimeResponse:
        api = TimeApi(lambda: "cp-1", lambda: ["ntp.example"], _Ntp())
        identity = node_server_cert(ca, "cp-1", ["127.0.0.1"])
        server = ApiServer(
            [partial_service(time_grpc.TimeServiceBase, api)], server_context(identity, ca.crt)
        )
        async with server, mtls_channel("127.0.0.1", ca.crt, admin, server.port) as channel:
            return await time_grpc.TimeServiceStub(channel).Time(empty_pb2.Empty(), timeout=TIMEOUT)

    reply = asyncio.run(asyncio.wait_for(scenario(), 30)).messages[0]
    assert reply.server == "ntp.example" and reply.remotetime.seconds == 1_700_000_000
    assert reply.localtime.seconds > 1_700_000_000 and reply.metadata.hostname == "cp-1"

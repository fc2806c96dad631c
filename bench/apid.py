"""apid's cost: a Version round trip through apid vs a bare grpclib server, and fan-out width.

Everything runs in one event loop on 127.0.0.1 with the real TLS 1.3 + Ed25519 mTLS of the Machine
API. The baseline server answers Version itself (a grpclib server with machined's reply, no proxy);
through apid the same reply comes from a MachineService on a unix socket behind it (machined's
layout), so the ratio is the price of the extra hop (target ≤ 1.5x). Fan-out: one request with
``nodes`` = 10 in-process nodes (each its own apid + socket server) against ``nodes`` = 1 (target
≤ 3x: the per-node work runs concurrently, only the merge and the loop's shared CPU grow).
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from google.protobuf import empty_pb2
from grpclib.client import Channel
from grpclib.server import Server, Stream

from pytalos.api.gen.machine import machine_grpc
from pytalos.api.server import partial_service
from pytalos.api.tls import client_context, server_context
from pytalos.apid.server import Apid, ApidConfig
from pytalos.machined.server.convert import version_reply
from pytalos.machined.server.unix import UnixApiServer
from pytalos.machinery import role
from pytalos.machinery.crypto.x509 import CLIENT_AUTH, SERVER_AUTH, CertificateAndKey, issue_certificate
from pytalos.machinery.secrets.ca import new_admin_certificate, new_talos_ca

from .harness import Row

CALLS_PER_RUN = 40
FAN_OUT = 10


class VersionOnly:
    def __init__(self, hostname: str) -> None:
        self.reply = version_reply(hostname)

    async def Version(self, stream: Stream[Any, Any]) -> None:
        await stream.recv_message()
        await stream.send_message(self.reply)


def _servable(hostname: str) -> Any:
    return partial_service(machine_grpc.MachineServiceBase, VersionOnly(hostname))


class Node:
    def __init__(self, ca: CertificateAndKey, root: Path, name: str) -> None:
        self.socket = UnixApiServer([_servable(name)], root / name / "machine.sock")
        server = issue_certificate(
            ca, common_name=name, ip_addresses=["127.0.0.1"], ext_key_usage=[SERVER_AUTH]
        )
        client = issue_certificate(ca, organizations=[role.IMPERSONATOR], ext_key_usage=[CLIENT_AUTH])
        self.apid = Apid(
            ApidConfig(
                server=server,
                cas=[ca.crt],
                local_socket=self.socket.path,
                client=client,
                proxy_from=name,
                host="127.0.0.1",
                port=0,
            )
        )

    async def start(self) -> str:
        await self.socket.start()
        await self.apid.start()
        return f"127.0.0.1:{self.apid.port}"

    async def close(self) -> None:
        await self.apid.close()
        await self.socket.close()


async def _latencies(stub: machine_grpc.MachineServiceStub, n: int, metadata: Any = None) -> list[float]:
    await stub.Version(empty_pb2.Empty(), metadata=metadata)  # connect, warm up
    out = []
    for _ in range(n):
        start = time.perf_counter()
        await stub.Version(empty_pb2.Empty(), metadata=metadata)
        out.append(time.perf_counter() - start)
    return out


def _p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[98]


async def _measure(runs: int) -> list[Row]:
    ca = new_talos_ca()
    admin = new_admin_certificate(ca)
    root = Path(tempfile.mkdtemp(prefix="bench-apid-"))
    n = CALLS_PER_RUN * runs
    server_cert = issue_certificate(ca, ip_addresses=["127.0.0.1"], ext_key_usage=[SERVER_AUTH])
    bare = Server([_servable("bare")])
    nodes = [Node(ca, root, f"n{i}") for i in range(FAN_OUT)]
    channels: list[Channel] = []
    try:
        await bare.start("127.0.0.1", 0, ssl=server_context(server_cert, ca.crt))
        assert bare._server is not None
        bare_port = bare._server.sockets[0].getsockname()[1]
        targets = [await node.start() for node in nodes]

        def stub(port: int) -> machine_grpc.MachineServiceStub:
            channel = Channel("127.0.0.1", port, ssl=client_context(ca.crt, admin))
            channels.append(channel)
            return machine_grpc.MachineServiceStub(channel)

        baseline = await _latencies(stub(bare_port), n)
        via_apid = await _latencies(stub(nodes[0].apid.port), n)
        endpoint = stub(nodes[0].apid.port)
        one = await _latencies(endpoint, n // 4, [("nodes", targets[1])])
        many = await _latencies(endpoint, n // 4, [("nodes", t) for t in targets])
    finally:
        for channel in channels:
            channel.close()
        bare.close()
        await bare.wait_closed()
        for node in nodes:
            await node.close()
        shutil.rmtree(root, ignore_errors=True)
    med = statistics.median
    return [
        Row("Version via apid p50", med(via_apid), "bare grpclib server p50", med(baseline), "≤ 1.5x"),
        Row("Version via apid p99", _p99(via_apid), "bare grpclib server p99", _p99(baseline), "≤ 1.5x"),
        Row(f"apid fan-out to {FAN_OUT} nodes p50", med(many), "fan-out to 1 node p50", med(one), "≤ 3x"),
    ]


def apid_bench(runs: int) -> list[Row]:
    return asyncio.run(_measure(runs))


ALL = [apid_bench]

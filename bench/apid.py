"""apid's cost: a Version round trip through apid vs bare servers, and fan-out width.

On 127.0.0.1 with the real TLS 1.3 + Ed25519 mTLS of the Machine API. The grpclib baseline server
answers Version itself (machined's reply, no proxy); through apid the same reply comes from a
MachineService on a unix socket behind it (machined's layout), so the ratio is the price of the
extra hop (target ≤ 1.5x). The issue also asks for a bare **grpcio** baseline: grpcio cannot do
TLS handshakes with Ed25519 certificates (``docs``: environment.md), so that server and its grpcio
client use an ECDSA P-256 CA instead -- the row compares apid (Ed25519, grpclib) with grpcio's own
stack (ECDSA), which is what a Go-like gRPC server would cost here.

Fan-out: one request with ``nodes`` = 10 against ``nodes`` = 1 (target ≤ 3x). The in-process row
puts all 10 nodes (each its own apid + socket server) in the bench's event loop, so their work is
serialised on one core; the process row runs each node (apid + socket server) in its own process,
as real machined nodes are, with the client in the bench process (:func:`serve_node`).

Wall time on a shared 2-core machine moves with the load, so the process bench also reports CPU
seconds per call summed over every process (bench client, endpoint apid, the nodes; read from
``/proc/PID/schedstat``) and the endpoint apid's share: what a fan-out costs however it is scheduled.
With 10 nodes on 2 cores the wall time cannot drop below half the summed CPU.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
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
from pytalos.machinery.secrets.ca import new_admin_certificate, new_etcd_ca, new_talos_ca

from .harness import Row

REPO = Path(__file__).resolve().parent.parent

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


# --- nodes in their own processes ------------------------------------------------------------------


def serve_node() -> None:
    """Child process: ``python -c 'from bench.apid import serve_node; serve_node()' ROOT NAME``.

    Runs one node (socket server + apid) from the CA in ``ROOT/ca.{crt,key}``, prints its port, and
    stops when stdin closes (the bench closing it, or dying)."""
    root, name = Path(sys.argv[1]), sys.argv[2]
    ca = CertificateAndKey((root / "ca.crt").read_bytes(), (root / "ca.key").read_bytes())

    async def main() -> None:
        node = Node(ca, root, name)
        await node.start()
        print(node.apid.port, flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)
        await node.close()

    asyncio.run(main())


def _start_processes(
    ca: CertificateAndKey, root: Path, count: int
) -> tuple[list[subprocess.Popen[str]], list[str]]:
    (root / "ca.crt").write_bytes(ca.crt)
    (root / "ca.key").write_bytes(ca.key)
    env = {**os.environ, "PYTHONPATH": f"{REPO}:{REPO / 'src'}"}
    code = "from bench.apid import serve_node; serve_node()"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(root), f"p{i}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO,
        )
        for i in range(count)
    ]
    targets = []
    for i, proc in enumerate(procs):
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if not line.isdigit():
            raise RuntimeError(f"bench node p{i} did not start (exit {proc.poll()}, said {line!r})")
        targets.append(f"127.0.0.1:{line}")
    return procs, targets


def _stop_processes(procs: list[subprocess.Popen[str]]) -> None:
    for proc in procs:
        if proc.stdin is not None:
            proc.stdin.close()
    for proc in procs:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def _cpu_seconds(pid: int) -> float:
    """Seconds the main thread of ``pid`` has run on a CPU so far (``/proc/PID/schedstat``, nanoseconds;
    clock ticks in ``/proc/PID/stat`` are too coarse for a few dozen calls of milliseconds). A node's
    only other thread waits on stdin (:func:`serve_node`)."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


async def _cpu_per_call(
    stub: machine_grpc.MachineServiceStub, n: int, metadata: Any, procs: list[subprocess.Popen[str]]
) -> tuple[list[float], float, float]:
    """Latencies, and CPU seconds per call: of every process (bench included), of the endpoint."""

    def total() -> float:
        return time.process_time() + sum(_cpu_seconds(p.pid) for p in procs)

    start_all, start_endpoint = total(), _cpu_seconds(procs[0].pid)
    samples = await _latencies(stub, n, metadata)
    calls = n + 1  # _latencies warms up with one more call
    return samples, (total() - start_all) / calls, (_cpu_seconds(procs[0].pid) - start_endpoint) / calls


async def _measure_processes(runs: int) -> list[Row]:
    ca = new_talos_ca()
    admin = new_admin_certificate(ca)
    root = Path(tempfile.mkdtemp(prefix="bench-apidp-"))
    n = CALLS_PER_RUN * runs // 4
    procs, targets = await asyncio.to_thread(_start_processes, ca, root, FAN_OUT)
    channel = Channel("127.0.0.1", int(targets[0].rsplit(":", 1)[1]), ssl=client_context(ca.crt, admin))
    try:
        endpoint = machine_grpc.MachineServiceStub(channel)
        one, cpu_one, _ = await _cpu_per_call(endpoint, n, [("nodes", targets[1])], procs)
        many, cpu_many, cpu_endpoint = await _cpu_per_call(
            endpoint, n, [("nodes", t) for t in targets], procs
        )
    finally:
        channel.close()
        await asyncio.to_thread(_stop_processes, procs)
        shutil.rmtree(root, ignore_errors=True)
    med = statistics.median
    return [
        Row(
            f"apid fan-out to {FAN_OUT} node processes p50",
            med(many),
            "fan-out to 1 node process p50",
            med(one),
            "≤ 3x",
        ),
        Row(
            f"fan-out to {FAN_OUT} node processes: CPU per call, all processes",
            cpu_many,
            "fan-out to 1 node process: CPU per call",
            cpu_one,
            "(where the time goes)",
        ),
        Row(
            f"fan-out to {FAN_OUT} node processes: CPU per call, endpoint apid",
            cpu_endpoint,
            "all processes",
            cpu_many,
            "(where the time goes)",
        ),
    ]


# --- grpcio baseline (ECDSA: grpcio cannot handshake with Ed25519) ----------------------------------


async def _grpcio_latencies(n: int) -> list[float]:
    import grpc

    from pytalos.api.gen.machine import machine_pb2

    ca = new_etcd_ca()  # an ECDSA P-256 CA
    server_cert = issue_certificate(ca, ip_addresses=["127.0.0.1"], ext_key_usage=[SERVER_AUTH])
    client_cert = issue_certificate(ca, organizations=[role.ADMIN], ext_key_usage=[CLIENT_AUTH])
    reply = version_reply("grpcio")

    async def version(request: empty_pb2.Empty, context: Any) -> Any:
        return reply

    handler = grpc.method_handlers_generic_handler(
        "machine.MachineService",
        {
            "Version": grpc.unary_unary_rpc_method_handler(
                version,
                request_deserializer=empty_pb2.Empty.FromString,
                response_serializer=machine_pb2.VersionResponse.SerializeToString,
            )
        },
    )
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((handler,))
    creds = grpc.ssl_server_credentials(
        [(server_cert.key, server_cert.crt)], root_certificates=ca.crt, require_client_auth=True
    )
    port = server.add_secure_port("127.0.0.1:0", creds)
    await server.start()
    channel = grpc.aio.secure_channel(
        f"127.0.0.1:{port}",
        grpc.ssl_channel_credentials(ca.crt, client_cert.key, client_cert.crt),
    )
    try:
        call = channel.unary_unary(
            "/machine.MachineService/Version",
            request_serializer=empty_pb2.Empty.SerializeToString,
            response_deserializer=machine_pb2.VersionResponse.FromString,
        )
        await call(empty_pb2.Empty())
        out = []
        for _ in range(n):
            start = time.perf_counter()
            await call(empty_pb2.Empty())
            out.append(time.perf_counter() - start)
        return out
    finally:
        await channel.close()
        await server.stop(None)


async def _measure_grpcio(runs: int) -> list[Row]:
    ca = new_talos_ca()
    admin = new_admin_certificate(ca)
    root = Path(tempfile.mkdtemp(prefix="bench-apidg-"))
    n = CALLS_PER_RUN * runs
    node = Node(ca, root, "g0")
    try:
        await node.start()
        channel = Channel("127.0.0.1", node.apid.port, ssl=client_context(ca.crt, admin))
        try:
            via_apid = await _latencies(machine_grpc.MachineServiceStub(channel), n)
        finally:
            channel.close()
    finally:
        await node.close()
        shutil.rmtree(root, ignore_errors=True)
    baseline = await _grpcio_latencies(n)
    return [
        Row(
            "Version via apid p50 (Ed25519)",
            statistics.median(via_apid),
            "bare grpcio server p50 (ECDSA: no Ed25519 in grpcio)",
            statistics.median(baseline),
            "≤ 1.5x",
        )
    ]


def apid_bench(runs: int) -> list[Row]:
    return asyncio.run(_measure(runs))


def apid_process_bench(runs: int) -> list[Row]:
    return asyncio.run(_measure_processes(runs))


def apid_grpcio_bench(runs: int) -> list[Row]:
    return asyncio.run(_measure_grpcio(runs))


ALL = [apid_bench, apid_process_bench, apid_grpcio_bench]

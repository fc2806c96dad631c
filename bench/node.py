"""Benchmarks of a node process (issue: node): start to Running and machined's memory.

* **start → Running** of a worker node (no etcd): ``python -m pytalos.machined`` with a worker config
  already on STATE, until its Machine API lists every service up (containerd healthy, machined's API
  serving, kubelet skipped). Target ≤ 2 s; baseline: ``python -c pass`` (interpreter start).
* **machined RSS** once Running (its own process, not containerd). Target ≤ 60 MB; baseline: the RSS
  of an idle ``python -c`` interpreter measured the same way.

Needs root and Debian's containerd (the node runs the real one); without them the rows are skipped
with a message on stderr.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from google.protobuf import empty_pb2
from grpclib.client import Channel

from pytalos.api.gen.machine import machine_grpc
from pytalos.api.tls import client_context
from pytalos.machinery.config.generate import Input, generate
from pytalos.machinery.secrets.ca import new_admin_certificate

from .harness import MEGABYTES, Row, median_command_time

START_TARGET = "≤ 2 s"
RSS_TARGET = "≤ 60 MB"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024.0
    raise RuntimeError(f"no VmRSS for pid {pid}")


def _client_ssl(inp: Input) -> ssl.SSLContext:
    certs = inp.bundle.certs
    assert certs is not None and certs.os is not None
    os_ca = certs.os
    ctx = client_context(os_ca.crt, new_admin_certificate(os_ca))
    ctx.check_hostname = False  # a worker serves a self-signed certificate until trustd exists
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


async def _wait_running(
    port: int, ctx: ssl.SSLContext, proc: subprocess.Popen[bytes], timeout: float = 30
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"machined exited with {proc.returncode} before Running")
        channel = Channel("127.0.0.1", port, ssl=ctx)
        try:
            reply = await machine_grpc.MachineServiceStub(channel).ServiceList(empty_pb2.Empty(), timeout=2)
            states = {s.id: s.state for s in reply.messages[0].services}
            if states == {"containerd": "Running", "machined": "Running", "kubelet": "Skipped"}:
                return
        except Exception:
            pass
        finally:
            channel.close()
        if time.monotonic() > deadline:
            raise RuntimeError(f"worker node not Running within {timeout}s")
        await asyncio.sleep(0.01)


def _one_start(config: bytes, ctx: ssl.SSLContext) -> tuple[float, float]:
    root = Path(tempfile.mkdtemp(prefix="ptb-", dir="/tmp"))
    state = root / "system" / "state"
    state.mkdir(parents=True)
    (state / "config.yaml").write_bytes(config)
    port = _free_port()
    argv = [sys.executable, "-m", "pytalos.machined", "--root", str(root), "--api-host", "127.0.0.1"]
    argv += ["--api-port", str(port)]  # hostname and addresses: the node's network resources
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        asyncio.run(_wait_running(port, ctx, proc))
        elapsed = time.perf_counter() - started
        rss = _rss(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(root, ignore_errors=True)
    return elapsed, rss


def _idle_python_rss() -> float:
    proc = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        time.sleep(0.3)
        return _rss(proc.pid)
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait()


def bench_node(runs: int) -> list[Row]:
    if os.geteuid() != 0 or shutil.which("containerd") is None:
        print("bench.node: skipped (needs root and containerd)", file=sys.stderr)
        return []
    runs = max(1, min(runs, 5))  # each run starts a real node
    inp = Input(cluster_name="bench", endpoint="https://127.0.0.1:6443")
    config = generate(inp, "worker").bytes()
    ctx = _client_ssl(inp)
    samples = [_one_start(config, ctx) for _ in range(runs)]
    start = statistics.median(s[0] for s in samples)
    rss = statistics.median(s[1] for s in samples)
    python_start = median_command_time([sys.executable, "-c", "pass"], runs)
    idle_rss = _idle_python_rss()
    return [
        Row("node start → Running (worker, no etcd)", start, "python -c pass", python_start, START_TARGET),
        Row("machined RSS when Running", rss / 1e6, "idle python RSS", idle_rss / 1e6, RSS_TARGET, MEGABYTES),
    ]


ALL = [bench_node]

"""Helpers for node-tier tests of machined as a process: a node in a fresh netns, API clients, waits."""

from __future__ import annotations

import asyncio
import random
import shutil
import ssl
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from google.protobuf import empty_pb2
from grpclib.client import Channel

from pytalos.api.client import mtls_channel
from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.machined.launcher import NodeProcess
from pytalos.machined.netns import NetnsSpec
from pytalos.machinery.config.container import Container
from pytalos.machinery.config.generate import Input, generate
from pytalos.machinery.crypto.x509 import CertificateAndKey
from pytalos.machinery.secrets.ca import new_admin_certificate

from . import _daemons

T = TypeVar("T")
CALL_TIMEOUT = 10.0


@dataclass
class Node:
    proc: NodeProcess
    address: str

    @property
    def root(self) -> Path:
        return self.proc.root

    def log(self) -> str:
        text = self.proc.log_path.read_text(errors="replace") if self.proc.log_path.exists() else ""
        return text[-6000:]


def new_node(tag: str) -> Node:
    """A node root under /tmp (short: containerd's socket path limit) and a fresh /30 on a veth pair."""
    _daemons.require_root_and("ip", "nsenter", "containerd", "etcd", "ctr")
    root = Path(tempfile.mkdtemp(prefix=f"ptn{tag}-", dir="/tmp")) / "node"
    octet = random.randint(0, 255)
    spec = NetnsSpec(
        f"pytalos-{root.parent.name}", node_ip=f"10.213.{octet}.2/30", host_ip=f"10.213.{octet}.1/30"
    )
    proc = NodeProcess(root, spec, extra_args=["--rollback-timeout", "120"])
    assert spec.node_address is not None
    return Node(proc, spec.node_address)


def remove_node(node: Node) -> None:
    node.proc.cleanup()
    shutil.rmtree(node.root.parent, ignore_errors=True)


def controlplane_config(endpoint_ip: str) -> Container:
    return generate(Input(cluster_name="lifecycle", endpoint=f"https://{endpoint_ip}:6443"), "controlplane")


def os_ca(config: Container) -> CertificateAndKey:
    ca = config.v1alpha1().machine_config.machine_ca
    return CertificateAndKey(ca.crt.data, ca.key.data)


def insecure_channel(host: str, port: int = 50000) -> Channel:
    """talosctl --insecure: TLS without verifying the server and without a client certificate."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.set_alpn_protocols(["h2"])
    return Channel(host, port, ssl=ctx)


async def until(what: str, probe: Callable[[], Awaitable[T]], timeout: float, node: Node | None = None) -> T:
    """Retry ``probe`` until it returns without raising; fail with the last error and the node log."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            return await probe()
        except Exception as err:
            if loop.time() > deadline:
                log = f"\n--- machined log ---\n{node.log()}" if node is not None else ""
                raise AssertionError(f"{what}: not within {timeout:g}s, last error: {err!r}{log}") from err
            await asyncio.sleep(0.2)


async def maintenance_version_error(node: Node) -> str:
    """Call Version over the maintenance API and return the gRPC error (Talos answers Unimplemented)."""
    from grpclib.exceptions import GRPCError

    channel = insecure_channel(node.address)
    try:
        await machine_grpc.MachineServiceStub(channel).Version(empty_pb2.Empty(), timeout=CALL_TIMEOUT)
    except GRPCError as err:
        return f"{err.status.name}: {err.message}"
    finally:
        channel.close()
    raise AssertionError("maintenance Version answered without an error")


async def apply_insecure(node: Node, data: bytes) -> machine_pb2.ApplyConfigurationResponse:
    channel = insecure_channel(node.address)
    try:
        request = machine_pb2.ApplyConfigurationRequest(
            data=data, mode=machine_pb2.ApplyConfigurationRequest.AUTO
        )
        return await machine_grpc.MachineServiceStub(channel).ApplyConfiguration(
            request, timeout=CALL_TIMEOUT
        )
    finally:
        channel.close()


async def services(node: Node, ca: CertificateAndKey) -> dict[str, machine_pb2.ServiceInfo]:
    admin = new_admin_certificate(ca)
    async with mtls_channel(node.address, ca.crt, admin) as channel:
        reply = await machine_grpc.MachineServiceStub(channel).ServiceList(
            empty_pb2.Empty(), timeout=CALL_TIMEOUT
        )
    return {s.id: s for s in reply.messages[0].services}


async def version_hostname(node: Node, ca: CertificateAndKey) -> str:
    """The hostname in a normal-mode Version reply's metadata (mTLS, the server's IP SAN verified)."""
    admin = new_admin_certificate(ca)
    async with mtls_channel(node.address, ca.crt, admin) as channel:
        reply = await machine_grpc.MachineServiceStub(channel).Version(
            empty_pb2.Empty(), timeout=CALL_TIMEOUT
        )
    return str(reply.messages[0].metadata.hostname)


async def reboot(node: Node, ca: CertificateAndKey) -> str:
    admin = new_admin_certificate(ca)
    async with mtls_channel(node.address, ca.crt, admin) as channel:
        reply = await machine_grpc.MachineServiceStub(channel).Reboot(
            machine_pb2.RebootRequest(), timeout=CALL_TIMEOUT
        )
    return str(reply.messages[0].actor_id)


async def bootstrap(node: Node, ca: CertificateAndKey, timeout: float = 60) -> machine_pb2.BootstrapResponse:
    """``Bootstrap`` (what ``talosctl bootstrap`` sends) over mTLS; retried only while the API is not up
    yet or answers "bootstrap is not available yet", any other refusal fails at once."""
    from grpclib.const import Status
    from grpclib.exceptions import GRPCError

    admin = new_admin_certificate(ca)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            async with mtls_channel(node.address, ca.crt, admin) as channel:
                return await machine_grpc.MachineServiceStub(channel).Bootstrap(
                    machine_pb2.BootstrapRequest(), timeout=CALL_TIMEOUT
                )
        except GRPCError as err:
            if err.status is not Status.FAILED_PRECONDITION and err.status is not Status.UNAVAILABLE:
                raise AssertionError(f"Bootstrap refused: {err.status.name}: {err.message}") from None
            last: Exception = err
        except OSError as err:
            last = err
        if loop.time() > deadline:
            raise AssertionError(f"Bootstrap not accepted within {timeout:g}s: {last!r}\n{node.log()}")
        await asyncio.sleep(0.3)


def etcd_pids(node: Node) -> list[int]:
    from pytalos.machined import netns

    assert node.proc.spec is not None
    found = []
    for pid in netns.pids_in(node.proc.spec.name):
        try:
            argv0 = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]
        except OSError:
            continue
        if argv0.endswith(b"etcd"):
            found.append(pid)
    return found

"""apid between real nodes: three machined processes in network namespaces on one bridge.

Three control planes (configs from one secrets bundle; control planes, because only they have apid
certificates from the OS CA until trustd exists) and a worker on the same bridge. One request to the
first control plane with ``nodes`` metadata gets three Version answers, each with its node's
hostname; talosctl through that endpoint reaches each node; with one node stopped, two answers and
one error entry; the worker (no client certificate) used as endpoint cannot forward. Everything is
removed afterwards.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.protobuf import empty_pb2
from grpclib.client import Channel
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from pytalos.api.client import mtls_channel
from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.api.tls import client_context
from pytalos.machined import netns
from pytalos.machined.launcher import NodeProcess, processes_naming
from pytalos.machined.netns import NetnsSpec, run_ip
from pytalos.machinery.client.config import Config
from pytalos.machinery.config.container import Container
from pytalos.machinery.config.generate import Input, generate
from pytalos.machinery.crypto.x509 import CertificateAndKey
from pytalos.machinery.secrets.ca import new_admin_certificate
from tests.node.machined import _daemons, _node
from tests.node.machined._node import Node

pytestmark = pytest.mark.node
TALOSCTL = [sys.executable, "-c", "from pytalos.cli.main import main; main()"]


@dataclasses.dataclass
class Bridge:
    name: str
    prefix: str  # "10.214.N."
    nodes: list[Node] = dataclasses.field(default_factory=list)

    def add_node(self, index: int) -> Node:
        root = Path(tempfile.mkdtemp(prefix=f"ptnapid{index}-", dir="/tmp")) / "node"
        spec = NetnsSpec(f"pytalos-{root.parent.name}")
        proc = NodeProcess(root, spec, extra_args=["--rollback-timeout", "120"])
        node = Node(proc, f"{self.prefix}{10 + index}")
        self.nodes.append(node)
        proc.create_netns()
        host_if = "pa" + spec.host_if[2:]
        run_ip("link", "add", host_if, "type", "veth", "peer", "name", "eth0", "netns", spec.name)
        run_ip("link", "set", host_if, "master", self.name)
        run_ip("link", "set", host_if, "up")
        run_ip("-n", spec.name, "addr", "add", f"{node.address}/24", "dev", "eth0")
        run_ip("-n", spec.name, "link", "set", "eth0", "up")
        run_ip("-n", spec.name, "route", "add", "default", "via", f"{self.prefix}1")
        proc.start()
        return node


@pytest.fixture
def bridge() -> Iterator[Bridge]:
    _daemons.require_root_and("ip", "nsenter", "containerd", "etcd", "ctr")
    tag = os.urandom(3).hex()
    created = Bridge(f"ptbr{tag}", f"10.214.{int(tag[:2], 16)}.")
    run_ip("link", "add", created.name, "type", "bridge")
    try:
        run_ip("addr", "add", f"{created.prefix}1/24", "dev", created.name)
        run_ip("link", "set", created.name, "up")
        yield created
    finally:
        for node in created.nodes:
            spec = node.proc.spec
            _node.remove_node(node)
            assert spec is not None and not netns.exists(spec.name), "network namespace left behind"
            assert not processes_naming(node.root), "processes left behind"
        run_ip("link", "del", created.name, check=False)
        assert subprocess.run(["ip", "link", "show", created.name], capture_output=True).returncode != 0
        for node in created.nodes:
            shutil.rmtree(node.root.parent, ignore_errors=True)


def configs(endpoint: str) -> tuple[Container, Container]:
    bundle = Input(cluster_name="apid", endpoint=f"https://{endpoint}:6443").bundle
    inp = Input(cluster_name="apid", endpoint=f"https://{endpoint}:6443", secrets_bundle=bundle)
    return generate(inp, "controlplane"), generate(inp, "worker")


async def version_fan_out(
    endpoint: str, ca: CertificateAndKey, nodes: list[str]
) -> machine_pb2.VersionResponse:
    admin = new_admin_certificate(ca)
    async with mtls_channel(endpoint, ca.crt, admin) as channel:
        return await machine_grpc.MachineServiceStub(channel).Version(
            empty_pb2.Empty(), metadata=[("nodes", n) for n in nodes], timeout=20
        )


async def forward_from_worker(worker: str, ca: CertificateAndKey, node: str) -> tuple[Status, str]:
    """The worker's apid presents a self-signed certificate (no trustd yet): not verified here, but
    our admin certificate is, by the worker."""
    ctx = client_context(ca.crt, new_admin_certificate(ca))
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    channel = Channel(worker, 50000, ssl=ctx)
    try:
        await machine_grpc.MachineServiceStub(channel).Version(
            empty_pb2.Empty(), metadata={"node": node}, timeout=20
        )
    except GRPCError as err:
        return err.status, err.message or ""
    finally:
        channel.close()
    raise AssertionError("the worker forwarded the request")


def test_fan_out_through_one_endpoint(bridge: Bridge, tmp_path: Path) -> None:
    cp_node, cp2, cp3, worker = (bridge.add_node(i) for i in range(4))
    cp, worker_config = configs(cp_node.address)
    ca = _node.os_ca(cp)
    for node, config in ((cp_node, cp), (cp2, cp), (cp3, cp), (worker, worker_config)):
        asyncio.run(
            _node.until("maintenance API", lambda n=node: _node.maintenance_version_error(n), 60, node)
        )
        asyncio.run(_node.apply_insecure(node, config.bytes()))
    nodes = [cp_node.address, cp2.address, cp3.address]

    async def all_answer() -> machine_pb2.VersionResponse:
        reply = await version_fan_out(cp_node.address, ca, nodes)
        assert [m.metadata.error for m in reply.messages] == ["", "", ""], reply
        return reply

    reply = asyncio.run(_node.until("three nodes answer through the endpoint", all_answer, 120, cp_node))
    assert [m.metadata.hostname for m in reply.messages] == nodes
    assert all(m.version.tag.startswith("v") for m in reply.messages)

    # talosctl through the endpoint, one request per node with `node` metadata
    talosconfig = tmp_path / "talosconfig"
    cfg = Config.new("apid", [cp_node.address], ca.crt, new_admin_certificate(ca))
    cfg.save(str(talosconfig))
    out = subprocess.run(
        [*TALOSCTL, "--talosconfig", str(talosconfig), "version", "-n", ",".join(nodes)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert [line.split()[-1] for line in out.stdout.splitlines() if "NODE:" in line] == nodes

    # a worker as endpoint cannot route to another node
    async def worker_refuses() -> tuple[Status, str]:
        return await forward_from_worker(worker.address, ca, cp_node.address)

    assert asyncio.run(_node.until("the worker's apid", worker_refuses, 120, worker)) == (
        Status.PERMISSION_DENIED,
        "no request forwarding",
    )

    # one node down: two answers and one error entry
    cp3.proc.stop()
    reply = asyncio.run(version_fan_out(cp_node.address, ca, nodes))
    assert [m.metadata.hostname for m in reply.messages] == nodes
    assert [bool(m.metadata.error) for m in reply.messages] == [False, False, True]
    assert reply.messages[2].metadata.status.code == Status.UNAVAILABLE.value

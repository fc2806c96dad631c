"""apid between real nodes: three machined processes in network namespaces on one bridge.

Three control planes (configs from one secrets bundle) and a worker on the same bridge (the bridge
helper is :mod:`tests.node._bridge`). One request to the
first control plane with ``nodes`` metadata gets three Version answers, each with its node's
hostname; talosctl through that endpoint reaches each node; with one node stopped, two answers and
one error entry; the worker (no client certificate) used as endpoint cannot forward, and the server
certificate it presents -- signed by trustd on the first control plane -- verifies against the OS CA.
Everything is removed afterwards.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from google.protobuf import empty_pb2
from grpclib.client import Channel
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from pytalos.api.client import mtls_channel
from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.api.tls import client_context
from pytalos.machinery.client.config import Config
from pytalos.machinery.config.container import Container
from pytalos.machinery.crypto.x509 import CertificateAndKey
from pytalos.machinery.secrets.ca import new_admin_certificate
from tests.node._bridge import Bridge, cluster_configs, new_bridge
from tests.node.machined import _node

pytestmark = pytest.mark.node
TALOSCTL = [sys.executable, "-c", "from pytalos.cli.main import main; main()"]


@pytest.fixture
def bridge() -> Iterator[Bridge]:
    with new_bridge(214, "apid") as created:
        yield created


def configs(endpoint: str) -> tuple[Container, Container]:
    return cluster_configs("apid", endpoint)


async def version_fan_out(
    endpoint: str, ca: CertificateAndKey, nodes: list[str]
) -> machine_pb2.VersionResponse:
    admin = new_admin_certificate(ca)
    async with mtls_channel(endpoint, ca.crt, admin) as channel:
        return await machine_grpc.MachineServiceStub(channel).Version(
            empty_pb2.Empty(), metadata=[("nodes", n) for n in nodes], timeout=20
        )


async def forward_from_worker(worker: str, ca: CertificateAndKey, node: str) -> tuple[Status, str]:
    """Ask the worker's apid to forward to ``node``. The worker's server certificate is verified
    against the OS CA (chain and IP SAN): trustd on the control plane signed it."""
    channel = Channel(worker, 50000, ssl=client_context(ca.crt, new_admin_certificate(ca)))
    try:
        await machine_grpc.MachineServiceStub(channel).Version(
            empty_pb2.Empty(), metadata={"node": node}, timeout=20
        )
    except GRPCError as err:
        return err.status, err.message or ""
    finally:
        channel.close()
    raise AssertionError("the worker forwarded the request")


async def worker_certificate(worker: str, ca: CertificateAndKey) -> x509.Certificate:
    """The certificate the worker's apid presents, after a handshake verifying it against the OS CA."""
    _, writer = await asyncio.open_connection(
        worker, 50000, ssl=client_context(ca.crt, new_admin_certificate(ca))
    )
    try:
        der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    finally:
        writer.close()
    return x509.load_der_x509_certificate(der)


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
    # ... and what it presents is a server certificate issued by the OS CA (signed by trustd)
    served = asyncio.run(worker_certificate(worker.address, ca))
    served.verify_directly_issued_by(ca.certificate())
    assert served.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value == x509.ExtendedKeyUsage(
        [x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]
    )

    # one node down: two answers and one error entry
    cp3.proc.stop()
    reply = asyncio.run(version_fan_out(cp_node.address, ca, nodes))
    assert [m.metadata.hostname for m in reply.messages] == nodes
    assert [bool(m.metadata.error) for m in reply.messages] == [False, False, True]
    assert reply.messages[2].metadata.status.code == Status.UNAVAILABLE.value

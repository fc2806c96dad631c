"""trustd between real nodes: a control plane and a worker on one bridge.

The worker has only the OS CA certificate; its apid presents a server certificate that trustd on the
control plane signed (the worker's secrets controller asked the cluster endpoint's host). Checked
here: the certificate verifies against the OS CA and is a server certificate for the worker's
address; ``talosctl -n <worker> version`` through the control plane's endpoint works (the control
plane's apid verifies the worker's certificate when it forwards); ServiceList shows ``apid``,
``machined`` and, on the control plane only, ``trustd``, all running; ``service apid restart`` is
refused as Talos refuses it; trustd refuses a wrong or missing token. Everything is removed afterwards.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import ExtendedKeyUsageOID
from grpclib.client import Channel
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from pytalos.api.client import mtls_channel
from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.api.gen.security import security_grpc, security_pb2
from pytalos.api.tls import client_context
from pytalos.machinery.client.config import Config
from pytalos.machinery.crypto.x509 import CertificateAndKey, create_csr
from pytalos.machinery.secrets.ca import new_admin_certificate
from tests.node._bridge import Bridge, cluster_configs, new_bridge
from tests.node.machined import _node

pytestmark = pytest.mark.node
TALOSCTL = [sys.executable, "-c", "from pytalos.cli.main import main; main()"]


@pytest.fixture
def bridge() -> Iterator[Bridge]:
    with new_bridge(216, "trustd") as created:
        yield created


async def apid_certificate(host: str, ca: CertificateAndKey) -> x509.Certificate:
    """The certificate apid on ``host`` presents, after a handshake verifying it (chain, IP SAN)."""
    ctx = client_context(ca.crt, new_admin_certificate(ca))
    _, writer = await asyncio.open_connection(host, 50000, ssl=ctx)
    try:
        der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    finally:
        writer.close()
    return x509.load_der_x509_certificate(der)


async def trustd_call(host: str, ca: CertificateAndKey, metadata: dict[str, str]) -> tuple[Status, str]:
    csr = create_csr(ed25519.Ed25519PrivateKey.generate(), common_name="intruder", ip_addresses=["10.9.9.9"])
    channel = Channel(host, 50001, ssl=client_context(ca.crt, None))
    try:
        await security_grpc.SecurityServiceStub(channel).Certificate(
            security_pb2.CertificateRequest(csr=csr), metadata=metadata, timeout=10
        )
    except GRPCError as err:
        return err.status, err.message or ""
    finally:
        channel.close()
    return Status.OK, ""


async def service_restart(host: str, ca: CertificateAndKey, service: str) -> tuple[Status, str]:
    async with mtls_channel(host, ca.crt, new_admin_certificate(ca)) as channel:
        try:
            await machine_grpc.MachineServiceStub(channel).ServiceRestart(
                machine_pb2.ServiceRestartRequest(id=service), timeout=10
            )
        except GRPCError as err:
            return err.status, err.message or ""
    return Status.OK, ""


def test_worker_identity_from_trustd(bridge: Bridge, tmp_path: Path) -> None:
    cp_node, worker = bridge.add_node(0), bridge.add_node(1)
    cp, worker_config = cluster_configs("trustd", cp_node.address)
    ca = _node.os_ca(cp)
    assert not worker_config.v1alpha1().machine_config.machine_ca.key.data  # the worker cannot self-issue
    for node, config in ((cp_node, cp), (worker, worker_config)):
        asyncio.run(
            _node.until("maintenance API", lambda n=node: _node.maintenance_version_error(n), 60, node)
        )  # type: ignore[misc]
        asyncio.run(_node.apply_insecure(node, config.bytes()))

    async def worker_cert() -> x509.Certificate:
        return await apid_certificate(worker.address, ca)

    served = asyncio.run(
        _node.until("the worker's apid with a trustd-signed certificate", worker_cert, 120, worker)
    )
    served.verify_directly_issued_by(ca.certificate())
    assert list(served.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [
        ExtendedKeyUsageOID.SERVER_AUTH
    ]
    alt = served.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert worker.address in [str(ip) for ip in alt.get_values_for_type(x509.IPAddress)]
    log = worker.proc.log_path.read_text(errors="replace")
    assert f"signed by trustd at {cp_node.address} (no client certificate)" in log, log[-3000:]

    # talosctl -n <worker> through the control plane: its apid verifies the worker's certificate
    talosconfig = tmp_path / "talosconfig"
    Config.new("trustd", [cp_node.address], ca.crt, new_admin_certificate(ca)).save(str(talosconfig))
    out = subprocess.run(
        [*TALOSCTL, "--talosconfig", str(talosconfig), "version", "-n", worker.address],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert [line.split()[-1] for line in out.stdout.splitlines() if "NODE:" in line] == [worker.address]

    # services: apid and machined everywhere, trustd on the control plane, all running
    async def running(node: _node.Node, expected: set[str]) -> dict[str, machine_pb2.ServiceInfo]:
        found = await _node.services(node, ca)
        states = {k: (v.state, v.health.healthy) for k, v in found.items() if k in expected}
        assert states == {k: ("Running", True) for k in expected}, states
        return found

    cp_services = asyncio.run(
        _node.until("cp services", lambda: running(cp_node, {"apid", "machined", "trustd"}), 60, cp_node)
    )
    worker_services = asyncio.run(
        _node.until("worker services", lambda: running(worker, {"apid", "machined"}), 60, worker)
    )
    assert "trustd" in cp_services and "trustd" not in worker_services
    assert asyncio.run(service_restart(cp_node.address, ca, "apid")) == (
        Status.UNKNOWN,
        'service "apid" doesn\'t support restart operation via API',
    )

    # trustd refuses callers without the machine token
    assert asyncio.run(trustd_call(cp_node.address, ca, {"token": "not-the-token"})) == (
        Status.UNAUTHENTICATED,
        "invalid token",
    )
    assert asyncio.run(trustd_call(cp_node.address, ca, {})) == (Status.UNAUTHENTICATED, "missing token")

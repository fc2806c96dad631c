"""The Machine API's container/image and small node methods against a real node, through apid.

One control plane (real machined, containerd, etcd in a netns), configured and bootstrapped. An OCI
archive built here is imported into the node's system containerd with ``ctr images import``;
``talosctl image list --namespace system`` shows it (name, digest, size as containerd counts it),
``image pull`` of an image already there succeeds and of anything else fails with the node's reason
(no registry is reachable); a container started from the image is stopped by ``talosctl restart``
(SIGTERM, Talos's semantics), an unknown id is refused. ``CPUFreqStats``, ``LogsContainers`` and
``EtcdRemoveMember`` are called through apid with the admin and a reader certificate.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.protobuf import empty_pb2
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from pytalos.api.client import mtls_channel
from pytalos.api.gen.common import common_pb2
from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.cli.commands._streaming import humanize_bytes
from pytalos.machined.server.cpufreq import cpu_freq_stats
from pytalos.machinery.client.config import Config
from pytalos.machinery.crypto.x509 import CertificateAndKey
from tests.node.cli import _oci
from tests.node.cli._cli import fresh_node, ok, talosctl
from tests.node.cli.test_lifecycle_commands import configured
from tests.node.machined._node import Node

pytestmark = pytest.mark.node

IMAGE = "docker.io/pytalos/sleeper:v1"
CONTAINER = "pytalos-sleeper"


@pytest.fixture
def node() -> Iterator[Node]:
    with fresh_node("img") as created:
        yield created


def ctr(node: Node, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    sock = node.root / "system" / "run" / "containerd" / "containerd.sock"
    result = subprocess.run(
        ["ctr", "--address", str(sock), "--namespace", "system", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"ctr {' '.join(args)}: {result.stderr}")
    return result


def _remove_container(node: Node) -> None:
    ctr(node, "tasks", "kill", "--signal", "SIGKILL", CONTAINER, check=False)
    for _ in range(50):
        if ctr(node, "tasks", "delete", CONTAINER, check=False).returncode != 0:
            break
    ctr(node, "containers", "delete", CONTAINER, check=False)


def test_images_restart_and_node_facts_through_apid(node: Node, tmp_path: Path) -> None:
    tc, _ = configured(node, tmp_path, "extras")
    me = node.address

    # ImageList: an imported image, with containerd's digest and size
    archive = _oci.build(tmp_path / "sleeper.tar", IMAGE)
    ctr(node, "images", "import", "--all-platforms", str(archive.path))
    listed = ok("image", "list", "--namespace", "system", *tc).splitlines()
    assert listed[0].split() == ["NODE", "IMAGE", "DIGEST", "SIZE", "CREATED"]
    rows = [line.split() for line in listed[1:]]
    assert [r[:3] for r in rows] == [[me, IMAGE, archive.manifest_digest]], listed
    assert " ".join(rows[0][3:5]) == humanize_bytes(archive.size), (rows, archive.size)
    cri = ok("image", "ls", *tc).splitlines()
    assert len(cri) == 1 and cri[0].split()[0] == "NODE"  # k8s.io is empty on this node

    # ImagePull: already present → nothing to do; anything else needs a registry, which is unreachable
    assert ok("image", "pull", "--namespace", "system", IMAGE, *tc) == ""
    failed = talosctl("image", "pull", "--namespace", "system", "alpine:3", *tc, timeout=400)
    assert failed.returncode == 1
    assert failed.stderr.startswith(
        f"error: error pulling image: {me}: rpc error: code = Unknown desc = error pulling image "
        '"docker.io/library/alpine:3" into containerd namespace "system": containerd at '
    ), failed.stderr

    # Restart: SIGTERM to the container's task
    try:
        # the shell is PID 1 of its container, so it handles SIGTERM itself (exits at the next loop)
        script = "trap 'exit 0' TERM; while true; do /bin/sleep 0.2; done"
        ctr(node, "run", "-d", IMAGE, CONTAINER, "/bin/dash", "-c", script)
        assert f"{CONTAINER}" in ok("containers", *tc)
        assert ok("restart", CONTAINER, *tc) == ""

        def stopped() -> bool:
            tasks = ctr(node, "tasks", "ls").stdout.split()
            return "STOPPED" in tasks[tasks.index(CONTAINER) :][:3]

        for _ in range(100):
            if stopped():
                break
            asyncio.run(asyncio.sleep(0.1))
        assert stopped(), ctr(node, "tasks", "ls").stdout
    finally:
        _remove_container(node)
    unknown = talosctl("restart", "nosuch", *tc)
    assert unknown.returncode == 1
    assert unknown.stderr == (
        f"error: error restarting process: {me}: rpc error: code = Unknown "
        'desc = container "nosuch" not found\n'
    )
    k8s = talosctl("restart", "-k", "x", *tc)
    assert k8s.returncode == 1 and "code = NotFound" in k8s.stderr

    # CPUFreqStats, LogsContainers, EtcdRemoveMember through apid; a reader may read, not pull
    cfg = Config.from_yaml((Path(tc[1])).read_text())
    ctx = cfg.contexts[cfg.context]
    ca_pem, crt, key = ctx.credentials_pem()
    admin = CertificateAndKey(crt, key)

    async def calls() -> None:
        async with mtls_channel(me, ca_pem, admin) as channel:
            stub = machine_grpc.MachineServiceStub(channel)
            freq = await stub.CPUFreqStats(empty_pb2.Empty(), timeout=10)
            assert list(freq.messages[0].cpu_freq_stats) == cpu_freq_stats()
            logs = await stub.LogsContainers(empty_pb2.Empty(), timeout=10)
            ids = list(logs.messages[0].ids)
            assert ids == sorted(ids) and {"containerd", "etcd"} <= set(ids), ids
            with pytest.raises(GRPCError) as err:
                await stub.EtcdRemoveMember(machine_pb2.EtcdRemoveMemberRequest(member="nosuch"), timeout=10)
            assert err.value.status is Status.UNKNOWN
            assert (
                err.value.message
                == 'failed to remove member: failed to find "nosuch" in list of etcd members'
            )

    asyncio.run(calls())
    reader_file = tmp_path / "reader"
    ok("config", "new", str(reader_file), "--roles", "os:reader", *tc)
    reader_cfg = Config.from_yaml(reader_file.read_text())
    _, rcrt, rkey = reader_cfg.contexts[reader_cfg.context].credentials_pem()
    reader = CertificateAndKey(rcrt, rkey)

    async def reader_calls() -> None:
        async with mtls_channel(me, ca_pem, reader) as channel:
            stub = machine_grpc.MachineServiceStub(channel)
            await stub.LogsContainers(empty_pb2.Empty(), timeout=10)
            request = machine_pb2.ImageListRequest(namespace=common_pb2.NS_SYSTEM)
            assert [i.name for i in await stub.ImageList(request, timeout=10)] == [IMAGE]
            for call in (
                stub.ImagePull(machine_pb2.ImagePullRequest(namespace=common_pb2.NS_SYSTEM, reference=IMAGE)),
                stub.Restart(machine_pb2.RestartRequest(namespace="system", id="x")),
                stub.EtcdRemoveMember(machine_pb2.EtcdRemoveMemberRequest(member="x")),
            ):
                with pytest.raises(GRPCError) as denied:
                    await call
                assert denied.value.status is Status.PERMISSION_DENIED

    asyncio.run(reader_calls())

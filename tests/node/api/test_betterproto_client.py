"""Compatibility suite: a real control-plane node driven by Talos's own API bindings.

The client is ``talos_linux_api`` (Talos v1.6's protos compiled by betterproto, independent of our
``.proto`` files) over grpclib, with a TLS context built here from the admin credentials of a
generated talosconfig (Ed25519, ``O=os:admin``). Every call goes to apid on port 50000 of a node in
its own network namespace (machined + containerd + real etcd), which forwards it to machined's socket.
The same node is then used by our talosctl as a separate process. Everything is removed afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import betterproto.lib.google.protobuf as bp_wkt
import pytest
from grpclib.client import Channel
from grpclib.const import Status
from grpclib.exceptions import GRPCError
from talos_linux_api.v1_6_0 import machine as bp

from pytalos.machined import netns
from pytalos.machined.launcher import processes_naming
from pytalos.machined.server.machine import MachineApi
from pytalos.machinery.client.config import Config
from pytalos.machinery.config.generate import Input, generate
from pytalos.machinery.config.patch.apply import apply
from pytalos.machinery.config.patch.load import load_patch
from pytalos.machinery.secrets.ca import new_admin_certificate
from tests.node.cli._cli import talosctl
from tests.node.machined import _node
from tests.node.machined._node import Node

pytestmark = pytest.mark.node
T = TypeVar("T")
TIMEOUT = 20.0
LABEL_PATCH = b"machine:\n  nodeLabels:\n    pytalos.dev/compat-suite: betterproto\n"


@dataclass
class Cluster:
    node: Node
    talosconfig: Path
    ca: bytes
    crt: bytes
    key: bytes
    config: bytes
    reader: tuple[bytes, bytes]


def tls(ca: bytes, crt: bytes, key: bytes) -> ssl.SSLContext:
    """What any gRPC client does with a talosconfig context: verify the node, present the cert (Talos
    writes Ed25519 keys under the ``ED25519 PRIVATE KEY`` label; OpenSSL reads the same PKCS#8 bytes
    under the standard one)."""
    key = key.replace(b"ED25519 PRIVATE KEY", b"PRIVATE KEY")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_verify_locations(cadata=ca.decode())
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "crt").write_bytes(crt)
        (Path(folder) / "key").write_bytes(key)
        ctx.load_cert_chain(str(Path(folder) / "crt"), str(Path(folder) / "key"))
    ctx.set_alpn_protocols(["h2"])
    return ctx


@contextlib.asynccontextmanager
async def stub(
    cluster: Cluster, identity: tuple[bytes, bytes] | None = None
) -> AsyncIterator[bp.MachineServiceStub]:
    crt, key = identity or (cluster.crt, cluster.key)
    channel = Channel(cluster.node.address, 50000, ssl=tls(cluster.ca, crt, key))
    try:
        yield bp.MachineServiceStub(channel, timeout=TIMEOUT)
    finally:
        channel.close()


def call(cluster: Cluster, use: Callable[[bp.MachineServiceStub], Awaitable[T]], **kw: Any) -> T:
    async def go() -> T:
        async with stub(cluster, **kw) as s:
            return await use(s)

    return asyncio.run(asyncio.wait_for(go(), 60))


async def collect(stream: AsyncIterator[Any], limit: int | None = None) -> list[Any]:
    out: list[Any] = []
    try:
        async for message in stream:
            out.append(message)
            if limit is not None and len(out) >= limit:
                break
    finally:
        aclose = getattr(stream, "aclose", None)
        if aclose is not None:
            await aclose()
    return out


async def grpc_error(coro: Awaitable[Any]) -> tuple[Status, str]:
    try:
        await coro
    except GRPCError as err:
        return err.status, str(err.message)
    raise AssertionError("the call succeeded")


def etcd_running(cluster: Cluster, timeout: float = 120) -> None:
    async def probe() -> None:
        async with stub(cluster) as s:
            reply = await s.service_list(bp_wkt.Empty())
        etcd = {svc.id: svc for svc in reply.messages[0].services}["etcd"]
        assert (etcd.state, etcd.health.healthy) == ("Running", True), etcd

    asyncio.run(_node.until("etcd Running and healthy", probe, timeout, cluster.node))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    node = _node.new_node("bp")
    try:
        node.proc.start()
        asyncio.run(_node.until("maintenance API", lambda: _node.maintenance_version_error(node), 30, node))
        endpoint = f"https://{node.address}:6443"
        bundle = Input(cluster_name="compat", endpoint=endpoint).bundle
        config = generate(
            Input(cluster_name="compat", endpoint=endpoint, secrets_bundle=bundle), "controlplane"
        )
        talosconfig = Config.from_bundle("compat", bundle, endpoints=[node.address])
        talosconfig.contexts["compat"].nodes = [node.address]
        path = tmp_path_factory.mktemp("compat") / "talosconfig"
        talosconfig.save(str(path))
        ca, crt, key = talosconfig.contexts["compat"].credentials_pem()
        reader = new_admin_certificate(_node.os_ca(config), roles=["os:reader"])
        asyncio.run(_node.apply_insecure(node, config.bytes()))
        asyncio.run(_node.bootstrap(node, _node.os_ca(config)))
        created = Cluster(node, path, ca, crt, key, config.bytes(), (reader.crt, reader.key))
        etcd_running(created)
        yield created
    finally:
        spec = node.proc.spec
        _node.remove_node(node)
        assert spec is not None and not netns.exists(spec.name), "network namespace left behind"
        assert not processes_naming(node.root), "processes left behind"


def test_unary_reads(cluster: Cluster) -> None:
    async def use(s: bp.MachineServiceStub) -> dict[str, Any]:
        empty = bp_wkt.Empty()
        return {
            "version": await s.version(empty),
            "hostname": await s.hostname(empty),
            "services": await s.service_list(empty),
            "memory": await s.memory(empty),
            "mounts": await s.mounts(empty),
            "processes": await s.processes(empty),
        }

    out = call(cluster, use)
    version = out["version"].messages[0]
    hostname = version.metadata.hostname
    assert hostname and version.version.os == "linux" and version.version.tag
    assert out["hostname"].messages[0].hostname == hostname
    services = {svc.id: svc.state for svc in out["services"].messages[0].services}
    assert services["etcd"] == "Running" and services["machined"] == "Running", services
    assert out["memory"].messages[0].meminfo.memtotal > 0
    assert any(m.mounted_on == "/" for m in out["mounts"].messages[0].stats)
    assert any(p.command == "etcd" for p in out["processes"].messages[0].processes)


def test_streams(cluster: Cluster) -> None:
    async def use(s: bp.MachineServiceStub) -> dict[str, Any]:
        logs = bp.LogsRequest(namespace="system", id="etcd", tail_lines=-1)
        return {
            "logs": await collect(s.logs(logs)),
            "dmesg": await collect(s.dmesg(bp.DmesgRequest())),
            "events": await collect(s.events(bp.EventsRequest(tail_events=5)), limit=5),
            "list": await collect(s.list(bp.ListRequest(root="/system/state"))),
            "read": await collect(s.read(bp.ReadRequest(path="/system/state/config.yaml"))),
        }

    out = call(cluster, use)
    log_text = b"".join(d.bytes for d in out["logs"])
    assert b"etcd start" in log_text and (b'"msg":' in log_text or b"etcdserver" in log_text)
    assert out["dmesg"] and b"".join(d.bytes for d in out["dmesg"])
    assert len(out["events"]) == 5
    assert all(e.data.type_url.startswith("talos/runtime/") for e in out["events"]), out["events"]
    assert "/system/state/config.yaml" in [f.name for f in out["list"]]
    on_disk = (cluster.node.root / "system/state/config.yaml").read_bytes()
    assert b"".join(d.bytes for d in out["read"]) == on_disk


def test_apply_configuration_dry_run_then_no_reboot(cluster: Cluster) -> None:
    patched = apply(cluster.config, [load_patch(LABEL_PATCH)]).bytes()
    no_reboot = bp.ApplyConfigurationRequestMode.NO_REBOOT

    async def use(s: bp.MachineServiceStub) -> tuple[Any, Any]:
        dry = await s.apply_configuration(
            bp.ApplyConfigurationRequest(data=patched, mode=no_reboot, dry_run=True)
        )
        applied = await s.apply_configuration(bp.ApplyConfigurationRequest(data=patched, mode=no_reboot))
        return dry, applied

    state = cluster.node.root / "system/state/config.yaml"
    before = state.read_bytes()
    dry, applied = call(cluster, use)
    assert dry.messages[0].mode_details.startswith("Dry run summary:")
    assert "pytalos.dev/compat-suite" in dry.messages[0].mode_details
    assert applied.messages[0].mode == no_reboot
    assert before != state.read_bytes() and b"pytalos.dev/compat-suite: betterproto" in state.read_bytes()


def test_etcd_member_list_and_snapshot(cluster: Cluster) -> None:
    async def use(s: bp.MachineServiceStub) -> tuple[Any, Any, list[Any]]:
        members = await s.etcd_member_list(bp.EtcdMemberListRequest(query_local=True))
        cluster_wide = await s.etcd_member_list(bp.EtcdMemberListRequest())
        return members, cluster_wide, await collect(s.etcd_snapshot(bp.EtcdSnapshotRequest()))

    members, cluster_wide, chunks = call(cluster, use)
    message = members.messages[0]
    [member] = message.members
    assert member.hostname == message.metadata.hostname and member.id != 0 and not member.is_learner
    assert member.peer_urls == [f"https://{cluster.node.address}:2380"]
    assert message.legacy_members == [member.hostname]
    assert [m.id for m in cluster_wide.messages[0].members] == [member.id]
    size = sum(len(c.bytes) for c in chunks)
    assert size > 0 and size % 512 == 32  # a bbolt file followed by its sha256


def test_errors_and_roles(cluster: Cluster) -> None:
    async def admin(s: bp.MachineServiceStub) -> tuple[Status, str]:
        return await grpc_error(collect(s.read(bp.ReadRequest(path="/system/state/missing.yaml"))))

    status, message = call(cluster, admin)
    assert status == Status.NOT_FOUND and "no such file or directory" in message

    async def reader(s: bp.MachineServiceStub) -> tuple[Any, tuple[Status, str], tuple[Status, str]]:
        members = await s.etcd_member_list(bp.EtcdMemberListRequest(query_local=True))
        snapshot = await grpc_error(collect(s.etcd_snapshot(bp.EtcdSnapshotRequest())))
        read = await grpc_error(collect(s.read(bp.ReadRequest(path="/system/state/config.yaml"))))
        return members, snapshot, read

    members, snapshot, read = call(cluster, reader, identity=cluster.reader)
    assert len(members.messages[0].members) == 1
    assert snapshot == (Status.PERMISSION_DENIED, "not authorized")
    assert read == (Status.PERMISSION_DENIED, "not authorized")


def test_service_restart(cluster: Cluster) -> None:
    """etcd is not one of the services the API may restart (Talos's ``APIRestartableService``): the
    refusal is a plain error (gRPC ``Unknown``), and an unknown id is ``not defined``."""

    async def use(s: bp.MachineServiceStub) -> tuple[tuple[Status, str], tuple[Status, str]]:
        etcd = await grpc_error(s.service_restart(bp.ServiceRestartRequest(id="etcd")))
        unknown = await grpc_error(s.service_restart(bp.ServiceRestartRequest(id="nope")))
        return etcd, unknown

    etcd, unknown = call(cluster, use)
    if not hasattr(MachineApi, "ServiceRestart"):  # a build without the service lifecycle methods
        assert etcd[0] == unknown[0] == Status.UNIMPLEMENTED
        return
    assert etcd == (Status.UNKNOWN, 'service "etcd" doesn\'t support restart operation via API')
    assert unknown == (Status.UNKNOWN, 'service "nope" not defined')
    etcd_running(cluster, timeout=10)


def test_our_talosctl_on_the_same_node(cluster: Cluster, tmp_path: Path) -> None:
    etcd_running(cluster)
    tc = ("--talosconfig", str(cluster.talosconfig))
    version = talosctl("version", *tc)
    assert version.returncode == 0, version.stderr
    assert f"Server:\n\tNODE:        {cluster.node.address}" in version.stdout

    members = talosctl("etcd", "members", *tc)
    assert members.returncode == 0, members.stderr
    header, row = members.stdout.splitlines()
    assert header.split() == ["NODE", "ID", "HOSTNAME", "PEER", "URLS", "CLIENT", "URLS", "LEARNER"]
    cells = row.split()
    assert cells[0] == cluster.node.address and len(cells[1]) == 16 and cells[-1] == "false"
    assert cells[3] == f"https://{cluster.node.address}:2380"

    status = talosctl("etcd", "status", *tc)
    assert status.returncode == 0, status.stderr
    assert status.stdout.splitlines()[1].split()[1] == cells[1]  # MEMBER is the member listed

    target = tmp_path / "db.snapshot"
    saved = talosctl("etcd", "snapshot", str(target), *tc)
    assert saved.returncode == 0, saved.stderr
    size = target.stat().st_size
    lines = saved.stdout.splitlines()
    assert lines[0] == f'etcd snapshot saved to "{target}" ({size} bytes)'
    assert lines[1].startswith("snapshot info: hash ") and ", total keys " in lines[1]
    assert not (tmp_path / "db.snapshot.part").exists()

    alarms = talosctl("etcd", "alarm", "list", *tc)
    assert (alarms.returncode, alarms.stdout) == (0, "")

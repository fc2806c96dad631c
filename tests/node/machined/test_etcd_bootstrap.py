"""The etcd lifecycle on real nodes (machined + containerd + Debian's etcd in network namespaces on one
bridge), driven with talosctl as a user would.

Two control planes from one secrets bundle (endpoint = the first) wait to join: stage running, not
ready, the waiting message in the etcd log. ``talosctl bootstrap`` on the first makes it the first
member; a second bootstrap is ``AlreadyExists``; the second control plane joins as a learner and is
promoted (two voting members). ``etcd snapshot --verify`` passes; a truncated or altered copy and a
wrong report are detected. A third node of another cluster is recovered from that snapshot
(``bootstrap --recover-from``) and serves the keys; a second upload is refused. Nothing is left.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

from pytalos.cli.nodeclient import CLIError
from pytalos.machined.etcd.client import EtcdClient
from pytalos.machined.etcd.join import WAITING_MESSAGE
from pytalos.machined.etcd.layout import EtcdLayout
from pytalos.machined.etcd.verify import SnapshotCounts, restored_counts
from pytalos.machinery.client.config import Config
from pytalos.machinery.config.container import Container
from pytalos.machinery.config.generate import Input, generate
from pytalos.machinery.secrets.ca import new_admin_certificate
from tests.node.apid.test_apid_nodes import Bridge, bridge  # noqa: F401 - the fixture
from tests.node.cli._cli import eventually, ok, talosctl
from tests.node.machined import _node
from tests.node.machined._node import Node

pytestmark = pytest.mark.node


def _config(endpoint: str, name: str) -> Container:
    bundle = Input(cluster_name=name, endpoint=f"https://{endpoint}:6443").bundle
    return generate(
        Input(cluster_name=name, endpoint=f"https://{endpoint}:6443", secrets_bundle=bundle), "controlplane"
    )


def _talosconfig(config: Container, nodes: list[Node], path: Path, name: str) -> tuple[str, ...]:
    ca = _node.os_ca(config)
    cfg = Config.new(name, [nodes[0].address], ca.crt, new_admin_certificate(ca))
    cfg.contexts[name].nodes = [nodes[0].address]
    cfg.save(str(path))
    return ("--talosconfig", str(path))


def _client(node: Node) -> EtcdClient:
    return EtcdClient.from_layout(EtcdLayout(node.root), [f"{node.address}:2379"], timeout=5.0)


def _etcd_row(node: Node, tc: tuple[str, ...]) -> list[str]:
    out = ok("services", "-n", node.address, *tc)
    rows = {line.split()[1]: line.split() for line in out.splitlines()[1:]}
    return rows["etcd"]


def _healthy(node: Node, tc: tuple[str, ...]) -> str:
    row = _etcd_row(node, tc)
    assert row[2:4] == ["Running", "OK"], row
    return " ".join(row)


def _members(node: Node, tc: tuple[str, ...]) -> list[list[str]]:
    out = ok("etcd", "members", "-n", node.address, *tc)
    return [line.split() for line in out.splitlines()[1:]]


def test_bootstrap_join_promote_snapshot_verify_and_recover(bridge: Bridge, tmp_path: Path) -> None:  # noqa: F811
    cp1, cp2, other = (bridge.add_node(i) for i in range(3))
    config = _config(cp1.address, "boot")
    tc = _talosconfig(config, [cp1, cp2], tmp_path / "talosconfig", "boot")
    for node in (cp1, cp2):
        asyncio.run(
            _node.until("maintenance API", lambda n=node: _node.maintenance_version_error(n), 60, node)
        )
        asyncio.run(_node.apply_insecure(node, config.bytes()))

    # not bootstrapped: both wait in etcd's pre stage, the node is running but not ready
    def waiting() -> str:
        row = _etcd_row(cp1, tc)
        assert row[2] == "Preparing", row
        log = (cp1.root / "var" / "log" / "etcd.log").read_text(errors="replace")
        assert WAITING_MESSAGE in log and f"[{cp1.address}]" in log, log[-2000:]
        status = json.loads(ok("get", "machinestatus", "-n", cp1.address, "-o", "json", *tc))
        assert status["spec"]["stage"] == "running" and status["spec"]["status"]["ready"] is False, status
        return log

    eventually("cp1 running, not ready, waiting for bootstrap", cp1, waiting, 90)

    # bootstrap the first; it becomes a single-member cluster
    assert eventually("talosctl bootstrap", cp1, lambda: ok("bootstrap", "-n", cp1.address, *tc), 60) == ""
    eventually("cp1 etcd healthy", cp1, lambda: _healthy(cp1, tc), 90)
    again = talosctl("bootstrap", "-n", cp1.address, *tc)
    assert again.returncode == 1
    assert again.stderr.endswith(
        "rpc error: code = AlreadyExists desc = etcd data directory is not empty\n"
    ), again.stderr
    assert again.stderr.startswith("error: error executing bootstrap: "), again.stderr
    several = talosctl("bootstrap", "-n", cp1.address, "-n", cp2.address, *tc)
    assert several.stderr == 'error: command "bootstrap" requires exactly one node (got 2)\n'

    # the second joins as a learner and is promoted: two voting members
    eventually("cp2 etcd healthy (promoted)", cp2, lambda: _healthy(cp2, tc), 120)

    def two_voters() -> list[list[str]]:
        rows = _members(cp1, tc)
        assert len(rows) == 2 and [r[-1] for r in rows] == ["false", "false"], rows
        return rows

    rows = eventually("two voting members", cp1, lambda: str(two_voters()), 60)
    assert cp2.address in rows
    etcd2_log = (cp2.root / "var" / "log" / "etcd.log").read_text(errors="replace")
    assert "etcd join: added as learner" in etcd2_log and "promoted to voter" in etcd2_log
    assert "--initial-cluster-state=existing" in etcd2_log

    async def put_keys() -> None:
        async with _client(cp1) as client:
            for i in range(5):
                await client.put(f"/recover/key-{i}", f"value-{i}")

    asyncio.run(put_keys())

    # snapshot with --verify; then the verification catches a broken file and a wrong report
    snap = tmp_path / "db.snapshot"
    saved = ok("etcd", "snapshot", str(snap), "--verify", "-n", cp1.address, *tc)
    lines = saved.splitlines()
    assert lines[0].startswith(f'etcd snapshot saved to "{snap}"'), saved
    assert lines[-1].startswith("snapshot verified: restored into a scratch etcd with revision "), saved
    counts = restored_counts(snap)
    assert counts.keys >= 5
    assert f"revision {counts.revision} and {counts.keys} keys" in lines[-1]

    from pytalos.cli.commands.etcd import verify

    truncated = tmp_path / "truncated.snapshot"
    truncated.write_bytes(snap.read_bytes()[: snap.stat().st_size // 2])
    with pytest.raises(CLIError, match="snapshot missing hash"):
        verify(str(truncated), counts)
    altered = tmp_path / "altered.snapshot"
    data = bytearray(snap.read_bytes())
    data[4096] ^= 0xFF
    altered.write_bytes(bytes(data))
    with pytest.raises(CLIError, match="expected sha256"):
        verify(str(altered), counts)
    with pytest.raises(CLIError) as wrong:
        verify(str(snap), SnapshotCounts(counts.revision + 3, counts.keys + 1))
    assert f"revision {counts.revision} in the restored snapshot, {counts.revision + 3} reported" in str(
        wrong.value
    )
    assert f"{counts.keys} keys in the restored snapshot, {counts.keys + 1} reported" in str(wrong.value)

    # recovery into a fresh node of another cluster: the keys are back, one member
    other_config = _config(other.address, "recovered")
    tc3 = _talosconfig(other_config, [other], tmp_path / "talosconfig3", "recovered")
    asyncio.run(_node.until("maintenance API", lambda: _node.maintenance_version_error(other), 60, other))
    asyncio.run(_node.apply_insecure(other, other_config.bytes()))

    def other_waits() -> str:
        row = _etcd_row(other, tc3)
        assert row[2] == "Preparing", row  # waiting to join: what EtcdRecover needs
        return " ".join(row)

    eventually("other waits for bootstrap", other, other_waits, 90)
    done = talosctl("bootstrap", "--recover-from", str(snap), "-n", other.address, *tc3)
    assert done.returncode == 0, f"{done.stderr}\n{other.log()}"
    recovered = done.stdout
    assert recovered.startswith(f'recovering from snapshot "{snap}": hash '), recovered
    assert f"revision {counts.revision}, total keys " in recovered
    eventually("recovered etcd healthy", other, lambda: _healthy(other, tc3), 90)
    assert not (other.root / "var" / "lib" / "etcd.snapshot").exists()

    async def read_keys() -> list[bytes | None]:
        async with _client(other) as client:
            return [await client.get(f"/recover/key-{i}") for i in range(5)]

    assert asyncio.run(read_keys()) == [f"value-{i}".encode() for i in range(5)]
    members = _members(other, tc3)
    assert len(members) == 1 and other.address in " ".join(members[0]), members
    refused = talosctl("bootstrap", "--recover-from", str(snap), "-n", other.address, *tc3)
    assert "error uploading snapshot: " in refused.stderr
    assert "code = FailedPrecondition desc = etcd service is not ready for recovery" in refused.stderr
    shutil.rmtree(tmp_path, ignore_errors=True)

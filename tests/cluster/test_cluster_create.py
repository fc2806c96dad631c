"""``talosctl cluster create|show|destroy`` end to end: a control plane and a worker as real machined
processes on a bridge, created by the command, used through the merged talosconfig, then destroyed;
nothing (process, namespace, bridge, veth, mount, state) may be left behind. A finalizer destroys the
cluster whatever happened.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pytalos.machined import netns
from pytalos.machined.launcher import mounts_under, processes_naming
from pytalos.provision.provisioner import NetnsProvisioner
from pytalos.provision.state import ClusterState, read_state
from tests.node.machined import _daemons

pytestmark = pytest.mark.cluster
TALOSCTL = [sys.executable, "-c", "from pytalos.cli.main import main; main()"]


@dataclass
class Cluster:
    name: str
    state_root: Path
    cidr: str
    talosconfig: Path

    def talosctl(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*TALOSCTL, "--talosconfig", str(self.talosconfig), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def cluster(self, verb: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return self.talosctl(
            "cluster", verb, "--name", self.name, "--state", str(self.state_root), *args, timeout=timeout
        )


def leftovers(state: ClusterState) -> list[str]:
    found = NetnsProvisioner().leftovers(state)
    found += [f"processes naming {state.directory}"] if processes_naming(Path(state.directory)) else []
    found += [f"mounts under {state.directory}"] if mounts_under(Path(state.directory)) else []
    return found


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    _daemons.require_root_and("ip", "nsenter", "containerd", "etcd")
    tag = os.urandom(3).hex()
    root = Path(tempfile.mkdtemp(prefix="ptc", dir="/tmp"))
    created = Cluster(
        f"c{tag}", root / "s", f"10.{200 + int(tag[0], 16)}.{int(tag[1:3], 16)}.0/24", root / "talosconfig"
    )
    state: ClusterState | None = None
    try:
        yield created
    finally:
        try:
            state = read_state(created.state_root, created.name)
        except Exception:
            state = None
        if state is not None:  # the test did not destroy it: do it now, and fail loudly if that fails
            survivors = NetnsProvisioner().destroy(state, force=True)
            assert not survivors, survivors
        shutil.rmtree(root, ignore_errors=True)


def test_create_show_use_destroy(cluster: Cluster) -> None:
    created = cluster.cluster(
        "create", "--controlplanes", "1", "--workers", "1", "--cidr", cluster.cidr, "--wait-timeout", "3m"
    )
    assert created.returncode == 0, created.stderr + created.stdout
    state = read_state(cluster.state_root, cluster.name)
    cp, worker = state.nodes
    prefix = cluster.cidr.rsplit(".", 1)[0]
    assert (cp.ip, worker.ip, state.gateway) == (f"{prefix}.2", f"{prefix}.3", f"{prefix}.1")
    assert f"{cluster.name}-controlplane-1" in created.stdout and "running" in created.stdout
    assert "waiting for all services to be healthy: OK" in created.stderr  # plain lines: not a TTY

    shown = cluster.cluster("show")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert f"NETWORK CIDR      {cluster.cidr}" in lines
    rows = [line.split() for line in lines if line.startswith(cluster.name)]
    assert [(r[0], r[1], r[2], r[-1]) for r in rows] == [
        (cp.name, "controlplane", cp.ip, "running"),
        (worker.name, "worker", worker.ip, "running"),
    ]

    # the merged context reaches both nodes through the first control plane's apid
    for node in (cp, worker):
        version = cluster.talosctl("-n", node.ip, "version")
        assert version.returncode == 0, version.stderr
        assert f"NODE:        {node.ip}" in version.stdout
    hostname = cluster.talosctl("-n", worker.ip, "get", "hostname")
    assert worker.name in hostname.stdout, hostname.stderr

    destroyed = cluster.cluster("destroy")
    assert destroyed.returncode == 0, destroyed.stderr
    assert not Path(state.directory).exists()
    assert leftovers(state) == []
    assert not netns.link_exists(state.bridge)

    again = cluster.cluster("destroy")
    assert again.returncode == 1 and f'cluster "{cluster.name}" not found' in again.stderr


def test_existing_cluster_and_long_state_paths_fail_early(cluster: Cluster) -> None:
    long_state = cluster.state_root / ("x" * 70)
    refused = cluster.talosctl(
        "cluster", "create", "--name", cluster.name, "--state", str(long_state), "--cidr", cluster.cidr
    )
    assert refused.returncode == 1
    assert "containerd.sock.ttrpc" in refused.stderr and "shorter" in refused.stderr
    assert not long_state.exists()  # nothing was created

    started = cluster.cluster(
        "create", "--workers", "0", "--cidr", cluster.cidr, "--wait=false", "--skip-injecting-config"
    )
    assert started.returncode == 0, started.stderr
    state = read_state(cluster.state_root, cluster.name)
    assert (
        f"talosctl apply-config --insecure -n {state.nodes[0].ip} -f {state.nodes[0].config}"
        in started.stdout
    )
    again = cluster.cluster("create", "--workers", "0", "--cidr", cluster.cidr)
    assert again.returncode == 1 and "already exists" in again.stderr
    destroyed = cluster.cluster("destroy")
    assert destroyed.returncode == 0, destroyed.stderr
    assert leftovers(state) == []

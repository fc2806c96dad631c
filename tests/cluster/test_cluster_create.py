"""``talosctl cluster create|show|destroy`` end to end: a control plane and a worker as real machined
processes on a bridge, created by the command, used through the merged talosconfig, then destroyed;
nothing (process, namespace, bridge, veth, mount, state) may be left behind. A finalizer destroys the
cluster whatever happened.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pytalos.machined import netns
from pytalos.provision.state import read_state
from tests.cluster._cluster import Cluster, leftovers, new_cluster

pytestmark = pytest.mark.cluster


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    with new_cluster() as created:
        yield created


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

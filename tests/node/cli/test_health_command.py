"""``talosctl health`` against one real control plane (machined + etcd + apid in a netns).

The node is configured over the maintenance API and bootstrapped (``talosctl bootstrap``), then ``talosctl
health --control-plane-nodes IP`` goes green client side (``--server=false``, also ``-o json``) and
server side (machined's ``ClusterService.HealthCheck`` through apid). With an extra worker that does
not exist, ``--wait-timeout 3s`` fails naming the check (``apid to be ready``) and the node, both ways,
and ends close to the deadline.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.node.cli._cli import configured, eventually, fresh_node, ok, talosctl
from tests.node.machined._node import Node

pytestmark = pytest.mark.node

K8S_SKIPPED = (
    "waiting for all k8s nodes to report: SKIP (no Kubernetes API to ask: service 'kubelet' is Skipped"
)


@pytest.fixture
def node() -> Iterator[Node]:
    with fresh_node("hl") as created:
        yield created


def test_health_client_and_server_side_then_failing_check(node: Node, tmp_path: Path) -> None:
    tc, _ = configured(node, tmp_path, "health")
    ip = node.address

    def client_side() -> str:
        result = talosctl(
            "health", *tc, "--control-plane-nodes", ip, "--server=false", "--wait-timeout", "90s", timeout=150
        )
        assert result.returncode == 0, result.stderr
        return result.stderr

    lines = eventually("talosctl health --server=false", node, client_side, 240).splitlines()
    for check in (
        "etcd to be healthy",
        "apid to be ready",
        "all nodes disk sizes",
        "all services to be healthy",
        "all nodes to finish boot sequence",
        "all nodes to have synced time",
    ):
        assert f"waiting for {check}: OK" in lines, (check, lines)
    assert any(line.startswith(K8S_SKIPPED) for line in lines), lines
    assert any(
        line.startswith("waiting for kubelet to be healthy: SKIP (service 'kubelet' is Skipped")
        for line in lines
    )

    server = talosctl("health", *tc, "--control-plane-nodes", ip, "--wait-timeout", "60s", timeout=120)
    assert server.returncode == 0, server.stderr
    assert "waiting for etcd members to be control plane nodes: OK" in server.stderr.splitlines()
    assert any(line.startswith(K8S_SKIPPED) for line in server.stderr.splitlines())

    discovered = talosctl("health", *tc, "--wait-timeout", "60s", timeout=120)
    assert discovered.returncode == 0, discovered.stderr
    assert discovered.stderr.splitlines()[0] == f'discovered nodes: ["{ip}"]'

    report = json.loads(ok("health", *tc, "--control-plane-nodes", ip, "--server=false", "-o", "json"))
    assert report["ok"] is True and report["nodes"]["controlPlanes"] == [ip]
    results = {c["name"]: c["result"] for c in report["checks"]}
    assert results["etcd to be healthy"] == "ok" and results["coredns to report ready"] == "skipped"

    ghost = ip.rsplit(".", 1)[0] + ".1"  # the host end of the veth: no apid listens there
    for mode in ("--server=false", "--server=true"):
        start = time.monotonic()
        failed = talosctl(
            "health",
            *tc,
            "--control-plane-nodes",
            ip,
            "--worker-nodes",
            ghost,
            mode,
            "--wait-timeout",
            "3s",
            timeout=60,
        )
        took = time.monotonic() - start
        assert failed.returncode == 1, (mode, failed.stderr)
        last = failed.stderr.strip().splitlines()[-1]
        assert 'check "apid to be ready" failed: ' in last and ghost in last, (mode, failed.stderr)
        assert 3 <= took < 12, (mode, took)

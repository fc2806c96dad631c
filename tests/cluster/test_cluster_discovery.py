"""Cluster discovery end to end: ``talosctl cluster create`` runs a discovery service on the bridge
gateway, both nodes register with it (their affiliates sealed with the cluster secret), each node's
``Members`` list the whole cluster, workers included, so ``talosctl health`` without node flags
finds and checks the worker; ``cluster destroy`` stops the service with the nodes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pytalos.provision.discovery import discovery_running
from tests.cluster._cluster import Cluster, leftovers, new_cluster, wait_for

pytestmark = pytest.mark.cluster


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    with new_cluster("d") as created:
        yield created


def _members(cluster: Cluster, node: str) -> dict[str, dict[str, object]] | None:
    got = cluster.talosctl("-n", node, "get", "members", "-o", "json")
    if got.returncode != 0:
        raise AssertionError(f"talosctl get members on {node}: {got.stderr.strip()}")
    decoder, text, found = json.JSONDecoder(), got.stdout.strip(), {}
    while text:  # one JSON document per resource
        doc, end = decoder.raw_decode(text)
        found[doc["metadata"]["id"]] = doc["spec"]
        text = text[end:].strip()
    return found if len(found) == 2 else None


def _lister(cluster: Cluster, node: str) -> Callable[[], dict[str, dict[str, object]] | None]:
    return lambda: _members(cluster, node)


def test_members_list_every_node_and_health_discovers_the_worker(cluster: Cluster) -> None:
    created = cluster.cluster(
        "create", "--controlplanes", "1", "--workers", "1", "--cidr", cluster.cidr, "--wait-timeout", "3m"
    )
    assert created.returncode == 0, created.stderr + created.stdout
    state = cluster.state()
    cp, worker = state.nodes
    assert state.discovery == f"http://{state.gateway}:3000" and discovery_running(state)
    assert f"starting discovery service ({state.discovery})" in created.stderr

    for node in (cp, worker):
        members = wait_for(f"Members of {node.name} to list both nodes", _lister(cluster, node.ip), 90)
        assert members[cp.name]["machineType"] == "controlplane"
        assert members[worker.name]["machineType"] == "worker"
        assert worker.ip in members[worker.name]["addresses"]  # type: ignore[operator]
        assert cp.ip in members[cp.name]["addresses"]  # type: ignore[operator]

    health = cluster.talosctl("health", "--wait-timeout", "2m", timeout=200)
    assert health.returncode == 0, health.stderr
    assert f'discovered nodes: ["{cp.ip}" "{worker.ip}"]' in health.stderr, health.stderr

    # the service sees only ciphertext: its log never names a node
    log = (Path(state.directory) / "discovery.log").read_text()
    assert worker.name not in log and "listening on" in log

    destroyed = cluster.cluster("destroy")
    assert destroyed.returncode == 0, destroyed.stderr
    assert not discovery_running(state)
    assert leftovers(state) == []

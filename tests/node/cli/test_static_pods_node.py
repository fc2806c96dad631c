"""Control plane static pods and the kubelet spec on a real bootstrapped control plane node.

A node in its own netns gets a generated control plane config and ``talosctl bootstrap`` (shared
steps in ``_cli.configured``); once etcd is healthy, talosctl (its own process, through apid) lists
the three ``StaticPods``, the ``KubeletSpec`` shows the kubelet's command line with the node's name
and address, and the files the pods mount exist below the node's root. The kubelet service itself
stays Skipped (no kubelet image exists here).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.node.cli._cli import configured, eventually, fresh_node, ok
from tests.node.machined._node import Node

pytestmark = pytest.mark.node


@pytest.fixture
def node() -> Iterator[Node]:
    with fresh_node("spod") as created:
        yield created


def test_static_pods_and_kubelet_spec(node: Node, tmp_path: Path) -> None:
    tc, _ = configured(node, tmp_path, "staticpods")

    def three_pods() -> str:
        out = ok("get", "staticpods", *tc)
        ids = sorted(line.split()[3] for line in out.splitlines()[1:] if line.strip())
        assert ids == ["kube-apiserver", "kube-controller-manager", "kube-scheduler"], out
        return out

    eventually("three StaticPods via talosctl get staticpods", node, three_pods, 90)
    pod = yaml.safe_load(ok("get", "staticpods", "kube-apiserver", "-o", "yaml", *tc))["spec"]["pod"]
    assert pod["metadata"]["annotations"]["talos.dev/secrets-version"]
    assert f"--api-audiences=https://{node.address}:6443" in pod["spec"]["containers"][0]["command"]

    def kubelet_spec() -> str:
        out = ok("get", "kubeletspec", "-o", "yaml", *tc)
        assert f"--node-ip={node.address}" in out and "--hostname-override=" in out, out
        return out

    spec = yaml.safe_load(eventually("KubeletSpec via talosctl get kubeletspec", node, kubelet_spec, 60))[
        "spec"
    ]
    assert "--config=/etc/kubernetes/kubelet.yaml" in spec["args"]
    server = yaml.safe_load(ok("get", "staticpodserverstatus", "-o", "yaml", *tc))["spec"]["url"]
    assert spec["config"]["staticPodURL"] == server and server.startswith("http://127.0.0.1:")

    assert (node.root / "system/secrets/kubernetes/kube-apiserver/apiserver.crt").is_file()
    assert (node.root / "system/config/kubernetes/kube-apiserver/auditpolicy.yaml").is_file()
    assert yaml.safe_load((node.root / "etc/kubernetes/kubelet.yaml").read_text())["staticPodURL"] == server
    services = ok("services", *tc)
    assert any(line.split()[1:3] == ["kubelet", "Skipped"] for line in services.splitlines()[1:]), services

"""The static pod server over real HTTP, and the kubelet spec built from the config and its URL.

``StaticPodServerController`` listens on 127.0.0.1 at a random port; a plain HTTP client fetches
the ``PodList`` before and after a ``StaticPod`` appears. ``KubeletConfigController`` picks the
server's URL up as ``staticPodURL`` and ``KubeletSpecController`` publishes the kubelet's command
line and configuration, writing ``etc/kubernetes/kubelet.yaml`` below the node root.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytalos.machined.controllers.k8s.kubelet_config import KubeletConfigController
from pytalos.machined.controllers.k8s.kubelet_spec import KubeletSpecController
from pytalos.machined.controllers.k8s.static_pod_server import StaticPodServerController
from pytalos.machined.resources import k8s, k8s_pods
from pytalos.machined.runtime import Resource
from pytalos.machined.runtime.testing import run

from .._helpers import failure_of, generated, harness, machine_config, machine_type, node_addresses

pytestmark = pytest.mark.unit


def _get(url: str, method: str = "GET") -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, method=method, data=b"x" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers["Content-Type"], err.read()


def _pod(name: str) -> Resource[Any]:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "kube-system"}}
    return Resource.new(k8s_pods.NAMESPACE, k8s_pods.STATIC_POD_TYPE, name, k8s_pods.StaticPodSpec(pod))


def test_static_pod_server_serves_pod_list_over_http() -> None:
    async def body() -> None:
        async with harness(StaticPodServerController()) as h:
            status = await h.assert_resource(
                k8s_pods.STATIC_POD_SERVER_STATUS_TYPE, k8s_pods.STATIC_POD_SERVER_STATUS_ID
            )
            url = status.spec.url
            assert url.startswith("http://127.0.0.1:") and int(url.rsplit(":", 1)[1]) > 0
            code, ctype, raw = await asyncio.to_thread(_get, url)
            assert (code, ctype) == (200, "application/json")
            assert json.loads(raw) == {"apiVersion": "v1", "items": [], "kind": "PodList", "metadata": {}}
            await h.create(_pod("kube-scheduler"))
            await h.create(_pod("kube-apiserver"))

            async def names() -> list[str]:
                _, _, raw = await asyncio.to_thread(_get, url)
                return [p["metadata"]["name"] for p in json.loads(raw)["items"]]

            async with asyncio.timeout(5):
                while await names() != ["kube-apiserver", "kube-scheduler"]:
                    await asyncio.sleep(0.02)
            code, _, _ = await asyncio.to_thread(_get, url, "POST")
            assert code == 405
        # the server is closed with the controller
        with pytest.raises(urllib.error.URLError):
            await asyncio.to_thread(_get, url)

    run(body())


def _nodename(name: str) -> Resource[Any]:
    return Resource.new(k8s.NAMESPACE, k8s.NODENAME_TYPE, k8s.NODENAME_ID, k8s.NodenameSpec(name))


def test_kubelet_spec_from_config_and_server(tmp_path: Path) -> None:
    async def body() -> None:
        controllers = (
            StaticPodServerController(),
            KubeletConfigController(),
            KubeletSpecController(tmp_path, "container"),
        )
        async with harness(*controllers) as h:
            await h.create(machine_config(generated("controlplane")))
            await h.create(machine_type("controlplane"))
            await h.create(_nodename("cp-1"))
            await h.create(node_addresses("routed", "10.5.0.2/24", "fd00::2/64"))
            server = await h.assert_resource(
                k8s_pods.STATIC_POD_SERVER_STATUS_TYPE, k8s_pods.STATIC_POD_SERVER_STATUS_ID
            )
            spec = (
                await h.assert_resource(
                    k8s_pods.KUBELET_SPEC_TYPE,
                    k8s_pods.KUBELET_ID,
                    lambda r: r.spec.config.get("staticPodURL") == server.spec.url,
                )
            ).spec
            assert spec.image == "ghcr.io/siderolabs/kubelet:v1.31.2"
            assert spec.args == (
                "--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubeconfig",
                "--cert-dir=/var/lib/kubelet/pki",
                "--config=/etc/kubernetes/kubelet.yaml",
                "--hostname-override=cp-1",
                "--kubeconfig=/etc/kubernetes/kubeconfig-kubelet",
                "--node-ip=10.5.0.2,fd00::2",
            )
            assert spec.expected_nodename == "cp-1"
            config = spec.config
            assert config["clusterDNS"] == ["10.96.0.10"] and config["clusterDomain"] == "cluster.local"
            assert config["registerWithTaints"] == [
                {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}
            ]
            assert config["protectKernelDefaults"] is False  # container mode, as Talos
            assert config["seccompDefault"] is True and config["systemReserved"]["memory"] == "512Mi"
            written = tmp_path / "etc/kubernetes/kubelet.yaml"

            async def on_disk() -> dict[str, Any] | None:
                return dict(yaml.safe_load(written.read_text())) if written.exists() else None

            async with asyncio.timeout(5):  # rewritten once the server URL is known
                while await on_disk() != config:
                    await asyncio.sleep(0.01)

    run(body())


def test_kubelet_protected_extra_config_fails_naming_fields(tmp_path: Path) -> None:
    text = generated("worker").replace(b"config: {}\n", b"config:\n    port: 1234\n    maxPods: 10\n", 1)
    assert b"port: 1234" in text

    async def body() -> None:
        async with harness(KubeletConfigController(), KubeletSpecController(tmp_path)) as h:
            await h.create(machine_config(text))
            await h.create(machine_type("worker"))
            await h.create(_nodename("w-1"))
            await h.create(node_addresses("routed", "10.5.0.3/24"))
            error = await failure_of(h, "k8s.KubeletSpecController")
            assert "kubelet.extraConfig.port: field can't be overridden" in error
            await h.assert_no_resource(k8s_pods.KUBELET_SPEC_TYPE, k8s_pods.KUBELET_ID, timeout=0.1)

    run(body())

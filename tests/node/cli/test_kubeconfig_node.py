"""``talosctl kubeconfig`` and the Kubernetes PKI resources on a real control plane node.

A node in its own netns gets a generated control plane config (``apply-config --insecure``); then
talosctl, as its own process: downloads the admin kubeconfig into a ``KUBECONFIG`` path, downloads
it again (the new client certificate renames the user and context), and reads the Kubernetes
secrets resources — which only ``os:admin`` may read. The client certificate must chain to the
cluster CA of the config the node runs with.
"""

from __future__ import annotations

import asyncio
import base64
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from pytalos.machinery.client.config import Config
from pytalos.machinery.config.container import Container
from pytalos.machinery.config.loader import load
from pytalos.machinery.crypto.x509 import parse_certificate
from pytalos.machinery.kubernetes.settings import kubernetes_settings
from pytalos.machinery.secrets.ca import new_admin_certificate
from tests.node.cli._cli import TALOSCTL, eventually, fresh_node, ok, talosctl
from tests.node.machined import _node
from tests.node.machined._node import Node

pytestmark = pytest.mark.node


@pytest.fixture
def node() -> Iterator[Node]:
    with fresh_node("kcfg") as created:
        yield created


def _configured(node: Node, tmp_path: Path) -> tuple[str, ...]:
    """Apply a control plane config over the maintenance API; wait until the node's API answers over
    mTLS (the Kubernetes PKI needs neither etcd nor a bootstrap)."""
    node.proc.start()
    asyncio.run(_node.until("maintenance API", lambda: _node.maintenance_version_error(node), 30, node))
    config_file = tmp_path / "controlplane.yaml"
    config_file.write_bytes(_node.controlplane_config(node.address).bytes())
    applied = talosctl("apply-config", "--insecure", "-n", node.address, "-f", str(config_file))
    assert applied.returncode == 0, applied.stderr
    os_ca = _node.os_ca(_node_config(tmp_path))
    cfg = Config.new("lifecycle", [node.address], os_ca.crt, new_admin_certificate(os_ca))
    cfg.contexts["lifecycle"].nodes = [node.address]
    cfg.save(str(tmp_path / "talosconfig"))
    tc = ("--talosconfig", str(tmp_path / "talosconfig"))
    eventually("talosctl version over mTLS", node, lambda: ok("version", *tc), 90)
    return tc


def test_kubeconfig_and_kubernetes_secrets(node: Node, tmp_path: Path) -> None:
    tc = _configured(node, tmp_path)
    target = tmp_path / "home" / ".kube" / "config"
    env = {**os.environ, "KUBECONFIG": str(target)}

    def download() -> str:
        done = subprocess.run(
            [*TALOSCTL, "kubeconfig", *tc], capture_output=True, text=True, timeout=60, env=env, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert download() == ""
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    doc = yaml.safe_load(target.read_text())
    assert doc["current-context"] == "admin@lifecycle"
    assert doc["clusters"] == [
        {
            "name": "lifecycle",
            "cluster": {
                "server": f"https://{node.address}:6443",
                "certificate-authority-data": doc["clusters"][0]["cluster"]["certificate-authority-data"],
            },
        }
    ]
    settings = kubernetes_settings(_node_config(tmp_path))
    assert settings.issuing_ca is not None
    ca = parse_certificate(settings.issuing_ca.crt)
    served_ca = base64.b64decode(doc["clusters"][0]["cluster"]["certificate-authority-data"])
    assert served_ca == settings.issuing_ca.crt
    client = parse_certificate(base64.b64decode(doc["users"][0]["user"]["client-certificate-data"]))
    client.verify_directly_issued_by(ca)

    assert download() == (
        'renamed auth info "admin@lifecycle" -> "admin@lifecycle-1"\n'
        'renamed context "admin@lifecycle" -> "admin@lifecycle-1"\n'
    )
    assert yaml.safe_load(target.read_text())["current-context"] == "admin@lifecycle-1"

    def dynamic_certs() -> str:
        out = ok("get", "kubernetesdynamiccerts", "-o", "yaml", *tc)
        assert "apiServer:" in out and "frontProxy:" in out, out
        return out

    eventually("KubernetesDynamicCerts via talosctl get", node, dynamic_certs, 60)
    sans = ok("get", "certsans", "k8s", "-o", "yaml", *tc)
    assert f"- {node.address}\n" in sans and "- 10.96.0.1\n" in sans and "- kubernetes.default.svc\n" in sans

    # a reader may neither read the Kubernetes secrets nor download a kubeconfig
    os_ca = _node.os_ca(_node_config(tmp_path))
    reader = Config.new(
        "reader", [node.address], os_ca.crt, new_admin_certificate(os_ca, roles=["os:reader"])
    )
    reader.contexts["reader"].nodes = [node.address]
    reader.save(str(tmp_path / "reader"))
    rc = ("--talosconfig", str(tmp_path / "reader"))
    denied = talosctl("get", "kubernetesrootsecrets", *rc)
    assert denied.returncode == 1 and "PermissionDenied" in denied.stderr, denied.stderr
    denied = talosctl("kubeconfig", str(tmp_path / "reader-kubeconfig"), *rc)
    assert denied.returncode == 1
    assert "rpc error: code = PermissionDenied desc = not authorized" in denied.stderr
    assert ok("get", "members", *rc)  # the reader itself works


def _node_config(tmp_path: Path) -> Container:
    return load((tmp_path / "controlplane.yaml").read_bytes(), "controlplane.yaml")

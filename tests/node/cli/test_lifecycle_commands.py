"""talosctl's lifecycle and admin verbs against a real node (machined + containerd + etcd in a netns).

One control-plane node is configured over the maintenance API, then driven as a user would, through
apid with certificates from its OS CA: ``config new --roles os:reader`` gives a talosconfig whose
reader is denied ``read``; ``patch machineconfig`` changes a field the node then reports; ``service
etcd restart`` is refused with Talos's text (etcd is not API-restartable in Talos either);
``containers``/``stats`` ask the node's real containerd; ``logs audit`` reads apid's audit log;
``reset --system-labels-to-wipe STATE --reboot`` brings the node back in maintenance, and (``--wait``
being the default) returns only once the maintenance API answers. ``reboot`` returns once the node
is back: a new boot id, stage running and ready, same machined PID; ``--timeout`` names the node and
its last state. ``shutdown`` returns once the node's API is gone, and leaves no process behind.
talosctl runs as a separate process.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytalos.machined.launcher import processes_naming
from pytalos.machinery.client.config import Config
from tests.node.cli._cli import configured, eventually, fresh_node, ok, talosctl
from tests.node.machined import _node
from tests.node.machined._node import Node

pytestmark = pytest.mark.node


@pytest.fixture
def node() -> Iterator[Node]:
    with fresh_node("lc") as created:
        yield created


def test_lifecycle_verbs_on_a_real_node(node: Node, tmp_path: Path) -> None:
    tc, _ = configured(node, tmp_path, "lifecycle")

    # config new: a reader talosconfig signed by the node's OS CA; the reader may list, not read
    reader_file = tmp_path / "reader"
    ok("config", "new", str(reader_file), "--roles", "os:reader", *tc)
    reader = Config.from_yaml(reader_file.read_text())
    assert reader.context == "reader@lifecycle"
    reader.contexts[reader.context].endpoints = [node.address]
    reader.contexts[reader.context].nodes = [node.address]
    reader.save(str(reader_file))
    rtc = ("--talosconfig", str(reader_file))
    assert "NODE" in ok("services", *rtc)
    denied = talosctl("read", "/etc/hosts", *rtc)
    assert denied.returncode == 1
    assert "rpc error: code = PermissionDenied desc = not authorized" in denied.stderr

    # patch machineconfig: a field changes on the node, applied without a reboot
    patch = tmp_path / "p.yaml"
    patch.write_text("machine:\n  certSANs:\n    - patched.lifecycle.test\n")
    patched = ok("patch", "machineconfig", "--patch", f"@{patch}", "--mode", "no-reboot", *tc)
    assert patched.startswith(f"patched MachineConfigs.config.talos.dev/v1alpha1 at the node {node.address}")
    assert "Applied configuration without a reboot" in patched

    def reports_patch() -> str:
        out = ok("get", "mc", "v1alpha1", "-o", "jsonpath={.spec}", *tc)
        assert "- patched.lifecycle.test" in out, out[:300]
        return out

    eventually("the patched config in MachineConfigs", node, reports_patch, 30)

    # service control: etcd, like Talos's, is not restartable through the API
    refused = talosctl("service", "etcd", "restart", *tc)
    assert refused.returncode == 1
    assert refused.stderr == (
        f"error: error restarting service: {node.address}: rpc error: code = Unknown "
        'desc = service "etcd" doesn\'t support restart operation via API\n'
    )

    # containers/stats: the real system containerd answers (this node runs its services as processes)
    assert ok("containers", *tc).splitlines()[0].split() == [
        "NODE",
        "NAMESPACE",
        "ID",
        "IMAGE",
        "PID",
        "STATUS",
    ]
    assert ok("stats", *tc).splitlines()[0].split() == ["NODE", "NAMESPACE", "ID", "MEMORY(MB)", "CPU"]

    # logs audit: apid's audit log of the calls above
    audit = ok("logs", "audit", *tc)
    assert '"method":"/machine.MachineService/ServiceRestart"' in audit and '"code":"UNKNOWN"' in audit

    # reset STATE and reboot: the node comes back without a config, in maintenance mode; --wait (the
    # default) returns once the maintenance API answers
    reset = talosctl("reset", "--system-labels-to-wipe", "STATE", "--reboot", *tc, timeout=240)
    assert reset.returncode == 0 and reset.stdout == "", reset.stderr
    assert f'"{node.address}": post check passed' in reset.stderr.splitlines()
    error = asyncio.run(_node.maintenance_version_error(node))
    assert error == "UNIMPLEMENTED: API is not implemented in maintenance mode", error
    assert not (node.root / "system" / "state" / "config.yaml").exists()
    assert node.proc.running()


def test_reboot_wait_returns_once_the_node_is_back(node: Node, tmp_path: Path) -> None:
    tc, _ = configured(node, tmp_path, "lifecycle")
    pid = node.proc.pid

    def boot_id() -> str:
        return ok("get", "bootids", "-o", "jsonpath={.spec.bootID}", *tc).strip()

    def stage() -> str:
        stage = ok("get", "machinestatus", "-o", "jsonpath={.spec.stage}", *tc).strip()
        return f"{stage} {ok('get', 'machinestatus', '-o', 'jsonpath={.spec.status.ready}', *tc).strip()}"

    first = boot_id()
    assert len(first) == 36, first

    # a timeout fails naming the node, what was awaited and the last state seen (never a bare timeout)
    short = talosctl("reboot", "--timeout", "2s", *tc, timeout=60)
    assert short.returncode == 1
    assert short.stderr.splitlines()[-1].startswith(
        f"error: {node.address}: timed out after 2s waiting for the node to come back; last state: "
    ), short.stderr

    def rebooted() -> str:
        current = boot_id()
        assert current != first, "same boot id"
        assert stage() == "running true", stage()
        return current

    second = eventually("the node back after the first reboot", node, rebooted, 120)

    # --wait (default): returns once the node is back, with a new boot id, running and ready
    result = talosctl("reboot", *tc, timeout=240)
    assert result.returncode == 0 and result.stdout == "", result.stderr
    lines = result.stderr.splitlines()
    me = f'"{node.address}"'
    assert lines[:2] == [f"{me}: waiting for actor ID", lines[1]] and lines[1].startswith(f"{me}: actor ID: ")
    assert f"{me}: sequence: reboot action: START" in lines
    assert lines[-1] == f"{me}: post check passed"
    assert boot_id() not in (first, second)
    assert stage() == "running true"
    assert node.proc.pid == pid and node.proc.running()  # machined re-executed in place


def test_shutdown_stops_the_node(node: Node, tmp_path: Path) -> None:
    tc, _ = configured(node, tmp_path, "lifecycle")
    # --wait (default): returns once the node stopped its services and its API no longer answers
    result = talosctl("shutdown", *tc, timeout=120)
    assert result.returncode == 0 and result.stdout == "", result.stderr
    assert result.stderr.splitlines()[-1] == f'"{node.address}": post check passed'
    gone = talosctl("version", *tc)
    assert gone.returncode == 1 and "code = Unavailable" in gone.stderr, gone.stderr

    def exited() -> str:
        assert not node.proc.running(), "machined still running"
        return "exited"

    eventually("machined exits after shutdown", node, exited, 60)
    assert not processes_naming(node.root), "processes left behind after shutdown"
    assert "every service stopped: machined exits" in node.log()

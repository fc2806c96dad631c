"""The launcher's plan of ``ip`` commands and its command line (no root: ``ip`` is a recording fake)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytalos.machined import netns
from pytalos.machined.launcher import NodeProcess
from pytalos.machined.netns import NetnsError, NetnsSpec
from pytalos.machined.netns_fake import RecordingIp

SPEC = NetnsSpec("pytalos-n1", node_ip="10.213.7.2/30", host_ip="10.213.7.1/30")


def test_create_builds_lo_veth_addresses_and_default_route() -> None:
    ip = RecordingIp()
    netns.create(SPEC, ip)
    host = SPEC.host_if
    assert len(host) <= 15
    assert ip.calls == [
        "netns add pytalos-n1",
        "-n pytalos-n1 link set lo up",
        f"link add {host} type veth peer name eth0 netns pytalos-n1",
        f"addr add 10.213.7.1/30 dev {host}",
        f"link set {host} up",
        "-n pytalos-n1 addr add 10.213.7.2/30 dev eth0",
        "-n pytalos-n1 link set eth0 up",
        "-n pytalos-n1 route add default via 10.213.7.1",
    ]
    assert SPEC.node_address == "10.213.7.2"


def test_a_failed_step_removes_what_was_created() -> None:
    ip = RecordingIp(fail_on="addr add 10.213.7.1/30")
    with pytest.raises(NetnsError, match="File exists"):
        netns.create(SPEC, ip)
    assert ip.calls[-2:] == [f"link del {SPEC.host_if}", "netns del pytalos-n1"]


def test_lo_only_namespace_and_half_given_addresses() -> None:
    ip = RecordingIp()
    netns.create(NetnsSpec("solo"), ip)
    assert ip.calls == ["netns add solo", "-n solo link set lo up"]
    with pytest.raises(ValueError, match="go together"):
        netns.create(NetnsSpec("x", node_ip="10.0.0.2/30"), ip)


def test_node_command_line(tmp_path: Path) -> None:
    proc = NodeProcess(
        tmp_path / "node",
        SPEC,
        extra_args=["--api-port", "50001"],
        python="/usr/bin/python3",
        ip=RecordingIp(),
    )
    assert proc.command() == [
        "/usr/bin/python3",
        "-m",
        "pytalos.machined",
        "--root",
        str(tmp_path / "node"),
        "--netns",
        "pytalos-n1",
        "--api-port",
        "50001",
    ]
    assert proc.stop() is None  # never started


def test_bridge_port_namespace_plan() -> None:
    spec = NetnsSpec.on_bridge("pytalos-c-worker-1", "10.5.0.3/24", bridge="ptbrabc", gateway="10.5.0.1")
    ip = RecordingIp()
    netns.create(spec, ip)
    host = spec.host_if
    assert ip.calls == [
        "netns add pytalos-c-worker-1",
        "-n pytalos-c-worker-1 link set lo up",
        f"link add {host} type veth peer name eth0 netns pytalos-c-worker-1",
        f"link set {host} master ptbrabc",
        f"link set {host} up",
        "-n pytalos-c-worker-1 addr add 10.5.0.3/24 dev eth0",
        "-n pytalos-c-worker-1 link set eth0 up",
        "-n pytalos-c-worker-1 route add default via 10.5.0.1",
    ]
    ip.calls.clear()
    netns.delete(spec, ip)
    assert ip.calls == [f"link del {host}", "netns del pytalos-c-worker-1"]
    with pytest.raises(ValueError, match="bridge port needs"):
        netns.create(NetnsSpec("x", node_ip="10.5.0.3/24", bridge="b"), ip)


def test_a_path_is_named_only_as_a_whole() -> None:
    from pytalos.machined.launcher import _names

    assert _names(b"python\0--root\0/c/worker-1\0", b"/c/worker-1")
    assert _names(b"etcd\0--data-dir=/c/worker-1/var/lib/etcd\0", b"/c/worker-1")
    assert _names(b"/c/worker-1", b"/c/worker-1")
    assert not _names(b"python\0--root\0/c/worker-10\0", b"/c/worker-1")


def test_attached_node_without_a_live_pid_is_not_running(tmp_path: Path) -> None:
    proc = NodeProcess.attach(tmp_path / "node", SPEC, pid=None, ip=RecordingIp())
    assert not proc.running()
    gone = NodeProcess.attach(tmp_path / "node", SPEC, pid=2**22 + 7, ip=RecordingIp())
    assert not gone.running()
    assert gone.pid == 2**22 + 7

"""The netns provisioner's plans: names, roots, the socket path limit, start and destroy with a
recording ``ip`` (nothing needs root: machined is replaced by ``/bin/true``, no namespace exists)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytalos.machined.netns import NetnsSpec
from pytalos.machined.netns_fake import RecordingIp
from pytalos.provision import ProvisionError
from pytalos.provision.nodes import check_socket_paths, netns_spec
from pytalos.provision.provisioner import ClusterRequest, NetnsProvisioner
from pytalos.provision.state import read_state

pytestmark = pytest.mark.unit


@pytest.fixture
def tmp_path() -> Iterator[Path]:
    """A short state directory (pytest's own is too long for the socket path limit)."""
    path = Path(tempfile.mkdtemp(prefix="ptu", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def provisioner(ip: RecordingIp, links: set[str] | None = None) -> NetnsProvisioner:
    present = links if links is not None else set()
    return NetnsProvisioner(ip=ip, python="/bin/true", link_exists=present.__contains__, stop_grace=2)


def test_plan_names_addresses_and_paths(tmp_path: Path) -> None:
    state = provisioner(RecordingIp()).plan(ClusterRequest("demo", tmp_path, "10.211.4.0/24", 2, 1))
    assert state.directory == str(tmp_path / "demo")
    assert state.gateway == "10.211.4.1" and state.cidr == "10.211.4.0/24"
    assert [(n.name, n.type, n.ip) for n in state.nodes] == [
        ("demo-controlplane-1", "controlplane", "10.211.4.2"),
        ("demo-controlplane-2", "controlplane", "10.211.4.3"),
        ("demo-worker-1", "worker", "10.211.4.4"),
    ]
    worker = state.nodes[2]
    assert worker.root == str(tmp_path / "demo" / "worker-1")
    assert worker.log == str(tmp_path / "demo" / "demo-worker-1.log")
    assert worker.config == str(tmp_path / "demo" / "demo-worker-1.yaml")
    assert worker.netns == "pytalos-demo-worker-1"
    spec = netns_spec(state, worker)
    assert spec == NetnsSpec.on_bridge("pytalos-demo-worker-1", "10.211.4.4/24", state.bridge, "10.211.4.1")
    assert not (tmp_path / "demo").exists()  # planning touches nothing


def test_plan_rejects_bad_requests(tmp_path: Path) -> None:
    p = provisioner(RecordingIp())
    with pytest.raises(ProvisionError, match="controlplanes can't be less than 1"):
        p.plan(ClusterRequest("demo", tmp_path, controlplanes=0))
    with pytest.raises(ProvisionError, match="invalid cluster name"):
        p.plan(ClusterRequest("a/b", tmp_path))
    with pytest.raises(ProvisionError, match="too small for 3 nodes"):
        p.plan(ClusterRequest("demo", tmp_path, "10.5.0.0/30", 2, 1))


def test_socket_path_limit_fails_early_naming_the_path() -> None:
    deep = Path("/tmp") / ("d" * 60)
    with pytest.raises(ProvisionError) as err:
        provisioner(RecordingIp()).plan(ClusterRequest("talos-default", deep))
    message = str(err.value)
    assert "node talos-default-controlplane-1: socket path" in message
    assert "containerd.sock.ttrpc" in message and "shorter" in message and "--state" in message
    # the default state directory of root fits
    check_socket_paths("x", Path("/root/.talos/clusters/talos-default/controlplane-1"))


def test_prepare_refuses_an_existing_state_directory(tmp_path: Path) -> None:
    p = provisioner(RecordingIp())
    state = p.plan(ClusterRequest("demo", tmp_path))
    p.prepare(state)
    assert read_state(tmp_path, "demo").nodes == state.nodes
    with pytest.raises(ProvisionError, match=r'state directory ".*demo" already exists'):
        p.prepare(p.plan(ClusterRequest("demo", tmp_path)))


def test_create_then_destroy_plan(tmp_path: Path) -> None:
    ip = RecordingIp()
    p = provisioner(ip)
    state = p.plan(ClusterRequest("demo", tmp_path, "10.211.5.0/24", 1, 1))
    p.prepare(state)
    p.create_network(state)
    for node in state.nodes:
        p.start_node(state, node)
    cp, worker = state.nodes
    cp_if, worker_if = netns_spec(state, cp).host_if, netns_spec(state, worker).host_if
    assert ip.calls[:3] == [
        f"link add {state.bridge} type bridge",
        f"addr add 10.211.5.1/24 dev {state.bridge}",
        f"link set {state.bridge} up",
    ]
    assert ip.calls[3:11] == [
        "netns add pytalos-demo-controlplane-1",
        "-n pytalos-demo-controlplane-1 link set lo up",
        f"link add {cp_if} type veth peer name eth0 netns pytalos-demo-controlplane-1",
        f"link set {cp_if} master {state.bridge}",
        f"link set {cp_if} up",
        "-n pytalos-demo-controlplane-1 addr add 10.211.5.2/24 dev eth0",
        "-n pytalos-demo-controlplane-1 link set eth0 up",
        "-n pytalos-demo-controlplane-1 route add default via 10.211.5.1",
    ]
    recorded = read_state(tmp_path, "demo")
    assert all(n.pid for n in recorded.nodes)  # PIDs are in the state file

    ip.calls.clear()
    lines: list[str] = []
    p.log = lines.append
    assert p.destroy(recorded) == []
    assert ip.calls == [
        f"link del {cp_if}",
        "netns del pytalos-demo-controlplane-1",
        f"link del {worker_if}",
        "netns del pytalos-demo-worker-1",
        f"link del {state.bridge}",
    ]
    assert lines[0] == "stopping nodes" and lines[-1].startswith("removing state directory")
    assert not (tmp_path / "demo").exists()


def test_destroy_reports_survivors_and_keeps_state_unless_forced(tmp_path: Path) -> None:
    ip = RecordingIp()
    state = provisioner(ip).plan(ClusterRequest("demo", tmp_path, workers=0))
    provisioner(ip).prepare(state)
    p = provisioner(ip, links={state.bridge})  # the bridge refuses to go
    survivors = p.destroy(state)
    assert survivors == [f"bridge {state.bridge} still exists"]
    assert (tmp_path / "demo").exists()
    assert p.destroy(state, force=True) == [f"bridge {state.bridge} still exists"]
    assert not (tmp_path / "demo").exists()

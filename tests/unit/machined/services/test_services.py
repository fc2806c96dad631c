"""Service definitions: etcd's cluster-state rule and rendered start, kubelet's skip, the service plan."""

from __future__ import annotations

import asyncio
import ipaddress
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from pytalos.machined.etcd.args import ClusterState
from pytalos.machined.etcd.layout import EtcdLayout
from pytalos.machined.etcd.pki import NodeIdentity
from pytalos.machined.node.layout import NodeLayout
from pytalos.machined.node.service_plan import PlanInputs, etcd_ca, kubelet_image, machine_type, plan_services
from pytalos.machined.services.containerd import ContainerdService
from pytalos.machined.services.etcd import EtcdParams, EtcdService, StartMode, cluster_state
from pytalos.machined.services.kubelet import NO_IMAGE, KubeletService
from pytalos.machined.system import ServiceLogs, SkipService
from tests.unit.machined.node import _configs


def script(path: Path, body: str) -> str:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_cluster_state_rules(tmp_path: Path) -> None:
    layout = EtcdLayout(tmp_path)
    assert cluster_state("controlplane", layout) is ClusterState.JOIN  # waits for `talosctl bootstrap`
    assert cluster_state("controlplane", layout, StartMode(bootstrap=True)) is ClusterState.BOOTSTRAP
    assert cluster_state("init", layout) is ClusterState.BOOTSTRAP  # legacy automatic bootstrap
    layout.data_dir.mkdir(parents=True)
    assert cluster_state("controlplane", layout) is ClusterState.JOIN  # empty data dir
    (layout.data_dir / "member").mkdir()
    assert cluster_state("controlplane", layout) is ClusterState.RESTART
    assert cluster_state("controlplane", layout, StartMode(bootstrap=True)) is ClusterState.RESTART


def test_etcd_pre_writes_pki_and_renders_a_bootstrap_command(tmp_path: Path) -> None:
    config = _configs.config()
    ca = etcd_ca(config)
    assert ca is not None
    fake_etcd = script(tmp_path / "etcd", 'echo "etcd Version: 3.4.23"')
    params = EtcdParams(
        machine_type="controlplane",
        etcd=config.v1alpha1().cluster_config.etcd_config,
        ca=ca,
        identity=NodeIdentity("cp-1", [ipaddress.ip_address("10.5.0.2")]),
        binary=fake_etcd,
    )
    layout = EtcdLayout(tmp_path / "node")
    service = EtcdService(params, layout, ServiceLogs().get("etcd")).with_mode(StartMode(bootstrap=True))
    asyncio.run(service.pre())
    assert service.state is ClusterState.BOOTSTRAP
    argv = service.argv
    assert argv[0] == fake_etcd
    assert "--initial-cluster-state=new" in argv and "--initial-cluster=cp-1=https://10.5.0.2:2380" in argv
    assert f"--data-dir={layout.data_dir}" in argv and "--name=cp-1" in argv
    assert not any(a.startswith("--tls-min-version") for a in argv)  # etcd 3.4 does not know it
    assert stat.S_IMODE(layout.data_dir.stat().st_mode) == 0o700
    assert layout.server_cert.exists() and layout.admin_key.exists()


def test_etcd_pre_joins_with_the_users_initial_cluster_without_waiting(tmp_path: Path) -> None:
    config = _configs.config()
    ca = etcd_ca(config)
    assert ca is not None
    etcd = config.v1alpha1().cluster_config.etcd_config
    etcd.etcd_extra_args = {"initial-cluster": "cp-0=https://10.5.0.1:2380,cp-1=https://10.5.0.2:2380"}
    params = EtcdParams(
        machine_type="controlplane",
        etcd=etcd,
        ca=ca,
        identity=NodeIdentity("cp-1", [ipaddress.ip_address("10.5.0.2")]),
        binary=script(tmp_path / "etcd", 'echo "etcd Version: 3.4.23"'),
    )
    service = EtcdService(params, EtcdLayout(tmp_path / "node"), ServiceLogs().get("etcd"))
    asyncio.run(asyncio.wait_for(service.pre(), 10))
    assert service.state is ClusterState.JOIN and service.learner_id == 0
    assert "--initial-cluster=cp-0=https://10.5.0.1:2380,cp-1=https://10.5.0.2:2380" in service.argv
    assert "--initial-cluster-state=existing" in service.argv


def test_kubelet_is_skipped_without_its_image(tmp_path: Path) -> None:
    ctr = script(tmp_path / "ctr", "exit 0")
    service = KubeletService("ghcr.io/siderolabs/kubelet:v1.36.0", tmp_path / "sock", ctr=ctr)
    with pytest.raises(SkipService) as err:
        asyncio.run(service.pre())
    assert (
        str(err.value)
        == NO_IMAGE
        == "kubelet image not present in the node's containerd (no registry is reachable)"
    )


def test_kubelet_with_its_image_present_says_what_is_missing(tmp_path: Path) -> None:
    ctr = script(tmp_path / "ctr", "echo ghcr.io/siderolabs/kubelet:v1.36.0")
    service = KubeletService("ghcr.io/siderolabs/kubelet:v1.36.0", tmp_path / "sock", ctr=ctr)
    with pytest.raises(SkipService, match="is present, but running containers comes with the CRI issue"):
        asyncio.run(service.pre())


def test_kubelet_reports_a_broken_containerd(tmp_path: Path) -> None:
    ctr = script(tmp_path / "ctr", "echo 'connection refused' >&2; exit 1")
    service = KubeletService("img", tmp_path / "sock", ctr=ctr)
    with pytest.raises(
        RuntimeError, match=r"listing images in containerd at .*sock \(system\): connection refused"
    ):
        asyncio.run(service.pre())


def test_containerd_pre_renders_config_and_clears_a_stale_socket() -> None:
    short = Path(tempfile.mkdtemp(prefix="ptu-", dir="/tmp"))  # socket paths must stay under 108 bytes
    layout = NodeLayout(short)
    instance = layout.containerd
    instance.address.parent.mkdir(parents=True)
    instance.address.write_text("stale")
    asyncio.run(ContainerdService(instance, ServiceLogs().get("containerd")).pre())
    assert not instance.address.exists()
    text = instance.config_path.read_text()
    shutil.rmtree(short)
    assert 'disabled_plugins = ["io.containerd.grpc.v1.cri"' in text


def _inputs(tmp_path: Path) -> PlanInputs:
    def no_server() -> object:
        raise AssertionError("not started in this test")

    return PlanInputs(
        layout=NodeLayout(tmp_path),
        logs=ServiceLogs(),
        identity=NodeIdentity("n", [ipaddress.ip_address("10.5.0.2")]),
        make_api_server=no_server,  # type: ignore[arg-type]
    )


def test_plan_for_a_worker_and_a_control_plane(tmp_path: Path) -> None:
    worker, cp = _configs.config("worker"), _configs.config("controlplane")
    assert machine_type(worker) == "worker" and etcd_ca(worker) is None
    assert [s.id for s in plan_services(worker, _inputs(tmp_path))] == ["machined", "apid", "kubelet"]
    planned = [s.id for s in plan_services(cp, _inputs(tmp_path))]
    assert planned == ["machined", "apid", "trustd", "etcd", "kubelet"]
    assert kubelet_image(cp).startswith("ghcr.io/siderolabs/kubelet:v")

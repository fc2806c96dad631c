"""containerd config rendering for the system and cri instances (read back with tomllib)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from pytalos.machined.containerd.config import (
    CRI_PLUGIN,
    ContainerdConfigError,
    cri_instance,
    dump_toml,
    render_config,
    system_instance,
    write_config,
)

ROOT = Path("/node")


def test_system_instance_paths_and_no_cri() -> None:
    doc = tomllib.loads(render_config(system_instance(ROOT)))
    assert doc["version"] == 2
    assert doc["root"] == "/node/system/var/lib/containerd"
    assert doc["state"] == "/node/system/run/containerd"
    assert doc["grpc"]["address"] == "/node/system/run/containerd/containerd.sock"
    assert doc["ttrpc"]["address"] == "/node/system/run/containerd/containerd.sock.ttrpc"
    assert CRI_PLUGIN in doc["disabled_plugins"]
    assert "plugins" not in doc
    assert doc["metrics"]["address"] == ""


def test_cri_instance_runc_cgroupfs_and_sandbox_image() -> None:
    inst = cri_instance(ROOT, sandbox_image="registry.example/pause:3.9")
    doc = tomllib.loads(render_config(inst))
    assert doc["root"] == "/node/var/lib/containerd"
    assert doc["grpc"]["address"] == "/node/run/containerd/containerd.sock"
    assert CRI_PLUGIN not in doc["disabled_plugins"]
    cri = doc["plugins"][CRI_PLUGIN]
    assert cri["sandbox_image"] == "registry.example/pause:3.9"
    runc = cri["containerd"]["runtimes"]["runc"]
    assert cri["containerd"]["default_runtime_name"] == "runc"
    assert runc["runtime_type"] == "io.containerd.runc.v2"
    assert runc["options"] == {"BinaryName": "runc", "SystemdCgroup": False}
    assert cri["cni"] == {"conf_dir": "/node/etc/cni/net.d", "bin_dir": "/node/opt/cni/bin"}
    assert inst.config_path == Path("/node/etc/cri/containerd.toml")
    assert inst.command() == ["containerd", "--config", "/node/etc/cri/containerd.toml"]


def test_instances_do_not_share_paths() -> None:
    a, b = system_instance(ROOT), cri_instance(ROOT)
    assert {a.root, a.state, a.address, a.config_path}.isdisjoint({b.root, b.state, b.address, b.config_path})


def test_socket_path_too_long() -> None:
    with pytest.raises(ContainerdConfigError, match="longer than 107 bytes"):
        render_config(system_instance(Path("/" + "x" * 80)))


def test_dump_toml_quotes_and_escapes() -> None:
    text = dump_toml({"a": 'q"\\', "t": {"dotted.key": {"x": [1, True]}}, "empty": {}})
    assert tomllib.loads(text) == {"a": 'q"\\', "t": {"dotted.key": {"x": [1, True]}}, "empty": {}}
    with pytest.raises(TypeError):
        dump_toml({"f": 1.5})


def test_write_config_creates_directories(tmp_path: Path) -> None:
    inst = cri_instance(tmp_path)
    write_config(inst)
    assert tomllib.loads(inst.config_path.read_text())["state"] == str(tmp_path / "run" / "containerd")
    assert inst.root.is_dir() and inst.state.is_dir()

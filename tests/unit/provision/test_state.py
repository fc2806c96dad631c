"""The cluster state file: round trip, atomic replacement, clear errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pytalos.provision import ProvisionError
from pytalos.provision.state import STATE_FILE, ClusterState, NodeState, read_state

pytestmark = pytest.mark.unit


def sample(directory: Path) -> ClusterState:
    node = NodeState(
        name="demo-controlplane-1",
        type="controlplane",
        ip="10.5.0.2",
        netns="pytalos-demo-controlplane-1",
        root=str(directory / "controlplane-1"),
        log=str(directory / "demo-controlplane-1.log"),
        config=str(directory / "demo-controlplane-1.yaml"),
    )
    return ClusterState("demo", str(directory), "10.5.0.0/24", "10.5.0.1", "ptbrabc", [node])


def test_round_trip(tmp_path: Path) -> None:
    directory = tmp_path / "demo"
    directory.mkdir()
    state = sample(directory)
    state.save()
    state.with_pid("demo-controlplane-1", 4242)
    state.save()
    loaded = read_state(tmp_path, "demo")
    assert loaded == state
    assert loaded.node("demo-controlplane-1").pid == 4242
    assert loaded.prefixlen == 24
    assert [n.name for n in loaded.control_planes] == ["demo-controlplane-1"] and loaded.workers == []
    assert oct((directory / STATE_FILE).stat().st_mode & 0o777) == "0o600"


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / "demo"
    directory.mkdir()
    state = sample(directory)
    state.save()
    before = (directory / STATE_FILE).read_text()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    state.with_pid("demo-controlplane-1", 1)
    with pytest.raises(OSError, match="No space"):
        state.save()
    assert (directory / STATE_FILE).read_text() == before  # the old file is intact
    assert sorted(p.name for p in directory.iterdir()) == [STATE_FILE]


def test_missing_cluster_and_bad_files(tmp_path: Path) -> None:
    with pytest.raises(ProvisionError, match=r'cluster "nope" not found: no state directory .*/nope'):
        read_state(tmp_path, "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ProvisionError, match=r"has no state\.json"):
        read_state(tmp_path, "empty")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / STATE_FILE).write_text("{not json")
    with pytest.raises(ProvisionError, match="error unmarshalling state file"):
        read_state(tmp_path, "bad")
    (tmp_path / "other").mkdir()
    data = sample(tmp_path / "other").to_dict() | {"provisioner": "docker"}
    (tmp_path / "other" / STATE_FILE).write_text(json.dumps(data))
    with pytest.raises(ProvisionError, match="different provisioner 'docker'"):
        read_state(tmp_path, "other")
    data = sample(tmp_path / "other").to_dict() | {"nodes": [{"name": "x"}]}
    (tmp_path / "other" / STATE_FILE).write_text(json.dumps(data))
    with pytest.raises(ProvisionError, match="malformed state"):
        read_state(tmp_path, "other")

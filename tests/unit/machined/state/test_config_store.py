"""The STATE config store: atomic writes, loading with validation, last-known-good and rollback."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pytalos.machined.node.layout import NodeLayout
from pytalos.machined.state import atomicfile
from pytalos.machined.state.config_store import ConfigLoadError, ConfigStore, parse_config
from tests.unit.machined.node import _configs


@pytest.fixture
def store(tmp_path: Path) -> ConfigStore:
    layout = NodeLayout(tmp_path / "node")
    layout.ensure()
    return ConfigStore(layout)


def test_write_atomic_replaces_content_with_private_mode(tmp_path: Path) -> None:
    target = tmp_path / "config.yaml"
    target.write_bytes(b"old")
    atomicfile.write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml"]


def test_write_atomic_failure_keeps_old_content_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "config.yaml"
    target.write_bytes(b"old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match=r"writing .*config.yaml atomically: No space left"):
        atomicfile.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml"]


def test_write_atomic_syncs_file_and_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real(fd))[1])
    atomicfile.write_atomic(tmp_path / "f", b"x")
    assert len(synced) == 2  # the temporary file, then the folder holding the rename


def test_missing_config_loads_as_none(store: ConfigStore) -> None:
    assert store.load() is None
    assert not store.exists()


def test_saved_config_loads_validated(store: ConfigStore) -> None:
    store.save(_configs.raw("worker"))
    loaded = store.load()
    assert loaded is not None
    assert loaded.raw == _configs.raw("worker")
    assert loaded.container.v1alpha1().machine_config.machine_type == "worker"


def test_corrupt_config_is_a_load_error_naming_file_and_line(store: ConfigStore) -> None:
    store.layout.config.write_bytes(b"version: v1alpha1\nmachine: [broken\n")
    with pytest.raises(ConfigLoadError) as err:
        store.load()
    assert err.value.stage == "parse"
    assert str(err.value).startswith(f"{store.layout.config}: failed to load config")


def test_invalid_config_is_a_validation_error(store: ConfigStore) -> None:
    text = _configs.raw("worker").replace(b"type: worker", b"type: nonsense")
    store.layout.config.write_bytes(text)
    with pytest.raises(ConfigLoadError) as err:
        store.load()
    assert err.value.stage == "validate"
    assert "config validation failed" in str(err.value)


def test_config_without_v1alpha1_is_refused() -> None:
    with pytest.raises(ConfigLoadError, match="no v1alpha1 document"):
        parse_config(b"apiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n", "x.yaml")


def test_mark_good_and_rollback(store: ConfigStore) -> None:
    good, new = _configs.raw("worker"), _configs.raw("controlplane")
    store.save(good)
    assert not store.is_proven()
    assert store.mark_good() is True
    assert store.is_proven() and store.mark_good() is False
    store.save(new)
    assert not store.is_proven()
    restored = store.rollback()
    assert restored.raw == good
    assert store.layout.config.read_bytes() == good
    assert store.layout.config_failed.read_bytes() == new
    assert store.is_proven()


def test_rollback_without_good_config_is_an_error(store: ConfigStore) -> None:
    store.save(_configs.raw("worker"))
    with pytest.raises(ConfigLoadError, match="no last-known-good config"):
        store.rollback()


def test_wipe_forgets_every_config(store: ConfigStore) -> None:
    store.save(_configs.raw("worker"))
    store.mark_good()
    store.wipe()
    assert store.load() is None and store.load_good() is None

"""The upstream stability configs (every ``gen config`` version contract) against the validator.

With an install disk patched in (Talos's strategic merge patch) every base config is valid for
metal; with an ``install`` section that lacks a disk it fails in metal mode and passes in container
mode; and the newest multi-document configs pass the whole-container checks in every mode.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytalos.machinery.config.container import Container
from pytalos.machinery.config.loader import load
from pytalos.machinery.config.patch.load import StrategicMergePatch, load_patch
from pytalos.machinery.config.patch.strategic import strategic_merge
from pytalos.machinery.config.types.v1alpha1 import InstallConfig
from pytalos.machinery.config.validation import validate_config, validate_documents
from tests._shared import config_testdata

pytestmark = pytest.mark.unit

VERSIONS = ["v1.3", "v1.4", "v1.5", "v1.6", "v1.7", "v1.10", "v1.12", "v1.13", "v1.14", "v1.15"]
KINDS = ["base-controlplane", "base-worker"]
NO_DISK = "either install disk or diskSelector should be defined"


def _load(version: str, kind: str) -> Container:
    path: Path = config_testdata("types", "v1alpha1", "testdata", "stability", version, f"{kind}.yaml")
    return load(path.read_bytes(), str(path))


def _with_disk(container: Container) -> Container:
    patch = load_patch("machine:\n  install:\n    disk: /dev/vda\n", "disk-patch.yaml")
    assert isinstance(patch, StrategicMergePatch)
    return strategic_merge(container, patch.container)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("version", VERSIONS)
def test_base_config_valid_for_metal_with_install_disk(version: str, kind: str) -> None:
    container = _with_disk(_load(version, kind))
    legacy = container.v1alpha1()
    assert legacy.machine_config.machine_install.install_disk == "/dev/vda"
    assert validate_config(legacy, "metal") == ([], [])
    assert validate_documents(container.config_documents, "metal") == ([], [])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("version", VERSIONS)
def test_base_config_install_without_disk(version: str, kind: str) -> None:
    legacy = _load(version, kind).v1alpha1()
    machine = legacy.machine_config
    if machine.machine_install is None:  # HEAD configs leave install out (it is optional)
        assert validate_config(legacy, "metal") == ([], [])
        machine.machine_install = InstallConfig(install_wipe=False)
    machine.machine_install.install_disk = ""
    assert validate_config(legacy, "metal") == ([], [NO_DISK])
    assert validate_config(legacy, "container") == ([], [])
    assert validate_config(legacy, "cloud") == ([], [])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("mode", ["metal", "cloud", "container"])
def test_multidoc_configs_pass_container_checks(kind: str, mode: str) -> None:
    container = _load("v1.15", kind)
    assert validate_documents(container.config_documents, mode) == ([], [])


def test_old_configs_need_host_dns_in_container_mode() -> None:
    container = _load("v1.5", "base-worker")
    assert validate_documents(container.config_documents, "container") == (
        [],
        ["hostDNS config is required in container mode"],
    )
    container = _load("v1.7", "base-worker")
    assert validate_documents(container.config_documents, "container")[1] == [
        "forwardKubeDNSToHost must be enabled in container mode"
    ]

"""Talos's config-generation stability fixtures: generated configs must match them byte for byte.

``types/v1alpha1/testdata/stability/vX.Y/{base,overrides}-{controlplane,worker}.yaml`` are what Talos's
``generate`` produces for contract vX.Y from ``stability/secrets.yaml`` (comments off); the overrides
flavour sets most options and is then patched with ``patch.yaml`` (v1.14+) or ``patch-pre14.yaml``.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from pytalos.machinery.config.container import Container
from pytalos.machinery.config.contract import VersionContract
from pytalos.machinery.config.generate import Input, generate
from pytalos.machinery.config.patch import apply, load_patch
from pytalos.machinery.secrets.bundle import SecretsBundle
from tests._shared import SHARED, TALOS_CONFIG_TESTDATA, config_testdata

pytestmark = pytest.mark.unit

STABILITY = SHARED.joinpath(*TALOS_CONFIG_TESTDATA, "types", "v1alpha1", "testdata", "stability")
# only the version folders that exist are parametrized: absent ones are not tests, not skips
VERSIONS = sorted(
    (p.name for p in STABILITY.glob("v1.*") if p.is_dir()), key=lambda v: int(v.split(".")[1])
) or ["v1.15"]
MACHINE_TYPES = ["controlplane", "worker"]

OVERRIDES = {
    "additional_subject_alt_names": ["foo", "bar"],
    "allow_scheduling_on_control_planes": True,
    "dns_domain": "example.com",
    "install_disk": "/dev/vda",
    "install_extra_kernel_args": ["foo=bar", "bar=baz"],
    "local_api_server_port": 5443,
    "sysctls": {"foo": "bar"},
    "custom_cni_url": "https://example.com/cni.yaml",
    "registry_mirrors": {"ghcr.io": ["https://ghcr.io.my-mirror.com"]},
}


def _stability_dir() -> Path:
    return config_testdata("types", "v1alpha1", "testdata", "stability")


def _version_dir(version: str) -> Path:
    return _stability_dir() / version


def _bundle() -> SecretsBundle:
    path = _stability_dir() / "secrets.yaml"
    return SecretsBundle.from_yaml(path.read_bytes(), str(path))


def _assert_same(expected: str, got: str, name: str) -> None:
    if expected != got:
        diff = "".join(
            difflib.unified_diff(expected.splitlines(True), got.splitlines(True), name, "generated")
        )
        pytest.fail(f"{name} differs:\n{diff}")


@pytest.mark.parametrize("machine_type", MACHINE_TYPES)
@pytest.mark.parametrize("version", VERSIONS)
def test_base(version: str, machine_type: str) -> None:
    directory = _version_dir(version)
    inp = Input(
        "base",
        "https://base:6443",
        "1.28.0",
        secrets_bundle=_bundle(),
        version_contract=VersionContract.parse(version),
    )
    expected = (directory / f"base-{machine_type}.yaml").read_text()
    _assert_same(expected, generate(inp, machine_type).encode(), f"{version}/base-{machine_type}.yaml")


def _overrides(version: str, machine_type: str) -> Container:
    contract = VersionContract.parse(version)
    inp = Input(
        "base",
        "https://base:6443",
        "1.28.0",
        secrets_bundle=_bundle(),
        version_contract=contract,
        **OVERRIDES,
    )
    name = "patch.yaml" if contract.multidoc_kernel_module_config_supported() else "patch-pre14.yaml"
    patch = load_patch((_stability_dir() / name).read_bytes(), name)
    return apply(generate(inp, machine_type), [patch])


@pytest.mark.parametrize("machine_type", MACHINE_TYPES)
@pytest.mark.parametrize("version", VERSIONS)
def test_overrides(version: str, machine_type: str) -> None:
    directory = _version_dir(version)
    expected = (directory / f"overrides-{machine_type}.yaml").read_text()
    got = _overrides(version, machine_type).encode()
    _assert_same(expected, got, f"{version}/overrides-{machine_type}.yaml")


def test_fixture_set_is_not_empty() -> None:
    """Guard against a silently empty run: at least one version folder must be present."""
    present = [v for v in VERSIONS if (_stability_dir() / v).is_dir()]
    assert present, "no stability fixture folders found"

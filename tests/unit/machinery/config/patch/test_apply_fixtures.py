"""Talos's configpatcher fixtures (``apply_test.go``), outputs compared byte for byte.

(``patchlink``/``patchmixed`` are not in the shared subset; test_strategic.py covers the same flows.)

Every case runs twice, like upstream: once starting from a loaded container (``WithConfig``) and
once from the raw bytes (``WithBytes``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytalos.machinery.config.container import Container
from pytalos.machinery.config.errors import ConfigError
from pytalos.machinery.config.loader import load
from pytalos.machinery.config.patch import MULTIDOC_JSON6902, apply, load_patches
from tests._shared import config_testdata

from ..conftest import require_kinds, require_v1alpha1

MULTIDOC_KINDS = ("SideroLinkConfig", "ExtensionServiceConfig", "KubeFlannelCNIConfig")


def _testdata() -> Path:
    return config_testdata("configpatcher", "testdata")


def _read(name: str) -> bytes:
    return (_testdata() / name.removeprefix("testdata/")).read_bytes()


def _input(mode: str, name: str) -> Container | bytes:
    data = _read(name)
    return load(data, name) if mode == "config" else data


MODES = ["config", "bytes"]

CASES = {
    "apply": (
        "apply/config.yaml",
        [
            "apply/strategic1.yaml",
            "apply/jsonpatch1.yaml",
            "apply/jsonpatch2.yaml",
            "apply/strategic2.yaml",
            "apply/strategic3.yaml",
        ],
        "apply/expected.yaml",
        (),
    ),
    "manifests": ("apply/config.yaml", ["apply/strategic4.yaml"], "apply/expected_manifests.yaml", ()),
    "multidoc": (
        "multidoc/config.yaml",
        ["multidoc/strategic1.yaml", "multidoc/strategic2.yaml", "multidoc/strategic3.yaml"],
        "multidoc/expected.yaml",
        MULTIDOC_KINDS,
    ),
    "auditpolicy": ("auditpolicy/config.yaml", ["auditpolicy/patch1.yaml"], "auditpolicy/expected.yaml", ()),
    "patchdelete": (
        "patchdelete/config.yaml",
        ["patchdelete/strategic1.yaml"],
        "patchdelete/expected.yaml",
        MULTIDOC_KINDS,
    ),
    "patchdelete-controlplane": (
        "patchdelete/controlplane_orig.yaml",
        ["patchdelete/strategic2.yaml", "patchdelete/strategic3.yaml", "patchdelete/strategic4.yaml"],
        "patchdelete/controlplane_expected.yaml",
        (),
    ),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_apply_fixture(case: str, mode: str) -> None:
    base, patch_names, expected, kinds = CASES[case]
    require_kinds(*kinds)
    if _read(base).lstrip().startswith(b"version:"):
        require_v1alpha1()
    patches = load_patches([f"@testdata/{name}" for name in patch_names], _read)
    out = apply(_input(mode, base), patches)
    assert out.encode() == _read(expected).decode()
    load(out.encode())  # the result is a valid config again


@pytest.mark.parametrize("mode", MODES)
def test_multidoc_json6902_rejected(mode: str) -> None:
    require_kinds(*MULTIDOC_KINDS)
    require_v1alpha1()
    patches = load_patches(["@testdata/multidoc/jsonpatch.yaml", "@testdata/multidoc/strategic1.yaml"], _read)
    with pytest.raises(ConfigError) as exc:
        apply(_input(mode, "multidoc/config.yaml"), patches)
    assert str(exc.value) == MULTIDOC_JSON6902


def test_multidoc_patch_on_empty_container() -> None:
    require_kinds(*MULTIDOC_KINDS)
    patches = load_patches(["@testdata/multidoc/strategic2.yaml"], _read)
    out = apply(Container(), patches)
    assert [getattr(d, "kind", "") for d in out.config_documents] == [
        "SideroLinkConfig",
        "ExtensionServiceConfig",
    ]
    assert out.encode() == _read("multidoc/strategic2.yaml").decode()


@pytest.mark.parametrize("mode", MODES)
def test_patch_delete_missing_path(mode: str) -> None:
    require_v1alpha1()
    patches = load_patches(["@testdata/patchdeletemissing/strategic1.yaml"], _read)
    with pytest.raises(ConfigError) as exc:
        apply(_input(mode, "patchdeletemissing/config.yaml"), patches)
    assert (
        "patch delete: path 'machine.network.hostname' in document '/v1alpha1': "
        "failed to delete path 'machine.network.hostname': lookup failed"
    ) in str(exc.value)

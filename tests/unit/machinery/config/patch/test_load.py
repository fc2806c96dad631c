"""Patch loading: format detection (strategic / JSON6902 JSON / JSON6902 YAML), arguments, joining."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytalos.machinery.config.errors import ConfigError
from pytalos.machinery.config.patch import (
    JSONPatch,
    StrategicMergePatch,
    load_patch,
    load_patches,
    patch_reference,
)
from pytalos.machinery.config.schema import Struct
from tests._shared import config_testdata


def _testdata() -> Path:
    return config_testdata("configpatcher", "testdata")


def _reader(name: str) -> bytes:
    return (_testdata() / name.removeprefix("testdata/")).read_bytes()


def test_load_json_fixture() -> None:
    patch = load_patch(_reader("patch.json"))
    assert isinstance(patch, JSONPatch)
    assert len(patch.operations) == 1
    assert patch.operations[0]["op"] == "add"
    assert patch.operations[0]["path"] == "/machine/certSANs"


def test_load_yaml_fixture() -> None:
    patch = load_patch(_reader("patch.yaml"))
    assert isinstance(patch, JSONPatch)
    assert [op["op"] for op in patch.operations] == ["add"]
    assert patch.operations[0]["path"] == "/some/path"
    assert patch.operations[0]["value"] == ["a", "b", "c"]


def test_load_strategic_fixture(any_v1alpha1: type[Struct]) -> None:
    data = _reader("strategic.yaml")
    patch = load_patch(data)
    assert isinstance(patch, StrategicMergePatch)
    assert len(patch.documents()) == 1
    assert isinstance(patch.documents()[0], any_v1alpha1)
    assert patch.bytes() == data


def test_consecutive_json_patches_are_joined() -> None:
    patches = load_patches(
        ["@testdata/patch.json", "@testdata/patch.yaml", '[{"op":"replace","path":"/some","value": []}]'],
        _reader,
    )
    assert len(patches) == 1
    assert isinstance(patches[0], JSONPatch)
    assert [op["op"] for op in patches[0].operations] == ["add", "add", "replace"]


def test_mixed_patches_keep_order(any_v1alpha1: type[Struct]) -> None:
    patches = load_patches(
        [
            "@testdata/patch.json",
            "@testdata/strategic.yaml",
            "@testdata/patch.yaml",
            '[{"op":"replace","path":"/some","value": []}]',
        ],
        _reader,
    )
    assert [type(p) for p in patches] == [JSONPatch, StrategicMergePatch, JSONPatch]
    assert isinstance(patches[2], JSONPatch) and len(patches[2].operations) == 2


def test_bare_filename_is_read(any_v1alpha1: type[Struct]) -> None:
    patches = load_patches(
        ["testdata/strategic.yaml", '[{"op":"replace","path":"/some","value": []}]'], _reader
    )
    assert [type(p) for p in patches] == [StrategicMergePatch, JSONPatch]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("@p.yaml", ("file", "p.yaml")),
        ("p.yaml", ("file", "p.yaml")),
        ("machine:\n  type: worker", ("inline", "machine:\n  type: worker")),
        ("{machine: {}}", ("inline", "{machine: {}}")),
        ("[]", ("inline", "[]")),
        ("a: b", ("inline", "a: b")),
    ],
)
def test_patch_reference(item: str, expected: tuple[str, str]) -> None:
    assert patch_reference(item) == expected


def test_read_errors_propagate() -> None:
    def missing(name: str) -> bytes:
        raise FileNotFoundError(name)

    with pytest.raises(FileNotFoundError):
        load_patches(["@nope.yaml"], missing)


def test_bracket_input_reports_json_error() -> None:
    with pytest.raises(ConfigError, match="invalid JSON patch"):
        load_patch('[{"op": "add", ')


def test_non_patch_reports_config_error() -> None:
    with pytest.raises(ConfigError, match="missing kind"):
        load_patch("apiVersion: v2\nfoo: bar\n", "bad.yaml")


def test_empty_patch_is_empty_json_patch() -> None:
    patch = load_patch("")
    assert isinstance(patch, JSONPatch) and patch.operations == []

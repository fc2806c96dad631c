"""ExtensionServiceConfig: byte-exact fixture round-trip, config-file merge by mount path, validation."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.schema import merge_structs
from pytalos.machinery.config.types.runtime import extensions as _group
from pytalos.machinery.config.types.runtime.extensions import (
    ConfigFile,
    ServiceConfigV1Alpha1,
    merge_config_files,
)

from ._group_roundtrip import decode_doc, encode_doc, fixture_names, fixture_text, group_kinds

pytestmark = pytest.mark.unit

KINDS = group_kinds(_group)


@pytest.mark.parametrize("name", fixture_names("runtime/extensions"))
def test_fixture_round_trip(name: str) -> None:
    text = fixture_text("runtime/extensions", name)
    doc = decode_doc(text, KINDS)
    assert isinstance(doc, ServiceConfigV1Alpha1)
    assert encode_doc(doc) == text


def test_fixture_content() -> None:
    doc = decode_doc(fixture_text("runtime/extensions", "extension_service_config.yaml"), KINDS)
    assert isinstance(doc, ServiceConfigV1Alpha1)
    assert doc.identity() == "v1alpha1/ExtensionServiceConfig/foo"
    assert doc.service_config_files == [ConfigFile("hello", "/etc/foo")]
    assert doc.service_environment == ["FOO=BAR"]
    assert doc.validate("metal") == ([], [])


def test_config_files_merge_by_mount_path() -> None:
    left = ServiceConfigV1Alpha1(
        name="foo",
        service_config_files=[ConfigFile("a", "/etc/a"), ConfigFile("b", "/etc/b")],
        service_environment=["A=1"],
    )
    right = ServiceConfigV1Alpha1(
        name="foo",
        service_config_files=[ConfigFile("b2", "/etc/b"), ConfigFile("c", "/etc/c")],
        service_environment=["B=2"],
    )
    merge_structs(left, right)
    assert left.service_config_files == [
        ConfigFile("a", "/etc/a"),
        ConfigFile("b2", "/etc/b"),
        ConfigFile("c", "/etc/c"),
    ]
    # plain string lists still append
    assert left.service_environment == ["A=1", "B=2"]


def test_config_file_merge_keeps_content_when_patch_content_empty() -> None:
    merged = merge_config_files([ConfigFile("keep", "/etc/a")], [ConfigFile("", "/etc/a")])
    assert merged == [ConfigFile("keep", "/etc/a")]


def test_config_file_merge_does_not_alias_inputs() -> None:
    left = [ConfigFile("a", "/etc/a")]
    right = [ConfigFile("new", "/etc/a")]
    merge_config_files(left, right)
    assert left == [ConfigFile("a", "/etc/a")]
    assert merge_config_files(None, None) == []


@pytest.mark.parametrize(
    ("doc", "errors"),
    [
        (ServiceConfigV1Alpha1(), ["name is required"]),
        (ServiceConfigV1Alpha1(name="nut"), ['no config files found for extension "nut"']),
        (ServiceConfigV1Alpha1(name="nut", service_environment=["A=1"]), []),
        (
            ServiceConfigV1Alpha1(name="nut", service_config_files=[ConfigFile("", "/etc/x")]),
            ['extension content is required for extension "nut"'],
        ),
        (
            ServiceConfigV1Alpha1(name="nut", service_config_files=[ConfigFile("x", "")]),
            ['extension mount path is required for extension "nut"'],
        ),
    ],
)
def test_validate(doc: ServiceConfigV1Alpha1, errors: list[str]) -> None:
    assert doc.validate("metal") == ([], errors)

"""diff(a, b) produces a strategic patch with apply(a, patch) == b; encode/decode round trips."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from pytalos.machinery.config.container import Container
from pytalos.machinery.config.diff import diff, unified_diff
from pytalos.machinery.config.errors import ConfigError
from pytalos.machinery.config.loader import load
from pytalos.machinery.config.patch import apply, load_patch
from tests._shared import config_testdata

from ._fakes import FakeConfig, FakeMachine
from ._strategies import PyTestPropConfig, containers
from .conftest import require_kinds, require_v1alpha1

PROPERTY = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _roundtrip(a: Container, b: Container) -> Container:
    patch = diff(a, b)
    if not patch:
        return a.clone()
    return apply(a, [load_patch(patch, "diff.yaml")])


@PROPERTY
@given(a=containers(), b=containers())
def test_apply_diff_reproduces_target(fake_v1alpha1: type[FakeConfig], a: Container, b: Container) -> None:
    if a.v1alpha1() is not None and b.v1alpha1() is None:
        with pytest.raises(ConfigError, match="cannot be removed"):
            diff(a, b)
        return
    assert _roundtrip(a, b).encode() == b.encode()


@PROPERTY
@given(c=containers())
def test_encode_decode_roundtrip(fake_v1alpha1: type[FakeConfig], c: Container) -> None:
    text = c.encode()
    if not text:
        return
    again = load(text, "generated.yaml")
    assert again.encode() == text
    assert again == c


@PROPERTY
@given(c=containers())
def test_diff_of_equal_configs_is_empty(fake_v1alpha1: type[FakeConfig], c: Container) -> None:
    assert diff(c, c.clone()) == ""


@PROPERTY
@given(a=containers(with_v1alpha1=True), b=containers(with_v1alpha1=True))
def test_patch_idempotent_without_appends(
    fake_v1alpha1: type[FakeConfig], a: Container, b: Container
) -> None:
    """A patch that only sets scalars/maps and deletes (no list appends, no new documents) is idempotent."""
    patch = diff(a, b)
    if not patch or "- " in patch or any(a.find(d.identity()) is None for d in b.config_documents[1:]):  # type: ignore[attr-defined]
        return
    loaded = load_patch(patch)
    once = apply(a, [loaded])
    try:
        twice = apply(once, [loaded])
    except ConfigError:
        return  # deleting something already deleted is an error, not a silent no-op
    assert twice.encode() == once.encode()


def test_diff_shapes(fake_v1alpha1: type[FakeConfig]) -> None:
    a = Container([FakeConfig(version="v1alpha1", machine=FakeMachine(type="worker", cert_sans=["x"]))])
    b = Container(
        [
            FakeConfig(version="v1alpha1", persist=True, machine=FakeMachine(type="", cert_sans=["x", "y"])),
            PyTestPropConfig(name="a", size=3),
        ]
    )
    assert diff(a, b) == (
        "machine:\n    type:\n        $patch: delete\n"
        '---\npersist: true\nmachine:\n    certSANs:\n        - "y"\n'
        "---\napiVersion: v1alpha1\nkind: PyTestPropConfig\nname: a\nsize: 3\nflag: false\n"
    )
    assert diff(b, a).startswith("apiVersion: v1alpha1\nkind: PyTestPropConfig\nname: a\n$patch: delete\n")


def test_changed_list_is_deleted_then_set(fake_v1alpha1: type[FakeConfig]) -> None:
    a = Container([PyTestPropConfig(name="a", tags=["x", "y"])])
    b = Container([PyTestPropConfig(name="a", tags=["y"])])
    patch = diff(a, b)
    assert patch == (
        "apiVersion: v1alpha1\nkind: PyTestPropConfig\nname: a\ntags:\n    $patch: delete\n---\n"
        'apiVersion: v1alpha1\nkind: PyTestPropConfig\nname: a\ntags:\n    - "y"\n'
    )
    assert _roundtrip(a, b) == b


def _v1alpha1_fixtures() -> list[Path]:
    base = config_testdata("configpatcher", "testdata")
    return sorted(
        p for p in base.glob("*/*.yaml") if p.name.startswith(("config", "expected", "controlplane"))
    )


def test_fixture_pairs_roundtrip() -> None:
    require_v1alpha1()
    require_kinds("SideroLinkConfig", "ExtensionServiceConfig")
    configs = [load(p.read_bytes(), p.name) for p in _v1alpha1_fixtures()]
    assert len(configs) >= 8
    for a, b in itertools.permutations(configs, 2):
        if a.v1alpha1() is not None and b.v1alpha1() is None:
            continue
        assert _roundtrip(a, b).encode() == b.encode()


def test_unified_diff() -> None:
    assert unified_diff("a: 1\n", "a: 1\n") == ""
    out = unified_diff("a: 1\nb: 2\n", "a: 1\nb: 3\n", "old", "new")
    assert out == "--- old\n+++ new\n@@ -1,2 +1,2 @@\n a: 1\n-b: 2\n+b: 3\n"
    assert "\\ No newline at end of file" in unified_diff("a", "b")

"""Upstream fixtures: stability outputs round-trip byte for byte, strategic merges match, loaders decode."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.schema import decode_struct, merge_structs
from pytalos.machinery.config.types.v1alpha1 import Config
from tests._shared import config_testdata

from ._helpers import CONFIG_TESTDATA, decode, encode, first_document, fixture_names, v1alpha1_nodes

STABILITY = fixture_names("stability/*/*-*.yaml") or ["missing"]
STRATEGIC = fixture_names("strategic/*") or ["missing"]
LOADER_FIXTURES = [
    "configloader/internal/decoder/testdata/controlplane.yaml",
    "configloader/internal/decoder/testdata/worker.yaml",
    "configloader/testdata/controlplane.test",
    "configloader/testdata/worker.test",
    "configloader/testdata/empty1.test",
    "configloader/testdata/empty2.test",
]
# encoder outputs (comments disabled) of configpatcher tests: must round-trip like stability files
PATCHER_OUTPUTS = [
    "configpatcher/testdata/apply/expected.yaml",
    "configpatcher/testdata/apply/expected_manifests.yaml",
    "configpatcher/testdata/auditpolicy/expected.yaml",
    "configpatcher/testdata/multidoc/expected.yaml",
    "configpatcher/testdata/patchdelete/expected.yaml",
    "configpatcher/testdata/patchdelete/controlplane_expected.yaml",
]


def test_stability_fixture_set_is_complete() -> None:
    config_testdata("types", "v1alpha1", "testdata", "stability")
    assert len(STABILITY) >= 40  # base/overrides x controlplane/worker for every version contract
    assert all(name.rsplit("/", 1)[-1].startswith(("base-", "overrides-")) for name in STABILITY)


@pytest.mark.parametrize("name", STABILITY)
def test_stability_roundtrip(name: str) -> None:
    text = config_testdata("types", "v1alpha1", "testdata", name).read_text()
    nodes = v1alpha1_nodes(text)
    assert len(nodes) == 1
    cfg = decode_struct(Config, nodes[0])
    assert encode(cfg) == first_document(text)


@pytest.mark.parametrize("name", PATCHER_OUTPUTS)
def test_patcher_expected_roundtrip(name: str) -> None:
    text = config_testdata(name).read_text()
    nodes = v1alpha1_nodes(text)
    assert len(nodes) == 1
    assert encode(decode_struct(Config, nodes[0])) == first_document(text)


@pytest.mark.parametrize("case", STRATEGIC)
def test_strategic_merge(case: str) -> None:
    folder = config_testdata("types", "v1alpha1", "testdata", case)
    left, right, expected = (
        decode((folder / f"{n}.yaml").read_text()) for n in ("left", "right", "expected")
    )
    merge_structs(left, right)
    assert left == expected
    assert encode(left) == encode(expected)


@pytest.mark.parametrize("name", LOADER_FIXTURES)
def test_loader_fixtures_decode(name: str) -> None:
    text = config_testdata(name).read_text()
    nodes = v1alpha1_nodes(text)
    assert nodes, "fixture has no v1alpha1 document"
    for node in nodes:
        cfg = decode_struct(Config, node)
        assert cfg.IS_V1ALPHA1
        # re-encoding and decoding again is stable (comments and indentation aside)
        assert decode(encode(cfg)) == cfg


def test_worker_ca_key_written_empty() -> None:
    text = config_testdata(
        "types", "v1alpha1", "testdata", "stability", "v1.15", "base-worker.yaml"
    ).read_text()
    cfg = decode(first_document(text))
    machine = cfg.machine()
    assert machine.machine_ca is not None
    assert machine.machine_ca.crt.data.startswith(b"-----BEGIN CERTIFICATE-----")
    assert machine.machine_ca.key.data == b""
    assert '        key: ""\n' in encode(cfg)


def test_empty_sections_decode_to_none() -> None:
    assert CONFIG_TESTDATA  # path object exists even when skipped below
    empty1 = decode(config_testdata("configloader", "testdata", "empty1.test").read_text())
    assert empty1.machine_config is None and empty1.cluster_config is None
    assert encode(empty1) == 'version: ""\nmachine: null\ncluster: null\n'

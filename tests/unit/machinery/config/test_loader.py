"""Loader tests: document classification, errors with locations, $patch: delete extraction, fixtures."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytalos.machinery import yamlx
from pytalos.machinery.config.deletes import extract_deletes
from pytalos.machinery.config.errors import ConfigError
from pytalos.machinery.config.loader import load
from pytalos.machinery.config.schema import Struct
from tests._shared import config_testdata

from ._fakes import FakeConfig, PyTestLinkConfig
from .conftest import require_kinds, require_v1alpha1

LINK = "apiVersion: v1alpha1\nkind: PyTestLinkConfig\nname: eth0\n"


def test_loads_v1alpha1_and_typed_documents_in_order(fake_v1alpha1: type[FakeConfig]) -> None:
    text = LINK + "mtu: 1500\n---\nversion: v1alpha1\nmachine:\n  type: worker\n"
    cfg = load(text, "c.yaml")
    docs = cfg.documents
    assert isinstance(docs[0], FakeConfig)
    assert isinstance(docs[1], PyTestLinkConfig)
    assert docs[1].mtu == 1500
    assert cfg.v1alpha1().machine.type == "worker"
    assert cfg.get("PyTestLinkConfig", "eth0") is docs[1]
    assert cfg.get("PyTestLinkConfig", "eth1") is None


@pytest.mark.parametrize("key", ["version", "machine", "cluster", "debug", "persist"])
def test_legacy_document_detected_by_any_legacy_key(fake_v1alpha1: type[FakeConfig], key: str) -> None:
    value = {"version": "v1alpha1", "machine": "{}", "cluster": "{}", "debug": "true", "persist": "true"}[key]
    cfg = load(f"{key}: {value}\n")
    assert isinstance(cfg.v1alpha1(), FakeConfig)


def test_missing_kind_and_api_version() -> None:
    with pytest.raises(ConfigError, match="missing kind") as exc:
        load("apiVersion: v2\nname: x\n", "p.yaml")
    assert "p.yaml:1" in str(exc.value)
    with pytest.raises(ConfigError, match="missing apiVersion"):
        load("kind: PyTestLinkConfig\nname: x\n", "p.yaml")


def test_unknown_kind_names_kind_and_line() -> None:
    with pytest.raises(ConfigError) as exc:
        load(LINK + "---\napiVersion: v1alpha1\nkind: NoSuchConfig\n", "p.yaml")
    assert 'unknown document kind "NoSuchConfig"' in str(exc.value)
    assert exc.value.line == 5 and exc.value.source == "p.yaml"
    assert str(exc.value).startswith("p.yaml:6: kind: error decoding document v1alpha1/NoSuchConfig/: ")


def test_duplicate_documents_rejected_with_line() -> None:
    with pytest.raises(ConfigError) as exc:
        load(LINK + "---\n" + LINK, "d.yaml")
    assert "duplicate document v1alpha1/PyTestLinkConfig/eth0 is not allowed (line 5)" in str(exc.value)


def test_duplicate_allowed_for_patches() -> None:
    cfg = load(LINK + "mtu: 1\n---\n" + LINK + "mtu: 2\n", allow_duplicates=True)
    assert [d.mtu for d in cfg.config_documents] == [1, 2]


def test_double_v1alpha1_fixture_rejected(any_v1alpha1: type[Struct]) -> None:
    data = config_testdata(
        "configloader", "internal", "decoder", "testdata", "double", "v1alpha1.yaml"
    ).read_bytes()
    with pytest.raises(ConfigError, match=r"duplicate document /v1alpha1/ is not allowed \(line 5\)"):
        load(data, "v1alpha1.yaml")
    assert len(load(data, allow_duplicates=True).config_documents) == 2


def test_unknown_keys_listed_with_path_and_line(fake_v1alpha1: type[FakeConfig]) -> None:
    text = "version: v1alpha1\nmachine:\n  type: worker\n  foo: 1\n  network:\n    bar: [1]\n"
    with pytest.raises(ConfigError) as exc:
        load(text, "u.yaml")
    err = exc.value
    assert err.path == "machine.foo" and err.line == 3
    assert str(err).startswith(
        "u.yaml:4: machine.foo: error decoding document /v1alpha1/: unknown keys found"
    )
    assert err.message.endswith("machine:\n    foo: 1\n    network:\n        bar: [1]\n")


def test_unknown_keys_inside_lists() -> None:
    with pytest.raises(ConfigError) as exc:
        load(LINK + "addresses:\n  - address: 1.1.1.1/32\n  - address: 2.2.2.2/32\n    bogus: x\n", "l.yaml")
    assert exc.value.path == "addresses[1].bogus"
    assert "addresses:\n    - bogus: x\n" in exc.value.message


def test_type_errors_name_path() -> None:
    with pytest.raises(ConfigError) as exc:
        load(LINK + "mtu: [1]\n", "t.yaml")
    assert exc.value.path == "mtu" and exc.value.line == 3


def test_yaml_syntax_error_has_location() -> None:
    with pytest.raises(ConfigError) as exc:
        load("a: [1\n", "s.yaml")
    assert str(exc.value).startswith("s.yaml:")


def test_empty_input_is_config_not_found() -> None:
    with pytest.raises(ConfigError, match="config not found"):
        load("# nothing\n")
    assert len(load("", allow_empty=True)) == 0


def test_non_mapping_document_rejected() -> None:
    with pytest.raises(ConfigError, match="expected a YAML document at line 1"):
        load("- a\n- b\n")


def test_source_bytes_preserved() -> None:
    text = LINK + "mtu:   9000   # jumbo\n"
    cfg = load(text)
    assert cfg.bytes() == text.encode()
    assert cfg.clone().bytes() != text.encode()


# ---------------------------------------------------------------- $patch: delete


def test_delete_fixture_extraction() -> None:
    base = config_testdata("configloader", "internal", "decoder", "testdata", "delete")
    docs = yamlx.parse_documents((base / "delete.yaml").read_bytes())
    selectors = []
    remaining = []
    for idx, node in enumerate(docs):
        found, rest = extract_deletes(node, idx)
        selectors.extend(found)
        if rest is not None:
            remaining.append(yamlx.from_node(rest))
    assert [str(s) for s in selectors] == [
        "{apiVersion:v1alpha1, kind:SideroLinkConfig, idx:0}",
        "{path:configFiles.[0], apiVersion:v1alpha1, kind:ExtensionServiceConfig, "
        "key:content, value:hello, idx:1, name:foo}",
        "{path:machine.hostname, kind:v1alpha1, idx:2}",
        "{path:machine.network.[0], kind:v1alpha1, key:interface, value:eth0, idx:2}",
    ]
    assert remaining == yamlx.loads_all((base / "delete_expected.yaml").read_bytes())


def test_delete_inner_key_of_list_element_rejected() -> None:
    text = LINK + "addresses:\n  - address: 1.1.1.1/32\n    priority:\n      $patch: delete\n"
    with pytest.raises(ConfigError, match=r"cannot delete an inner key in 'addresses\.\[0\]\.priority'"):
        load(text, allow_patch_delete=True)


def test_delete_whole_document_needs_api_version_and_kind() -> None:
    with pytest.raises(ConfigError, match="missing apiVersion in document for which"):
        load("kind: X\n$patch: delete\n", allow_patch_delete=True)
    with pytest.raises(ConfigError, match="kind and apiVersion must be both set for path a"):
        load("kind: X\na:\n  $patch: delete\n", allow_patch_delete=True)


def test_delete_list_element_needs_a_key() -> None:
    with pytest.raises(ConfigError, match="no key:val found in sequence node for path addresses"):
        load(LINK + "addresses:\n  - $patch: delete\n", allow_patch_delete=True)


def test_patch_delete_only_patch_loads_selectors() -> None:
    cfg = load(LINK + "$patch: delete\n", allow_patch_delete=True)
    assert [str(s) for s in cfg.selectors] == [
        "{apiVersion:v1alpha1, kind:PyTestLinkConfig, idx:0, name:eth0}"
    ]
    assert cfg.config_documents == []


def test_patch_delete_markers_rejected_without_flag() -> None:
    with pytest.raises(ConfigError, match="unknown keys"):
        load(LINK + "$patch: delete\n")


# ---------------------------------------------------------------- upstream fixtures

LOADER_TESTS = ["controlplane", "worker", "empty1", "empty2", "multidoc1", "multidoc2", "multidoc3"]
NEEDED_KINDS = {
    "multidoc1": ("SideroLinkConfig", "KmsgLogConfig"),
    "multidoc2": ("ExtensionServiceConfig",),
    "multidoc3": ("NetworkDefaultActionConfig", "NetworkRuleConfig"),
}


@pytest.mark.parametrize("name", LOADER_TESTS)
def test_configloader_fixtures_load(name: str) -> None:
    data = config_testdata("configloader", "testdata", f"{name}.test").read_bytes()
    require_kinds(*NEEDED_KINDS.get(name, ()))
    if not name.startswith("multidoc"):
        require_v1alpha1()
    cfg = load(data, f"{name}.test")
    assert cfg.config_documents
    again = load(cfg.encode())
    assert again.encode() == cfg.encode()


@pytest.mark.parametrize("name", ["controlplane", "worker"])
def test_decoder_fixtures_load(name: str) -> None:
    data = config_testdata("configloader", "internal", "decoder", "testdata", f"{name}.yaml").read_bytes()
    require_v1alpha1()
    cfg = load(data, f"{name}.yaml")
    assert cfg.v1alpha1() is not None


def test_fuzz_corpus_does_not_crash() -> None:
    folder = config_testdata("configloader", "testdata", "fuzz", "FuzzConfigLoader")
    files = sorted(folder.iterdir())
    assert files
    for path in files:
        text = path.read_text()
        literal = text[text.index("[]byte(") + len("[]byte(") : text.rindex(")")]
        data = ast.literal_eval(literal).encode()
        try:
            cfg = load(data, path.name)
        except ConfigError as exc:
            assert str(exc)
        else:
            cfg.encode()


FRAGMENTS = [
    "version: v1alpha1\n",
    "machine:\n",
    "  type: worker\n",
    "  network:\n",
    "    hostname: x\n",
    "      - interface: eth0\n",
    "        $patch: delete\n",
    "---\n",
    "apiVersion: v1alpha1\n",
    "kind: LinkConfig\n",
    "name: eth0\n",
    "$patch: delete\n",
    "cluster: null\n",
    "[1, 2]\n",
    "&x a: *x\n",
    "persist: [1]\n",
    "addresses:\n",
    "  - address: 1.2.3.4/24\n",
    "\t\n",
]


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.sampled_from(FRAGMENTS), max_size=10), patch_mode=st.booleans())
def test_garbage_never_crashes(parts: list[str], patch_mode: bool) -> None:
    text = "".join(parts)
    try:
        cfg = load(text, "fuzz.yaml", allow_patch_delete=patch_mode, allow_duplicates=patch_mode)
    except ConfigError as exc:
        assert exc.source == "fuzz.yaml" or "fuzz.yaml" in str(exc)
    else:
        # what loaded must encode to something that loads again under the same rules
        again = cfg.encode() or "version: v1alpha1\n"
        load(again, allow_empty=True, allow_patch_delete=patch_mode, allow_duplicates=patch_mode)

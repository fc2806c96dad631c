"""Strategic merge semantics on small documents: merging, appending, deletes, sequencing."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.container import Container
from pytalos.machinery.config.errors import ConfigError
from pytalos.machinery.config.loader import load
from pytalos.machinery.config.patch import apply, load_patch

from .._fakes import FakeConfig
from ..conftest import require_kinds

BASE = """version: v1alpha1
machine:
  type: worker
  certSANs: [a]
  network:
    hostname: h1
    interfaces:
      - interface: eth0
        dhcp: true
      - interface: eth1
        mtu: 9000
    nameservers: [1.1.1.1]
  nodeLabels:
    zone: a
    rack: "1"
  extraArgs:
    foo: bar
    keep: me
---
apiVersion: v1alpha1
kind: PyTestLinkConfig
name: eth0
up: true
addresses:
  - address: 10.0.0.1/24
  - address: 10.0.0.2/24
"""


LINK_HEAD = "apiVersion: v1alpha1\nkind: PyTestLinkConfig\nname: eth0\n"


def _apply(base: str, *patches: str) -> Container:
    return apply(load(base, "base.yaml"), [load_patch(p, f"patch{i}.yaml") for i, p in enumerate(patches)])


def test_merge_appends_lists_overrides_scalars_and_replaces(fake_v1alpha1: type[FakeConfig]) -> None:
    out = _apply(
        BASE, "machine:\n  certSANs: [b]\n  network:\n    hostname: h2\n    nameservers: [8.8.8.8]\n"
    )
    machine = out.v1alpha1().machine
    assert machine.cert_sans == ["a", "b"]
    assert machine.network.hostname == "h2"
    assert machine.network.nameservers == ["8.8.8.8"]  # merge:"replace"
    assert len(machine.network.interfaces) == 2


def test_merge_does_not_modify_input(fake_v1alpha1: type[FakeConfig]) -> None:
    base = load(BASE)
    before = base.encode()
    apply(base, [load_patch("machine:\n  network:\n    hostname: other\n")])
    assert base.encode() == before


def test_unknown_documents_are_appended(fake_v1alpha1: type[FakeConfig]) -> None:
    out = _apply(BASE, "apiVersion: v1alpha1\nkind: PyTestLinkConfig\nname: eth9\nmtu: 1400\n")
    assert [d.identity() for d in out.config_documents[1:]] == [
        "v1alpha1/PyTestLinkConfig/eth0",
        "v1alpha1/PyTestLinkConfig/eth9",
    ]


def test_v1alpha1_added_first(fake_v1alpha1: type[FakeConfig]) -> None:
    out = _apply("apiVersion: v1alpha1\nkind: PyTestLinkConfig\nname: eth0\n", "machine:\n  type: worker\n")
    assert isinstance(out.config_documents[0], FakeConfig)


def test_delete_forms(fake_v1alpha1: type[FakeConfig]) -> None:
    patch = """machine:
  network:
    hostname:
      $patch: delete
    interfaces:
      - interface: eth0
        $patch: delete
  nodeLabels:
    zone:
      $patch: delete
  extraArgs:
    foo:
      $patch: delete
---
apiVersion: v1alpha1
kind: PyTestLinkConfig
name: eth0
addresses:
  - address: 10.0.0.1/24
    $patch: delete
  - address: 10.0.0.3/24
"""
    out = _apply(BASE, patch)
    machine = out.v1alpha1().machine
    assert machine.network.hostname == ""
    assert [i.interface for i in machine.network.interfaces] == ["eth1"]
    assert machine.node_labels == {"rack": "1"}
    assert machine.extra_args.values == {"keep": "me"}
    link = out.get("PyTestLinkConfig", "eth0")
    assert [a.address for a in link.addresses] == ["10.0.0.2/24", "10.0.0.3/24"]


def test_delete_whole_document_and_missing_document_skipped(fake_v1alpha1: type[FakeConfig]) -> None:
    patch = (
        "apiVersion: v1alpha1\nkind: PyTestLinkConfig\nname: eth0\n$patch: delete\n---\n"
        "apiVersion: v1alpha1\nkind: PyTestLinkConfig\nname: eth5\n$patch: delete\n"
    )
    out = _apply(BASE, patch)
    assert out.get("PyTestLinkConfig") is None
    assert out.v1alpha1() is not None


def test_delete_missing_path_errors_with_talos_text(fake_v1alpha1: type[FakeConfig]) -> None:
    with pytest.raises(ConfigError) as exc:
        _apply(
            "version: v1alpha1\nmachine: {}\n", "machine:\n  network:\n    hostname:\n      $patch: delete\n"
        )
    assert exc.value.message == (
        "patch delete: path 'machine.network.hostname' in document '/v1alpha1': "
        "failed to delete path 'machine.network.hostname': lookup failed"
    )
    assert exc.value.source == "patch0.yaml"


def test_delete_missing_list_element_errors(fake_v1alpha1: type[FakeConfig]) -> None:
    patch = LINK_HEAD + "addresses:\n  - address: 9.9.9.9/32\n    $patch: delete\n"
    with pytest.raises(ConfigError) as exc:
        _apply(BASE, patch)
    assert exc.value.message == (
        "named patch delete: document v1alpha1/PyTestLinkConfig: "
        "failed to delete path 'addresses.[0]': lookup failed"
    )


def test_same_identity_documents_apply_in_sequence(fake_v1alpha1: type[FakeConfig]) -> None:
    head = "apiVersion: v1alpha1\nkind: PyTestLinkConfig\nname: eth0\n"
    patch = (
        head
        + "addresses:\n  $patch: delete\n---\n"
        + head
        + "addresses:\n  - address: 1.1.1.1/32\n---\n"
        + head
        + "mtu: 1280\n"
    )
    link = _apply(BASE, patch).get("PyTestLinkConfig", "eth0")
    assert [a.address for a in link.addresses] == ["1.1.1.1/32"]
    assert link.mtu == 1280
    assert link.up is True  # pointers are untouched by documents that do not set them


def test_booleans_always_override(fake_v1alpha1: type[FakeConfig]) -> None:
    out = _apply("version: v1alpha1\ndebug: true\nmachine: {}\n", "machine:\n  type: worker\n")
    assert out.v1alpha1().debug is False


def test_conflicting_result_rejected(fake_v1alpha1: type[FakeConfig]) -> None:
    with pytest.raises(
        ConfigError, match="conflicting documents: PyTestLinkConfig/eth0 and PyTestBondConfig/eth0"
    ):
        _apply(BASE, "apiVersion: v1alpha1\nkind: PyTestBondConfig\nname: eth0\n")


def test_mixed_registry_mirror_sequence() -> None:
    require_kinds("RegistryMirrorConfig", "LinkConfig")
    base = (
        "apiVersion: v1alpha1\nkind: RegistryMirrorConfig\nname: docker.io\nendpoints:\n  - url: http://10.5.0.1:5000\n"
        "---\napiVersion: v1alpha1\nkind: LinkConfig\nname: eth1\naddresses:\n  - address: 192.168.7.2/24\n"
    )
    head = "apiVersion: v1alpha1\nkind: RegistryMirrorConfig\nname: docker.io\n"
    patch = (
        head
        + "endpoints:\n  $patch: delete\n---\n"
        + head
        + "endpoints:\n  - url: http://10.5.0.9:5000\n---\n"
        + head
        + "skipFallback: true\n"
    )
    out = _apply(base, patch)
    assert out.encode() == (
        "apiVersion: v1alpha1\nkind: RegistryMirrorConfig\nname: docker.io\nendpoints:\n"
        "    - url: http://10.5.0.9:5000\nskipFallback: true\n"
        "---\napiVersion: v1alpha1\nkind: LinkConfig\nname: eth1\naddresses:\n    - address: 192.168.7.2/24\n"
    )


def test_link_address_replaced_in_one_patch() -> None:
    require_kinds("LinkConfig")
    base = (
        "apiVersion: v1alpha1\nkind: LinkConfig\nname: eth1\naddresses:\n"
        "  - address: 192.168.7.2/24\n  - address: 192.168.7.3/24\n"
    )
    patch = (
        "apiVersion: v1alpha1\nkind: LinkConfig\nname: eth1\naddresses:\n"
        "  - address: 192.168.7.2/24\n    $patch: delete\n  - address: 192.168.7.4/24\n"
    )
    out = _apply(base, patch)
    assert out.encode() == (
        "apiVersion: v1alpha1\nkind: LinkConfig\nname: eth1\naddresses:\n"
        "    - address: 192.168.7.3/24\n    - address: 192.168.7.4/24\n"
    )

"""Container behaviour: ordering, lookup, encoding, validation, redaction, cloning."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.container import Container, doc_id, doc_identity
from pytalos.machinery.config.errors import ConfigError, ValidationError
from pytalos.machinery.config.loader import load
from tests._shared import config_testdata

from ._fakes import FakeConfig, FakeMachine, PyTestBondConfig, PyTestLinkConfig, PyTestSecretConfig
from .conftest import require_kinds


def test_v1alpha1_first_then_documents_in_order(fake_v1alpha1: type[FakeConfig]) -> None:
    eth1 = PyTestLinkConfig(name="eth1")
    eth0 = PyTestLinkConfig(name="eth0")
    legacy = FakeConfig(version="v1alpha1", machine=FakeMachine(type="worker"))
    cfg = Container([eth1, legacy, eth0])
    assert cfg.documents == [legacy, eth1, eth0]
    assert cfg.v1alpha1() is legacy
    assert [doc_identity(d) for d in cfg] == [
        "v1alpha1",
        "v1alpha1/PyTestLinkConfig/eth1",
        "v1alpha1/PyTestLinkConfig/eth0",
    ]
    assert doc_id(eth0) == "PyTestLinkConfig/eth0" and doc_id(legacy) == "v1alpha1"
    assert cfg.find("v1alpha1/PyTestLinkConfig/eth0") is eth0


def test_encode_joins_documents_like_talos(fake_v1alpha1: type[FakeConfig]) -> None:
    cfg = Container([PyTestLinkConfig(name="eth0", mtu=1500), FakeConfig(version="v1alpha1")])
    assert cfg.encode() == (
        "version: v1alpha1\nmachine: null\ncluster: null\n---\n"
        "apiVersion: v1alpha1\nkind: PyTestLinkConfig\nname: eth0\nmtu: 1500\n"
    )
    assert Container().encode() == ""


def test_duplicates_and_conflicts_rejected(fake_v1alpha1: type[FakeConfig]) -> None:
    with pytest.raises(ConfigError, match="duplicate document: PyTestLinkConfig/eth0"):
        Container([PyTestLinkConfig(name="eth0"), PyTestLinkConfig(name="eth0")])
    with pytest.raises(ConfigError, match=r"duplicate v1alpha1\.Config"):
        Container([FakeConfig(), FakeConfig()])
    with pytest.raises(
        ConfigError, match="conflicting documents: PyTestLinkConfig/eth0 and PyTestBondConfig/eth0"
    ):
        Container([PyTestLinkConfig(name="eth0"), PyTestBondConfig(name="eth0")])
    Container([PyTestLinkConfig(name="eth0"), PyTestBondConfig(name="bond0")])
    assert (
        len(Container([PyTestLinkConfig(name="eth0"), PyTestLinkConfig(name="eth0")], allow_duplicates=True))
        == 2
    )


def _generated(machine_type: str = "worker") -> Container:
    from pytalos.machinery.config.contract import VersionContract
    from pytalos.machinery.config.generate import Input, generate

    inp = Input("c", "https://10.5.0.2:6443", "1.28.0", version_contract=VersionContract.parse("v1.10"))
    return generate(inp, machine_type)


def test_validate_collects_all_errors() -> None:
    from pytalos.machinery.config.types.v1alpha1 import Config

    cfg = Container([Config(config_version="v1alpha1"), PyTestLinkConfig(name="")])
    with pytest.raises(ValidationError) as exc:
        cfg.validate("metal")
    legacy, link = exc.value.errors
    assert legacy.startswith("v1alpha1.Config: ") and "machine instructions are required" in legacy
    assert link == "PyTestLinkConfig/: name is required"


def test_validate_warnings_and_strict() -> None:
    cfg = _generated()
    cfg.v1alpha1().machine_config.machine_type = "join"  # type: ignore[union-attr]
    warning = 'use "worker" instead of "join" for machine type'
    assert cfg.validate("container") == [warning]
    with pytest.raises(ValidationError, match=f"warning: {warning}"):
        cfg.validate("container", strict=True)


def test_validate_reports_conflicts_after_mutation(fake_v1alpha1: type[FakeConfig]) -> None:
    cfg = Container([PyTestLinkConfig(name="eth0"), PyTestBondConfig(name="bond0")])
    cfg.get("PyTestBondConfig").name = "eth0"  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="conflicting documents"):
        cfg.validate()


def test_v1alpha1_conflict_hook() -> None:
    class Hooked(PyTestBondConfig):
        def v1alpha1_conflict(self, cfg: object) -> str | None:
            return "bond conflicts with .machine.network"

    cfg = _generated()
    cfg.append(Hooked(name="b"))
    with pytest.raises(ValidationError, match="bond conflicts"):
        cfg.validate("container")
    Container([Hooked(name="b")]).validate("metal")


def test_redacted_is_a_copy() -> None:
    cfg = Container([PyTestSecretConfig(token="s3cret", enabled=True)])
    red = cfg.redacted()
    assert red.get("PyTestSecretConfig").token == "REDACTED"  # type: ignore[union-attr]
    assert cfg.get("PyTestSecretConfig").token == "s3cret"  # type: ignore[union-attr]


def test_clone_is_deep() -> None:
    cfg = Container([PyTestLinkConfig(name="eth0", mtu=1)])
    copy = cfg.clone()
    copy.get("PyTestLinkConfig").mtu = 2  # type: ignore[union-attr]
    assert cfg.get("PyTestLinkConfig").mtu == 1  # type: ignore[union-attr]
    assert cfg != copy and cfg == cfg.clone()


def test_real_multidoc_fixture_roundtrip() -> None:
    require_kinds("NetworkDefaultActionConfig", "NetworkRuleConfig")
    data = config_testdata("configloader", "testdata", "multidoc3.test").read_text()
    cfg = load(data)
    assert [d.kind for d in cfg] == ["NetworkDefaultActionConfig", "NetworkRuleConfig", "NetworkRuleConfig"]
    assert load(cfg.encode()).encode() == cfg.encode()


def test_real_link_kinds_conflict() -> None:
    require_kinds("LinkConfig", "BondConfig")
    text = (
        "apiVersion: v1alpha1\nkind: LinkConfig\nname: bond0\n---\n"
        "apiVersion: v1alpha1\nkind: BondConfig\nname: bond0\nlinks: [eth0]\nbondMode: active-backup\n"
    )
    with pytest.raises(ConfigError, match="conflicting documents: LinkConfig/bond0 and BondConfig/bond0"):
        load(text, "c.yaml")
